"""Legal forms: the INSEE catégories juridiques, their readable names and families.

Every unit of the SIRENE register has a *catégorie juridique*, a 4-digit code
of the INSEE nomenclature (niveau III: `7210` commune, `9220` association
déclarée, `5710` SAS ...), grouped in 2-digit niveau II and 1-digit niveau I
categories. The nomenclature ships as `fitn7/data/categories_juridiques.csv`
(September 2022 version; source and licence in `fitn7/data/README.md`).

On top of the codes this module gives:

- readable names for the common forms (`commune`, `association`, `sas` ...),
  each standing for one or more codes (`READABLE_NAMES`, `codes_of`);
- families, the groups a funding call names (`epci`, `collectivite`, `ess`
  ...), defined by codes and levels of the nomenclature with their legal
  basis (`FAMILIES`, `family_members`, `families_of`);
- SIREN and SIRET checks (`validate_siren`, `validate_siret`, `siren_of`).

Unknown codes and names raise `LegalFormError` with a hint a user can act on;
malformed identifiers raise `IdentifierError`. Nothing here is mutable: the
CSV is read once, lazily, and every table is a read-only mapping.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

import attrs

from fitn7.diagnostics import did_you_mean
from fitn7.errors import Fitn7Error

__all__ = [
    "DATA_FILE",
    "FAMILIES",
    "LA_POSTE_SIREN",
    "NOMENCLATURE_VERSION",
    "NOT_A_LEGAL_FORM",
    "READABLE_NAMES",
    "Family",
    "IdentifierError",
    "LegalForm",
    "LegalFormError",
    "Level",
    "ReadableName",
    "codes_of",
    "families_of",
    "family_members",
    "legal_form",
    "legal_forms",
    "level_i",
    "level_ii",
    "name_of",
    "siren_of",
    "validate_siren",
    "validate_siret",
]

#: The file in `fitn7/data` that holds the nomenclature.
DATA_FILE = "categories_juridiques.csv"
#: The version of the nomenclature in that file, as INSEE dates it.
NOMENCLATURE_VERSION = "INSEE catégories juridiques, mise à jour du 1er septembre 2022"

_CODE = re.compile(r"[0-9]{4}")
_DIGITS = re.compile(r"[0-9]+")


class LegalFormError(Fitn7Error, ValueError):
    """A catégorie juridique code, readable name or family is unknown or malformed.

    `hint` says what to write instead (a close name, the codes of the same
    niveau II, or why a word such as `sasu` has no code of its own).
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)


class IdentifierError(Fitn7Error, ValueError):
    """A SIREN or SIRET number is malformed or fails its check digit."""

    def __init__(self, kind: str, value: str, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"`{value}` is not a valid {kind}: {reason}")


@attrs.frozen
class Level:
    """A niveau I or niveau II category of the nomenclature (`72` Collectivité territoriale)."""

    code: str
    label: str


@attrs.frozen
class LegalForm:
    """A niveau III catégorie juridique with the niveau II and I categories it belongs to."""

    code: str
    label: str
    level_ii_code: str
    level_ii_label: str
    level_i_code: str
    level_i_label: str

    @property
    def name(self) -> str | None:
        """The readable name of this form (`commune` for `7210`), or None if it has none."""
        return name_of(self.code)

    @property
    def families(self) -> frozenset[str]:
        """The names of the families this form belongs to (`collectivite`, `commune` ...)."""
        return families_of(self.code)


@attrs.frozen
class _Nomenclature:
    forms: Mapping[str, LegalForm]
    levels_ii: Mapping[str, Level]
    levels_i: Mapping[str, Level]


