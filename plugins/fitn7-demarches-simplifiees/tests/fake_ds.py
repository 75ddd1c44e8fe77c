"""A démarche described once, written as Démarches Simplifiées writes it: xlsx, ods, csv, API.

The tests, the example generator (`examples/generate.py`) and the benchmark
build their exports here from one description, so the four sources of the
Gers example cannot drift apart: `Demarche` (its champs with stable ids and
labels) and `Dossier`s (values by stable id), written by `write_xlsx`,
`write_ods`, `write_csv` (and its repetition CSV) and `snapshot` (the API's
JSON). The shapes follow the platform's exports (see DEMARCHES-SIMPLIFIEES.md):
sheets `Dossiers`, `Etablissements`, `Avis`, `(<id>) <label>` per repetition
block; `on`/`off`, `Oui`/`Non`, `, `-joined choices, French state labels.
"""

from __future__ import annotations

import csv
import datetime
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from fitn7_demarches_simplifiees.platform import graphql_champ_id

_STATE_LABELS = {
    "en_construction": "En construction",
    "en_instruction": "En instruction",
    "accepte": "Accepté",
    "refuse": "Refusé",
    "sans_suite": "Classé sans suite",
}
_TYPENAMES = {
    "text": "TextChamp", "drop_down": "DropDownListChamp", "integer": "IntegerNumberChamp",
    "decimal": "DecimalNumberChamp", "yes_no": "YesNoChamp", "checkbox": "CheckboxChamp",
    "date": "DateChamp", "multiple": "MultipleDropDownListChamp", "commune": "CommuneChamp",
    "departement": "DepartementChamp", "siret": "SiretChamp", "repetition": "RepetitionChamp",
    "piece_justificative": "PieceJustificativeChamp",
}
DEPARTEMENTS = {"32": "Gers", "31": "Haute-Garonne", "65": "Hautes-Pyrénées"}


@dataclass(frozen=True)
class Champ:
    """A champ of the form: stable id, label, type; children for a repetition block."""

    id: int
    label: str
    kind: str
    children: tuple[Champ, ...] = ()
    annotation: bool = False


@dataclass(frozen=True)
class Commune:
    """A commune champ's value."""

    name: str
    code: str
    postal_code: str

    @property
    def departement(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Dossier:
    """One dossier: the platform's data and the champs' values by stable id.

    A value is text, an int, a Decimal, a bool, a date, a list (multiple
    choice), a `Commune`, a département code, a file name (a pièce
    justificative), or for a repetition block a list of rows (each a mapping
    of child id to value).
    """

    number: int
    email: str
    siren: str
    raison_sociale: str
    forme_juridique: str
    forme_juridique_code: str
    state: str
    deposited: datetime.datetime
    instruction: datetime.datetime | None
    values: Mapping[int, Any]
    updated: datetime.datetime | None = None


@dataclass(frozen=True)
class Demarche:
    """A démarche: number, title, champs (annotations privées flagged)."""

    number: int
    title: str
    champs: tuple[Champ, ...]
    dossiers: tuple[Dossier, ...] = field(default=())

    def blocks(self) -> list[Champ]:
        return [c for c in self.champs if c.kind == "repetition"]


# ------------------------------------------------------------------ values


def siret(siren: str) -> str:
    """A SIRET of this SIREN that passes the Luhn check (its first valid NIC from 00010)."""
    for nic in range(10, 99999):
        candidate = f"{siren}{nic:05d}"
        if _luhn(candidate):
            return candidate
    raise ValueError(siren)  # pragma: no cover


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _local(moment: datetime.datetime) -> str:
    """An API date-time: French summer time, as the platform writes it."""
    return moment.isoformat() + "+02:00"


def _export_text(champ: Champ, value: Any) -> Any:
    """The value as an export's main column holds it (typed where a sheet types it)."""
    if value is None:
        return None
    if champ.kind == "yes_no":
        return "Oui" if value else "Non"
    if champ.kind == "checkbox":
        return "on" if value else "off"
    if champ.kind == "multiple":
        return ", ".join(value)
    if champ.kind == "commune":
        return f"{value.name} ({value.postal_code})"
    if champ.kind == "departement":
        return f"{value} – {DEPARTEMENTS[value]}"
    if champ.kind == "decimal":
        return float(value)
    return value


def _columns(champ: Champ, value: Any) -> list[tuple[str, Any]]:
    """The export's columns of a champ: its own, and a commune's or département's others."""
    cells = [(champ.label, _export_text(champ, value))]
    if champ.kind == "commune":
        cells += [(f"{champ.label} (Code INSEE)", value.code if value else None),
                  (f"{champ.label} (Département)",
                   f"{value.departement} – {DEPARTEMENTS[value.departement]}" if value else None)]
    elif champ.kind == "departement":
        cells.append((f"{champ.label} (Code)", value))
    return cells


_MORALE = ("Établissement SIRET", "Établissement siège social", "Établissement NAF",
           "Établissement code postal", "Établissement localité",
           "Établissement code INSEE localité", "Entreprise SIREN", "Entreprise raison sociale",
           "Entreprise forme juridique", "Entreprise forme juridique code")


def _morale(d: Dossier, commune: Commune | None) -> list[Any]:
    return [siret(d.siren), "Oui", "84.11Z", commune.postal_code if commune else None,
            commune.name if commune else None, commune.code if commune else None, d.siren,
            d.raison_sociale, d.forme_juridique, d.forme_juridique_code]


def _commune_of(demarche: Demarche, d: Dossier) -> Commune | None:
    return next((d.values.get(c.id) for c in demarche.champs if c.kind == "commune"), None)


_HEAD = ("ID", "Email", "FranceConnect ?")
_STATUS = ("À archiver", "État du dossier", "Dernière mise à jour le", "Déposé le",
           "Passé en instruction le", "Traité le", "Motivation de la décision", "Instructeurs")


def dossiers_table(demarche: Demarche, *, inline_demandeur: bool) -> list[list[Any]]:
    """The Dossiers table: header then one row per dossier (csv: the demandeur inline)."""
    champs = [c for c in demarche.champs if c.kind != "repetition"]
    header: list[str] = list(_HEAD)
    if inline_demandeur:
        header += list(_MORALE)
    else:
        header.append("Entreprise raison sociale")
    header += list(_STATUS)
    ordered = [c for c in champs if not c.annotation] + [c for c in champs if c.annotation]
    for champ in ordered:
        header += [h for h, _ in _columns(champ, None)]
    rows: list[list[Any]] = [header]
    for d in demarche.dossiers:
        row: list[Any] = [d.number, d.email, "false"]
        row += _morale(d, _commune_of(demarche, d)) if inline_demandeur else [d.raison_sociale]
        row += ["Non", _STATE_LABELS[d.state], d.updated or d.instruction or d.deposited,
                d.deposited, d.instruction, None, None, "instruction@gers.gouv.fr"]
        for champ in ordered:
            row += [v for _, v in _columns(champ, d.values.get(champ.id))]
        rows.append(row)
    return rows


def etablissements_table(demarche: Demarche) -> list[list[Any]]:
    rows: list[list[Any]] = [["Dossier ID", "Champ", *_MORALE]]
    for d in demarche.dossiers:
        rows.append([d.number, "Dossier", *_morale(d, _commune_of(demarche, d))])
    return rows


def repetition_table(block: Champ, dossiers: Sequence[Dossier]) -> list[list[Any]]:
    rows: list[list[Any]] = [["Dossier ID", "Ligne", *(c.label for c in block.children)]]
    for d in dossiers:
        for position, line in enumerate(d.values.get(block.id) or (), start=1):
            rows.append([d.number, position,
                         *(_export_text(c, line.get(c.id)) for c in block.children)])
    return rows


def sheet_name(block: Champ) -> str:
    """`(<id>) <label>`, transliterated, without `/\\*?[]`, cut to 30 characters."""
    plain = unicodedata.normalize("NFKD", block.label).encode("ascii", "ignore").decode()
    plain = "".join(ch for ch in plain if ch not in "/\\*?[]")
    return f"({block.id}) {plain}"[:30]


def sheets(demarche: Demarche) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook export, in the platform's order."""
    out = {
        "Dossiers": dossiers_table(demarche, inline_demandeur=False),
        "Etablissements": etablissements_table(demarche),
        "Avis": [["Dossier ID", "Introduction", "Réponse", "Question", "Réponse à la question",
                  "Instructeur", "Expert", "Date de création", "Date de réponse"]],
    }
    for block in demarche.blocks():
        table = repetition_table(block, demarche.dossiers)
        if len(table) > 1:  # a block with no row has no sheet
            out[sheet_name(block)] = table
    return out


# ------------------------------------------------------------------ writers


def write_xlsx(demarche: Demarche, path: Path, *, tables: Mapping[str, Any] | None = None) -> None:
    """The xlsx export (openpyxl), dates as dates and numbers as numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    fixed = datetime.datetime(2021, 7, 1, 9, 0, 0)
    book.properties.created = book.properties.modified = fixed
    for name, rows in (tables or sheets(demarche)).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def write_ods(demarche: Demarche, path: Path, *, tables: Mapping[str, Any] | None = None) -> None:
    """The ods export (odfpy), dates as dates and numbers as numbers."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in (tables or sheets(demarche)).items():
        table = Table(name=name)
        for row in rows:
            line = TableRow()
            for value in row:
                if value is None or value == "":
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                    cell.addElement(P(text=str(value).upper()))
                elif isinstance(value, datetime.datetime | datetime.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.isoformat()))
                elif isinstance(value, int | float | Decimal):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                line.addElement(cell)
            table.addElement(line)
        document.spreadsheet.addElement(table)
    document.save(str(path))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def write_csv(demarche: Demarche, path: Path, lines_path: Path | None = None) -> None:
    """The CSV export (`,`, UTF-8), and the repetition block's sheet saved as CSV."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in dossiers_table(demarche, inline_demandeur=True):
            writer.writerow([_csv_cell(v) for v in row])
    if lines_path is not None:
        (block,) = demarche.blocks()
        with lines_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for row in repetition_table(block, demarche.dossiers):
                writer.writerow([_csv_cell(v) for v in row])


# ------------------------------------------------------------------ the API


def api_champ(champ: Champ, value: Any, row: str | None = None) -> dict[str, Any]:
    """A champ as the API returns it with the typed fragments of dossiers.graphql."""
    node: dict[str, Any] = {
        "id": graphql_champ_id(champ.id, row),
        "champDescriptorId": graphql_champ_id(champ.id).replace("Q2hhbXA", "VHlwZURlQ2hhbXA"),
        "__typename": _TYPENAMES[champ.kind],
        "label": champ.label,
        "stringValue": None if value is None else str(_export_text(champ, value)),
    }
    if champ.kind == "yes_no":
        node["selected"] = value
    elif champ.kind == "checkbox":
        node["checked"] = bool(value)
    elif champ.kind == "integer":
        node["integerNumber"] = None if value is None else str(value)
    elif champ.kind == "decimal":
        node["decimalNumber"] = None if value is None else float(value)
    elif champ.kind == "date":
        node["date"] = None if value is None else value.isoformat()
    elif champ.kind == "multiple":
        node["values"] = list(value or ())
    elif champ.kind == "commune":
        node["commune"] = None if value is None else {
            "name": value.name, "code": value.code, "postalCode": value.postal_code}
        node["departement"] = None if value is None else {
            "code": value.departement, "name": DEPARTEMENTS[value.departement]}
    elif champ.kind == "departement":
        node["departement"] = None if value is None else {
            "code": value, "name": DEPARTEMENTS[value]}
    elif champ.kind == "siret":
        node["etablissement"] = None if value is None else {
            "siret": value, "entreprise": {"siren": value[:9], "raisonSociale": None,
                                           "formeJuridiqueCode": None}}
    elif champ.kind == "piece_justificative":
        node["files"] = [] if value is None else [{"filename": value}]
    elif champ.kind == "repetition":
        node["rows"] = [
            {"id": f"row-{champ.id}-{i}",
             "champs": [api_champ(c, line.get(c.id), f"row-{champ.id}-{i}")
                        for c in champ.children]}
            for i, line in enumerate(value or (), start=1)
        ]
    return node


def api_dossier(demarche: Demarche, d: Dossier) -> dict[str, Any]:
    """A dossier node as `fitn7 ds pull` stores it."""
    commune = _commune_of(demarche, d)
    return {
        "id": f"RG9zc2llci0{d.number}",
        "number": d.number,
        "state": d.state,
        "archived": False,
        "dateDepot": _local(d.deposited),
        "datePassageEnInstruction": _local(d.instruction) if d.instruction else None,
        "dateTraitement": None,
        "dateDerniereModification": _local(d.updated or d.instruction or d.deposited),
        "motivation": None,
        "usager": {"email": d.email},
        "groupeInstructeur": {"number": 1, "label": "défaut"},
        "demandeur": {
            "__typename": "PersonneMorale",
            "siret": siret(d.siren),
            "naf": "84.11Z",
            "address": {"cityCode": commune.code if commune else None,
                        "postalCode": commune.postal_code if commune else None,
                        "departmentCode": commune.departement if commune else None},
            "entreprise": {"siren": d.siren, "raisonSociale": d.raison_sociale,
                           "formeJuridique": d.forme_juridique,
                           "formeJuridiqueCode": d.forme_juridique_code},
            "association": None,
        },
        "champs": [api_champ(c, d.values.get(c.id)) for c in demarche.champs
                   if not c.annotation],
        "annotations": [api_champ(c, d.values.get(c.id)) for c in demarche.champs
                        if c.annotation],
    }


def snapshot(demarche: Demarche, *, pulled_at: str = "2021-07-01T09:00:00+00:00") -> dict[str, Any]:
    """A whole snapshot document, as `fitn7 ds pull` writes it."""
    return {
        "format": "fitn7-demarches-simplifiees/snapshot",
        "version": 1,
        "demarche": {"number": demarche.number, "title": demarche.title},
        "instance": "https://demarche.numerique.gouv.fr",
        "pulled_at": pulled_at,
        "state": None,
        "dossiers": [api_dossier(demarche, d) for d in demarche.dossiers],
    }


def write_snapshot(demarche: Demarche, path: Path) -> None:
    path.write_text(json.dumps(snapshot(demarche), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
