"""The limits on the size of values, far beyond what a real file holds.

A number is checked where it is read (a policy literal, a `--param`, a dossier
field), so that no later stage meets a value it cannot handle: Python refuses
to turn an integer of more than 4 300 digits into text, a `Decimal` of more
than 28 digits cannot be rounded to the cent, and `1e999999999` written out
in full would take a gigabyte. The limits are documented in
docs/diagnostics.md ("Limits") and docs/dossiers.md.

Checks take the text of a number when there is one (a policy token), so that
nothing is converted before it is known to be small enough.
"""

from __future__ import annotations

import enum
import re
from decimal import Decimal

#: Digits a whole number may have: counts, populations, points are below 10¹⁸.
WHOLE_DIGITS = 18
#: Digits before the point of an amount in euros: amounts are below 10¹⁵ €.
EUROS_DIGITS = 15
#: Digits before the point of a percentage: percentages are below 1 000 %.
PERCENT_DIGITS = 3
#: Digits before the point of any other decimal number: below 10¹⁸.
DECIMAL_DIGITS = 18
#: Digits after the point of any number.
FRACTION_DIGITS = 18
#: How deeply the tables and lists of a dossier file may nest.
MAX_DEPTH = 32


class Quantity(enum.Enum):
    """What a number stands for, which sets its limit."""

    WHOLE = "whole number"
    EUROS = "amount in euros"
    PERCENT = "percentage"
    DECIMAL = "number"

    @property
    def digits(self) -> int:
        """How many digits it may have before the point."""
        return _DIGITS[self]

    @property
    def bound(self) -> str:
        """The limit in words: `below 1_000_000_000_000_000 €`."""
        unit = {Quantity.EUROS: " €", Quantity.PERCENT: " %"}.get(self, "")
        return f"below {10**self.digits:_}{unit}"


_DIGITS = {
    Quantity.WHOLE: WHOLE_DIGITS,
    Quantity.EUROS: EUROS_DIGITS,
    Quantity.PERCENT: PERCENT_DIGITS,
    Quantity.DECIMAL: DECIMAL_DIGITS,
}

_NUMBER_TEXT = re.compile(r"(\d*)(?:\.(\d*))?")


def shown(text: str) -> str:
    """A number as a message quotes it: in full when short, else its start and its length
    (`99999999999999…` (5 000 digits)), so a message stays one line."""
    if len(text) <= 30:
        return f"`{text}`"
    digits = sum(ch.isdigit() for ch in text)
    return f"`{text[:16]}…` ({digits:_} digits)".replace("_", " ")


def text_problem(text: str, quantity: Quantity) -> str | None:
    """What is wrong with the size of a number written `text` (digits, an optional point
    and decimals; `_` separators and a sign allowed), or None when it is within limits."""
    body = text.replace("_", "").lstrip("+-")
    match = _NUMBER_TEXT.fullmatch(body)
    if match is None:
        return None  # not a number: the caller's own check says so
    whole, fraction = match.group(1).lstrip("0"), match.group(2) or ""
    if len(whole) > quantity.digits:
        return f"{shown(text)} is too large for {_a(quantity)}: it must be {quantity.bound}"
    if len(fraction) > FRACTION_DIGITS:
        return f"{shown(text)} has more than {FRACTION_DIGITS} digits after the point"
    return None


def value_problem(value: int | Decimal, quantity: Quantity) -> str | None:
    """What is wrong with the size of a number already read, or None.

    Compares without converting: `Decimal("1e999999999")` is refused without
    being written out.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return f"`{value}` is not a number"
        if _fraction_digits(value) > FRACTION_DIGITS:
            return f"{_shown_value(value)} has more than {FRACTION_DIGITS} digits after the point"
    # `adjusted` is the power of ten of the first digit: no arithmetic, which would
    # overflow the Decimal context for `1e999999999`.
    too_large = (
        not value.is_zero() and value.adjusted() >= quantity.digits
        if isinstance(value, Decimal) else abs(value) >= 10**quantity.digits
    )
    if too_large:
        return f"{_shown_value(value)} is too large for {_a(quantity)}: it must be " \
            f"{quantity.bound}"
    return None


def _fraction_digits(value: Decimal) -> int:
    """Digits after the point, trailing zeros left out (`1.50` has one)."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros)) if any(digits) else 0


def _shown_value(value: int | Decimal) -> str:
    if isinstance(value, int) and value.bit_length() > 128:
        # Beyond 4 300 digits Python refuses to write an int out; say its size instead.
        return f"a number of about {int(value.bit_length() * 0.30103):_} digits".replace("_", " ")
    if isinstance(value, Decimal) and not -64 < value.adjusted() < 64:
        return f"`{value:.6e}`"
    return shown(f"{value:f}" if isinstance(value, Decimal) else str(value))


def _a(quantity: Quantity) -> str:
    word = quantity.value
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


# A lone surrogate (`"\ud800"` in JSON) is not a character: it cannot be
# written as UTF-8, so a hash, a report or a terminal would fail on it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate of `text`, or None when it is valid Unicode."""
    found = _SURROGATE.search(text)
    return found.start() if found is not None else None


def text_shown(text: str) -> str:
    """Text quoted in a message, a lone surrogate written as its escape (`\\ud800`)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
