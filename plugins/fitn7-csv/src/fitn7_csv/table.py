"""Reading a spreadsheet export: encoding, delimiter, header, rows numbered as the sheet shows.

French exports use `;` (Excel in a French locale) or `,` (Démarches
Simplifiées), UTF-8 with or without a byte-order mark, or cp1252 for old
Excel versions. Row numbers are those a spreadsheet shows: the header is row
1, the first dossier row 2, whatever line breaks cells contain.

What makes the whole file unreadable (no file, the wrong encoding, a header
without the columns the mapping reads) raises `DossierError`. A row that
cannot be read as the header says (more cells than columns, a quoted cell
never closed) is kept with its `problem`, so that it alone fails and the
other rows load.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import attrs
from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError
from fitn7.loading.where import dossier_error

from fitn7_csv.mapping import DELIMITERS

_QUOTE_HINT = 'close the quote `"` (a quote inside a cell is written twice: `""`)'
_OPEN_QUOTE_HINT = 'a quote `"` before it is never closed (a quote inside a cell is written ' \
    'twice: `""`)'


@attrs.frozen
class Row:
    """One row of the export: its number in the sheet and its cells by header.

    A row that cannot be read as the header says has a `problem`, the error
    to report for it; its `cells` are then the ones under the header, as read.
    """

    number: int
    cells: dict[str, str]
    problem: DossierError | None = None


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


def choose_delimiter(text: str, needed: Sequence[str]) -> str:
    """The delimiter that splits the header into the most of the `needed` columns.

    On a tie (or when none finds any), the one the header line uses most, as
    `detect_delimiter` says: a header `N°;Nom, prénom;Montant` is read with
    `;` because only `;` gives the columns `N°` and `Montant`.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    usual = detect_delimiter(first_line)
    found = {d: _needed_in_header(text, d, needed) for d in DELIMITERS}
    best = max(found.values())
    if best == 0 or found[usual] == best:
        return usual
    return next(d for d in DELIMITERS if found[d] == best)


def _needed_in_header(text: str, delimiter: str, needed: Sequence[str]) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = {h.strip() for h in next(reader, [])}
    except csv.Error:
        return 0
    return sum(name in header for name in needed)


def ends_in_open_quote(text: str, delimiter: str) -> bool:
    """Whether a quoted cell of `text` is never closed (csv reads the rest of the file into it).

    A cell is quoted when it starts with `"`; a quote inside it is written `""`.
    """
    opening = re.compile(rf'(?:\A|[{re.escape(delimiter)}\r\n])"')
    closing = re.compile(r'(?:[^"]+|"")*+"')
    position = 0
    while (start := opening.search(text, position)) is not None:
        end = closing.match(text, start.end())
        if end is None:
            return True
        position = end.end()
    return False


def read_table(
    path: Path, *, encoding: str, delimiter: str | None, needed: Sequence[str]
) -> Table:
    """Read `path` and check that the `needed` headers are there; raises `DossierError`.

    Rows that cannot be read come back with their `problem`, in their place.
    """
    file = str(path)
    text = _text(path, file, encoding)
    if not any(line.strip() for line in text.splitlines()):
        raise dossier_error(file, "", "the file is empty", "expected a header row")
    used = delimiter or choose_delimiter(text, needed)
    records, stopped = _records(text, used)
    unclosed = ends_in_open_quote(text, used)
    if not records:
        raise dossier_error(file, "row 1", f"cannot read the header: {stopped}")
    if unclosed and stopped is None and len(records) == 1:
        raise dossier_error(
            file, "row 1", "a quoted cell of the header is never closed", _QUOTE_HINT
        )
    header = tuple(h.strip() for h in records[0])
    _check_header(file, header, needed, used)
    rows = []
    last = len(records) - 1
    for index, cells in enumerate(records[1:], start=1):
        row = _row(file, header, index + 1, cells, used)
        if unclosed and stopped is None and index == last:
            column = header[len(cells) - 1] if len(cells) <= len(header) else None
            where = f"the quoted cell of column `{column}`" if column else "a quoted cell"
            row = attrs.evolve(row, problem=dossier_error(
                file, f"row {row.number}",
                f"{where} is never closed: every line after it is read as its text",
                _QUOTE_HINT,
            ))
        if row.problem is not None or any(c.strip() for c in cells):
            rows.append(row)
    if stopped is not None:
        number = len(records) + 1
        rows.append(Row(number, dict.fromkeys(header, ""), dossier_error(
            file, f"row {number}", f"cannot read this row or the ones after it: {stopped}",
            _OPEN_QUOTE_HINT if unclosed else None,
        )))
    return Table(file, header, tuple(rows), used)


def _text(path: Path, file: str, encoding: str) -> str:
    """The text of the file in `encoding`; raises `DossierError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise dossier_error(file, "", "no such file") from None
    except OSError as exc:
        raise dossier_error(file, "", f"cannot read the file: {exc.strerror}") from None
    name = encoding.removesuffix("-sig").upper()
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig") and _looks_utf8(raw):
        # Read as cp1252, UTF-8 text would load with `Ã©` for `é`: refuse it.
        raise dossier_error(
            file, "", f"the file is UTF-8 text, not {name} as the mapping says",
            "leave `encoding` out of [csv] in the mapping: UTF-8 is the default",
        )
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if name == "UTF-8":
            hint = 'save it as "CSV UTF-8", or set `encoding = "cp1252"` under [csv] in the mapping'
        else:
            hint = f'byte {raw[exc.start]:#04x} on line {line}: check `encoding` under [csv] in ' \
                'the mapping, or save the file as "CSV UTF-8"'
        raise dossier_error(file, "", f"the file is not {name} text", hint) from None


def _looks_utf8(raw: bytes) -> bool:
    """UTF-8 with a byte-order mark, or non-ASCII bytes that decode as UTF-8."""
    if raw.startswith(codecs.BOM_UTF8):
        return True
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _records(text: str, delimiter: str) -> tuple[list[list[str]], str | None]:
    """The records of `text`, header first, and why reading stopped early, if it did."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as exc:
        return records, str(exc)
    return records, None


def _row(file: str, header: tuple[str, ...], number: int, cells: list[str], used: str) -> Row:
    """A record as a row; more non-empty cells than the header has columns is its problem."""
    problem = None
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        problem = dossier_error(
            file, f"row {number}",
            f"{len(cells)} cells for {len(header)} columns",
            f"a cell may hold an unquoted `{_shown(used)}`: quote it, or check the export",
        )
    padded = [*cells[: len(header)], *[""] * (len(header) - len(cells))]
    return Row(number, {h: c.strip() for h, c in zip(header, padded, strict=True)}, problem)


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
