"""A cell of any source to the value a dossier table holds, through fitn7-csv's conversion.

Exports hold text (CSV) or typed cells (a workbook's numbers, dates and
booleans); a snapshot holds the API's typed values. Typed values are taken
as they are where the field's type fits, else written as the CSV export
writes them, so that one mapping reads every source alike. Money stays
exact: a sheet's float goes through its shortest decimal writing, never
through binary arithmetic.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import attrs
from fitn7 import types as t
from fitn7.loading.values import OversizedNumber
from fitn7_csv.cells import CellError, convert
from fitn7_csv.mapping import Column

from fitn7_demarches_simplifiees.platform import STATE, departement_code, state_code

#: `2021-06-01 10:12:44`, `2021-06-01T10:12:44+02:00`: the platform's dates with a time.
_ISO_DATE_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}")


def convert_cell(column: Column, cell: Any) -> Any:
    """The value of a non-empty cell for the column's field; raises `fitn7_csv.cells.CellError`."""
    ftype = column.field.type
    if isinstance(cell, str):
        return _text(column, normalized(column.header, cell.strip()))
    if isinstance(cell, bool):
        return cell if ftype == t.BOOL else _text(column, "Oui" if cell else "Non")
    if isinstance(cell, datetime.date):
        day = cell.date() if isinstance(cell, datetime.datetime) else cell
        return day if ftype == t.DATE else _text(column, day.isoformat())
    if isinstance(cell, int | float | Decimal):
        # A typed number has no locale: `decimal_comma` is for text cells.
        return convert(attrs.evolve(column, decimal_comma=False), number_text(cell))
    if isinstance(cell, OversizedNumber):  # a snapshot's number beyond any Decimal
        return convert(attrs.evolve(column, decimal_comma=False), cell.text)
    if isinstance(cell, list | tuple):
        items = [str(item).strip() for item in cell if str(item).strip()]
        if isinstance(ftype, t.ListOf):
            return [column.values.get(item, item) for item in items]
        return _text(column, ", ".join(items))
    return _text(column, str(cell))


def normalized(header: str, text: str) -> str:
    """What the platform writes two ways, one way: a state as its API code, a
    `(Département)` column as the code alone."""
    if header == STATE:
        return state_code(text)
    if header.endswith(" (Département)"):
        return departement_code(text)
    return text


def number_text(value: int | float | Decimal) -> str:
    """`24500.5`, `12000`, `10000000000000000`: a number written in plain digits."""
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest writing that reads back the same float
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _text(column: Column, text: str) -> Any:
    if column.field.type == t.DATE and column.format is None:
        found = _ISO_DATE_TIME.match(text)
        if found:
            # The platform writes its dates in French local time: the day is the one written.
            try:
                return datetime.date.fromisoformat(found.group(1))
            except ValueError:
                raise CellError(f"expected a date, got `{text}`",
                                f"`{found.group(1)}` is not a day of the calendar") from None
    return convert(column, text)
