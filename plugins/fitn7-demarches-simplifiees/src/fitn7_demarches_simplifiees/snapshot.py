"""API snapshots: the dossiers of a démarche as the GraphQL API gave them, in one JSON file.

`fitn7 ds pull` writes it; the loader reads it through the démarche's mapping
like an export: each dossier is brought to the export's shape (its number
under `ID`, its state under `État du dossier`, the demandeur's SIREN under
`Entreprise SIREN`, each champ under its label, a commune champ's code
under `<label> (Code INSEE)`), so one mapping reads both. A champ whose
stable id the mapping gives is found by it even if a new revision of the
démarche changed its label.

    {"format": "fitn7-demarches-simplifiees/snapshot", "version": 1,
     "demarche": {"number": 41234, "title": "…"}, "instance": "https://…",
     "pulled_at": "2026-…Z", "dossiers": [ …API dossier nodes… ]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fitn7.atomic_write import write_atomic
from fitn7.loading.values import exact_number
from fitn7.loading.where import dossier_error
from fitn7_csv.assemble import Origin

from fitn7_demarches_simplifiees.mapping import DsMapping, Repetition
from fitn7_demarches_simplifiees.platform import (
    DOSSIER_COLUMNS,
    MORALE_COLUMNS,
    PHYSIQUE_COLUMNS,
    base_label,
    champ_id,
)
from fitn7_demarches_simplifiees.source import Entry, Record, Source, number_text

#: The `format` of a snapshot, its first key, so that a peek at the file recognizes it.
FORMAT = "fitn7-demarches-simplifiees/snapshot"
VERSION = 1
_PEEK = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"format"\s*:\s*"' + re.escape(FORMAT.encode()))


def is_snapshot(path: Path) -> bool:
    """Whether the file is a snapshot: it starts with its `format`; never raises."""
    try:
        with path.open("rb") as handle:
            return _PEEK.match(handle.read(256)) is not None
    except OSError:
        return False


def read_document(path: Path, *, exact: bool = True) -> dict[str, Any]:
    """The parsed snapshot; raises `DossierError` naming the file.

    `exact` reads decimals as `Decimal` (to evaluate); without it they stay the
    floats the API sent, written back unchanged when a pull merges into it.
    """
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise dossier_error(file, "", "no such file") from None
    except UnicodeDecodeError:
        raise dossier_error(file, "", "the snapshot is not UTF-8 text",
                            "pull it again with `fitn7 ds pull`") from None
    except OSError as exc:
        raise dossier_error(file, "", f"cannot read the file: {exc.strerror}") from None
    try:
        document = json.loads(text, parse_float=exact_number if exact else float)
    except json.JSONDecodeError as exc:
        raise dossier_error(
            file, "", f"invalid JSON: {exc.msg} (at line {exc.lineno}, column {exc.colno})",
            "the snapshot is damaged: pull it again with `fitn7 ds pull`",
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise dossier_error(file, "", "not a Démarches Simplifiées snapshot",
                            f'a snapshot starts with "format": "{FORMAT}"')
    if document.get("version") != VERSION:
        raise dossier_error(file, "", f"snapshot version {document.get('version')!r} is not "
                            f"{VERSION}", "pull it again with this version of the plugin")
    if not isinstance(document.get("dossiers"), list):
        raise dossier_error(file, "$.dossiers", "expected a list of dossiers")
    return document


def write_document(path: Path, document: Mapping[str, Any]) -> None:
    """Write a snapshot atomically: a failure leaves the previous file as it was.

    Numbers are the API's JSON numbers as parsed by `json` (floats written back
    with their shortest digits), never `Decimal`.
    """
    ordered = {"format": FORMAT, "version": VERSION,
               **{k: v for k, v in document.items() if k not in ("format", "version")}}
    write_atomic(path, json.dumps(ordered, ensure_ascii=False, indent=1) + "\n")


def read_snapshot(path: Path, mapping: DsMapping) -> Source:
    """The dossiers of a snapshot in the export's shape; raises `DossierError` for the file."""
    file = str(path)
    document = read_document(path)
    demarche = document.get("demarche")
    number = demarche.get("number") if isinstance(demarche, Mapping) else None
    if mapping.number is not None and number != mapping.number:
        raise dossier_error(
            file, "$.demarche.number",
            f"the snapshot is of démarche {number}, the mapping {mapping.file} of démarche "
            f"{mapping.number}",
            "use the mapping of that démarche, or pull the right one",
        )
    labels = _labels(mapping.champs)
    entries: list[Entry] = []
    headers: set[str] = set()
    line_headers: set[str] = set()
    for index, node in enumerate(document["dossiers"]):
        entry = _entry(file, index, node, labels, mapping.expenses)
        headers.update(entry.record.cells)
        for line in entry.lines or ():
            line_headers.update(line.cells)
        entries.append(entry)
    lines = frozenset(line_headers) if mapping.expenses is not None else None
    block = mapping.expenses
    return Source(file, tuple(entries), frozenset(headers), lines, "the snapshot's dossiers",
                  f"the rows of the block {block.shown}" if block else "")


def _labels(champs: Mapping[str, int]) -> dict[int, str]:
    """The mapping's label of each champ it names by stable id."""
    return {champ: base_label(header) for header, champ in champs.items()}


