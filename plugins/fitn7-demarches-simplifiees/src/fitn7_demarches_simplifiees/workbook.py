"""An xlsx or ods export: the Dossiers sheet, the demandeur on Etablissements, repetition sheets.

Read with python-calamine, which reads both formats in Rust with typed
cells (numbers, dates, booleans as the sheet holds them). Row numbers are
the sheet's (the header is row 1). The Etablissements rows of the demandeur
(`Champ` = `Dossier`) are joined on `Dossier ID`; the repetition block's
sheet is found by the stable id in its name, `(2380010) Depenses` (names are
transliterated and cut to 30 characters), and its rows are joined on
`Dossier ID` and ordered by `Ligne`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import python_calamine as calamine
from fitn7.errors import DossierError
from fitn7.loading import Failed
from fitn7.loading.where import dossier_error
from fitn7_csv.assemble import Origin

from fitn7_demarches_simplifiees.mapping import DsMapping, Repetition
from fitn7_demarches_simplifiees.platform import (
    CHAMP,
    DEMANDEUR,
    DOSSIER_ID,
    DOSSIERS_SHEET,
    ETABLISSEMENTS_SHEET,
    LIGNE,
    NUMBER,
    STATE,
    sheet_champ,
    sheet_label,
)
from fitn7_demarches_simplifiees.source import Entry, Record, Source, cell_origins, number_text

#: An encrypted (password-protected) xlsx is an OLE compound file, not a zip.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_workbook(path: Path, mapping: DsMapping) -> Source:
    """The dossiers of an xlsx or ods export; raises `DossierError` for the whole file."""
    file = str(path)
    book = _open(path, file)
    try:
        return _read(book, file, mapping)
    finally:
        book.close()


def _read(book: Any, file: str, mapping: DsMapping) -> Source:
    names = list(book.sheet_names)
    if DOSSIERS_SHEET not in names:
        raise dossier_error(
            file, "", f"no sheet `{DOSSIERS_SHEET}`",
            "sheets found: " + ", ".join(f"`{n}`" for n in names)
            + "; is it the export of a démarche (Télécharger les dossiers, xlsx or ods)?",
        )
    keep = frozenset({NUMBER, STATE, DOSSIER_ID, CHAMP, LIGNE,
                      *(c.header for c in mapping.columns),
                      *(c.header for c in (mapping.expenses.columns if mapping.expenses else ()))})
    header, rows = _sheet(book, DOSSIERS_SHEET, file, keep)
    headers = set(header)
    demandeurs: dict[str, tuple[int, dict[str, Any]]] = {}
    if ETABLISSEMENTS_SHEET in names:
        etab_header, etab_rows = _sheet(book, ETABLISSEMENTS_SHEET, file, keep)
        headers.update(h for h in etab_header if h not in (DOSSIER_ID, CHAMP))
        for number, cells in etab_rows:
            if str(cells.get(CHAMP, "")).strip() == DEMANDEUR:
                ident = number_text(cells.get(DOSSIER_ID))
                if ident is not None:
                    demandeurs.setdefault(ident, (number, cells))
    lines: dict[str, list[Record]] = {}
    line_headers: frozenset[str] | None = None
    line_where = ""
    failures: list[Failed] = []
    if mapping.expenses is not None:
        sheet = _repetition_sheet(names, mapping.expenses, file)
        line_where = f"sheet `{sheet}`"
        rep_header, rep_rows = _sheet(book, sheet, file, keep)
        line_headers = frozenset(rep_header)
        lines, failures = _lines(file, sheet, rep_rows)
    entries = list(_entries(file, rows, demandeurs, lines))
    known = {e.number for e in entries if e.number is not None}
    for ident, records in lines.items():
        if ident not in known:
            failures.extend(Failed(dossier_error(
                file, f"{r.whole.location}, column `{DOSSIER_ID}`",
                f"dossier `{ident}` is not on the sheet `{DOSSIERS_SHEET}`",
                "check the Dossier ID, or the export both sheets come from",
            )) for r in records)
    return Source(file, tuple(entries), frozenset(headers), line_headers,
                  f"sheet `{DOSSIERS_SHEET}`", line_where, tuple(failures))


def _open(path: Path, file: str) -> Any:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise dossier_error(file, "", "no such file") from None
    except OSError as exc:
        raise dossier_error(file, "", f"cannot read the file: {exc.strerror}") from None
    if head == _OLE_MAGIC:
        raise dossier_error(
            file, "", "the workbook is password-protected (or an old .xls file)",
            "save it without a password as .xlsx or .ods, or download the export again",
        )
    try:
        return calamine.CalamineWorkbook.from_path(file)
    except calamine.PasswordError:
        raise dossier_error(
            file, "", "the workbook is password-protected",
            "save it without a password, or download the export again",
        ) from None
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise dossier_error(
            file, "", f"not a readable {path.suffix.lstrip('.')} workbook ({exc})",
            "the file may be damaged or only partly downloaded: download the export again",
        ) from None


#: A sheet's non-empty rows: (row number, cells by header).
Rows = list[tuple[int, dict[str, Any]]]


def _sheet(
    book: Any, name: str, file: str, keep: frozenset[str]
) -> tuple[tuple[str, ...], Rows]:
    """A sheet's header and its non-empty rows as (row number, cells by header), the
    cells of the `keep` headers only (the others are never read)."""
    try:
        raw: Sequence[Sequence[Any]] = book.get_sheet_by_name(name).to_python(
            skip_empty_area=False
        )
    except (calamine.CalamineError, ValueError) as exc:
        raise dossier_error(file, f"sheet `{name}`", f"cannot read the sheet ({exc})") from None
    if not raw:
        raise dossier_error(file, f"sheet `{name}`", "the sheet is empty",
                            "expected a header row")
    header = tuple(str(h).strip() for h in raw[0])
    named = [h for h in header if h]
    twice = next((h for h in named if named.count(h) > 1), None)
    if twice is not None:
        raise dossier_error(file, f"sheet `{name}`, row 1",
                            f"column `{twice}` appears {named.count(twice)} times")
    wanted = [(i, h) for i, h in enumerate(header) if h in keep]
    rows = []
    for index, values in enumerate(raw[1:], start=2):
        if not any(v != "" and v is not None for v in values):
            continue
        cells = {}
        for position, head in wanted:
            value = values[position] if position < len(values) else ""
            cells[head] = value.strip() if isinstance(value, str) else value
        rows.append((index, cells))
    return header, rows


def _repetition_sheet(names: list[str], block: Repetition, file: str) -> str:
    """The sheet of the repetition block: by its stable id, else by its (truncated) label."""
    if block.champ is not None:
        for name in names:
            if sheet_champ(name) == block.champ:
                return name
    elif block.label is not None:
        wanted = _ascii(block.label)
        for name in names:
            label = _ascii(sheet_label(name))
            if sheet_champ(name) is not None and label and wanted.startswith(label):
                return name
    repetitions = [n for n in names if sheet_champ(n) is not None]
    found = ", ".join(f"`{n}`" for n in repetitions) or "none"
    raise dossier_error(
        file, "", f"no sheet for the repetition block {block.shown} of the expense lines",
        f"repetition sheets found: {found}. A block with no row in any dossier has no sheet; "
        "else check `champ` in the mapping's [expenses] (the number in the sheet's name)",
    )


def _ascii(text: str) -> str:
    """The sheet-name form of a label: accents dropped, case ignored."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def _lines(
    file: str, sheet: str, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[dict[str, list[Record]], list[Failed]]:
    """The repetition rows by dossier number, ordered by `Ligne`, and those naming none."""
    grouped: dict[str, list[tuple[float, Record]]] = {}
    failures = []
    for number, cells in rows:
        place = f"sheet `{sheet}`, row {number}"
        ident = number_text(cells.get(DOSSIER_ID))
        if ident is None:
            failures.append(Failed(dossier_error(
                file, f"{place}, column `{DOSSIER_ID}`", "repetition row without dossier id",
            )))
            continue
        order = cells.get(LIGNE)
        rank = float(order) if isinstance(order, int | float) and not isinstance(order, bool) \
            else _rank(order, number)
        record = Record(cells, cell_origins(file, place), Origin(file, place))
        grouped.setdefault(ident, []).append((rank, record))
    return {k: [r for _, r in sorted(v, key=lambda p: p[0])] for k, v in grouped.items()}, failures


