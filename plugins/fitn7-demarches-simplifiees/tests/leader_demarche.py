"""A LEADER démarche: a call that is not FITN7's, with its own categories, inputs and document.

Four dossiers shaped as cases L1, L5, L6 and L6b of the shipped LEADER policy
(policies/leader.fitn7 and its examples), on a form whose champs fill the
policy's inputs (`inputs.NAME`), its document (`documents.NAME`, a pièce
justificative) and its expense categories. Each dossier is also written as
a TOML dossier file (`toml_of`), to check that both read alike. The
démarche's number and the champs' stable ids are invented.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fake_ds import Champ, Demarche, Dossier

POLICY = Path(__file__).resolve().parents[3] / "policies" / "leader.fitn7"

DEPENSES = Champ(3100010, "Plan de financement", "repetition", (
    Champ(3100011, "Dépense", "text"),
    Champ(3100012, "Poste", "drop_down"),
    Champ(3100013, "Montant HT (€)", "decimal"),
    Champ(3100014, "Montant TTC (€)", "decimal"),
    Champ(3100015, "TVA récupérée", "yes_no"),
))

CHAMPS = (
    Champ(3100001, "Intitulé de l'opération", "text"),
    Champ(3100002, "Montant FEADER demandé (€)", "decimal"),
    Champ(3100003, "Inscrite dans une fiche-action", "yes_no"),
    Champ(3100004, "Part sur le territoire du GAL", "text"),
    Champ(3100005, "Date du premier acte de l'opération", "date"),
    Champ(3100006, "Cofinancements publics (€)", "decimal"),
    Champ(3100007, "Engagement du cofinanceur", "piece_justificative"),
    DEPENSES,
)

#: The démarche's mapping: the policy's inputs, document and categories by champ.
MAPPING = """
[demarche]
number = 51234

[columns]
"ID" = "id"
"Déposé le" = "submitted"
"Entreprise SIREN" = "applicant.siren"
"Entreprise raison sociale" = "applicant.name"
"Entreprise forme juridique code" = "applicant.kind"
"Intitulé de l'opération" = { field = "project.title", champ = 3100001 }
"Montant FEADER demandé (€)" = { field = "requested", champ = 3100002 }
"Inscrite dans une fiche-action" = { field = "inputs.inscription_strategie", champ = 3100003 }
"Part sur le territoire du GAL" = { field = "inputs.part_territoire", champ = 3100004 }
"Date du premier acte de l'opération" = { field = "inputs.debut_operation", champ = 3100005 }
"Cofinancements publics (€)" = { field = "inputs.cofinancement_public", champ = 3100006 }
"Engagement du cofinanceur" = { field = "documents.engagement_cofinanceur", champ = 3100007 }

[expenses]
champ = 3100010
label = "Plan de financement"
file = "leader-depenses.csv"

[expenses.columns]
"Dépense" = { field = "label", champ = 3100011 }
"Montant HT (€)" = { field = "amount_ht", champ = 3100013 }
"Montant TTC (€)" = { field = "amount_ttc", champ = 3100014 }
"TVA récupérée" = { field = "vat_recovered", champ = 3100015 }

[expenses.columns.Poste]
field = "category"
champ = 3100012

