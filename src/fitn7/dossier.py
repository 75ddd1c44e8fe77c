"""The dossier: what an applicant files, as frozen attrs value objects.

`None` means *absent* (the key was not in the file): evaluation treats it as
unknown. An empty tuple is a value. `members`, `extra`, `inputs`,
`documents` and an expense's `provider` may be absent without being missing
(see docs/dossiers.md).

An applicant's `kind` is its legal form: a readable name (`commune`,
`association`, `sas`) or, for a form without one, its 4-digit INSEE
catégorie juridique (see docs/legal-forms.md). An expense's `category` is a
name the policy declares. Both are text: the eleven collectivité kinds and
the ten FITN7 categories of `Kind` and `Category` are text too (`StrEnum`),
so `Kind.COMMUNE == "commune"` and either may be written.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs


class Kind(enum.StrEnum):
    """The eleven collectivité kinds fitn7 named first, each tied to its SIRENE catégorie
    juridique code. Any other legal form is written by its readable name or code (text).
    """

    COMMUNE = "commune"
    CC = "cc"
    CA = "ca"
    CU = "cu"
    METROPOLE = "metropole"
    EPT = "ept"
    SYNDICAT_INTERCOMMUNAL = "syndicat_intercommunal"
    SYNDICAT_MIXTE = "syndicat_mixte"
    DEPARTEMENT = "departement"
    REGION = "region"
    COLLECTIVITE_STATUT_PARTICULIER = "collectivite_statut_particulier"

    @property
    def categorie_juridique(self) -> str:
        """The main SIRENE catégorie juridique code of this kind (e.g. `7210` for a commune)."""
        return CATEGORIES_JURIDIQUES[self][0]

    @classmethod
    def from_categorie_juridique(cls, code: str) -> Kind | None:
        """The kind of a SIRENE catégorie juridique code, or None for other bodies."""
        for kind, codes in CATEGORIES_JURIDIQUES.items():
            if code in codes:
                return kind
        return None


#: SIRENE catégories juridiques (INSEE nomenclature, level III). The first code
#: of each tuple is the one written out; the others are read as the same kind.
CATEGORIES_JURIDIQUES: Mapping[Kind, tuple[str, ...]] = {
    Kind.COMMUNE: ("7210",),
    Kind.CC: ("7346",),
    Kind.CA: ("7348",),
    Kind.CU: ("7343",),
    Kind.METROPOLE: ("7344",),
    # The EPT of the Métropole du Grand Paris are registered as "autre
    # établissement public local de coopération non spécialisé".
    Kind.EPT: ("7349",),
    Kind.SYNDICAT_INTERCOMMUNAL: ("7353", "7345"),  # SIVU, SIVOM
    Kind.SYNDICAT_MIXTE: ("7354", "7355"),  # fermé, ouvert
    Kind.DEPARTEMENT: ("7220",),
    Kind.REGION: ("7230",),
    Kind.COLLECTIVITE_STATUT_PARTICULIER: ("7229", "7225"),
}


class Category(enum.StrEnum):
    """The ten FITN7 expense categories: the vocabulary of a policy that declares none.

    A policy declares its own with `category NAME "Libellé"` (docs/language.md);
    these stay for the FITN7 policies and Python callers written before that.
    """

    ETUDE = "etude"
    CONSEIL = "conseil"
    INGENIERIE = "ingenierie"
    ACCOMPAGNEMENT = "accompagnement"
    DEVELOPPEMENT = "developpement"
    FORMATION = "formation"
    LICENCE = "licence"
    PERSONNEL = "personnel"
    MATERIEL = "materiel"
    AUTRE = "autre"


@attrs.frozen
class Applicant:
    """The applicant (the lead, for a joint project) or a member of a joint project.

    `kind` is its legal form (`commune`, `association`, `sas`, or a 4-digit
    catégorie juridique without a readable name: see `fitn7.applicants`).
    `code`, `population`, `departement`, `region`, `zrr` and `qpv` are those
    of a collectivité or a groupement; another applicant has none.
    """

    name: str | None = None
    kind: str | None = None
    code: str | None = None
    population: int | None = None
    departement: str | None = None
    region: str | None = None
    zrr: bool | None = None
    qpv: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)
    #: SIRET (14 digits) of the establishment that applies, if it has one.
    siret: str | None = None
    #: SIREN (9 digits) of the legal unit: given, or the first 9 digits of `siret`.
    siren: str | None = None
    #: The catégorie juridique as filed when it is another code of `kind` (`7345`, a
    #: SIVOM, for `syndicat_intercommunal`); `legal_form` gives the code in every case.
    categorie_juridique: str | None = None

    @property
    def legal_form(self) -> str | None:
        """The 4-digit catégorie juridique (`7210`), None when the kind is not known."""
        if self.categorie_juridique is not None:
            return self.categorie_juridique
        if self.kind is None:
            return None
        from fitn7.applicants import main_code  # it reads the nomenclature, which needs Kind

        return main_code(self.kind)

    @property
    def family(self) -> frozenset[str] | None:
        """The names of the families of its legal form (`collectivite`, `commune` …)."""
        code = self.legal_form
        if code is None:
            return None
        from fitn7.applicants import families_of

        return families_of(code)


#: The applicant's former name, kept for the Python API (every field and position is
#: the same).
Collectivite = Applicant


@attrs.frozen
class Project:
    """What the dossier asks funding for."""

    title: str | None = None
    themes: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    started: bool | None = None
    duration_months: int | None = None
    participatory: bool | None = None
    open_source: bool | None = None
    communes_covered: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Provider:
    """The company or body paid for an expense line."""

    name: str | None = None
    siret: str | None = None
    region: str | None = None


@attrs.frozen
class Expense:
    """One line of the budget.

    `amount` is the line's figure as written; a line may also give its figures
    without and with VAT (`amount_ht`, `amount_ttc`) and say whether the VAT is
    recovered (by the applicant, or covered by the FCTVA): a policy with an
    `expenses basis` declaration reads those instead of `amount`.
    """

    label: str | None = None
    #: A category the policy declares (`etude`); `Category` members are such names.
    category: str | None = None
    amount: Decimal | None = None
    provider: Provider | None = None
    amount_ht: Decimal | None = None
    amount_ttc: Decimal | None = None
    vat_recovered: bool | None = None


@attrs.frozen
class Dossier:
    """An application (dossier de candidature) from a collectivité."""

    id: str
    submitted: datetime.date | None = None
    applicant: Collectivite | None = None
    members: tuple[Collectivite, ...] = ()
    project: Project | None = None
    expenses: tuple[Expense, ...] | None = None
    requested: Decimal | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)
    #: The values of the inputs the policy declares (`input NAME: TYPE …`), by name;
    #: read with their declared types once the policy is known.
    inputs: Mapping[str, Any] = attrs.field(factory=dict)
    #: The names of the documents (pièces justificatives) the dossier provides.
    documents: tuple[str, ...] = ()
    #: Where the dossier was read from (a file path), for error messages.
    origin: str | None = attrs.field(default=None, eq=False)
