"""Every source of a démarche brought to one shape: records of cells under the export's headers.

A CSV export, a workbook (xlsx, ods) and an API snapshot each become a
`Source`: one `Entry` per dossier, its cells by column header as the export
writes them, the rows of its repetition block of expense lines, and for every
cell where it was read (`sheet `Dossiers`, row 4, column `ID``, `dossier
4821337, champ `Intitulé du projet``) so that an error names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs
from fitn7.errors import DossierError
from fitn7.loading import Failed
from fitn7_csv.assemble import Origin


@attrs.frozen
class Record:
    """One dossier, or one row of a repetition block, as cells under the export's headers."""

    cells: Mapping[str, object]
    #: Where the cell of a header was read.
    origin_of: Callable[[str], Origin]
    #: The record itself: `sheet `Dossiers`, row 4`, `dossier 4821337`.
    whole: Origin


@attrs.frozen
class Entry:
    """A dossier of the source: its record, its expense lines, or why it cannot be read."""

    record: Record
    #: The dossier number, as text (`4821337`); None when the record has none.
    number: str | None
    #: The rows of the repetition block, in order; None when the dossier has none.
    lines: tuple[Record, ...] | None = None
    problem: DossierError | None = None


@attrs.frozen
class Source:
    """A whole source of dossiers."""

    file: str
    entries: tuple[Entry, ...]
    #: Every header found in the dossiers' records (to check the mapping's against).
    headers: frozenset[str]
    #: Every header found in the repetition block's rows; None when not read.
    line_headers: frozenset[str] | None = None
    #: Where the headers were looked for, for messages: `sheet `Dossiers``.
    where: str = ""
    line_where: str = ""
    #: Repetition rows that go to no dossier, reported after the dossiers.
    line_failures: tuple[Failed, ...] = ()


def cell_origins(file: str, prefix: str) -> Callable[[str], Origin]:
    """`prefix, column `<header>``: where a column's cell of one row was read."""
    return lambda header: Origin(file, f"{prefix}, column `{header}`")


def number_text(value: object) -> str | None:
    """A dossier number as text: `4821337` from a number cell (`4821337.0`) or a text one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None