@functools.cache
def _nomenclature() -> _Nomenclature:
    text = (resources.files("fitn7") / "data" / DATA_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    levels_i = {r["code"]: Level(r["code"], r["libelle"]) for r in rows if r["niveau"] == "I"}
    levels_ii = {r["code"]: Level(r["code"], r["libelle"]) for r in rows if r["niveau"] == "II"}
    forms = {}
    for r in rows:
        if r["niveau"] != "III":
            continue
        ii, i = levels_ii[r["niveau_ii"]], levels_i[r["niveau_i"]]
        forms[r["code"]] = LegalForm(r["code"], r["libelle"], ii.code, ii.label, i.code, i.label)
    return _Nomenclature(
        MappingProxyType(forms), MappingProxyType(levels_ii), MappingProxyType(levels_i)
    )


def legal_forms() -> tuple[LegalForm, ...]:
    """Every niveau III catégorie juridique, in code order."""
    return tuple(_nomenclature().forms.values())


def level_ii(code: str) -> Level:
    """The niveau II category of a 2-digit code (`72` → Collectivité territoriale)."""
    try:
        return _nomenclature().levels_ii[code]
    except KeyError:
        raise LegalFormError(f"unknown niveau II catégorie juridique `{code}`") from None


def level_i(code: str) -> Level:
    """The niveau I category of a 1-digit code (`7` → Personne morale ... droit administratif)."""
    try:
        return _nomenclature().levels_i[code]
    except KeyError:
        raise LegalFormError(f"unknown niveau I catégorie juridique `{code}`") from None


def legal_form(code: str) -> LegalForm:
    """The legal form of a 4-digit catégorie juridique code (`"7210"`).

    Raises `LegalFormError` for anything else, with a hint: the forms of the
    same niveau II for an unknown 4-digit code, the 4-digit codes below a
    niveau I or II code, or the code of a readable name or label.
    """
    if not isinstance(code, str):
        raise LegalFormError(
            f"a catégorie juridique is text, not {type(code).__name__}",
            f'write it in quotes, e.g. "{code}"',
        )
    form = _nomenclature().forms.get(code)
    if form is None:
        raise _unknown(code, "catégorie juridique")
    return form


# --- Readable names ---------------------------------------------------------


@attrs.frozen
class ReadableName:
    """A snake_case name for one or more codes; the first code is the one written out."""

    name: str
    codes: tuple[str, ...]
    note: str


def _names(*entries: tuple[str, tuple[str, ...], str]) -> Mapping[str, ReadableName]:
    return MappingProxyType({n: ReadableName(n, codes, note) for n, codes, note in entries})


#: The readable names, a stable API: a name is never removed nor given fewer
#: codes. The first eleven are the collectivité kinds of `fitn7.dossier.Kind`,
#: with the same codes (the alias codes after the first read as the same kind).
READABLE_NAMES: Mapping[str, ReadableName] = _names(
    ("commune", ("7210",), "commune and commune nouvelle"),
    ("cc", ("7346",), "communauté de communes"),
    ("ca", ("7348",), "communauté d'agglomération"),
    ("cu", ("7343",), "communauté urbaine"),
    ("metropole", ("7344",), "métropole (not the Métropole de Lyon, a collectivité: 7229)"),
    (
        "ept",
        ("7349",),
        "établissement public territorial of the Métropole du Grand Paris; INSEE codes "
        "them 7349, with other non-specialised local cooperation bodies and ententes",
    ),
    (
        "syndicat_intercommunal",
        ("7353", "7345"),
        "syndicat intercommunal à vocation unique (SIVU) or multiple (SIVOM)",
    ),
    ("syndicat_mixte", ("7354", "7355"), "syndicat mixte fermé or ouvert"),
    ("departement", ("7220",), "département"),
    ("region", ("7230",), "région"),
    (
        "collectivite_statut_particulier",
        ("7229", "7225"),
        "other collectivité territoriale (Corse, Martinique, Guyane, Métropole de Lyon ...) "
        "and collectivités et territoires d'outre-mer",
    ),
    ("petr", ("7357",), "pôle d'équilibre territorial et rural"),
    ("pole_metropolitain", ("7340",), "pôle métropolitain"),
    ("ccas", ("7361",), "centre communal d'action sociale"),
    ("cias", ("7367",), "centre intercommunal d'action sociale"),
    ("caisse_des_ecoles", ("7362",), "caisse des écoles"),
    ("eple", ("7331",), "établissement public local d'enseignement (collège, lycée)"),
    ("sdis", ("7372",), "service départemental d'incendie et de secours"),
    ("oph", ("7371",), "office public de l'habitat (OPHLM)"),
    ("gip", ("7410",), "groupement d'intérêt public"),
    ("epic_local", ("4140",), "établissement public local industriel ou commercial"),
    ("epa_local", ("7379",), "other établissement public administratif local"),
    ("epa_national", ("7389",), "établissement public national à caractère administratif"),
    (
        "association",
        ("9220",),
        "association déclarée (loi 1901); the family `association` covers every association form",
    ),
    ("association_utilite_publique", ("9230",), "association reconnue d'utilité publique"),
    ("association_droit_local", ("9260",), "association of Bas-Rhin, Haut-Rhin and Moselle"),
    ("association_insertion", ("9221",), "association déclarée d'insertion par l'économique"),
    ("association_intermediaire", ("9222",), "association intermédiaire"),
    ("groupement_employeurs", ("9223",), "groupement d'employeurs"),
    ("fondation", ("9300",), "fondation"),
    ("mutuelle", ("8210",), "mutuelle (code de la mutualité)"),
    (
        "scop",
        ("5458", "5558", "5658"),
        "SCOP in SARL or SA form; a SCOP in SAS form is coded 5710 like any SAS",
    ),
    ("cooperative_agricole", ("6317",), "société coopérative agricole"),
    ("cuma", ("6316",), "coopérative d'utilisation de matériel agricole en commun"),
    ("sem", ("5515", "5615", "5415"), "société d'économie mixte (SA or SARL)"),
    (
        "sa",
        ("5599", "5699"),
        "société anonyme à conseil d'administration or à directoire, "
        "without other indication; the family `societe_anonyme` covers every SA",
    ),
    ("sas", ("5710",), "société par actions simplifiée, SASU included"),
    ("sarl", ("5499",), "SARL without other indication, EURL included"),
    ("snc", ("5202",), "société en nom collectif"),
    ("ei", ("1000",), "entrepreneur individuel, micro-entrepreneurs included"),
    ("sci", ("6540",), "société civile immobilière"),
    ("gaec", ("6533",), "groupement agricole d'exploitation en commun"),
    ("earl", ("6598",), "exploitation agricole à responsabilité limitée"),
    ("scea", ("6597",), "société civile d'exploitation agricole"),
    ("gie", ("6220",), "groupement d'intérêt économique"),
)

#: Words a call uses that are no catégorie juridique: why, and what to write.
NOT_A_LEGAL_FORM: Mapping[str, str] = MappingProxyType(
    {
        "sasu": "a SASU has no catégorie juridique of its own: INSEE codes it 5710 like any "
        "SAS; write `sas`",
        "eurl": "an EURL has no catégorie juridique of its own: INSEE codes it 5499 like any "
        "SARL; write `sarl`",
        "micro_entrepreneur": "a micro-entrepreneur is an entrepreneur individuel (1000): the "
        "code does not tell the micro regime; write `ei`",
        "auto_entrepreneur": "an auto-entrepreneur is an entrepreneur individuel (1000); "
        "write `ei`",
        "scic": "a SCIC has no catégorie juridique of its own: it is registered as a SARL, SA "
        "or SAS coopérative (5460, 5560, 5660 or 5710); use the family `cooperative` and check "
        "its statuts",
        "spl": "a société publique locale has no catégorie juridique of its own: it is a SA "
        "(5599, 5699 ...)",
        "esus": "the ESUS agrément is not a legal form; see the family `ess`",
    }
)


def codes_of(text: str) -> tuple[str, ...]:
    """The codes a readable name stands for (`syndicat_mixte` → 7354, 7355), or a code itself.

    This is how `applicant.kind` reads: a 4-digit code of the nomenclature
    reads as itself. Anything else raises `LegalFormError` with a hint.
    """
    if not isinstance(text, str):
        raise LegalFormError(
            f"a legal form is text, not {type(text).__name__}",
            f'write it in quotes, e.g. "{text}"',
        )
    entry = READABLE_NAMES.get(text)
    if entry is not None:
        return entry.codes
    if text in _nomenclature().forms:
        return (text,)
    raise _unknown(text, "legal form")


@functools.cache
def _name_by_code() -> Mapping[str, str]:
    by_code: dict[str, str] = {}
    for entry in READABLE_NAMES.values():
        for code in entry.codes:
            by_code.setdefault(code, entry.name)
    return MappingProxyType(by_code)


def name_of(code: str) -> str | None:
    """The readable name of a code (`7345` → `syndicat_intercommunal`), or None if it has none."""
    return _name_by_code().get(code)


# --- Families ---------------------------------------------------------------


@attrs.frozen
class Family:
    """A named set of forms a funding call refers to, defined on the nomenclature.

    Members are the niveau III codes under `levels` (niveau I or II codes)
    plus `codes`. `basis` cites the legal text; `note` says what the codes
    cannot tell.
    """

    name: str
    title: str
    basis: str
    levels: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    note: str = ""

    @property
    def members(self) -> frozenset[str]:
        """The niveau III codes of this family."""
        return _members(self)


#: Cooperative forms that the nomenclature files outside niveau II 51 and 63;
#: every code whose label says "coopérative" (tests check the list is complete).
_COOPERATIVE_CODES = (
    "5203", "5307", "5309",
    "5443", "5451", "5453", "5454", "5455", "5458", "5459", "5460",
    "5543", "5547", "5551", "5552", "5553", "5554", "5555", "5558", "5559", "5560",
    "5643", "5647", "5651", "5652", "5653", "5654", "5655", "5658", "5659", "5660",
    "6543", "6551", "6554", "6558", "6560",
)  # fmt: skip
_EPCI = ("7343", "7344", "7346", "7348")
_SYNDICATS = ("7345", "7353", "7354", "7355")


def _families(*families: Family) -> Mapping[str, Family]:
    return MappingProxyType({f.name: f for f in families})


#: The families, by name. A form can be in several.
FAMILIES: Mapping[str, Family] = _families(
    Family(
        "collectivite",
        "collectivité territoriale",
        "Constitution art. 72: communes, départements, régions, collectivités à statut "
        "particulier and collectivités d'outre-mer (niveau II 72)",
        levels=("72",),
    ),
    Family(
        "commune",
        "commune",
        "CGCT, 2e partie; communes nouvelles (CGCT L2113-1 s.) share the code",
        codes=("7210",),
        note="communes associées or déléguées (7312) are not communes: they have no "
        "council of their own",
    ),
    Family("departement", "département", "CGCT, 3e partie", codes=("7220",)),
    Family("region", "région", "CGCT, 4e partie", codes=("7230",)),
    Family(
        "epci",
        "EPCI à fiscalité propre",
        "CGCT L5210-1-1 A (the EPCI) and CGI art. 1379-0 bis (those with their own tax): "
        "communautés de communes, d'agglomération, urbaines and métropoles",
        codes=_EPCI,
        note="the EPT of the Métropole du Grand Paris (7349) are EPCI ruled like syndicats de "
        "communes (CGCT L5219-2), not among the EPCI à fiscalité propre: they are in "
        "`groupement`. The abolished districts (7342) and communautés de villes (7347) are "
        "left out",
    ),
    Family(
        "syndicat",
        "syndicat intercommunal or mixte",
        "CGCT L5212-1 (syndicats de communes: SIVU, SIVOM), L5711-1 (syndicats mixtes "
        "fermés), L5721-1 (syndicats mixtes ouverts)",
        codes=_SYNDICATS,
    ),
    Family(
        "groupement",
        "groupement de collectivités territoriales",
        "CGCT L5111-1: EPCI, syndicats mixtes, pôles métropolitains, PETR, institutions "
        "interdépartementales and ententes interrégionales",
        codes=(*_EPCI, *_SYNDICATS, "7340", "7349", "7351", "7352", "7357"),
    ),
    Family(
        "etablissement_public",
        "établissement public",
        "niveau II 41 (industriel ou commercial) and 73 (administratif) of the nomenclature",
        levels=("41", "73"),
        note="as INSEE groups them, with the régies (4150, 7378) and the bodies coded in "
        "73 such as sections de commune; GIP (7410) are not établissements publics",
    ),
    Family(
        "etablissement_public_administratif",
        "établissement public administratif",
        "niveau II 73 of the nomenclature",
        levels=("73",),
    ),
    Family(
        "etat",
        "the State",
        "niveau II 71 (administration de l'État): ministries, services, autorités",
        levels=("71",),
    ),
    Family(
        "personne_publique",
        "personne morale de droit public",
        "niveau I 7 (State, collectivités, établissements publics administratifs, GIP ...) "
        "and 4 (établissements publics industriels ou commerciaux)",
        levels=("7", "4"),
    ),
    Family(
        "association",
        "association",
        "loi du 1er juillet 1901 and, in Bas-Rhin, Haut-Rhin and Moselle, the code civil "
        "local (niveau II 92, 'association loi 1901 ou assimilé')",
        levels=("92",),
        note="includes associations non déclarées (9210), which have no legal personality "
        "and cannot receive a subsidy",
    ),
    Family("fondation", "fondation", "loi n° 87-571 du 23 juillet 1987", levels=("93",)),
    Family(
        "cooperative",
        "société coopérative",
        "loi n° 47-1775 du 10 septembre 1947 and the laws of each kind of cooperative: "
        "niveau II 51 and 63 and every form the nomenclature labels coopérative",
        levels=("51", "63"),
        codes=_COOPERATIVE_CODES,
        note="a SCIC or SCOP in SAS form is coded 5710 like any SAS: the code does not tell",
    ),
    Family(
        "mutuelle",
        "mutuelle",
        "code de la mutualité (niveau II 82) and sociétés d'assurance mutuelle of the "
        "code des assurances (6411)",
        levels=("82",),
        codes=("6411",),
    ),
    Family(
        "ess",
        "acteur de l'économie sociale et solidaire",
        "loi n° 2014-856 du 31 juillet 2014, art. 1 II 1°: coopératives, mutuelles, "
        "sociétés d'assurance mutuelle, fondations and associations",
        levels=("92", "93", "82", "51", "63"),
        codes=(*_COOPERATIVE_CODES, "6411"),
        note="commercial companies are ESS actors only when they meet art. 1 II 2° (and "
        "may hold the ESUS agrément, art. 11): their code cannot tell, so they are not "
        "members; SIRENE's separate ESS indicator (economieSocialeSolidaireUniteLegale) "
        "or the statuts must",
    ),
    Family(
        "societe_commerciale",
        "société commerciale",
        "niveau I 5 of the nomenclature (code de commerce L210-1)",
        levels=("5",),
    ),
    Family(
        "societe_anonyme",
        "société anonyme",
        "code de commerce L225-1 s.; niveau II 55 and 56 (SA à conseil d'administration, "
        "à directoire)",
        levels=("55", "56"),
    ),
    Family(
        "entreprise",
        "private enterprise",
        "niveau I 1 (entrepreneur individuel), 5 (sociétés commerciales) and 6 (other "
        "persons registered at the RCS: GIE, coopératives agricoles, sociétés civiles ...)",
        levels=("1", "5", "6"),
        note="the EU notion of undertaking (any entity with an economic activity) is wider: "
        "a call that uses it must say so; public EPIC (4) and foreign companies (3) are out",
    ),
    Family(
        "personne_morale_de_droit_prive",
        "personne morale de droit privé",
        "niveau I 5, 6, 8 (organismes privés spécialisés) and 9 (groupements de droit privé)",
        levels=("5", "6", "8", "9"),
        note="an entrepreneur individuel (1) is a natural person; groupements without "
        "legal personality (2) are not legal persons",
    ),
)


def family_members(name: str) -> frozenset[str]:
    """The niveau III codes of a family (`epci` → 7343, 7344, 7346, 7348)."""
    family = FAMILIES.get(name)
    if family is None:
        raise LegalFormError(f"unknown family `{name}`", _family_hint(name))
    return _members(family)


@functools.cache
def _members(family: Family) -> frozenset[str]:
    forms = _nomenclature().forms
    members = {c for c in forms if any(c.startswith(level) for level in family.levels)}
    members.update(family.codes)
    return frozenset(members)


@functools.cache
def _families_by_code() -> Mapping[str, frozenset[str]]:
    by_code: dict[str, set[str]] = {}
    for name in FAMILIES:
        for code in family_members(name):
            by_code.setdefault(code, set()).add(name)
    return MappingProxyType({c: frozenset(names) for c, names in by_code.items()})


def families_of(code: str) -> frozenset[str]:
    """The names of the families a catégorie juridique code belongs to (maybe none)."""
    legal_form(code)
    return _families_by_code().get(code, frozenset())


def _family_hint(name: str) -> str:
    if name in READABLE_NAMES:
        return f"`{name}` is a legal form, not a family: compare it with `applicant.kind`"
    return did_you_mean(name, FAMILIES) or "one of " + ", ".join(f"`{f}`" for f in FAMILIES)


# --- Hints for unknown codes and names -------------------------------------


def _fold(text: str) -> str:
    """Lowercase ASCII without accents or punctuation, to match labels loosely."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def _listed(codes: Iterable[str], limit: int = 6) -> str:
    forms = _nomenclature().forms
    shown = [f"`{c}` {forms[c].label}" for c in list(codes)[:limit]]
    return ", ".join(shown)


def _unknown(text: str, what: str) -> LegalFormError:
    nomenclature = _nomenclature()
    message = f"unknown {what} `{text}`"
    stripped = text.strip()
    if stripped != text and (stripped in nomenclature.forms or stripped in READABLE_NAMES):
        return LegalFormError(message, f'write "{stripped}" without the spaces')
    if _CODE.fullmatch(text):
        siblings = [c for c in nomenclature.forms if c[:2] == text[:2]]
        if siblings:
            parent = nomenclature.levels_ii[text[:2]]
            return LegalFormError(
                message,
                f"not in the INSEE nomenclature; niveau II {parent.code} ({parent.label}) has "
                + _listed(siblings),
            )
        nearest = min(nomenclature.forms, key=lambda c: abs(int(c) - int(text)))
        return LegalFormError(
            message, f"not in the INSEE nomenclature; the nearest code is {_listed([nearest])}"
        )
    if _DIGITS.fullmatch(text) and len(text) in (1, 2):
        level = nomenclature.levels_i.get(text) or nomenclature.levels_ii.get(text)
        if level is not None:
            below = [c for c in nomenclature.forms if c.startswith(text)]
            return LegalFormError(
                message,
                f"`{text}` is a niveau {'I' if len(text) == 1 else 'II'} category ({level.label}); "
                f"a legal form has 4 digits: {_listed(below)}",
            )
    if _DIGITS.fullmatch(text):
        return LegalFormError(message, "a catégorie juridique has 4 digits, e.g. `7210`")
    return LegalFormError(message, _word_hint(text))


@functools.cache
def _folded_labels() -> Mapping[str, str]:
    return MappingProxyType({c: _fold(f.label) for c, f in _nomenclature().forms.items()})


def _as_written(code: str) -> str:
    """`cc` (7346 Communauté de communes), or `7346` (...) for a code without a name."""
    label = _nomenclature().forms[code].label
    name = name_of(code)
    return f"`{name}` ({code} {label})" if name else f"`{code}` ({label})"


def _word_hint(text: str) -> str:
    key = _fold(text).replace(" ", "_")
    if text in READABLE_NAMES:
        codes = ", ".join(READABLE_NAMES[text].codes)
        return f"`{text}` is the readable name of {codes}: `codes_of` reads names"
    if key in NOT_A_LEGAL_FORM:
        return NOT_A_LEGAL_FORM[key]
    if key in FAMILIES and key not in READABLE_NAMES:
        return f"`{key}` is a family, not a legal form: write `applicant.family == {key}`"
    folded = _fold(text)
    labels = _folded_labels()
    same = [c for c, label in labels.items() if label == folded]
    if same:
        return f"did you mean {_as_written(same[0])}?"
    close = did_you_mean(text, READABLE_NAMES) or did_you_mean(key, READABLE_NAMES)
    if close is not None:
        return close
    words = folded.split()
    containing = [c for c, label in labels.items() if words and all(w in label for w in words)]
    if containing:
        return "did you mean " + " or ".join(_as_written(c) for c in containing[:3]) + "?"
    return "write a readable name such as `commune` or `association`, or a 4-digit code"


# --- SIREN and SIRET --------------------------------------------------------

#: La Poste's SIREN: its establishments' SIRET skip the Luhn check (see below).
LA_POSTE_SIREN = "356000000"
#: La Poste's head office, whose SIRET does follow the Luhn rule.
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(kind: str, value: str, length: int) -> str:
    if not isinstance(value, str):
        raise IdentifierError(kind, str(value), f'it is text: write it in quotes, e.g. "{value}"')
    # Registers print them grouped (`356 000 000 00048`); spaces are only layout.
    compact = value.replace(" ", "").replace("\u00a0", "")
    if not _DIGITS.fullmatch(compact):
        raise IdentifierError(kind, value, f"a {kind} has {length} digits and nothing else")
    if len(compact) != length:
        raise IdentifierError(kind, value, f"a {kind} has {length} digits, not {len(compact)}")
    return compact


def validate_siren(value: str) -> str:
    """The 9 digits of a SIREN (spaces dropped), or `IdentifierError`.

    The last digit is a Luhn check digit: a typo in one digit, or two
    neighbours swapped, is caught.
    """
    siren = _digits("SIREN", value, 9)
    if not _luhn_ok(siren):
        raise IdentifierError("SIREN", value, "the check digit does not match (a typo?)")
    return siren


def validate_siret(value: str) -> str:
    """The 14 digits of a SIRET (SIREN + 5-digit NIC; spaces dropped), or `IdentifierError`.

    The whole SIRET carries a Luhn check digit and so does its SIREN. La Poste
    is the exception: its establishments (SIREN 356000000) were numbered
    before the rule, and INSEE checks instead that the sum of the digits is
    a multiple of 5; its head office, 35600000000048, follows Luhn.
    """
    siret = _digits("SIRET", value, 14)
    if siret.startswith(LA_POSTE_SIREN) and siret != _LA_POSTE_HEAD_OFFICE:
        if sum(int(d) for d in siret) % 5 != 0:
            raise IdentifierError(
                "SIRET", value, "the digits of a La Poste SIRET must add up to a multiple of 5"
            )
        return siret
    if not _luhn_ok(siret):
        raise IdentifierError("SIRET", value, "the check digit does not match (a typo?)")
    if not _luhn_ok(siret[:9]):
        raise IdentifierError("SIRET", value, f"its SIREN `{siret[:9]}` fails its check digit")
    return siret


def siren_of(siret: str) -> str:
    """The SIREN of a SIRET (its first 9 digits), once the SIRET is checked."""
    return validate_siret(siret)[:9]
