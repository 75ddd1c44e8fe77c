"""Money, dates, percentages and whole numbers as people read them, in French or English.

French: `12 500,00 €`, `4 juin 2021`, `1er juin 2021`, `12,5 %`, `12 500`.
English: `€12,500.00`, `4 June 2021`, `12.5%`, `12,500`.

Every number is written from its `Decimal` or `int` digits, never through a
float, so an amount shows exactly the cents the decision holds. The French
thousands separator is a plain space, as fitn7 always wrote it (a terminal,
a CSV and a diff show it the same); an HTML rendering that must not break a
line inside an amount can replace it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from fitn7.render.lang import Lang

#: What stands for an amount that is not known or not given.
NO_AMOUNT = "—"

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_GROUP = {"fr": " ", "en": ","}
_POINT = {"fr": ",", "en": "."}


def _grouped(digits: str, lang: Lang) -> str:
    """`12500` → `12 500` (fr) or `12,500` (en): digits in groups of three."""
    head = len(digits) % 3 or 3
    groups = [digits[:head], *(digits[i:i + 3] for i in range(head, len(digits), 3))]
    return _GROUP[lang].join(groups)


def _number(value: Decimal, lang: Lang) -> str:
    """A finite non-negative Decimal in positional notation, grouped, with the
    language's decimal mark (no exponent, the digits it holds)."""
    whole, _, fraction = f"{value:f}".partition(".")
    text = _grouped(whole, lang)
    return f"{text}{_POINT[lang]}{fraction}" if fraction else text


def money(amount: Decimal | None, lang: Lang) -> str:
    """An amount in euros with its cents: `12 500,00 €` (fr), `€12,500.00` (en);
    `-3 000,00 €` / `-€3,000.00` below zero; `—` for none.

    Cents are rounded half-even as `format` does, as fitn7 always showed them.
    """
    if amount is None:
        return NO_AMOUNT
    if not amount.is_finite():
        return str(amount)
    sign = "-" if amount < 0 else ""
    shown = _number(Decimal(f"{abs(amount):.2f}"), lang)
    return f"{sign}{shown} €" if lang == "fr" else f"{sign}€{shown}"


def date(d: datetime.date, lang: Lang) -> str:
    """A date in words: `4 juin 2021`, `1er juin 2021` (fr); `4 June 2021` (en)."""
    day = "1er" if lang == "fr" and d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[lang][d.month - 1]} {d.year}"


def percent(fraction: Decimal, lang: Lang) -> str:
    """A share as a percentage: Decimal("0.5") → `50 %` (fr), `50%` (en); `12,5 %`.

    Shown with the digits the share has, trailing zeros dropped: round it
    first to show fewer.
    """
    value = fraction * 100
    if not value.is_finite():
        return str(value)
    sign = "-" if value < 0 else ""
    whole, _, digits = f"{abs(value):f}".partition(".")
    # Trailing zeros dropped by hand: normalize() would round to the context's precision.
    digits = digits.rstrip("0")
    text = _grouped(whole, lang) + (f"{_POINT[lang]}{digits}" if digits else "")
    return f"{sign}{text} %" if lang == "fr" else f"{sign}{text}%"


def integer(n: int, lang: Lang) -> str:
    """A whole number in groups of three: `12 500` (fr), `12,500` (en); `-12 500`."""
    sign = "-" if n < 0 else ""
    return sign + _grouped(str(abs(n)), lang)


_MONEY = {
    "fr": re.compile(r"(-?)((?:\d{1,3})(?: \d{3})*),(\d\d) €"),
    "en": re.compile(r"(-?)€((?:\d{1,3})(?:,\d{3})*)\.(\d\d)"),
}


def parse_money(text: str, lang: Lang) -> Decimal | None:
    """The amount `money` wrote as `text` (None for `—`); raises `ValueError` for any
    other text. For tests and tools that read a rendering back."""
    if text == NO_AMOUNT:
        return None
    match = _MONEY[lang].fullmatch(text)
    if match is None:
        raise ValueError(f"not an amount written by fitn7 in {lang}: {text!r}")
    sign, whole, cents = match.groups()
    try:
        return Decimal(f"{sign}{whole.replace(_GROUP[lang], '')}.{cents}")
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        raise ValueError(f"not an amount: {text!r}") from None
