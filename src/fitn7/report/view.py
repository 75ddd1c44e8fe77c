"""What a committee report shows, computed once for every rendering (HTML and workbook).

`build_report` joins three things the committee reads together: the
allocation (`fitn7.allocation.allocate`: who is funded, who waits and why),
each dossier's decision *with its trace* (the allocation keeps decisions
without one), and what the policy says about each rule (its message and
citation). The result holds values, not text: amounts are `Decimal`, dates
`datetime.date`, statuses their identifiers; the renderers write them in the
reader's language through `fitn7.render`.

When the policy declares neither a session nor a limit there is no
committee walk to show: the report is the dossiers' decisions (`mode =
"decisions"`), and what they propose is the sum of the eligible amounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs

from fitn7.allocation.engine import history_dossier, limit_key
from fitn7.allocation.model import AllocatedDossier, Allocation, PriorAward
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.evaluation import CompiledPolicy, Decision, Status
from fitn7.evaluation.decision import PolicyRef, Reason, TraceEntry
from fitn7.evaluation.steps import CompiledLimit
from fitn7.report.rules import RuleText, rule_texts

Mode = Literal["allocation", "decisions"]

_ZERO = Decimal(0)


@attrs.frozen
class RuleLine:
    """One line of a dossier's explanation: a rule or amount step as evaluated."""

    rule: str
    kind: str
    #: The trace's outcome identifier (`pass`, `fail`, `applied`, `+2` …).
    outcome: str
    message: str | None
    source: str | None
    #: The values the rule read, by path, once each, as the evaluator held them.
    read: tuple[tuple[str, Any], ...]
    #: The amount after this step (amount steps only).
    amount: Decimal | None
    #: `policies/bretagne.fitn7:37`: where the rule is written, when known.
    where: str | None


@attrs.frozen
class DossierRow:
    """One dossier as the report shows it: a row of its session's table and its section."""

    id: str
    file: str | None
    session: str | None
    #: Its place in its session's ranking (eligible dossiers of an allocation only).
    rank: int | None
    #: `awarded`, `waitlisted` (allocation), or the decision's status.
    outcome: str
    status: Status
    #: Why it waits (`envelope`, `limit:<id>` …); None when it does not.
    waiting: str | None
    applicant_name: str | None
    applicant_code: str | None
    #: The applicant's kind or legal form as the dossier gives it (`commune`, `7346`).
    applicant_kind: str | None
    population: int | None
    #: The other collectivités of a joint project, by name (or code).
    members: tuple[str, ...]
    title: str | None
    submitted: datetime.date | None
    requested: Decimal | None
    #: The amount the decision computes (what an award would be).
    amount: Decimal | None
    #: What the report proposes: the award, or an eligible decision's amount; else None.
    proposed: Decimal | None
    score: int
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    explanation: tuple[RuleLine, ...]

    @property
    def joint(self) -> bool:
        """True for a project carried with partners."""
        return bool(self.members)


@attrs.frozen
class SessionBlock:
    """One session's table: its dossiers in report order and what it proposes."""

    name: str
    #: Its closing date; None for the dossiers of no session, or a policy without sessions.
    closes: datetime.date | None
    rows: tuple[DossierRow, ...]
    proposed: Decimal
    #: False for the block of dossiers filed in no session.
    is_session: bool = True


@attrs.frozen
class Moved:
    """A dossier a limit held back, and the awards that used the room it needed."""

    row: DossierRow
    #: `limit` (no room left) or `limit-unknown` (the field it counts by is absent).
    why: str
    #: Dossier ids of the awards (this run's, before it, and the history's) that the
    #: limit counted under the same key (the same applicant, for a limit per applicant).
    held_by: tuple[str, ...]


@attrs.frozen
class LimitBlock:
    """A `limit` of the policy and the dossiers it moved to the waiting list."""

    id: str
    message: str | None
    source: str | None
    #: The limit as written: `at most 1 per applicant where not joint`.
    text: str
    moved: tuple[Moved, ...]


@attrs.frozen
class Report:
    """Everything a committee report shows, in report order."""

    policy: PolicyRef
    title: str | None
    authority: str | None
    mode: Mode
    #: The date printed on the report: given by the caller, else the latest filing
    #: date of the dossiers (`date_given` says which), else None.
    date: datetime.date | None
    date_given: bool
    #: The envelope of the call; None when unlimited.
    envelope: Decimal | None
    prior_total: Decimal
    #: What the report proposes in all: the awards, or the eligible amounts.
    proposed: Decimal
    #: `envelope - prior_total - proposed`; None when unlimited.
    remaining: Decimal | None
    sessions: tuple[SessionBlock, ...]
    #: Outcome identifier → number of dossiers, in the order of `OUTCOMES`.
    counts: tuple[tuple[str, int], ...]
    limits: tuple[LimitBlock, ...]
    #: Each param of the run, as the policy writes it (`50%`).
    params: tuple[tuple[str, str], ...]
    history: tuple[PriorAward, ...]
    warnings: tuple[str, ...]

    @property
    def rows(self) -> tuple[DossierRow, ...]:
        """Every dossier, session by session."""
        return tuple(row for block in self.sessions for row in block.rows)

    @property
    def used(self) -> Decimal:
        """What the envelope has given: prior awards and this report's proposal."""
        return self.prior_total + self.proposed

    @property
    def share_used(self) -> Decimal | None:
        """`used / envelope`, None when the envelope is unlimited or zero."""
        if not self.envelope:
            return None
        return self.used / self.envelope


