"""From the text of a cell to the value a dossier table holds, as the mapping says.

Only what a spreadsheet changes is undone here (decimal commas, thousands
spaces, `Oui`/`Non`, `10/06/2021`, lists in one cell); the value then goes
through fitn7's own dossier reader, which checks it as it checks a TOML file.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fitn7 import types as t

from fitn7_csv.mapping import Column


class CellError(ValueError):
    """A cell that cannot become the field's value; `hint` says how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# Spaces spreadsheets put between thousands: plain, no-break, narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u202f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: `10/06/2021`, `10.06.21`: a day-first date, the sheet's usual way.
_FRENCH_DATE = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1([0-9]{2}|[0-9]{4})")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
#: A money cell `12.000` or `12,000`: twelve euros, or twelve thousand?
_THOUSANDS_LIKE = re.compile(r"[0-9]{1,3}\.[0-9]{2}0")
_EXAMPLE_DAY = datetime.datetime(2021, 6, 10, 14, 30)


def convert(column: Column, cell: str) -> Any:
    """The value of a non-empty, stripped cell for the column's field; raises `CellError`."""
    ftype = column.field.type
    if isinstance(ftype, t.ListOf | t.SetOf):
        items = [item.strip() for item in cell.split(column.split)]
        texts = [column.values.get(item, item) for item in items if item]
        if ftype.element == t.STRING:
            return texts
        return [_scalar(ftype.element, column, text) for text in texts]
    text = column.values.get(cell, cell)
    if column.field.is_document:
        # A document's column holds a file name, a link, `Oui`: provided unless it says no.
        return text.casefold() not in column.no
    return _scalar(ftype, column, text)


def _scalar(ftype: t.Type, column: Column, text: str) -> Any:
    """One value of type `ftype` from its (translated) text; raises `CellError`."""
    if ftype == t.PERCENT:
        return _percent(text, column)
    if ftype in (t.MONEY, t.DECIMAL):
        return _number(text, column, money=ftype == t.MONEY)
    if ftype == t.INT:
        digits = _SPACES.sub("", text)
        if not _DIGITS.fullmatch(digits):  # ASCII only: `"²".isdigit()` is true
            raise CellError("expected an integer", "write digits only, e.g. `6643`")
        return int(digits)
    if ftype == t.DATE:
        return _date(text, column)
    if ftype == t.BOOL:
        word = text.casefold()
        if word in column.yes:
            return True
        if word in column.no:
            return False
        raise CellError(
            f"expected yes or no, got `{text}`",
            f"yes is one of {_listed(column.yes)}, no one of {_listed(column.no)}; list other "
            "words under `yes` or `no` for this column in the mapping",
        )
    return text


def _percent(text: str, column: Column) -> Any:
    """A share as fitn7 reads it: `"40%"` from `40 %` (`12,5 %` with `decimal_comma`), or
    a fraction (`0.4`) as a Decimal."""
    compact = _SPACES.sub("", text)
    if not compact.endswith("%"):
        return _number(text, column, money=False)
    number = _number(compact.removesuffix("%"), column, money=False)
    return f"{number}%"


def _number(text: str, column: Column, *, money: bool) -> Any:
    """An amount as a dot-decimal string (fitn7 checks cents and sign), or a Decimal."""
    compact = _SPACES.sub("", text).removesuffix("€").removesuffix("EUR")
    if column.decimal_comma:
        if "." in compact:
            raise CellError(
                f"expected a number with a decimal comma, got `{text}`",
                "write e.g. `12 000,50`, or drop `decimal_comma` for this column",
            )
        compact = compact.replace(",", ".")
    elif "," in compact:
        raise CellError(
            f"expected a number with a decimal point, got `{text}`",
            "set `decimal_comma = true` for this column in the mapping",
        )
    if money and _THOUSANDS_LIKE.fullmatch(compact):
        # Three decimals ending in 0 pass as cents: `12.000` would be 12 €
        # where the sheet may mean 12 000 €.
        separator = "," if column.decimal_comma else "."
        raise CellError(
            f"ambiguous amount `{text}`: three digits after the `{separator}`",
            f"write `{compact.replace('.', '')}` for thousands (or with a space: "
            f"`{compact.replace('.', ' ')}`), or two decimals for cents",
        )
    if not _NUMBER.fullmatch(compact):
        # Before fitn7's own reader, whose hint (a dot before the cents) would
        # contradict a decimal-comma column: `1,2E+07` is no way to write euros.
        example = "12 000,50" if column.decimal_comma else "12000.50"
        raise CellError(f"expected a number, got `{text}`",
                        f"write it in digits, e.g. `{example}`")
    # A dossier field goes through fitn7's money reader, which names the
    # problem (negative, finer than a cent); an `extra` field is checked here.
    if money and not column.field.is_extra:
        return compact
    if money and compact.startswith("-"):
        raise CellError(f"negative amount `{text}`")
    try:
        return Decimal(compact)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise CellError(f"expected a number, got `{text}`") from None


def _date(text: str, column: Column) -> Any:
    """A date from the column's `format`, or the text itself (an ISO date fitn7 reads)."""
    if column.format is None:
        if found := _FRENCH_DATE.fullmatch(text):
            year = "%Y" if len(found.group(2)) == 4 else "%y"
            sep = found.group(1)
            typed = ' type = "date",' if column.field.is_extra else ""
            raise CellError(
                f"expected a date written YYYY-MM-DD, got `{text}`",
                f'give the column its format in the mapping: {{ field = "{column.field}",'
                f'{typed} format = "%d{sep}%m{sep}{year}" }}',
            )
        if not column.field.is_extra:
            return text
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CellError(
                f"expected a date, got `{text}`",
                'write it YYYY-MM-DD, or give its `format` in the mapping, e.g. "%d/%m/%Y"',
            ) from None
    try:
        return datetime.datetime.strptime(text, column.format).date()
    except ValueError:
        raise CellError(
            f"expected a date written like `{_EXAMPLE_DAY.strftime(column.format)}`, "
            f"got `{text}`",
            f"the mapping gives the format `{column.format}`",
        ) from None


def _listed(words: tuple[str, ...]) -> str:
    return ", ".join(f"`{w}`" for w in words)
