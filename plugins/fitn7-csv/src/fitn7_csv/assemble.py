"""From the cells of one record to a checked dossier, each value traced to where it was read.

Shared by every tabular source of dossiers (a CSV export here, a Démarches
Simplifiées workbook or API snapshot in fitn7-demarches-simplifiees): the
source gives cells by column header and says where each was read; the
mapping's columns convert them into a table shaped like a dossier file, which
goes through `fitn7.loading.dossier_from_mapping` like a TOML dossier. An
error that reader finds is translated back to the cell its value came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from fitn7.errors import DossierError
from fitn7.loading import Failed, Loaded, LoadResult, dossier_from_mapping, error_hint
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary

from fitn7_csv.cells import CellError, convert
from fitn7_csv.fields import Part, render
from fitn7_csv.mapping import Column

#: Converts a non-empty cell for a column; raises `CellError`.
Converter = Callable[[Column, Any], Any]
#: Where a value was read, resolved only when an error needs it: the record's
#: `origin_of` and the column header (building an `Origin` per cell would cost
#: more than reading the cell).
Place = tuple[Callable[[str], "Origin"], str]


@attrs.frozen
class Origin:
    """Where a value of a dossier was read: its file and its place in it."""

    file: str
    #: `row 4, column `Date de dépôt``, `sheet `Dossiers`, row 4, column `ID``,
    #: `dossier 4821337, champ `Intitulé du projet``: the path of an error.
    location: str


class CellFailure(Exception):
    """A cell that cannot be converted, already turned into the error to report."""

    def __init__(self, error: DossierError) -> None:
        super().__init__(str(error))
        self.error = error


def is_empty(cell: Any) -> bool:
    """Whether a cell holds nothing: an absent field, never an empty text or false."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def fill(
    tree: dict[Any, Any],
    origins: dict[tuple[Part, ...], Place],
    columns: tuple[Column, ...],
    cells: Mapping[str, Any],
    origin_of: Callable[[str], Origin],
    prefix: tuple[Part, ...] = (),
    converter: Converter = convert,
) -> None:
    """Put the converted cells of one record into `tree`, under `prefix` (`("expenses", 2)`).

    `origin_of(header)` says where a column's cell was read. A cell that
    cannot be converted raises `CellFailure` located at that cell.
    """
    # `tree` holds lists as {index: element} until `finish`: positions may have gaps.
    for column in columns:
        cell = cells.get(column.header)
        if is_empty(cell):
            continue
        try:
            value = converter(column, cell)
        except CellError as exc:
            origin = origin_of(column.header)
            raise CellFailure(
                dossier_error(origin.file, origin.location, exc.message, exc.hint)
            ) from None
        parts = column.field.parts
        node: dict[Any, Any] = tree
        if prefix:
            node = node.setdefault(prefix[0], {}).setdefault(prefix[1], {})
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
        origins[(*prefix, *parts)] = (origin_of, column.header)


def finish(tree: dict[str, Any]) -> dict[str, dict[int, int]]:
    """Lists from the {index: element} tables, renumbered without gaps; the renumbering
    (old index → new) of each list, to locate errors. Documents given one column each
    ({name: provided}) become the list of those provided."""
    renumber: dict[str, dict[int, int]] = {}
    for key in ("members", "expenses"):
        if isinstance(tree.get(key), dict):
            order = sorted(tree[key])
            renumber[key] = {old: new for new, old in enumerate(order)}
            tree[key] = [tree[key][i] for i in order]
    if isinstance(tree.get("documents"), dict):
        tree["documents"] = [name for name, provided in tree["documents"].items() if provided]
    return renumber


def by_path(
    origins: Mapping[tuple[Part, ...], Place], renumber: Mapping[str, Mapping[int, int]]
) -> dict[str, Origin]:
    """The origin of each value by the path `dossier_from_mapping` reports
    (`expenses[1].amount`)."""
    out = {}
    for parts, (origin_of, header) in origins.items():
        if len(parts) > 1 and isinstance(parts[1], int) and str(parts[0]) in renumber:
            parts = (parts[0], renumber[str(parts[0])][parts[1]], *parts[2:])
        out[render(parts)] = origin_of(header)
    return out


def translate(
    error: DossierError, base: str, origins: Mapping[str, Origin], whole: Origin
) -> DossierError:
    """The error at the cell its value came from, or at `whole` (the record) for a whole
    part of the dossier (`expenses` missing)."""
    relative = error.path.removeprefix(base).lstrip(".")
    origin = origins.get(relative)
    if origin is None and relative.endswith("]"):
        # An item of a list read from one cell (`documents[1]`): that cell.
        origin = origins.get(relative[: relative.rfind("[")])
    if origin is None and relative:
        origin = next(
            (o for p, o in origins.items() if p.startswith((f"{relative}.", f"{relative}["))),
            None,
        )
    if origin is None:
        origin = whole
    return dossier_error(origin.file, origin.location, error.message, error_hint(error))


def build(
    tree: dict[str, Any], origins: Mapping[tuple[Part, ...], Place], whole: Origin,
    vocabulary: Vocabulary | None = None,
) -> LoadResult:
    """The dossier of a filled `tree`, checked by fitn7's reader with the policy's
    `vocabulary` (its categories, inputs and documents; the built-in FITN7 categories
    when None); `whole` locates the record (`row 4`), the path of the `Loaded` and of
    errors about the dossier as a whole."""
    renumber = finish(tree)
    try:
        dossier = dossier_from_mapping(tree, file=whole.file, base_path=whole.location,
                                       vocabulary=vocabulary)
    except DossierError as error:
        return Failed(translate(error, whole.location, by_path(origins, renumber), whole))
    return Loaded(dossier, whole.file, whole.location)
