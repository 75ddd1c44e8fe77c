"""`allocate`: a committee over a batch of dossiers, session by session.

Every dossier is evaluated; the eligible ones are taken session by session in
closing order, ranked in each session by score (highest first), then filing
date, then id, and walked in that order: a dossier is awarded when every
`limit` of the policy (counting this run's earlier awards and the history) and
the remaining envelope allow it, else waitlisted with the reason, and the walk
goes on. Everything is sorted by dossier id first, so the input order never
shows in the result.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from fitn7.allocation.model import (
    ENVELOPE,
    NO_AMOUNT,
    NO_SESSION,
    AllocatedDossier,
    Allocation,
    Outcome,
    PriorAward,
    SessionTotal,
    limit_reason,
    limit_unknown_reason,
)
from fitn7.checker.context import unparse
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Collectivite, Dossier
from fitn7.dsl import ast
from fitn7.errors import EvaluationError
from fitn7.evaluation import CompiledPolicy, Decision, Status, compile_policy
from fitn7.evaluation.decision import plain
from fitn7.evaluation.params import merge_params, param_text
from fitn7.evaluation.program import CompiledLimit
from fitn7.functions import FunctionRegistry
from fitn7.limits import Quantity, value_problem

_ZERO = Decimal(0)


def session_names(program: CompiledPolicy) -> tuple[str, ...]:
    """The sessions a dossier can belong to, in closing order.

    A policy that declares none has a single session named after the policy id.
    """
    if program.sessions:
        return tuple(name for name, _ in program.sessions)
    return (program.ref.id,)


def session_of(program: CompiledPolicy, dossier: Dossier) -> str | None:
    """The session of a dossier: the first whose closing date is on or after its filing date.

    None when it was filed after the last closing date or has no filing date;
    with no session in the policy, every dossier is in the single one.
    """
    if not program.sessions:
        return program.ref.id
    if dossier.submitted is None:
        return None
    for name, closes in program.sessions:
        if dossier.submitted <= closes:
            return name
    return None


def read_envelope(value: Decimal | int | str) -> Decimal:
    """An envelope in euros: `500000`, `500_000`, `500 000 €`, `"1188000.00"`.

    Raises `EvaluationError` for anything else, negative amounts included.
    """
    if isinstance(value, bool):
        raise EvaluationError(f"expected an envelope in euros, got `{value}`")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = value.strip().removesuffix("€").removesuffix("EUR")
        for sep in ("_", " ", "\u00a0", "\u202f"):
            text = text.replace(sep, "")
        # The French decimal comma (`500000,50`), as long as it cannot be a
        # thousands separator: one comma, and not followed by three digits.
        whole, comma, cents = text.partition(",")
        if comma and "," not in cents and "." not in text and len(cents) in (1, 2):
            text = f"{whole}.{cents}"
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
    too_large = amount.is_finite() and value_problem(amount, Quantity.EUROS)
    if too_large:  # before `quantize`, which cannot round past 28 digits
        raise EvaluationError(f"{too_large}")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise EvaluationError(
            f"expected an envelope in euros, to the cent at most, got `{value}`; write e.g. "
            "`500000`, `500_000.50` or `500 000,50`"
        )
    return amount


def merge_history(awards: Iterable[PriorAward]) -> tuple[PriorAward, ...]:
    """Prior awards by dossier id, once each (the same award read twice is one award).

    Two different awards for one dossier id are an `EvaluationError`.
    """
    by_id: dict[str, PriorAward] = {}
    for award in awards:
        seen = by_id.get(award.dossier)
        if seen is not None and seen != award:
            raise EvaluationError(
                f"the history has two different awards for dossier `{award.dossier}`"
            )
        by_id[award.dossier] = award
    return tuple(by_id[k] for k in sorted(by_id))


def limit_key(value: Any) -> str | None:
    """What a limit counts awards by, from the value of its `per` path.

    A collectivité is counted by its code (INSEE or SIREN), a kind by its name,
    text as it is; None when the value (or the code) is absent.
    """
    if value is None:
        return None
    if isinstance(value, Collectivite):
        return value.code
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    return str(plain(value))


def history_dossier(award: PriorAward) -> Dossier:
    """The minimal dossier a prior award stands for, to evaluate limits on.

    It knows the applicant's code and name and whether the project was joint
    (one member of unknown identity); every other field is absent, so a limit
    reading more than that sees unknown values.
    """
    applicant = None
    if award.applicant is not None or award.name is not None:
        applicant = Collectivite(name=award.name, code=award.applicant)
    members = (Collectivite(),) if award.joint else ()
    return Dossier(id=award.dossier, applicant=applicant, members=members)


@attrs.frozen
class _LimitView:
    """How one limit sees one dossier: is it concerned, and under which key."""

    #: False when the limit's `where` is false: not constrained, not counted.
    #: An unknown `where` is taken as holding (a limit is a ceiling: when in
    #: doubt, count).
    concerned: bool
    key: str | None


@attrs.frozen
class _Limit:
    """A compiled limit with what allocation needs about it."""

    compiled: CompiledLimit
    #: The `per` path as written, for messages.
    per_text: str

    @property
    def id(self) -> str:
        """The rule id."""
        return self.compiled.meta.id

    def view(
        self, program: CompiledPolicy, dossier: Dossier, params: Mapping[str, Any] | None
    ) -> _LimitView:
        """How this limit sees `dossier`."""
        env = program.env(dossier, params, False)
        where = self.compiled.where(env) if self.compiled.where is not None else True
        if where is False:
            return _LimitView(False, None)
        return _LimitView(True, limit_key(self.compiled.per(env)))

    def count(
        self, program: CompiledPolicy, dossier: Dossier, params: Mapping[str, Any] | None
    ) -> int:
        """The most awards per key this limit allows (`at most N`)."""
        value = self.compiled.count(program.env(dossier, params, False))
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
            raise EvaluationError(f"limit `{self.id}`: `at most` is not a whole number")
        if value < 0:
            raise EvaluationError(
                f"limit `{self.id}`: `at most {value}` is negative; a limit allows 0 awards "
                "or more"
            )
        return int(value)


def _limits(program: CompiledPolicy) -> tuple[_Limit, ...]:
    written = {lim.id: lim for lim in program.policy.of_type(ast.Limit)}
    out = []
    # By id, not by place in the file: when two limits hold a dossier back, the
    # reason given must not change when a limit is moved (a move is no change).
    for compiled in sorted(program.limits, key=lambda c: c.meta.id):
        node = written.get(compiled.meta.id)
        out.append(_Limit(compiled, unparse(node.per) if node is not None else "?"))
    return tuple(out)


def _rank_key(row: tuple[Dossier, Decision]) -> tuple[int, datetime.date, str]:
    dossier, decision = row
    # No filing date ranks after every date: it only happens in a policy without sessions.
    return (-decision.score, dossier.submitted or datetime.date.max, dossier.id)


class _Walk:
    """The state of the committee's walk: limit counters and money (local to `allocate`)."""

    def __init__(
        self,
        program: CompiledPolicy,
        params: Mapping[str, Any] | None,
        envelope: Decimal | None,
        history: tuple[PriorAward, ...],
    ) -> None:
        self.program = program
        self.params = params
        self.limits = _limits(program)
        self.counts: list[dict[str, int]] = [{} for _ in self.limits]
        self.prior_total = sum((a.amount for a in history), _ZERO)
        self.envelope = envelope
        self.awarded_total = _ZERO
        self.warnings: list[str] = []
        for award in history:
            self._count_prior(award)

    def _count_prior(self, award: PriorAward) -> None:
        dossier = history_dossier(award)
        for index, limit in enumerate(self.limits):
            view = limit.view(self.program, dossier, self.params)
            if not view.concerned:
                continue
            if view.key is None:
                self.warnings.append(
                    f"history award `{award.dossier}` is not counted by limit `{limit.id}`: "
                    f"the limit counts awards per `{limit.per_text}`, which the history "
                    "does not record for it"
                )
                continue
            self.counts[index][view.key] = self.counts[index].get(view.key, 0) + 1

    @property
    def remaining(self) -> Decimal | None:
        """The envelope left; None when unlimited."""
        if self.envelope is None:
            return None
        return self.envelope - self.prior_total - self.awarded_total

    def consider(self, dossier: Dossier, amount: Decimal | None) -> str | None:
        """Award `dossier` if it fits (returns None) or say why it waits."""
        if amount is None or amount <= 0:
            return NO_AMOUNT
        views = [limit.view(self.program, dossier, self.params) for limit in self.limits]
        for index, (limit, view) in enumerate(zip(self.limits, views, strict=True)):
            if not view.concerned:
                continue
            if view.key is None:
                return limit_unknown_reason(limit.id)
            if self.counts[index].get(view.key, 0) >= limit.count(
                self.program, dossier, self.params
            ):
                return limit_reason(limit.id)
        remaining = self.remaining
        if remaining is not None and amount > remaining:
            return ENVELOPE
        self.awarded_total += amount
        for index, view in enumerate(views):
            if view.concerned and view.key is not None:
                self.counts[index][view.key] = self.counts[index].get(view.key, 0) + 1
        return None


