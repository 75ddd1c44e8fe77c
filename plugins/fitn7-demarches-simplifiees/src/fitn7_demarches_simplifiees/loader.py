"""The loader `ds`: a démarche's dossiers from its csv, xlsx or ods export or an API snapshot.

`load_demarche(path, options, vocabulary)` yields a `fitn7.loading.Loaded` per dossier and
a `fitn7.loading.Failed` per one that does not map, naming the sheet, row
and column (`gers.xlsx: expected an integer @ sheet `Dossiers`, row 4, column
`Nombre de communes couvertes``) or the dossier number and champ label
(`gers.json: … @ dossier 4821337, champ `Nombre de communes couvertes``);
the others go on. What spoils the whole file (no mapping, a missing sheet, a
label the mapping reads and the source lacks, a damaged or
password-protected workbook) is one `Failed` for it. It never raises for bad
data.

`vocabulary` is that of the policy the dossiers are read for, as in
fitn7-csv: its expense categories, and the inputs and documents the
mapping's champs may fill (`inputs.NAME`, `documents`, `documents.NAME`).
Without it, the built-in FITN7 categories, and inputs kept as the mapping
types them (text by default).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError
from fitn7.loading import Failed, LoadResult
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary
from fitn7_csv.assemble import CellFailure, Place, build, fill, is_empty
from fitn7_csv.fields import Part
from fitn7_csv.loader import mapping_path

from fitn7_demarches_simplifiees.convert import convert_cell
from fitn7_demarches_simplifiees.csvexport import read_csv_export
from fitn7_demarches_simplifiees.mapping import DsMapping, is_demarche_mapping, load_mapping
from fitn7_demarches_simplifiees.platform import STATE, STATES, base_label, state_code
from fitn7_demarches_simplifiees.snapshot import is_snapshot, read_snapshot
from fitn7_demarches_simplifiees.source import Entry, Source
from fitn7_demarches_simplifiees.suffixes import SUFFIXES
from fitn7_demarches_simplifiees.workbook import read_workbook

#: The options `--loader-option NAME=VALUE` may give.
OPTIONS = ("mapping", "expenses", "state")


def claims(path: Path, options: Mapping[str, str]) -> bool:
    """Whether a `.json` or `.csv` file is this loader's: a snapshot, or a CSV export with a
    démarche mapping (`[demarche]`) beside it or given; never raises."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return is_snapshot(path)
    if suffix == ".csv":
        given = options.get("mapping")
        mapping = Path(given) if given else path.with_suffix(".mapping.toml")
        return mapping.is_file() and is_demarche_mapping(mapping)
    return False


def load_demarche(
    path: str | os.PathLike[str], options: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Iterator[LoadResult]:
    """Every dossier of an export or snapshot, as `Loaded` or `Failed` (see the module),
    read for the policy of `vocabulary` (None: the built-in FITN7 categories)."""
    source_path = Path(path)
    options = options or {}
    try:
        for key in options:
            if key not in OPTIONS:
                hint = did_you_mean(key, OPTIONS) or "the options are " + ", ".join(
                    f"`{o}`" for o in OPTIONS)
                raise dossier_error(str(source_path), "", f"unknown loader option `{key}`", hint)
        mapping = load_mapping(mapping_path(source_path, options), vocabulary)
        states = _states(options, mapping, str(source_path))
        source = read_source(source_path, mapping, options)
        check_headers(source, mapping)
        if states and source.entries and STATE not in source.headers:
            raise dossier_error(source.file, "", f"no column `{STATE}` to keep only the "
                                "dossiers " + ", ".join(states),
                                "add the column to the export, or drop the state filter")
    except DossierError as error:
        yield Failed(error)
        return
    for entry in source.entries:
        if entry.problem is not None:
            yield Failed(entry.problem)
            continue
        state = entry.record.cells.get(STATE)
        if states and state_code(str(state or "")) not in states:
            continue
        yield dossier(entry, mapping, vocabulary)
    yield from source.line_failures


def read_source(path: Path, mapping: DsMapping, options: Mapping[str, str]) -> Source:
    """The source of dossiers a file is, by its suffix (or content, for a snapshot)."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return read_workbook(path, mapping)
    if suffix == ".csv":
        return read_csv_export(path, mapping, options)
    if suffix == ".json" or is_snapshot(path):
        return read_snapshot(path, mapping)
    raise dossier_error(str(path), "", f"unsupported file type `{path.suffix}`",
                        "a démarche is read from its .xlsx, .ods or .csv export, or a .json "
                        "snapshot made by `fitn7 ds pull`")


def check_headers(source: Source, mapping: DsMapping) -> None:
    """Refuse a mapping column the source lacks: a label changed in a new revision of the
    démarche is named, with the labels the source has that come closest."""
    if not source.entries:
        return  # an empty snapshot says nothing about the labels
    wanted = [(c.header, source.headers, source.where, mapping.champs) for c in mapping.columns]
    block = mapping.expenses
    # A snapshot whose dossiers all lack the block has no line header to check.
    if block is not None and source.line_headers:
        wanted += [(c.header, source.line_headers, source.line_where, block.champs)
                   for c in block.columns]
    for header, found, where, champs in wanted:
        if header in found:
            continue
        champ = champs.get(header)
        named = f" (champ {champ})" if champ is not None else ""
        close = did_you_mean(header, found) or did_you_mean(base_label(header), found)
        labels = ", ".join(f"`{h}`" for h in sorted(found)[:12])
        raise dossier_error(
            source.file, "",
            f"no column `{header}`{named} in {where}, which the mapping {mapping.file} reads",
            (close + " " if close else "")
            + "a new revision of the démarche may have renamed the champ: correct its label in "
            f"the mapping. Labels found: {labels}" + (", …" if len(found) > 12 else ""),
        )


def dossier(
    entry: Entry, mapping: DsMapping, vocabulary: Vocabulary | None = None
) -> LoadResult:
    """One entry as a dossier through the mapping, checked for the policy of `vocabulary`,
    or the first cell that does not map."""
    tree: dict[str, object] = {}
    origins: dict[tuple[Part, ...], Place] = {}
    record = entry.record
    try:
        fill(tree, origins, mapping.columns, record.cells, record.origin_of,
             converter=convert_cell)
        block = mapping.expenses
        if entry.lines is not None and block is not None:
            tree["expenses"] = {}
            headers = [c.header for c in block.columns]
            kept = [ln for ln in entry.lines
                    if not all(is_empty(ln.cells.get(h)) for h in headers)]
            for index, line in enumerate(kept):
                fill(tree, origins, block.columns, line.cells, line.origin_of,
                     ("expenses", index), convert_cell)
    except CellFailure as failure:
        return Failed(failure.error)
    return build(tree, origins, record.whole, vocabulary)


def _states(options: Mapping[str, str], mapping: DsMapping, file: str) -> tuple[str, ...]:
    given = options.get("state")
    if not given:
        return mapping.states
    states = tuple(state_code(s) for s in given.split(",") if s.strip())
    for state in states:
        if state not in STATES:
            hint = did_you_mean(state, STATES) or "states are " + ", ".join(STATES)
            raise dossier_error(file, "", f"unknown dossier state `{state}`", hint)
    return states
