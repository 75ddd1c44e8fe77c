"""An applicant's legal form as dossiers and policies use it, on top of `fitn7.legal_forms`.

An applicant's `kind` is one value per legal form: its readable name when it
has one (`commune`, `association`, `sas`; the eleven collectivité kinds are
the `Kind` members), else its 4-digit INSEE catégorie juridique (`5505`). A
dossier may give either; `7345` (a SIVOM) reads as `syndicat_intercommunal`
like today, and the code itself stays known as `legal_form`. So `kind ==`
is a plain comparison of names, and the families a form belongs to
(`epci`, `association`, `ess` …) are a set of names, `family`.

Some fields only make sense for a collectivité or a groupement of them
(`COLLECTIVITE_FIELDS`: INSEE code, population, département, région, ZRR,
QPV): for another applicant they are absent, and a decision that needs one
says `sans objet` (see `not_applicable`).
"""

from __future__ import annotations

import functools

from fitn7 import legal_forms as lf
from fitn7.dossier import Kind

#: The applicant fields that only a collectivité or a groupement has.
COLLECTIVITE_FIELDS = ("code", "population", "departement", "region", "zrr", "qpv")

#: The families whose members are collectivités or groupements of collectivités.
COLLECTIVITE_FAMILIES = ("collectivite", "groupement")


def kind_value(text: str) -> str:
    """The kind of a readable name or catégorie juridique code: the `Kind` member of a
    collectivité kind, else the readable name, else the code. Raises `LegalFormError`
    (with a hint) for anything else."""
    codes = lf.codes_of(text)
    name = lf.name_of(codes[0]) or codes[0]
    return Kind(name) if name in Kind._value2member_map_ else name


def main_code(kind: str) -> str | None:
    """The catégorie juridique written for a kind (`commune` → `7210`), None if unknown."""
    try:
        return lf.codes_of(str(kind))[0]
    except lf.LegalFormError:
        return None


def alias_code(text: str, kind: str) -> str | None:
    """`text` when it is a code of `kind` other than the one written for it (`7345` for
    `syndicat_intercommunal`): the dossier then keeps it as its `legal_form`."""
    return text if text.isdigit() and text != main_code(kind) else None


@functools.cache
def families_of(code: str) -> frozenset[str]:
    """The families of a catégorie juridique (empty for a code fitn7 does not know)."""
    try:
        return lf.families_of(code)
    except lf.LegalFormError:
        return frozenset()


@functools.cache
def _collectivite_codes() -> frozenset[str]:
    codes: set[str] = set()
    for family in COLLECTIVITE_FAMILIES:
        codes |= lf.family_members(family)
    # The eleven kinds fitn7 named first are collectivités whatever the families say.
    for kind in Kind:
        codes.update(lf.codes_of(kind.value))
    return frozenset(codes)


def is_collectivite(code: str) -> bool:
    """Whether a catégorie juridique is a collectivité or a groupement of collectivités."""
    return code in _collectivite_codes()


def collectivite_names() -> frozenset[str]:
    """The kind and family names that stand only for collectivités and groupements: a rule
    that restricts the applicant to them guards the fields of `COLLECTIVITE_FIELDS`."""
    kinds = {n for n, entry in lf.READABLE_NAMES.items()
             if all(is_collectivite(c) for c in entry.codes)}
    families = {n for n in lf.FAMILIES if lf.family_members(n) <= _collectivite_codes()}
    return frozenset(kinds | families)


def form_text(code: str) -> str:
    """A legal form for a French reader: `9220 Association déclarée`."""
    try:
        return f"{code} {lf.legal_form(code).label}"
    except lf.LegalFormError:
        return code


def not_applicable(path: str, code: str) -> str:
    """A `missing` entry for a collectivité field read on another applicant:
    `applicant.population (sans objet pour 9220 Association déclarée)`."""
    return f"{path} (sans objet pour {form_text(code)})"
