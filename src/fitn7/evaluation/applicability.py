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
from fitn7.dossier import Applicant, Dossier, Kind
from fitn7.evaluation.decision import Decision

_FIELDS = frozenset({*COLLECTIVITE_FIELDS, "family", "legal_form"})
_MEMBER = re.compile(r"^members\[(\d+)\]$")
_OWNERS = ("applicant.", "members[")


def _holder(dossier: Dossier, owner: str) -> Applicant | None:
    """The applicant or member a path starts with (`applicant`, `members[2]`), if any."""
    if owner == "applicant":
        return dossier.applicant
    match = _MEMBER.match(owner)
    if match is None:
        return None
    index = int(match.group(1))
    return dossier.members[index] if index < len(dossier.members) else None


def with_not_applicable(decision: Decision, dossier: Dossier) -> Decision:
    """The decision with each `missing` collectivité field of an applicant or member of
    another legal form marked `sans objet`, and a family or catégorie juridique that is
    unknown named by what the dossier lacks, its `kind`; the same decision when there
    is nothing to say. Cheap when there is nothing: it runs on every decision."""
    missing = decision.missing
    if not missing:
        return decision
    # An applicant (and members) of the eleven collectivité kinds has every field, and
    # its family and legal form are known: nothing to say, and nothing to look at.
    applicant = dossier.applicant
    if (applicant is None or type(applicant.kind) is Kind) and (
            not dossier.members or all(type(m.kind) is Kind for m in dossier.members)):
        return decision
    for path in missing:
        if path.startswith(_OWNERS) and path[path.rfind(".") + 1:] in _FIELDS:
            break
    else:
        return decision
    out: list[str] = []
    changed = False
    for path in missing:
        owner, _, field = path.rpartition(".")
        if field not in _FIELDS:
            out.append(path)
            continue
        holder = _holder(dossier, owner)
        if holder is None and owner != "applicant" and _MEMBER.match(owner) is None:
            out.append(path)  # another record's field of that name (`provider.region`)
            continue
        if field in ("family", "legal_form"):
            out.append(f"{owner}.kind")
            changed = True
        elif holder is None or type(holder.kind) is Kind or holder.kind is None:
            out.append(path)  # the eleven collectivité kinds have every field
        else:
            code = holder.legal_form
            if code is not None and not is_collectivite(code):
                out.append(not_applicable(path, code))
                changed = True
            else:
                out.append(path)
    if not changed:
        return decision
    return attrs.evolve(decision, missing=tuple(dict.fromkeys(out)))
