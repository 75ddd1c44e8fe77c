"""The applicant's legal form as a finite enum: the classes of catégories juridiques a
policy can tell apart by `applicant.kind` and `applicant.family`.

Two codes of the nomenclature that have the same readable name, the same
families and are both collectivités (or both not) decide every rule alike,
so the model needs one member per such class, not one per code (63 for the
260 codes). A policy that reads neither `applicant.family` nor a legal form
outside the eleven collectivité kinds keeps the eleven kinds
(`COLLECTIVITE_KINDS`): the domain the proofs of the FITN7 policies are
about (docs/properties.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs

from fitn7 import legal_forms as lf
from fitn7 import types as t
from fitn7.applicants import is_collectivite, main_code
from fitn7.dossier import Kind
from fitn7.dsl import ast


@attrs.frozen
class LegalFormClass:
    """Codes of the nomenclature that every policy decides alike."""

    #: The readable name `applicant.kind` is compared by (`scop`), or the code itself
    #: for a form without one (`5505`).
    name: str
    #: What a witness writes in `applicant.kind`: the name when its main code is in the
    #: class, else a code of the class (another `scop` has other families).
    written: str
    families: frozenset[str]
    #: A collectivité or a groupement: the only applicants with `code`, `population`…
    collectivite: bool


def _of_kind(kind: Kind) -> LegalFormClass:
    code = main_code(kind.value)
    assert code is not None
    return LegalFormClass(kind.value, kind.value, lf.families_of(code), is_collectivite(code))


#: The eleven collectivité kinds, in `Kind`'s order (their codes in the model).
COLLECTIVITE_KINDS: tuple[LegalFormClass, ...] = tuple(_of_kind(k) for k in Kind)


@functools.cache
def every_class() -> tuple[LegalFormClass, ...]:
    """Every class of legal forms: the eleven kinds first (same codes as
    `COLLECTIVITE_KINDS`), then the others in the order of the nomenclature."""
    out: dict[tuple[str | None, frozenset[str], bool], LegalFormClass] = {
        (c.name, c.families, c.collectivite): c for c in COLLECTIVITE_KINDS}
    for form in lf.legal_forms():
        # Forms without a readable name differ only by their families: no `kind`
        # constant names them.
        name = lf.name_of(form.code)
        key = (name, lf.families_of(form.code), is_collectivite(form.code))
        if key not in out:
            written = name if name is not None and main_code(name) == form.code else form.code
            out[key] = LegalFormClass(name or form.code, written, key[1], key[2])
    return tuple(out.values())


def needs_every_form(policies: Iterable[ast.Policy]) -> bool:
    """Whether a policy reads `applicant.family` or names a legal form other than the
    eleven collectivité kinds: its proofs are then about every legal form."""
    kinds = {k.value for k in Kind}
    for policy in policies:
        for node in ast.walk(policy.declarations):
            if isinstance(node, ast.Attribute) and node.attr == "family":
                return True
            if isinstance(node, ast.Name) and t.CONSTANTS.get(node.name) == t.KIND \
                    and node.name not in kinds:
                return True
    return False