def _entry(
    file: str, index: int, node: Any, labels: Mapping[int, str], block: Repetition | None
) -> Entry:
    where = f"$.dossiers[{index}]"
    if not isinstance(node, Mapping) or number_text(node.get("number")) is None:
        whole = Origin(file, where)
        return Entry(Record({}, lambda h: whole, whole), None, None,
                     dossier_error(file, where, "a dossier without `number`",
                                   "the snapshot is damaged: pull it again"))
    number = number_text(node["number"])
    place = f"dossier {number}"
    cells: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for header, steps in DOSSIER_COLUMNS.items():
        cells[header] = _at(node, steps)
        kinds[header] = f"`{header}`"
    demandeur = node.get("demandeur")
    if isinstance(demandeur, Mapping):
        columns = PHYSIQUE_COLUMNS if demandeur.get("__typename") == "PersonnePhysique" \
            else MORALE_COLUMNS
        for header, steps in columns.items():
            cells[header] = _at(demandeur, steps)
            kinds[header] = f"demandeur `{header}`"
    lines: tuple[Record, ...] | None = None
    for group in ("champs", "annotations"):
        for champ in _champs(node.get(group)):
            label = _label(champ, labels)
            if block is not None and _is_block(champ, label, block):
                lines = _rows(file, place, label, champ, labels)
                continue
            for header, value in champ_cells(champ, label).items():
                cells.setdefault(header, value)
                kinds.setdefault(header, f"champ `{header}`")
    whole = Origin(file, place)
    record = Record(cells, lambda h: Origin(file, f"{place}, {kinds.get(h, f'`{h}`')}"), whole)
    return Entry(record, number, lines)


def _rows(
    file: str, place: str, label: str, champ: Mapping[str, Any], labels: Mapping[int, str]
) -> tuple[Record, ...] | None:
    rows = champ.get("rows")
    if not isinstance(rows, list) or not rows:
        return None
    out = []
    for position, row in enumerate(rows, start=1):
        at = f"{place}, `{label}` row {position}"
        cells: dict[str, Any] = {}
        for inner in _champs(row.get("champs") if isinstance(row, Mapping) else None):
            cells.update(champ_cells(inner, _label(inner, labels)))
        out.append(Record(cells, _champ_of(file, at), Origin(file, at)))
    return tuple(out)


def _champ_of(file: str, at: str) -> Callable[[str], Origin]:
    return lambda header: Origin(file, f"{at}, champ `{header}`")


def _champs(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        yield from (c for c in value if isinstance(c, Mapping))


def _label(champ: Mapping[str, Any], labels: Mapping[int, str]) -> str:
    """The mapping's label for a champ it names by id, else the API's label."""
    stable = champ_id(str(champ.get("id", "")))
    if stable is not None and stable in labels:
        return labels[stable]
    return str(champ.get("label", "")).strip()


def _is_block(champ: Mapping[str, Any], label: str, block: Repetition) -> bool:
    if block.champ is not None:
        return champ_id(str(champ.get("id", ""))) == block.champ
    return label == block.label


#: The alias of `value` in the query, by champ type (see dossiers.graphql).
_TYPED_VALUES = {
    "CheckboxChamp": "checked",
    "YesNoChamp": "selected",
    "IntegerNumberChamp": "integerNumber",
    "DecimalNumberChamp": "decimalNumber",
}


def champ_cells(champ: Mapping[str, Any], label: str) -> dict[str, Any]:
    """A champ's cells as an export has them: its value under its label, and the
    sub-columns of a commune, EPCI, département, région or pays champ."""
    kind = champ.get("__typename")
    text = champ.get("stringValue")
    value: Any = text
    cells: dict[str, Any] = {}
    if kind in _TYPED_VALUES:
        # The query aliases `value`, whose type differs by champ type.
        value = champ.get(_TYPED_VALUES[str(kind)], champ.get("value", text))
    elif kind in ("DateChamp", "DatetimeChamp"):
        value = champ.get("date") or champ.get("datetime") or text
    elif kind == "MultipleDropDownListChamp":
        value = champ.get("values", text)
    elif kind == "PieceJustificativeChamp":
        files = champ.get("files")
        if isinstance(files, list):
            value = ", ".join(str(f.get("filename", "")) for f in files
                              if isinstance(f, Mapping)) or None
    elif kind == "SiretChamp":
        value = _at(champ, ("etablissement", "siret")) or text
    elif kind == "CommuneChamp":
        cells[f"{label} (Code INSEE)"] = _at(champ, ("commune", "code"))
        cells[f"{label} (Département)"] = _at(champ, ("departement", "code"))
    elif kind == "EpciChamp":
        cells[f"{label} (Code)"] = _at(champ, ("epci", "code"))
        cells[f"{label} (Département)"] = _at(champ, ("departement", "code"))
    elif kind in ("DepartementChamp", "RegionChamp", "PaysChamp"):
        key = {"DepartementChamp": "departement", "RegionChamp": "region",
               "PaysChamp": "pays"}[str(kind)]
        cells[f"{label} (Code)"] = _at(champ, (key, "code"))
    return {label: value, **cells}


def _at(node: Any, steps: Sequence[str]) -> Any:
    for step in steps:
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    return node
