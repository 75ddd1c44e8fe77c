"""A CSV export: the Dossiers table alone, with the demandeur's columns inline.

A CSV export of Démarches Simplifiées carries no repetition block: expense
lines come only from the block's sheet saved as a second CSV beside it (the
mapping's `[expenses] file`, or `--loader-option expenses=FILE`), read like
the workbook's sheet. The files are read by fitn7-csv (encoding, delimiter,
quotes, row numbers as a spreadsheet shows them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fitn7.errors import DossierError
from fitn7.loading import Failed
from fitn7.loading.where import dossier_error
from fitn7_csv.assemble import Origin
from fitn7_csv.table import Row, read_table

from fitn7_demarches_simplifiees.mapping import DsMapping
from fitn7_demarches_simplifiees.platform import DOSSIER_ID, LIGNE, NUMBER
from fitn7_demarches_simplifiees.source import Entry, Record, Source, cell_origins, number_text


def read_csv_export(path: Path, mapping: DsMapping, options: Mapping[str, str]) -> Source:
    """The dossiers of a CSV export (and its repetition CSV); raises `DossierError`."""
    table = read_table(path, encoding="utf-8-sig", delimiter=None, needed=[])
    lines: dict[str, list[Record]] = {}
    failures: list[Failed] = []
    line_headers: frozenset[str] | None = None
    line_file = ""
    block = mapping.expenses
    if block is not None:
        given = options.get("expenses") or block.file
        if not given:
            raise dossier_error(
                table.file, "",
                f"a CSV export carries no repetition block: the expense lines (block "
                f"{block.shown}) are not in it",
                "export the dossiers as xlsx or ods, which hold them; or save the block's "
                "sheet as CSV beside the export and name it in the mapping, [expenses] "
                'file = "…csv" (or --loader-option expenses=FILE)',
            )
        lines_path = Path(given) if options.get("expenses") else path.parent / given
        rep = read_table(lines_path, encoding="utf-8-sig", delimiter=None, needed=[DOSSIER_ID])
        line_headers = frozenset(rep.header)
        line_file = rep.file
        lines, failures = _lines(rep.file, rep.rows)
    entries = _entries(table.file, table.rows, lines)
    known = {e.number for e in entries if e.number is not None}
    for ident, records in lines.items():
        if ident not in known:
            failures.extend(Failed(dossier_error(
                r.whole.file, f"{r.whole.location}, column `{DOSSIER_ID}`",
                f"dossier `{ident}` is not in {table.file}",
                "check the Dossier ID, or the export both files come from",
            )) for r in records)
    return Source(table.file, tuple(entries), frozenset(table.header), line_headers,
                  table.file, line_file, tuple(failures))


def _lines(file: str, rows: tuple[Row, ...]) -> tuple[dict[str, list[Record]], list[Failed]]:
    grouped: dict[str, list[tuple[float, Record]]] = {}
    failures = []
    for row in rows:
        place = f"row {row.number}"
        if row.problem is not None:
            failures.append(Failed(row.problem))
            continue
        ident = number_text(row.cells.get(DOSSIER_ID))
        if ident is None:
            failures.append(Failed(dossier_error(
                file, f"{place}, column `{DOSSIER_ID}`", "repetition row without dossier id",
            )))
            continue
        try:
            rank = float(row.cells.get(LIGNE, "") or row.number)
        except ValueError:
            rank = 1e9 + row.number
        record = Record(row.cells, cell_origins(file, place), Origin(file, place))
        grouped.setdefault(ident, []).append((rank, record))
    return {k: [r for _, r in sorted(v, key=lambda p: p[0])] for k, v in grouped.items()}, failures


def _entries(file: str, rows: tuple[Row, ...], lines: dict[str, list[Record]]) -> list[Entry]:
    rows_of: dict[str, list[int]] = {}
    for row in rows:
        ident = number_text(row.cells.get(NUMBER))
        if ident is not None:
            rows_of.setdefault(ident, []).append(row.number)
    entries = []
    for row in rows:
        place = f"row {row.number}"
        ident = number_text(row.cells.get(NUMBER))
        problem: DossierError | None = row.problem
        if problem is None and ident is None:
            problem = dossier_error(file, f"{place}, column `{NUMBER}`", "missing dossier number")
        elif problem is None and ident is not None and len(rows_of[ident]) > 1:
            problem = dossier_error(
                file, f"{place}, column `{NUMBER}`",
                f"dossier `{ident}` is on rows {', '.join(map(str, rows_of[ident]))}",
                "a number names one dossier: none of these rows is evaluated",
            )
        found = lines.get(ident) if ident is not None else None
        record = Record(row.cells, cell_origins(file, place), Origin(file, place))
        entries.append(Entry(record, ident, tuple(found) if found else None, problem))
    return entries