def _row(
    dossier: Dossier,
    decision: Decision,
    outcome: Outcome,
    session: str | None,
    rank: int | None = None,
    reason: str | None = None,
) -> AllocatedDossier:
    applicant = dossier.applicant
    return AllocatedDossier(
        dossier=dossier.id,
        outcome=outcome,
        amount=decision.amount,
        score=decision.score,
        rank=rank,
        session=session,
        reason=reason,
        applicant=applicant.code if applicant is not None else None,
        applicant_name=applicant.name if applicant is not None else None,
        joint=bool(dossier.members),
        submitted=dossier.submitted,
        decision=decision,
    )


def allocate(
    policy: ast.Policy | CompiledPolicy,
    dossiers: Iterable[Dossier],
    *,
    history: Iterable[PriorAward] = (),
    envelope: Decimal | int | str | None = None,
    params: Mapping[str, Any] | None = None,
    session: str | None = None,
    functions: FunctionRegistry | None = None,
) -> Allocation:
    """Allocate the envelope over a batch of dossiers, as the selection committee does.

    `history` holds the awards of earlier committees: they count towards the
    limits and are deducted from the envelope. `envelope` replaces the
    policy's (`None`: the policy's, unlimited when it has none). `params`
    overrides policy params as in `evaluate`. `session` allocates only the
    dossiers of that session (the others are left out of the result).

    A dossier whose id is in the history is not allocated again: it is left
    out, with a warning. Raises `EvaluationError` for an unknown param or
    session, a bad envelope, two dossiers with one id, or two different
    history awards for one dossier. Deterministic: the same input in any
    order gives an equal `Allocation`.
    """
    program = policy if isinstance(policy, CompiledPolicy) else compile_policy(
        policy, functions=functions
    )
    values = merge_params(program.param_defaults, program.param_nodes, params)
    total = read_envelope(envelope) if envelope is not None else program.envelope
    prior = merge_history(history)
    names = session_names(program)
    if session is not None and session not in names:
        hint = did_you_mean(session, names)
        known = ", ".join(f"`{n}`" for n in names)
        raise EvaluationError(
            f"unknown session `{session}`" + (f" ({hint})" if hint else f"; sessions: {known}")
        )

    batch: dict[str, Dossier] = {}
    for dossier in dossiers:
        if dossier.id in batch:
            raise EvaluationError(f"two dossiers have the id `{dossier.id}`")
        batch[dossier.id] = dossier
    prior_ids = {a.dossier: a for a in prior}
    # The overrides as given, not `values`: evaluation merges them with the defaults
    # itself, and merging merged values again reads a percent param's share (0.5)
    # as a number of percent (0.5 %), deciding otherwise than `evaluate`.
    walk = _Walk(program, params, total, prior)

    # Grouped by session: index in closing order; None (no session) goes last.
    groups: dict[str | None, list[tuple[Dossier, Decision]]] = {}
    for ident in sorted(batch):
        dossier = batch[ident]
        where = session_of(program, dossier)
        if session is not None and where != session:
            continue
        if ident in prior_ids:
            award = prior_ids[ident]
            when = f" in session `{award.session}`" if award.session else ""
            walk.warnings.append(
                f"dossier `{ident}` was already awarded{when} (history): not allocated again"
            )
            continue
        decision = program.evaluate(dossier, params, trace=False)
        groups.setdefault(where, []).append((dossier, decision))

    if session is None:
        # A committee that already met (its awards are in the history) is
        # walked again for the batch's other dossiers of that session: what a
        # committee wants when it reconsiders its waiting list, not when it
        # runs the next session on a cumulative folder. Say so.
        met = {a.session for a in prior if a.session}
        for met_name in names:
            again = groups.get(met_name, [])
            if met_name in met and again:
                walk.warnings.append(
                    f"session `{met_name}` already met (its awards are in the history); its "
                    f"{len(again)} other dossier(s) are allocated again in this run: name the "
                    "current session (--session) to allocate only that committee"
                )

    rows: list[AllocatedDossier] = []
    sessions: list[SessionTotal] = []
    closing = dict(program.sessions)
    for name in (*names, None):
        members = groups.get(name, [])
        if name is None or not (members or name == session):
            continue
        eligible = sorted(
            (m for m in members if m[1].status is Status.ELIGIBLE), key=_rank_key
        )
        before = walk.awarded_total
        awarded = waitlisted = 0
        for rank, (dossier, decision) in enumerate(eligible, start=1):
            reason = walk.consider(dossier, decision.amount)
            outcome = Outcome.AWARDED if reason is None else Outcome.WAITLISTED
            awarded += reason is None
            waitlisted += reason is not None
            rows.append(_row(dossier, decision, outcome, name, rank, reason))
        rows.extend(_others(members, name))
        sessions.append(
            SessionTotal(name, closing.get(name), walk.awarded_total - before, awarded, waitlisted)
        )
    # No session: the committee cannot examine them; eligible ones wait, unranked.
    lost = groups.get(None, [])
    for dossier, decision in sorted(
        (m for m in lost if m[1].status is Status.ELIGIBLE), key=_rank_key
    ):
        rows.append(_row(dossier, decision, Outcome.WAITLISTED, None, None, NO_SESSION))
    rows.extend(_others(lost, None))

    return Allocation(
        policy=program.ref,
        params=values,
        param_texts={n: param_text(v, program.param_nodes.get(n)) for n, v in values.items()},
        envelope=total,
        prior_total=walk.prior_total,
        awarded_total=walk.awarded_total,
        remaining=walk.remaining,
        sessions=tuple(sessions),
        dossiers=tuple(rows),
        history=prior,
        warnings=tuple(walk.warnings),
    )


def _others(members: list[tuple[Dossier, Decision]], session: str | None) -> list[AllocatedDossier]:
    """The dossiers of a group the committee does not allocate, with their status, by id."""
    return [
        _row(dossier, decision, Outcome.of_status(decision.status), session)
        for dossier, decision in members
        if decision.status is not Status.ELIGIBLE
    ]