#: Outcomes in the order the summary counts them.
OUTCOMES = ("awarded", "waitlisted", "eligible", "review", "incomplete", "ineligible")


def has_committee(program: CompiledPolicy) -> bool:
    """True when the policy declares a session or a limit: its report is an allocation."""
    return bool(program.sessions or program.limits)


def build_report(
    program: CompiledPolicy,
    decisions: Iterable[tuple[Dossier, Decision, str | None]],
    allocation: Allocation | None,
    *,
    params: Mapping[str, Any] | None = None,
    date: datetime.date | None = None,
    envelope: Decimal | None = None,
) -> Report:
    """The report of `decisions` (each enriched dossier, its traced decision, its file).

    `allocation` is the allocation of those dossiers (None: the decisions are
    the report, see the module docstring); `params` the overrides of the
    policy's params they were decided and allocated with. `date` is printed on
    the report; without it, the latest filing date of the dossiers is.
    `envelope` replaces the policy's when there is no allocation (an
    allocation has its own).
    """
    texts = rule_texts(program.policy)
    batch = {dossier.id: (dossier, decision, file) for dossier, decision, file in decisions}
    filed = [d.submitted for d, _, _ in batch.values() if d.submitted is not None]
    shown_date = date if date is not None else max(filed, default=None)
    header = program.policy.header
    if allocation is None:
        sessions = _decision_blocks(program, batch, texts)
        prior = _ZERO
        history: tuple[PriorAward, ...] = ()
        warnings: tuple[str, ...] = ()
        envelope = envelope if envelope is not None else program.envelope
        texts_of_params = _param_texts(program, params)
    else:
        sessions = _allocation_blocks(program, allocation, batch, texts)
        prior, history, warnings = allocation.prior_total, allocation.history, allocation.warnings
        envelope = allocation.envelope
        texts_of_params = tuple(sorted(allocation.param_texts.items()))
    proposed = sum((r.proposed for b in sessions for r in b.rows if r.proposed), _ZERO)
    rows = [r for b in sessions for r in b.rows]
    counts = tuple((o, n) for o in OUTCOMES if (n := sum(r.outcome == o for r in rows)))
    return Report(
        policy=program.ref,
        title=header.title,
        authority=header.authority,
        mode="decisions" if allocation is None else "allocation",
        date=shown_date,
        date_given=date is not None,
        envelope=envelope,
        prior_total=prior,
        proposed=proposed,
        remaining=None if envelope is None else envelope - prior - proposed,
        sessions=sessions,
        counts=counts,
        limits=_limit_blocks(program, rows, batch, params, history),
        params=texts_of_params,
        history=history,
        warnings=warnings,
    )


def _param_texts(
    program: CompiledPolicy, params: Mapping[str, Any] | None
) -> tuple[tuple[str, str], ...]:
    """Each param's value in this run (its default, or the override), as the policy
    writes it: what an allocation's `param_texts` holds."""
    from fitn7.evaluation.params import merge_params, param_text

    values = merge_params(program.param_defaults, program.param_nodes, params)
    return tuple(sorted(
        (name, param_text(value, program.param_nodes.get(name))) for name, value in values.items()
    ))


def _allocation_blocks(
    program: CompiledPolicy,
    allocation: Allocation,
    batch: Mapping[str, tuple[Dossier, Decision, str | None]],
    texts: Mapping[str, RuleText],
) -> tuple[SessionBlock, ...]:
    by_session: dict[str | None, list[DossierRow]] = {}
    for allocated in allocation.dossiers:
        dossier, decision, file = batch[allocated.dossier]
        by_session.setdefault(allocated.session, []).append(
            _row(dossier, decision, file, texts, allocated))
    blocks = [
        SessionBlock(total.name, total.closes, tuple(by_session.get(total.name, ())),
                     total.awarded_total)
        for total in allocation.sessions
    ]
    lost = by_session.get(None)
    if lost:
        blocks.append(SessionBlock("", None, tuple(lost), _ZERO, is_session=False))
    return tuple(blocks)


