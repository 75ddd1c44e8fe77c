"""The mapping of a démarche: which column of its exports fills which dossier field.

One file per démarche reads all its sources: the csv, xlsx and ods exports
and an API snapshot. It is a fitn7-csv mapping (the same `[columns]`
entries and options) whose keys are the export's column headers, the
platform's own (`ID`, `Déposé le`, `Entreprise forme juridique code`) and
the champs' labels (`Intitulé du projet`, `Commune du siège (Code INSEE)`),
with what only a démarche has:

    [demarche]
    number = 41234                   # refuses a snapshot of another démarche
    states = ["en_instruction"]      # evaluate only these dossiers (optional)

    [columns]
    "ID" = "id"
    "Intitulé du projet" = { field = "project.title", champ = 2380004 }

    [expenses]                       # the repetition block of expense lines
    champ = 2380010                  # its stable id: the sheet `(2380010) Dépenses`
    label = "Dépenses"
    file = "gers-depenses.csv"       # a CSV export only: the block saved beside it
    [expenses.columns]
    "Montant HT (€)" = { field = "amount", champ = 2380013 }

`champ` is the stable id of a champ (the number in `Champ-<id>` of the API):
with it, a label changed in a new revision of the démarche is still found
in a snapshot. Read for a policy (`load_mapping(path, vocabulary)`), a champ
may also fill one of the policy's inputs (`inputs.NAME`, of the type the
policy declares) or say which documents the dossier provides (`documents`,
`documents.NAME`: a pièce justificative champ), as in fitn7-csv. Mistakes
are `DossierError`s naming the mapping and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary
from fitn7_csv.mapping import (
    DEFAULT_NO,
    DEFAULT_YES,
    Column,
    as_table,
    check_keys,
    documents_one_way,
    parse_columns,
    read_toml,
    toml_key,
)

from fitn7_demarches_simplifiees.platform import STATES, base_label

#: Checkbox cells of an export read `on` / `off`.
DS_YES = (*DEFAULT_YES, "on")
DS_NO = (*DEFAULT_NO, "off")

_TOP_KEYS = ("demarche", "columns", "expenses")
_DEMARCHE_KEYS = ("number", "states")
_EXPENSES_KEYS = ("champ", "label", "file", "columns")


@attrs.frozen
class Repetition:
    """The repetition block whose rows are the expense lines."""

    #: Its stable id: the `(<id>)` of its sheet's name, `Champ-<id>` in the API.
    champ: int | None
    #: Its label, for a snapshot without `champ`, and for messages.
    label: str | None
    #: For a CSV export only: the block's sheet saved as CSV, relative to the export.
    file: str | None
    columns: tuple[Column, ...]
    #: Stable ids of the block's champs, by the header of the column reading them.
    champs: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def shown(self) -> str:
        """`Dépenses` (id 2380010), as messages name the block."""
        if self.label and self.champ is not None:
            return f"`{self.label}` (champ {self.champ})"
        return f"`{self.label}`" if self.label else f"champ {self.champ}"


@attrs.frozen
class DsMapping:
    """A whole démarche mapping."""

    file: str
    columns: tuple[Column, ...]
    #: Stable ids of champs, by the header of the column reading them.
    champs: Mapping[str, int]
    number: int | None = None
    #: Dossier states to evaluate (API codes); all when empty.
    states: tuple[str, ...] = ()
    expenses: Repetition | None = None

    @property
    def id_column(self) -> Column:
        """The column holding the dossier id (the parser made sure there is one)."""
        return next(c for c in self.columns if c.field.parts == ("id",))


def load_mapping(path: str | Path, vocabulary: Vocabulary | None = None) -> DsMapping:
    """Read and check a démarche mapping for the policy of `vocabulary` (its inputs and
    documents; None: no policy known); raises `DossierError` naming the file and the key."""
    return parse_mapping(read_toml(path), str(path), vocabulary)


def is_demarche_mapping(path: Path) -> bool:
    """Whether `path` is a démarche mapping (it has a `[demarche]` table); never raises."""
    try:
        return "demarche" in tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def parse_mapping(
    data: Mapping[str, Any], file: str, vocabulary: Vocabulary | None = None
) -> DsMapping:
    """A `DsMapping` from the parsed TOML of `file` (which only locates errors), for the
    policy of `vocabulary` when one is known."""
    check_keys(data, _TOP_KEYS, file, "")
    demarche = as_table(data.get("demarche", {}), file, "demarche")
    check_keys(demarche, _DEMARCHE_KEYS, file, "demarche")
    number = demarche.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)
                               or number < 1):
        raise dossier_error(file, "demarche.number", "expected the démarche's number",
                            "e.g. number = 41234, as in the démarche's address")
    states = demarche.get("states", [])
    if not isinstance(states, list) or not all(s in STATES for s in states):
        raise dossier_error(
            file, "demarche.states", f"expected a list of dossier states, got {states!r}",
            "states are " + ", ".join(f'"{s}"' for s in STATES),
        )
    if "columns" not in data:
        raise dossier_error(file, "", "no [columns] table", 'e.g. "ID" = "id"')
    columns, champs = _columns(as_table(data["columns"], file, "columns"), file, "columns",
                               "dossier", vocabulary)
    if not any(c.field.parts == ("id",) for c in columns):
        raise dossier_error(
            file, "columns", "no column is mapped to `id`",
            'the dossier number is the column "ID": "ID" = "id"',
        )
    inline = [c for c in columns if c.field.parts[0] == "expenses"]
    if inline:
        raise dossier_error(
            file, toml_key("columns", inline[0].header),
            "expense lines come from a repetition block: name it in [expenses]",
        )
    documents_one_way(columns, file)
    expenses = None
    if "expenses" in data:
        expenses = _repetition(as_table(data["expenses"], file, "expenses"), file)
    return DsMapping(file, columns, champs, number, tuple(states), expenses)


def _repetition(data: Mapping[str, Any], file: str) -> Repetition:
    check_keys(data, _EXPENSES_KEYS, file, "expenses")
    champ = data.get("champ")
    label = data.get("label")
    given = data.get("file")
    if champ is not None and not _is_id(champ):
        raise dossier_error(file, "expenses.champ", "expected the block's stable id, a number",
                            "e.g. champ = 2380010, the number in its sheet `(2380010) Dépenses`")
    for key, value in (("label", label), ("file", given)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise dossier_error(file, f"expenses.{key}", "expected a non-empty string")
    if champ is None and label is None:
        raise dossier_error(file, "expenses", "which repetition block holds the expense lines?",
                            'give its stable id, champ = 2380010, and its label = "Dépenses"')
    if "columns" not in data:
        raise dossier_error(file, "expenses", "missing `columns`",
                            'e.g. [expenses.columns] "Montant HT (€)" = "amount"')
    columns, champs = _columns(as_table(data["columns"], file, "expenses.columns"), file,
                               "expenses.columns", "expense")
    return Repetition(champ, label.strip() if label else None,
                      given.strip() if given else None, columns, champs)


def _columns(
    data: Mapping[str, Any], file: str, where: str, root: str,
    vocabulary: Vocabulary | None = None,
) -> tuple[tuple[Column, ...], dict[str, int]]:
    """fitn7-csv's columns (a policy's inputs and documents typed by its `vocabulary`),
    `champ` ids taken out first, and checkbox words added."""
    plain: dict[str, Any] = {}
    champs: dict[str, int] = {}
    labels: dict[int, str] = {}
    for header, spec in data.items():
        if isinstance(spec, Mapping) and "champ" in spec:
            champ = spec["champ"]
            at = toml_key(where, header)
            if not _is_id(champ):
                raise dossier_error(file, f"{at}.champ", "expected the champ's stable id, a number",
                                    "e.g. champ = 2380004 (`Champ-2380004` in the API)")
            label = base_label(header.strip())
            if labels.setdefault(champ, label) != label:
                raise dossier_error(
                    file, f"{at}.champ",
                    f"champ {champ} is already `{labels[champ]}`: one champ has one label",
                )
            champs[header.strip()] = champ
            spec = {k: v for k, v in spec.items() if k != "champ"}
        plain[header] = spec
    columns = parse_columns(plain, file, where, root, vocabulary)
    with_words = []
    for column, spec in zip(columns, plain.values(), strict=True):
        given = spec if isinstance(spec, Mapping) else {}
        with_words.append(attrs.evolve(
            column,
            yes=column.yes if "yes" in given else DS_YES,
            no=column.no if "no" in given else DS_NO,
        ))
    return tuple(with_words), champs


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
