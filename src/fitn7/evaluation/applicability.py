"""`sans objet`: a collectivité's field a decision needed, on an applicant that has none.

An association has no INSEE commune code, population or département: when a
rule reads one, the value is unknown, as any absent field, and the decision
says why in its `missing` entry, so that nobody asks the association for its
population: `applicant.population (sans objet pour 9220 Association déclarée)`.
A family or catégorie juridique that is unknown is derived from a `kind` the
dossier lacks: `missing` names that (`applicant.kind`). One function for both
evaluation paths, applied to the decision they give.
"""

from __future__ import annotations

import re

import attrs

from fitn7.applicants import COLLECTIVITE_FIELDS, is_collectivite, not_applicable
from fitn7.dossier import Applicant, Dossier
from fitn7.evaluation.decision import Decision

_PATH = re.compile(r"^(applicant|members\[(\d+)\])\.(" + "|".join(COLLECTIVITE_FIELDS) + r")$")


def _holder(dossier: Dossier, path: str) -> tuple[Applicant | None, bool]:
    match = _PATH.match(path)
    if match is None:
        return None, False
    if match.group(2) is None:
        return dossier.applicant, True
    index = int(match.group(2))
    members = dossier.members
    return (members[index] if index < len(members) else None), True


_DERIVED = re.compile(r"^(applicant|members\[\d+\])\.(family|legal_form)$")


def with_not_applicable(decision: Decision, dossier: Dossier) -> Decision:
    """The decision with each `missing` collectivité field of an applicant or member of
    another legal form marked `sans objet`, and a family or catégorie juridique that is
    unknown named by what the dossier lacks, its `kind`; the same decision when there
    is nothing to say."""
    if not decision.missing:
        return decision
    missing = list(decision.missing)
    changed = False
    for index, path in enumerate(missing):
        derived = _DERIVED.match(path)
        if derived is not None:
            missing[index] = f"{derived.group(1)}.kind"
            changed = True
            continue
        holder, matched = _holder(dossier, path)
        if not matched or holder is None:
            continue
        code = holder.legal_form
        if code is not None and not is_collectivite(code):
            missing[index] = not_applicable(path, code)
            changed = True
    if not changed:
        return decision
    return attrs.evolve(decision, missing=tuple(dict.fromkeys(missing)))
