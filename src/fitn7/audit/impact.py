"""The impact of a policy change on a corpus of dossiers.

`impact(old, new, dossiers)` evaluates every dossier under both versions and
keeps those whose decision differs: status, amount, score or reasons (the
rules named to the applicant). For each, the rules that caused the
difference are read from the reasons and the traces: the rules whose outcome
or amount differs, narrowed to those the policy diff touches when there are
some (a cap that moved makes every later step's amount differ too; the cap
is the cause).

Each dossier goes through the same path as `fitn7 eval` (`fitn7.runner`):
the enrichers of the plugins a version `uses` fill it, then that version
decides. A dossier that a version (or one of its plugins) cannot evaluate is
listed in `failures` and the others are still compared.

Totals count what can be funded as decided: the amount of each `eligible`
or `review` dossier. `delta` is the change of that total; flips count the
dossiers going from one status to another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from fitn7.audit.diff import PolicyDiff, PolicyVersion, diff
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.errors import Fitn7Error
from fitn7.evaluation import CompiledPolicy, Decision, Status, compile_policy
from fitn7.evaluation.decision import money_str
from fitn7.plugins import PluginHost
from fitn7.runner import Runner

_ZERO = Decimal("0.00")
#: Statuses whose amount would be paid as decided.
FUNDABLE = frozenset({Status.ELIGIBLE, Status.REVIEW})
#: Trace outcomes of a rule or step that did nothing: as if it were not there.
_NEUTRAL = frozenset({"pass", "skipped", "not binding"})
#: The steps every amount pipeline ends with: never the cause when a named step is.
_IMPLICIT = frozenset({"base", "assiette_eligible", "montant_demande"})


def fundable(decision: Decision) -> Decimal:
    """The amount a decision would pay as it stands: 0 unless eligible or in review."""
    if decision.status in FUNDABLE and decision.amount is not None:
        return decision.amount
    return _ZERO


def _reason_keys(d: Decision) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((r.rule, r.effect) for r in d.reasons))


def differs(before: Decision, after: Decision) -> bool:
    """Whether two decisions on one dossier differ for the applicant: status, amount,
    score or the rules given as reasons."""
    return (
        before.status != after.status
        or before.amount != after.amount
        or before.score != after.score
        or _reason_keys(before) != _reason_keys(after)
    )


@attrs.frozen
class DossierChange:
    """One dossier whose decision differs between the two versions, and why."""

    dossier: str
    before: Decision
    after: Decision
    #: Ids of the rules and amount steps that made the difference, in trace order.
    causes: tuple[str, ...]

    @property
    def status_changed(self) -> bool:
        """True when the status flipped."""
        return self.before.status != self.after.status

    @property
    def amount_delta(self) -> Decimal:
        """The change of the fundable amount (see `fundable`)."""
        return fundable(self.after) - fundable(self.before)

    @property
    def score_delta(self) -> int:
        """The change of the score."""
        return self.after.score - self.before.score

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: both decisions summarised, the deltas and the causes."""
        def side(d: Decision) -> dict[str, Any]:
            return {
                "status": d.status.value,
                "amount": money_str(d.amount) if d.amount is not None else None,
                "score": d.score,
                "reasons": [r.rule for r in d.reasons],
            }

        return {
            "dossier": self.dossier,
            "before": side(self.before),
            "after": side(self.after),
            "amount_delta": money_str(self.amount_delta),
            "score_delta": self.score_delta,
            "causes": list(self.causes),
        }


@attrs.frozen
class ImpactFailure:
    """A dossier that could not be compared: one version, or a plugin, failed on it."""

    dossier: str
    #: The version that failed: `old` or `new`.
    version: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The JSON-ready form."""
        return {"dossier": self.dossier, "version": self.version, "message": self.message}


@attrs.frozen
class Impact:
    """What a policy change does to a corpus: the dossiers it changes and the totals."""

    old: PolicyVersion
    new: PolicyVersion
    #: How many dossiers were evaluated under both versions.
    evaluated: int
    #: The dossiers whose decision differs, largest change first.
    changes: tuple[DossierChange, ...]
    #: (status before, status after, count) for every flip, most frequent first.
    flips: tuple[tuple[str, str, int], ...]
    total_before: Decimal
    total_after: Decimal
    #: The dossiers left out because a version could not evaluate them, in input order.
    failures: tuple[ImpactFailure, ...] = ()

    @property
    def delta(self) -> Decimal:
        """`total_after - total_before`."""
        return self.total_after - self.total_before

    @property
    def dossiers(self) -> tuple[str, ...]:
        """The ids of the changed dossiers, largest change first."""
        return tuple(c.dossier for c in self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: summary first, then every changed dossier."""
        return {
            "evaluated": self.evaluated,
            "changed": len(self.changes),
            "flips": [{"from": a, "to": b, "count": n} for a, b, n in self.flips],
            "total_before": money_str(self.total_before),
            "total_after": money_str(self.total_after),
            "delta": money_str(self.delta),
            "dossiers": [c.to_dict() for c in self.changes],
            "failed": [f.to_dict() for f in self.failures],
        }


