"""Readers for the scalar values of a dossier: text, integers, booleans, money, dates, enums.

Each reader takes the raw value as TOML or JSON gave it (or as a plugin built
it) and returns the typed value, or raises a `DossierError` at its `Where`.
Readers are strict on purpose: a prefecture agent who writes `zrr = "oui"` or
`amount = "12 000,50"` gets told where and how to fix it instead of a dossier
silently read otherwise.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from fitn7.applicants import kind_value
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Category, Kind
from fitn7.legal_forms import IdentifierError, LegalFormError, validate_siren, validate_siret
from fitn7.limits import (
    MAX_DEPTH,
    Quantity,
    shown,
    surrogate_at,
    text_problem,
    text_shown,
    value_problem,
)
from fitn7.loading.where import Where

_E = TypeVar("_E", bound=enum.Enum)

_DIGITS = re.compile(r"[0-9]+")
_MONEY = re.compile(r"[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]")
_CENT = Decimal("0.01")

_MONEY_MESSAGE = "expected money (a number of euros)"
_MONEY_HINT = "write euros with a dot before the cents and no spaces, e.g. `12000.50`"
_FLOAT_HINT = "pass a Decimal or a string: fitn7 never reads numbers as float"
#: Text fields that look like numbers; an integer there would lose leading zeros.
_CODE_FIELDS = frozenset({"id", "code", "departement", "region", "siret", "siren"})
_LIMIT_HINT = "check the number of digits; docs/dossiers.md lists the limits"


class OversizedNumber:
    """A number of a file that cannot be read as one: a JSON integer too long (Python
    refuses to convert more than 4 300 digits), or a decimal whose exponent is beyond
    what `Decimal` holds (`99E999999999999999999`). Kept as text so the reader of its
    field refuses it with the field's path, rather than the whole file failing."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"OversizedNumber({len(self.text)} characters)"


#: Digits beyond which a JSON integer is kept as an `OversizedNumber`: far past every
#: limit of `fitn7.limits`, far below Python's 4 300.
JSON_INT_DIGITS = 64


def json_int(text: str) -> int | OversizedNumber:
    """`parse_int` for `json.loads`: an int, or an `OversizedNumber` for a very long one."""
    if len(text) > JSON_INT_DIGITS:
        return OversizedNumber(text)
    return int(text)


def exact_number(text: str) -> Decimal | OversizedNumber:
    """`parse_float` for `tomllib` and `json`: the exact `Decimal` a file writes, or an
    `OversizedNumber` when its exponent is beyond any `Decimal`."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return OversizedNumber(text)


def check_size(value: Any, at: Where, quantity: Quantity) -> None:
    """Raise the error for a number beyond the limits of `quantity` (see `fitn7.limits`);
    anything else, a NaN included, is left to the caller's own checks."""
    if isinstance(value, Decimal) and not value.is_finite():
        return
    problem: str | None
    if isinstance(value, OversizedNumber):
        problem = text_problem(value.text, quantity) or (
            f"{shown(value.text)} is out of range: its exponent is beyond any number "
            "a dossier holds")
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        problem = value_problem(value, quantity)
    else:
        return
    if problem is not None:
        raise at.error(problem, _LIMIT_HINT)


def check_text(text: str, at: Where) -> str:
    """`text` itself, after refusing a lone surrogate (JSON `"\\ud800"`): not a character,
    it could not be written out in a hash, a report or a terminal."""
    index = surrogate_at(text)
    if index is not None:
        raise at.error(
            f"the text is not valid Unicode: `{text_shown(text[index])}` at character "
            f"{index + 1} is a lone surrogate",
            "a JSON `\\uD800`-`\\uDFFF` escape must be followed by its pair: write the "
            "character itself",
        )
    return text


def read_str(value: Any, at: Where, *, field: str | None = None) -> str:
    """A text value; an integer is refused even for a code (it would lose leading zeros)."""
    if isinstance(value, str):
        return check_text(value, at)
    hint = None
    if field in _CODE_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        hint = f'this is text: write it in quotes, e.g. "{value}"'
    raise at.error("expected a string", hint)