def _rank(order: Any, number: int) -> float:
    """The order of a row whose `Ligne` is text (`2`) or missing (its place in the sheet)."""
    try:
        return float(str(order).strip())
    except ValueError:
        return 1e9 + number


def _entries(
    file: str,
    rows: list[tuple[int, dict[str, Any]]],
    demandeurs: dict[str, tuple[int, dict[str, Any]]],
    lines: dict[str, list[Record]],
) -> Iterator[Entry]:
    """The Dossiers rows, each joined to its demandeur and its repetition rows."""
    rows_of: dict[str, list[int]] = {}
    for number, cells in rows:
        ident = number_text(cells.get(NUMBER))
        if ident is not None:
            rows_of.setdefault(ident, []).append(number)
    for number, cells in rows:
        place = f"sheet `{DOSSIERS_SHEET}`, row {number}"
        ident = number_text(cells.get(NUMBER))
        merged = dict(cells)
        origin_of = cell_origins(file, place)
        if ident is not None and ident in demandeurs:
            etab_number, etab = demandeurs[ident]
            etab_origin = cell_origins(file, f"sheet `{ETABLISSEMENTS_SHEET}`, row {etab_number}")
            joined = {h for h in etab if h not in merged or merged[h] in ("", None)}
            merged.update({h: etab[h] for h in joined})
            origin_of = _joined(origin_of, etab_origin, frozenset(joined))
        record = Record(merged, origin_of, Origin(file, place))
        problem: DossierError | None = None
        if ident is None:
            problem = dossier_error(file, f"{place}, column `{NUMBER}`", "missing dossier number")
        elif len(rows_of[ident]) > 1:
            problem = dossier_error(
                file, f"{place}, column `{NUMBER}`",
                f"dossier `{ident}` is on rows {', '.join(map(str, rows_of[ident]))}",
                "a number names one dossier: none of these rows is evaluated",
            )
        found = lines.get(ident) if ident is not None else None
        yield Entry(record, ident, tuple(found) if found else None, problem)


def _joined(
    own: Callable[[str], Origin], other: Callable[[str], Origin], headers: frozenset[str]
) -> Callable[[str], Origin]:
    """Where a cell was read when some headers come from the Etablissements sheet."""
    return lambda header: other(header) if header in headers else own(header)