def causes(
    before: Decision,
    after: Decision,
    touched: Iterable[str] = (),
    renamed: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The rules that made two decisions on one dossier differ, from reasons and traces.

    `touched` are the rule ids the policy diff is about; `renamed` maps old ids
    to new ones, so a renamed rule with the same outcome is not a cause.
    """
    names = renamed or {}
    b = {names.get(e.rule, e.rule): e for e in before.trace}
    a = {e.rule: e for e in after.trace}
    order = list(dict.fromkeys([*b, *a]))
    touched_set = set(touched)

    def cause(rule: str) -> bool:
        if rule not in a or rule not in b:
            # On one side only: a rule added or removed by the change counts if it did
            # something; a step not run on the other side (an ineligible dossier has
            # no amount) is a consequence, not a cause.
            there = a.get(rule) or b[rule]
            return rule in touched_set and there.outcome not in _NEUTRAL
        if a[rule].outcome != b[rule].outcome:
            return rule not in _IMPLICIT
        return rule in touched_set and a[rule].amount != b[rule].amount

    found = [r for r in order if cause(r)]
    if not found:
        # Nothing the diff names moved (a `let` or a param did): any step whose
        # amount moved, first the named ones.
        moved = [r for r in order if r in a and r in b and a[r].amount != b[r].amount]
        found = [r for r in moved if r not in _IMPLICIT] or moved[:1]
    # Reasons given on one side only: those withdrawn, then those new.
    was = [(r.rule, r.effect) for r in before.reasons]
    now = [(r.rule, r.effect) for r in after.reasons]
    reasons = [rule for rule, effect in was if (rule, effect) not in now]
    reasons += [rule for rule, effect in now if (rule, effect) not in was]
    return tuple(dict.fromkeys([*found, *reasons]))


def host_for(plugins: PluginHost | None, *policies: ast.Policy) -> PluginHost | None:
    """`plugins`, or the installed plugins when none are given and a policy `uses` some."""
    if plugins is None and any(p.header.uses for p in policies):
        return PluginHost.load()
    return plugins


def program_of(
    policy: ast.Policy | CompiledPolicy | str | Path, plugins: PluginHost | None = None
) -> CompiledPolicy:
    """A compiled policy from an AST, a compiled policy, or a file / `REV:PATH` (checked).

    The functions of `plugins` are known to it; without `plugins`, those of
    the installed plugins when the policy `uses` some.
    """
    if isinstance(policy, CompiledPolicy):
        return policy
    if not isinstance(policy, ast.Policy):
        from fitn7.audit.inputs import load_version

        policy = load_version(str(policy), checked=True, plugins=plugins)
    return compile_policy(policy, plugins=host_for(plugins, policy))


def _largest_first(change: DossierChange) -> tuple[Decimal, bool, int, str]:
    return (-abs(change.amount_delta), not change.status_changed, -abs(change.score_delta),
            change.dossier)


def impact(
    old: ast.Policy | CompiledPolicy | str | Path,
    new: ast.Policy | CompiledPolicy | str | Path,
    dossiers: Iterable[Dossier],
    params: Mapping[str, Any] | None = None,
    *,
    plugins: PluginHost | None = None,
    policy_diff: PolicyDiff | None = None,
) -> Impact:
    """Evaluate every dossier under both versions and report those whose decision differs.

    `old` and `new` are checked policies (ASTs or compiled), or files /
    `REV:PATH` versions that are loaded and checked here. `params` override
    the params of both versions. `plugins` are those the versions `uses`
    (functions and enrichers); none are needed for a policy that uses none.
    `policy_diff` saves recomputing the diff when the caller has it.
    """
    before_program, after_program = program_of(old, plugins), program_of(new, plugins)
    plugins = host_for(plugins, before_program.policy, after_program.policy)
    before_runner = Runner(before_program, plugins, params)
    after_runner = Runner(after_program, plugins, params)
    changes_made = policy_diff or diff(before_program.policy, after_program.policy)
    touched, renamed = changes_made.touched_rules(), changes_made.renamed_rules()
    changes: list[DossierChange] = []
    failures: list[ImpactFailure] = []
    flips: Counter[tuple[str, str]] = Counter()
    total_before = total_after = _ZERO
    evaluated = 0
    for dossier in dossiers:
        decided: list[Decision] = []
        for version, runner in (("old", before_runner), ("new", after_runner)):
            try:
                decided.append(runner.decide(dossier).decision)
            except Fitn7Error as exc:
                # One dossier a version cannot evaluate (a plugin failing, a
                # division by zero) must not hide what the change does to the rest.
                failures.append(ImpactFailure(dossier.id, version, str(exc)))
                break
        if len(decided) < 2:
            continue
        before, after = decided
        evaluated += 1
        total_before += fundable(before)
        total_after += fundable(after)
        if not differs(before, after):
            continue
        if before.status != after.status:
            flips[(before.status.value, after.status.value)] += 1
        changes.append(DossierChange(dossier.id, before, after, causes(before, after, touched,
                                                                 renamed)))
    return Impact(
        PolicyVersion.of(before_program.policy),
        PolicyVersion.of(after_program.policy),
        evaluated,
        tuple(sorted(changes, key=_largest_first)),
        tuple((a, b, n) for (a, b), n in sorted(flips.items(), key=lambda kv: (-kv[1], kv[0]))),
        total_before,
        total_after,
        tuple(failures),
    )
