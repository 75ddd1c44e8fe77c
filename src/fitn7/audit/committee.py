"""The impact of a policy change on the committee: who is awarded, who waits.

`committee_impact(old, new, dossiers)` runs the allocation (`fitn7.allocation`)
under both versions and keeps the dossiers whose outcome (`awarded`,
`waitlisted`, `ineligible`…), awarded amount or waiting reason differs. A
change to one dossier's amount can move others: a dossier further down the
ranking may no longer fit in the envelope, or fit at last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from fitn7.allocation import AllocatedDossier, Allocation, PriorAward, allocate
from fitn7.audit.diff import PolicyVersion
from fitn7.audit.impact import host_for, program_of
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.evaluation import CompiledPolicy
from fitn7.evaluation.decision import money_str
from fitn7.plugins import PluginHost
from fitn7.runner import Runner

_ZERO = Decimal("0.00")


def awarded(row: AllocatedDossier) -> Decimal:
    """What the committee gives a dossier in this run: its amount if awarded, else 0."""
    return row.amount if row.awarded and row.amount is not None else _ZERO


@attrs.frozen
class OutcomeChange:
    """One dossier whose committee outcome differs between the two versions."""

    dossier: str
    before: AllocatedDossier
    after: AllocatedDossier

    @property
    def outcome_changed(self) -> bool:
        """True when the outcome itself flipped (not only the amount or reason)."""
        return self.before.outcome != self.after.outcome

    @property
    def amount_delta(self) -> Decimal:
        """The change of the amount awarded."""
        return awarded(self.after) - awarded(self.before)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        def side(row: AllocatedDossier) -> dict[str, Any]:
            return {
                "outcome": row.outcome.value,
                "amount": money_str(row.amount) if row.amount is not None else None,
                "rank": row.rank,
                "session": row.session,
                "reason": row.reason,
            }

        return {
            "dossier": self.dossier,
            "before": side(self.before),
            "after": side(self.after),
            "amount_delta": money_str(self.amount_delta),
        }


@attrs.frozen
class CommitteeImpact:
    """What a policy change does to a committee's allocation."""

    old: PolicyVersion
    new: PolicyVersion
    before: Allocation
    after: Allocation
    #: The dossiers whose outcome, awarded amount or waiting reason differs, largest first.
    changes: tuple[OutcomeChange, ...]
    #: (outcome before, outcome after, count) for every flip, most frequent first.
    flips: tuple[tuple[str, str, int], ...]

    @property
    def delta(self) -> Decimal:
        """The change of the total awarded by the run."""
        return self.after.awarded_total - self.before.awarded_total

    def __bool__(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: totals, flips, then every changed dossier."""
        def remaining(a: Allocation) -> str | None:
            return money_str(a.remaining) if a.remaining is not None else None

        return {
            "changed": len(self.changes),
            "flips": [{"from": a, "to": b, "count": n} for a, b, n in self.flips],
            "awarded_before": money_str(self.before.awarded_total),
            "awarded_after": money_str(self.after.awarded_total),
            "delta": money_str(self.delta),
            "remaining_before": remaining(self.before),
            "remaining_after": remaining(self.after),
            "dossiers": [c.to_dict() for c in self.changes],
        }


def _differs(a: AllocatedDossier, b: AllocatedDossier) -> bool:
    return a.outcome != b.outcome or awarded(a) != awarded(b) or a.reason != b.reason


def committee_impact(
    old: ast.Policy | CompiledPolicy | str | Path,
    new: ast.Policy | CompiledPolicy | str | Path,
    dossiers: Iterable[Dossier],
    *,
    history: Iterable[PriorAward] = (),
    envelope: Decimal | int | str | None = None,
    params: Mapping[str, Any] | None = None,
    plugins: PluginHost | None = None,
) -> CommitteeImpact:
    """Allocate the same batch under both versions and report the outcomes that differ.

    `history`, `envelope` and `params` are those of `fitn7.allocation.allocate`,
    the same for both runs. Each version allocates the dossiers as the
    enrichers of the plugins it `uses` complete them (see `fitn7 allocate`);
    a failing plugin raises `PluginError`.
    """
    before_program, after_program = program_of(old, plugins), program_of(new, plugins)
    plugins = host_for(plugins, before_program.policy, after_program.policy)
    batch = list(dossiers)
    prior = tuple(history)

    def run(program: CompiledPolicy) -> Allocation:
        runner = Runner(program, plugins, params)
        enriched = [runner.enrich(d).dossier for d in batch]
        return allocate(program, enriched, history=prior, envelope=envelope, params=params)

    before, after = run(before_program), run(after_program)
    rows = {row.dossier: row for row in before.dossiers}
    changes = []
    flips: Counter[tuple[str, str]] = Counter()
    for row in after.dossiers:
        was = rows.get(row.dossier)
        if was is None or not _differs(was, row):
            continue
        if was.outcome != row.outcome:
            flips[(was.outcome.value, row.outcome.value)] += 1
        changes.append(OutcomeChange(row.dossier, was, row))
    changes.sort(key=lambda c: (-abs(c.amount_delta), not c.outcome_changed, c.dossier))
    return CommitteeImpact(
        PolicyVersion.of(before_program.policy),
        PolicyVersion.of(after_program.policy),
        before,
        after,
        tuple(changes),
        tuple((a, b, n) for (a, b), n in sorted(flips.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