[expenses.columns.Poste.values]
"Étude" = "etude"
"Investissement" = "investissement"
"Fonctionnement" = "fonctionnement"
"""

#: The form's drop-down choices, by the policy's category.
POSTES = {"etude": "Étude", "investissement": "Investissement",
          "fonctionnement": "Fonctionnement"}


def _line(label: str, category: str, ht: str, ttc: str, recovered: bool) -> dict[int, Any]:
    return {3100011: label, 3100012: POSTES[category], 3100013: Decimal(ht),
            3100014: Decimal(ttc), 3100015: recovered}


def _values(title: str, requested: str, share: str, first_act: datetime.date,
            cofinancing: str | None, engagement: str | None,
            lines: list[dict[int, Any]]) -> dict[int, Any]:
    return {3100001: title, 3100002: Decimal(requested), 3100003: True, 3100004: share,
            3100005: first_act, 3100006: None if cofinancing is None else Decimal(cofinancing),
            3100007: engagement, 3100010: lines}


def _dossier(number: int, name: str, kind: str, siren: str, deposited: str,
             values: dict[int, Any]) -> Dossier:
    at = datetime.datetime.fromisoformat(deposited)
    return Dossier(number, f"porteur{number}@example.fr", siren, name, "", kind,
                   "en_instruction", at, at + datetime.timedelta(days=2), values)


SCIERIE = "SARL Scierie des Monts de Châlus"
SCIAGE = "Ligne de sciage pour le bois de châtaignier local"

DOSSIERS = (
    _dossier(7100001, "COMMUNE DE CHALUS", "7210", "218703205", "2021-03-01T09:30:00", _values(
        "Construction d'un commerce multiservices en centre-bourg", "64000", "100 %",
        datetime.date(2021, 6, 1), "16000", "engagement-departement.pdf",
        [_line("Travaux du bâtiment", "investissement", "100000", "120000", True)])),
    _dossier(7100005, "ASSOCIATION TRETEAUX DE LA CHATAIGNERAIE", "9220", "512345679",
             "2021-03-22T14:00:00", _values(
                 "Programme culturel itinérant", "12800", "50 %", datetime.date(2021, 5, 1),
                 "3200", "engagement-departement.pdf",
                 [_line("Cachets et transport", "fonctionnement", "40000", "40000", False)])),
    _dossier(7100006, SCIERIE, "5499", "523456788", "2021-02-15T11:00:00", _values(
        SCIAGE, "12800", "100 %", datetime.date(2021, 2, 10), None, None,
        [_line("Ligne de sciage", "investissement", "20000", "24000", True)])),
    _dossier(7100007, SCIERIE, "5499", "523456788", "2021-02-15T11:00:00", _values(
        SCIAGE, "12800", "100 %", datetime.date(2021, 3, 1), None, None,
        [_line("Ligne de sciage", "investissement", "20000", "24000", True)])),
)

LEADER = Demarche(51234, "Demande d'aide Leader — GAL Châtaigneraie Limousine", CHAMPS,
                  DOSSIERS)

#: The decisions of the LEADER examples these dossiers copy (cases L1, L5, L6, L6b).
EXPECTED = {
    "7100001": ("eligible", "55000.00", []),
    "7100005": ("review", "12800.00", ["prorata"]),
    "7100006": ("ineligible", None, ["non_commencement"]),
    "7100007": ("incomplete", None, ["cofinancement", "engagement_cofinanceur"]),
}


def toml_of(dossier: Dossier) -> str:
    """The same dossier written as a TOML dossier file."""
    v = dossier.values
    out = [
        f'id = "{dossier.number}"',
        f"submitted = {dossier.deposited.date().isoformat()}",
        f'requested = "{v[3100002]}"',
        f"documents = {['engagement_cofinanceur'] if v[3100007] else []!r}".replace("'", '"'),
        "[applicant]",
        f'name = "{dossier.raison_sociale}"',
        f'kind = "{dossier.forme_juridique_code}"',
        f'siren = "{dossier.siren}"',
        "[project]",
        f'title = "{v[3100001]}"',
    ]
    for line in v[3100010]:
        category = next(k for k, shown in POSTES.items() if shown == line[3100012])
        out += ["[[expenses]]", f'label = "{line[3100011]}"', f'category = "{category}"',
                f'amount_ht = "{line[3100013]}"', f'amount_ttc = "{line[3100014]}"',
                f"vat_recovered = {str(line[3100015]).lower()}"]
    out += ["[inputs]", "inscription_strategie = true",
            f'part_territoire = "{v[3100004].replace(" ", "")}"',
            f"debut_operation = {v[3100005].isoformat()}"]
    if v[3100006] is not None:
        out.append(f'cofinancement_public = "{v[3100006]}"')
    return "\n".join(out) + "\n"
