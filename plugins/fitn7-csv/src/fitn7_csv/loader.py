"""The loader: one dossier per row of a spreadsheet export, through a mapping file.

`load_csv(path, options)` yields a `fitn7.loading.Loaded` per good row and a
`fitn7.loading.Failed` per bad one, naming the file, the row number as the
spreadsheet shows it and the column header: ``export.csv: expected a date
written like `10/06/2021`, got `31/06/2021` @ row 4, column `Date de dépôt```.
It never raises for bad data: one broken row does not stop the batch.

Each row becomes a table shaped like a dossier file and goes through
`fitn7.loading.dossier_from_mapping`, so a CSV dossier is checked exactly as
a TOML one; the error paths it reports are translated back to columns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError
from fitn7.loading import Failed, LoadResult
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary

from fitn7_csv.assemble import CellFailure, Origin, Place, build, fill
from fitn7_csv.fields import Part
from fitn7_csv.mapping import CsvMapping, ExpenseFile, load_mapping
from fitn7_csv.table import Row, Table, read_table

#: The options `--loader-option NAME=VALUE` may give.
OPTIONS = ("mapping", "expenses")
#: The suffix of the mapping looked for beside an export when no option names one.
MAPPING_SUFFIX = ".mapping.toml"


def mapping_path(path: Path, options: Mapping[str, str]) -> Path:
    """The mapping file: the `mapping` option, else `EXPORT.mapping.toml` beside the export."""
    given = options.get("mapping")
    if given:
        return Path(given)
    beside = path.with_suffix(MAPPING_SUFFIX)
    if beside.is_file():
        return beside
    raise dossier_error(
        str(path), "", "no mapping for this export",
        f"pass --loader-option mapping=FILE, or put the mapping in `{beside.name}` beside it",
    )


def load_csv(
    path: str | os.PathLike[str], options: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Iterator[LoadResult]:
    """Every dossier of a CSV export, as `Loaded` or `Failed` (see the module docstring).

    `vocabulary` is that of the policy the dossiers are read for: its expense
    categories, and the inputs and documents the mapping's columns may fill
    (`inputs.NAME`, `documents`, `documents.NAME`); without it, the built-in
    FITN7 categories, and inputs kept as the mapping types them (text by default)."""
    source = Path(path)
    options = options or {}
    try:
        for key in options:
            if key not in OPTIONS:
                hint = did_you_mean(key, OPTIONS) or "the options are " + ", ".join(
                    f"`{o}`" for o in OPTIONS
                )
                raise dossier_error(str(source), "", f"unknown loader option `{key}`", hint)
        mapping = load_mapping(mapping_path(source, options), vocabulary)
        table = read_table(
            source,
            encoding=mapping.encoding,
            delimiter=mapping.delimiter,
            needed=[c.header for c in mapping.columns],
        )
        lines = _expense_table(source, mapping, options)
    except DossierError as error:
        yield Failed(error)
        return
    yield from _dossiers(table, mapping, lines, vocabulary)


def _expense_table(source: Path, mapping: CsvMapping, options: Mapping[str, str]) -> Table | None:
    """The second export of expense lines, if the mapping has one."""
    spec = mapping.expenses
    given = options.get("expenses")
    if spec is None:
        if given:
            raise dossier_error(
                mapping.file, "", "the option `expenses` needs an [expenses] table here",
                "it names the file of expense lines and its columns",
            )
        return None
    path = Path(given) if given else source.parent / spec.file
    return read_table(
        path,
        encoding=mapping.encoding,
        delimiter=mapping.delimiter,
        needed=[spec.dossier, *(c.header for c in spec.columns)],
    )


def _dossiers(
    table: Table, mapping: CsvMapping, lines: Table | None, vocabulary: Vocabulary | None
) -> Iterator[LoadResult]:
    """Each row as a dossier or a failure, in row order, then the expense lines left over.

    An id on several rows is ambiguous: every one of those rows fails (which
    of them is right cannot be told), and so does every expense line naming
    it, instead of the lines going to one of them.
    """
    id_header = mapping.id_column.header
    rows = [
        r for r in table.rows
        if r.problem is not None or any(r.cells[c.header] for c in mapping.columns)
    ]
    rows_of: dict[str, list[int]] = {}
    for row in rows:
        if row.cells[id_header]:
            rows_of.setdefault(row.cells[id_header], []).append(row.number)
    by_dossier: dict[str, list[Row]] = {}
    failures: list[Failed] = []
    if lines is not None and mapping.expenses is not None:
        by_dossier, failures = _group_lines(lines, mapping.expenses)
    for row in rows:
        ident = row.cells[id_header]
        if row.problem is not None:
            yield Failed(row.problem)
        elif not ident:
            yield Failed(dossier_error(
                table.file, f"row {row.number}, column `{id_header}`", "missing dossier id",
                "every row needs one; delete the row if it is not a dossier",
            ))
        elif len(rows_of[ident]) > 1:
            yield Failed(dossier_error(
                table.file, f"row {row.number}, column `{id_header}`",
                f"dossier id `{ident}` is on {_rows(rows_of[ident])}",
                "an id names one dossier: none of these rows is evaluated until the wrong id "
                "is corrected",
            ))
        else:
            yield _dossier(table.file, row, mapping, by_dossier.get(ident), lines, vocabulary)
    if lines is not None and mapping.expenses is not None:
        failures.extend(_unattached(lines, mapping.expenses, by_dossier, rows_of, table.file))
    yield from sorted(failures, key=lambda f: int(f.path.split(",")[0].removeprefix("row ")))


def _rows(numbers: list[int]) -> str:
    """`rows 3 and 4`, `rows 3, 4 and 7`."""
    shown = [str(n) for n in numbers]
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _group_lines(lines: Table, spec: ExpenseFile) -> tuple[dict[str, list[Row]], list[Failed]]:
    """Expense rows by dossier id, and the rows that name no dossier."""
    grouped: dict[str, list[Row]] = {}
    failures = []
    for row in lines.rows:
        if row.problem is None and not any(row.cells[c.header] for c in spec.columns):
            continue
        ident = row.cells[spec.dossier]
        if not ident:
            failures.append(Failed(row.problem or dossier_error(
                lines.file, f"row {row.number}, column `{spec.dossier}`",
                "expense line without dossier id",
            )))
            continue
        grouped.setdefault(ident, []).append(row)
    return grouped, failures


def _unattached(
    lines: Table,
    spec: ExpenseFile,
    by_dossier: dict[str, list[Row]],
    rows_of: dict[str, list[int]],
    file: str,
) -> Iterator[Failed]:
    """The expense lines that go to no dossier: its id is on no row, or on several."""
    for ident, line_rows in by_dossier.items():
        numbers = rows_of.get(ident, [])
        if len(numbers) == 1:
            continue
        for row in line_rows:
            if row.problem is not None:
                yield Failed(row.problem)
            elif numbers:
                yield Failed(dossier_error(
                    lines.file, f"row {row.number}, column `{spec.dossier}`",
                    f"dossier `{ident}` is on {_rows(numbers)} of {file}: the line is given "
                    "to none of them",
                    f"correct the id repeated in {file}",
                ))
            else:
                yield Failed(dossier_error(
                    lines.file, f"row {row.number}, column `{spec.dossier}`",
                    f"dossier `{ident}` is not in {file}",
                    "check the id, or the export both files come from",
                ))


def _dossier(
    file: str, row: Row, mapping: CsvMapping, line_rows: list[Row] | None, lines: Table | None,
    vocabulary: Vocabulary | None,
) -> LoadResult:
    """One row (and its expense lines) as a dossier, or the first problem found."""
    tree: dict[str, Any] = {}
    origins: dict[tuple[Part, ...], Place] = {}
    unread = next((r.problem for r in line_rows or () if r.problem is not None), None)
    if unread is not None:
        return Failed(unread)  # a line that cannot be read: the budget would lack it
    try:
        fill(tree, origins, mapping.columns, row.cells, _cell_of(file, row.number))
        if line_rows is not None and lines is not None and mapping.expenses is not None:
            tree["expenses"] = {}
            for index, line in enumerate(line_rows):
                fill(tree, origins, mapping.expenses.columns, line.cells,
                     _cell_of(lines.file, line.number), ("expenses", index))
    except CellFailure as failure:
        return Failed(failure.error)
    return build(tree, origins, Origin(file, f"row {row.number}"), vocabulary)


def _cell_of(file: str, number: int) -> Callable[[str], Origin]:
    """Where a column's cell of row `number` was read: `row 4, column `Date de dépôt``."""
    return lambda header: Origin(file, f"row {number}, column `{header}`")
