"""Auditor tooling: semantic diff of policy versions, impact on dossiers, replay of decisions.

    from fitn7.audit import diff, impact, replay

    changes = diff("old/paca.fitn7", "policies/paca.fitn7")   # PolicyDiff
    for edit in changes:                                       # Added, Removed, Changed, Renamed
        print(edit.path)                                       # rule.plafond_commune.cap
    effect = impact(old, new, dossiers)                        # Impact
    committee = committee_impact(old, new, dossiers)           # CommitteeImpact
    report = replay("decisions.json", policy, dossiers)        # ReplayReport

See docs/audit.md.
"""

from __future__ import annotations

from fitn7.audit.committee import CommitteeImpact, OutcomeChange, committee_impact
from fitn7.audit.diff import (
    Added,
    Changed,
    Edit,
    PolicyDiff,
    PolicyVersion,
    Removed,
    Renamed,
    diff,
)
from fitn7.audit.impact import (
    DossierChange,
    Impact,
    ImpactFailure,
    causes,
    differs,
    fundable,
    impact,
    program_of,
)
from fitn7.audit.inputs import GitError, load_corpus, load_version
from fitn7.audit.replay import (
    DecisionsFileError,
    Mismatch,
    Replayed,
    ReplayReport,
    read_decisions,
    replay,
)

__all__ = [
    "Added",
    "Changed",
    "CommitteeImpact",
    "DecisionsFileError",
    "DossierChange",
    "Edit",
    "GitError",
    "Impact",
    "ImpactFailure",
    "Mismatch",
    "OutcomeChange",
    "PolicyDiff",
    "PolicyVersion",
    "Removed",
    "Renamed",
    "ReplayReport",
    "Replayed",
    "causes",
    "committee_impact",
    "diff",
    "differs",
    "fundable",
    "impact",
    "load_corpus",
    "load_version",
    "program_of",
    "read_decisions",
    "replay",
]