def read_int(value: Any, at: Where) -> int:
    """A non-negative integer, or a string of ASCII digits (as CSV exports give them)."""
    if isinstance(value, bool):
        raise at.error("expected an integer")
    # Sizes first: `int()` of a huge number fails, or takes the machine's memory.
    check_size(value, at, Quantity.WHOLE)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        raise at.error("expected an integer", f"write it without decimals: `{int(value)}`")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        problem = text_problem(value, Quantity.WHOLE)
        if problem is not None:
            raise at.error(problem, _LIMIT_HINT)
        number = int(value)
    else:
        hint = "write digits only, e.g. `6643`" if isinstance(value, str) else None
        raise at.error("expected an integer", hint)
    if number < 0:
        raise at.error(f"expected a non-negative integer, got `{number}`")
    return number


def read_bool(value: Any, at: Where) -> bool:
    """A real boolean: `"yes"`, `"oui"` or `1` are refused rather than guessed."""
    if isinstance(value, bool):
        return value
    hint = "write true or false, without quotes" if isinstance(value, str | int) else None
    raise at.error("expected a boolean (true or false)", hint)


def read_money(value: Any, at: Where) -> Decimal:
    """Euros as a Decimal, from an integer, a decimal (never a float) or a dot-decimal string.

    Negative amounts and more than two decimals (finer than a cent) are errors.
    The result always has two decimals (`Decimal("35000.00")`).
    """
    if isinstance(value, bool):
        raise at.error(_MONEY_MESSAGE)
    check_size(value, at, Quantity.EUROS)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise at.error(_MONEY_MESSAGE, f"`{value}` is not an amount")
        amount = value
    elif isinstance(value, str):
        if not _MONEY.fullmatch(value):
            if value.startswith("-") and _MONEY.fullmatch(value[1:]):
                raise at.error(f"negative amount `{value}`")
            raise at.error(_MONEY_MESSAGE, _MONEY_HINT)
        problem = text_problem(value, Quantity.EUROS)
        if problem is not None:
            raise at.error(problem, _LIMIT_HINT)
        amount = Decimal(value)
    elif isinstance(value, float):
        raise at.error(_MONEY_MESSAGE, _FLOAT_HINT)
    else:
        raise at.error(_MONEY_MESSAGE)
    if amount.is_zero():
        # `-0.00` is zero: keep the sign out so it prints and compares as 0.
        return _CENT * 0
    if amount < 0:
        raise at.error(f"negative amount `{value}`")
    try:
        cents = amount.quantize(_CENT)
    except InvalidOperation:
        raise at.error(_MONEY_MESSAGE, f"`{value}` is too large") from None
    if cents != amount:
        raise at.error(f"amount `{value}` is finer than a cent", "write at most two decimals")
    # Always in cents: `35000` and `"35000.00"` are one amount, and every value
    # derived from it (a trace, a hash) is written the same way.
    return cents


def read_date(value: Any, at: Where) -> datetime.date:
    """A calendar date, from a TOML date or an ISO string `2021-06-10`; no time of day."""
    # datetime is a subclass of date: test it first so a time of day is refused.
    if isinstance(value, datetime.datetime):
        raise at.error(
            "expected a date", "got a date and time: write only the date, e.g. 2021-06-10"
        )
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                raise at.error(
                    "expected a date", f"`{value}` is not a day of the calendar"
                ) from None
        if _ISO_DATE_TIME.match(value):
            raise at.error(
                "expected a date", "got a date and time: write only the date, e.g. 2021-06-10"
            )
        raise at.error("expected a date", "write dates as YYYY-MM-DD, e.g. 2021-06-10")
    raise at.error("expected a date")


def _read_enum(value: Any, at: Where, enum_type: type[_E], what: str) -> _E:
    """A member of `enum_type` from its value; unknown words get a `did you mean`."""
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        check_text(value, at)
    else:
        first = next(iter(enum_type)).value
        raise at.error("expected a string", f'write a name in quotes, e.g. "{first}"')
    for member in enum_type:
        if member.value == value:
            return member
    names = [str(m.value) for m in enum_type]
    hint = did_you_mean(value, names) or did_you_mean(value.lower(), names)
    if hint is None:
        hint = "one of " + ", ".join(f"`{n}`" for n in names)
    raise at.error(f"unknown {what} `{value}`", hint)


