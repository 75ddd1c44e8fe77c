"""Reading a spreadsheet export: encoding, delimiter, header, rows numbered as the sheet shows.

French exports use `;` (Excel in a French locale) or `,` (Démarches
Simplifiées), UTF-8 with or without a byte-order mark, or cp1252 for old
Excel versions. Row numbers are those a spreadsheet shows: the header is row
1, the first dossier row 2, whatever line breaks cells contain.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import attrs
from fitn7.diagnostics import did_you_mean
from fitn7.loading.where import dossier_error

from fitn7_csv.mapping import DELIMITERS


@attrs.frozen
class Row:
    """One row of the export: its number in the sheet and its cells by header."""

    number: int
    cells: dict[str, str]


@attrs.frozen
class Table:
    """A whole export: its header and rows."""

    file: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str


def detect_delimiter(first_line: str) -> str:
    """The delimiter the header line uses most outside quotes (`,` on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_table(
    path: Path, *, encoding: str, delimiter: str | None, needed: Sequence[str]
) -> Table:
    """Read `path` and check that the `needed` headers are there; raises `DossierError`."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise dossier_error(file, "", "no such file") from None
    except OSError as exc:
        raise dossier_error(file, "", f"cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise dossier_error(
            file, "", f"the file is not {encoding.removesuffix('-sig').upper()} text",
            'save it as "CSV UTF-8", or set `encoding = "cp1252"` under [csv] in the mapping',
        ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise dossier_error(file, "", "the file is empty", "expected a header row")
    used = delimiter or detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=used)
    header = tuple(h.strip() for h in next(reader))
    _check_header(file, header, needed, used)
    rows = []
    for index, cells in enumerate(reader):
        number = index + 2
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise dossier_error(
                file, f"row {number}",
                f"{len(cells)} cells for {len(header)} columns",
                f"a cell may hold an unquoted `{_shown(used)}`: quote it, or check the export",
            )
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append(Row(number, {h: c.strip() for h, c in zip(header, padded, strict=False)}))
    return Table(file, header, tuple(rows), used)


def _check_header(file: str, header: tuple[str, ...], needed: Sequence[str], used: str) -> None:
    for name in needed:
        count = header.count(name)
        if count == 1:
            continue
        if count > 1:
            raise dossier_error(file, "row 1", f"column `{name}` appears {count} times")
        if len(header) == 1:
            hint: str | None = (
                f"the header has one column: is the delimiter `{_shown(used)}` right?"
            )
        else:
            hint = did_you_mean(name, header)
        raise dossier_error(
            file, "row 1", f"no column `{name}`, which the mapping reads",
            hint or "check the mapping against the header of the export",
        )


def _shown(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter
