"""What Démarches Simplifiées itself writes: states, column headers, sheet names, ids.

The same dossier reads alike from every source because each is brought to
the export's shape: cells under the export's column headers. This module
holds the platform's words for that (see DEMARCHES-SIMPLIFIEES.md in the
project's specs): the dossier states in French and as API codes, the
headers of the platform's own columns and of the demandeur's, the
sub-columns of a commune or EPCI champ, the `(<id>) libellé` names of
repetition sheets and the base64 ids of the API's champs.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping

#: Dossier states as the API writes them, in the platform's order.
STATES = ("en_construction", "en_instruction", "accepte", "refuse", "sans_suite")

#: The export's French state labels, casefolded, and the API code of each.
STATE_LABELS: Mapping[str, str] = {
    "en construction": "en_construction",
    "en instruction": "en_instruction",
    "accepté": "accepte",
    "refusé": "refuse",
    "classé sans suite": "sans_suite",
    "sans suite": "sans_suite",
}

#: The header of the dossier number and of the state, in every export.
NUMBER = "ID"
STATE = "État du dossier"
#: Sheets of an xlsx or ods export.
DOSSIERS_SHEET = "Dossiers"
ETABLISSEMENTS_SHEET = "Etablissements"
#: Columns of the Etablissements and repetition sheets.
DOSSIER_ID = "Dossier ID"
CHAMP = "Champ"
LIGNE = "Ligne"
#: The `Champ` of the demandeur's row on the Etablissements sheet.
DEMANDEUR = "Dossier"

#: Sub-columns of a champ with several columns: `<label> (Code INSEE)`.
SUFFIXES = ("(Code INSEE)", "(Département)", "(Code)")

_SHEET_ID = re.compile(r"\((\d+)\)\s*(.*)")
_DEPARTEMENT = re.compile(r"\s*(\w{2,3})\s+[–—-]\s+\S")
_CHAMP_ID = re.compile(r"Champ-(\d+)(?:\|.*)?")


def state_code(text: str) -> str:
    """The API code of a state as an export writes it (`En instruction` → `en_instruction`);
    a code or an unknown text is kept as it is."""
    return STATE_LABELS.get(text.strip().casefold(), text.strip())


def base_label(header: str) -> str:
    """The champ label of a column header: `Commune du siège (Code INSEE)` → `Commune du siège`."""
    for suffix in SUFFIXES:
        if header.endswith(" " + suffix):
            return header.removesuffix(" " + suffix)
    return header


def departement_code(text: str) -> str:
    """`32 – Gers` → `32`: the code a `(Département)` column starts with (the API gives the
    code alone); other texts unchanged."""
    found = _DEPARTEMENT.match(text)
    return found.group(1) if found else text


def sheet_champ(name: str) -> int | None:
    """The stable id of a repetition sheet, `(2380010) Depenses` → 2380010; None for others."""
    found = _SHEET_ID.fullmatch(name.strip())
    return int(found.group(1)) if found else None


def sheet_label(name: str) -> str:
    """The (transliterated, truncated) label after the id: `(2380010) Depenses` → `Depenses`."""
    found = _SHEET_ID.fullmatch(name.strip())
    return found.group(2) if found else name


def champ_id(graphql_id: str) -> int | None:
    """The stable id in an API champ id: base64 of `Champ-<id>` (`|<row>` in a repetition)."""
    try:
        text = base64.b64decode(graphql_id, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    found = _CHAMP_ID.fullmatch(text)
    return int(found.group(1)) if found else None


def graphql_champ_id(stable_id: int, row: str | None = None) -> str:
    """The API id of a champ (of a repetition row when `row` is given)."""
    text = f"Champ-{stable_id}" + (f"|{row}" if row is not None else "")
    return base64.b64encode(text.encode()).decode()


#: The platform's own columns of an export, from the API's dossier: header → path.
DOSSIER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    NUMBER: ("number",),
    "Email": ("usager", "email"),
    STATE: ("state",),
    "À archiver": ("archived",),
    "Dernière mise à jour le": ("dateDerniereModification",),
    "Déposé le": ("dateDepot",),
    "Passé en instruction le": ("datePassageEnInstruction",),
    "Traité le": ("dateTraitement",),
    "Motivation de la décision": ("motivation",),
    "Groupe instructeur": ("groupeInstructeur", "label"),
}

#: The demandeur personne morale's columns (inline in a CSV export, on the
#: Etablissements sheet of a workbook), from the API's `demandeur`.
MORALE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "Établissement SIRET": ("siret",),
    "Établissement NAF": ("naf",),
    "Établissement code postal": ("address", "postalCode"),
    "Établissement code INSEE localité": ("address", "cityCode"),
    "Entreprise SIREN": ("entreprise", "siren"),
    "Entreprise raison sociale": ("entreprise", "raisonSociale"),
    "Entreprise forme juridique": ("entreprise", "formeJuridique"),
    "Entreprise forme juridique code": ("entreprise", "formeJuridiqueCode"),
    "Association RNA": ("association", "rna"),
    "Association titre": ("association", "titre"),
}

#: A demandeur personne physique's columns, from the API's `demandeur`.
PHYSIQUE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "Civilité": ("civilite",),
    "Nom": ("nom",),
    "Prénom": ("prenom",),
}