def _decision_blocks(
    program: CompiledPolicy,
    batch: Mapping[str, tuple[Dossier, Decision, str | None]],
    texts: Mapping[str, RuleText],
) -> tuple[SessionBlock, ...]:
    """A policy without session nor limit: one block of every decision, by id."""
    rows = tuple(_row(*batch[ident], texts, None) for ident in sorted(batch))
    proposed = sum((r.proposed for r in rows if r.proposed), _ZERO)
    return (SessionBlock(program.ref.id, None, rows, proposed),)


def _row(
    dossier: Dossier,
    decision: Decision,
    file: str | None,
    texts: Mapping[str, RuleText],
    allocated: AllocatedDossier | None,
) -> DossierRow:
    applicant = dossier.applicant
    if allocated is None:
        outcome = decision.status.value
        proposed = decision.amount if decision.status is Status.ELIGIBLE else None
        rank = session = waiting = None
    else:
        outcome = allocated.outcome.value
        proposed = allocated.amount if allocated.awarded else None
        rank, session, waiting = allocated.rank, allocated.session, allocated.reason
    return DossierRow(
        id=dossier.id,
        file=file,
        session=session,
        rank=rank,
        outcome=outcome,
        status=decision.status,
        waiting=waiting,
        applicant_name=applicant.name if applicant else None,
        applicant_code=applicant.code if applicant else None,
        applicant_kind=str(applicant.kind) if applicant and applicant.kind else None,
        population=applicant.population if applicant else None,
        members=tuple(m.name or m.code or "?" for m in dossier.members),
        title=dossier.project.title if dossier.project else None,
        submitted=dossier.submitted,
        requested=dossier.requested,
        amount=decision.amount,
        proposed=proposed,
        score=decision.score,
        reasons=decision.reasons,
        missing=decision.missing,
        explanation=tuple(_line(entry, texts) for entry in decision.trace),
    )


def _line(entry: TraceEntry, texts: Mapping[str, RuleText]) -> RuleLine:
    text = texts.get(entry.rule)
    # Same kind only: an amount step and an enricher's entry may share a name.
    message = text.message if text is not None and _same_kind(text.kind, entry.kind) else None
    where = f"{entry.file}:{entry.line}" if entry.file and entry.line else entry.file
    return RuleLine(
        rule=entry.rule,
        kind=entry.kind,
        outcome=entry.outcome,
        message=message,
        source=entry.source,
        read=tuple(dict(entry.read).items()),
        amount=entry.amount,
        where=where,
    )


def _same_kind(declared: str, traced: str) -> bool:
    return declared == traced or (declared == "part" and traced == "base")


def _limit_blocks(
    program: CompiledPolicy,
    rows: Sequence[DossierRow],
    batch: Mapping[str, tuple[Dossier, Decision, str | None]],
    params: Mapping[str, Any] | None,
    history: Sequence[PriorAward],
) -> tuple[LimitBlock, ...]:
    """Each limit of the policy (by id, as allocation applies them) and whom it moved."""
    from fitn7.checker.context import unparse

    written = {limit.id: limit for limit in program.policy.of_type(ast.Limit)}
    blocks = []
    for compiled in sorted(program.limits, key=lambda c: c.meta.id):
        ident = compiled.meta.id
        keys = _LimitKeys(program, compiled, params)
        moved = []
        for index, row in enumerate(rows):
            if row.waiting == f"limit:{ident}":
                key = keys.of(batch[row.id][0])
                # The awards walked before it (rows are in walk order) under the same key.
                held = [r.id for r in rows[:index]
                        if r.outcome == "awarded" and keys.of(batch[r.id][0]) == key]
                held += [a.dossier for a in history if keys.of(history_dossier(a)) == key]
                moved.append(Moved(row, "limit", tuple(sorted(set(held)))))
            elif row.waiting == f"limit-unknown:{ident}":
                moved.append(Moved(row, "limit-unknown", ()))
        node = written.get(ident)
        text = ""
        if node is not None:
            where = f" where {unparse(node.where)}" if node.where is not None else ""
            text = f"at most {unparse(node.count)} per {unparse(node.per)}{where}"
        blocks.append(LimitBlock(ident, compiled.meta.message, compiled.meta.source, text,
                                 tuple(moved)))
    return tuple(blocks)


class _LimitKeys:
    """What one limit counts a dossier under (None when the limit does not concern it)."""

    def __init__(self, program: CompiledPolicy, limit: CompiledLimit,
                 params: Mapping[str, Any] | None) -> None:
        self.program, self.limit, self.params = program, limit, params

    def of(self, dossier: Dossier) -> str | None:
        env = self.program.env(dossier, self.params, False)
        if self.limit.where is not None and self.limit.where(env) is False:
            return None
        return limit_key(self.limit.per(env))