def read_kind(value: Any, at: Where, *, role: str) -> str:
    """A legal form, by readable name (`commune`, `association`) or INSEE catégorie
    juridique code (`7210`, `9220`): its kind (see `fitn7.applicants.kind_value`).

    `role` (`applicant`, `member`) only words the message.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        raise at.error(
            "expected a string",
            f'a catégorie juridique code is text: write it in quotes, e.g. "{value}"',
        )
    if isinstance(value, Kind):
        return value
    if not isinstance(value, str):
        raise at.error("expected a string", 'write a name in quotes, e.g. "commune"')
    try:
        return kind_value(value)
    except LegalFormError as exc:
        raise at.error(f"unknown {role} kind `{value}`", exc.hint) from None


def read_siret(value: Any, at: Where) -> str:
    """A SIRET: 14 digits whose check digit holds (spaces, as registers print them, dropped)."""
    return _identifier(validate_siret, value, at)


def read_siren(value: Any, at: Where) -> str:
    """A SIREN: 9 digits whose check digit holds (spaces dropped)."""
    return _identifier(validate_siren, value, at)


def _identifier(validate: Callable[[str], str], value: Any, at: Where) -> str:
    text = read_str(value, at, field="siret")
    try:
        return validate(text)
    except IdentifierError as exc:
        raise at.error(f"`{exc.value}` is not a valid {exc.kind}", exc.reason) from None


def read_category(value: Any, at: Where) -> Category:
    """A built-in FITN7 expense category (`etude`, `formation`, ...); a policy's own are
    read by `fitn7.loading.vocabulary.read_category`."""
    return _read_enum(value, at, Category, "expense category")


def read_str_list(value: Any, at: Where) -> tuple[str, ...]:
    """A list of strings (themes, tags) as a tuple; a lone string is refused, not wrapped."""
    if isinstance(value, str):
        raise at.error("expected a list of strings", f'write a list: ["{value}"]')
    if not isinstance(value, Sequence):
        raise at.error("expected a list of strings")
    return tuple(read_str(item, at.index(i)) for i, item in enumerate(value))


def read_extra(value: Any, at: Where) -> dict[str, Any]:
    """A free table of local fields, kept as loaded; floats and non-finite numbers are refused.

    Values stay what TOML or JSON gave (Decimal for decimals, dates, lists,
    tables) so plugins read them as written.
    """
    if not isinstance(value, Mapping):
        raise at.error("expected a table")
    return _check_extra_table(value, at, 1)


def _check_extra_table(value: Mapping[Any, Any], at: Where, depth: int) -> dict[str, Any]:
    """A table of `extra` checked key by key (see `_check_extra_value`)."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = str(key)
        where = at.key(text_shown(name))
        check_text(name, where)
        out[name] = _check_extra_value(item, where, depth)
    return out


def _check_extra_value(value: Any, at: Where, depth: int = 0) -> Any:
    """`value` itself (tables copied to dicts), after refusing anywhere inside: floats,
    numbers beyond the limits, text that is not valid Unicode, and nesting deeper than
    a dossier needs."""
    if isinstance(value, float):
        raise at.error("unexpected float", _FLOAT_HINT)
    if isinstance(value, Decimal) and not value.is_finite():
        raise at.error(f"expected a finite number, got `{value}`")
    if isinstance(value, OversizedNumber | Decimal):
        check_size(value, at, Quantity.DECIMAL)
    elif isinstance(value, int) and not isinstance(value, bool):
        check_size(value, at, Quantity.WHOLE)
    elif isinstance(value, str):
        check_text(value, at)
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_DEPTH:
        raise at.error("tables or lists are nested too deeply to be a dossier",
                       f"local fields nest {MAX_DEPTH} levels at most")
    if isinstance(value, Mapping):
        return _check_extra_table(value, at, depth + 1)
    if isinstance(value, list | tuple):
        checked = [_check_extra_value(v, at.index(i), depth + 1) for i, v in enumerate(value)]
        return checked if isinstance(value, list) else tuple(checked)
    return value
