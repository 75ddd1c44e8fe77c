"""What a committee allocation gives: who is funded, for how much, who waits and why.

Frozen value objects, serialised by `to_dict` in the JSON shape documented in
docs/allocation.md (money as strings with two decimals, never floats). The
same shape, read back by `fitn7.allocation.history`, is the history of the
next committee: one run's output feeds the next.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from fitn7.evaluation.decision import Decision, PolicyRef, Status, money_str, plain


class Outcome(enum.Enum):
    """What the committee does with a dossier.

    `awarded` and `waitlisted` are for eligible dossiers; the others are the
    evaluation status of a dossier the committee does not allocate.
    """

    AWARDED = "awarded"
    WAITLISTED = "waitlisted"
    INELIGIBLE = "ineligible"
    REVIEW = "review"
    INCOMPLETE = "incomplete"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def of_status(cls, status: Status) -> Outcome:
        """The outcome of a dossier that is not allocated: its evaluation status."""
        return cls(status.value)


#: Waitlisted: awarding it would go beyond the remaining envelope.
ENVELOPE = "envelope"
#: Waitlisted: the decision gives no amount to award (none, or zero).
NO_AMOUNT = "no-amount"
#: Waitlisted: filed after the last session closed, or with no filing date.
NO_SESSION = "no-session"


def limit_reason(limit_id: str) -> str:
    """Waitlisted because limit `limit_id` has no room left for this dossier's key."""
    return f"limit:{limit_id}"


def limit_unknown_reason(limit_id: str) -> str:
    """Waitlisted because limit `limit_id` cannot be checked: the field it counts by is absent."""
    return f"limit-unknown:{limit_id}"


def _money(value: Decimal | None) -> str | None:
    return money_str(value) if value is not None else None


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@attrs.frozen
class PriorAward:
    """An award made before this run (an earlier committee), read from a history file.

    Only what limits and the envelope need is recorded: the applicant's code
    (`applicant.code`), whether the project was joint, the amount.
    """

    dossier: str
    applicant: str | None
    amount: Decimal
    session: str | None = None
    joint: bool = False
    #: The applicant's name, for people reading the report.
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, the shape of an `[[award]]` table of a history file."""
        return {
            "dossier": self.dossier,
            "applicant": self.applicant,
            "name": self.name,
            "amount": money_str(self.amount),
            "session": self.session,
            "joint": self.joint,
        }


@attrs.frozen
class AllocatedDossier:
    """One dossier of the batch as the committee sees it."""

    dossier: str
    outcome: Outcome
    #: The amount of the decision: awarded, or what it would take (None when there is none).
    amount: Decimal | None
    score: int
    #: Its place in the ranking of its session (eligible dossiers only, from 1).
    rank: int | None
    #: The session its filing date falls in, None when none (see `NO_SESSION`).
    session: str | None
    #: Why a waitlisted dossier waits (`limit:<id>`, `envelope`, ...); None otherwise.
    reason: str | None
    applicant: str | None
    applicant_name: str | None
    joint: bool
    submitted: datetime.date | None
    #: The evaluation the outcome comes from (without trace).
    decision: Decision

    @property
    def awarded(self) -> bool:
        """True when the committee funds it in this run."""
        return self.outcome is Outcome.AWARDED

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of one row of the committee report."""
        return {
            "dossier": self.dossier,
            "outcome": self.outcome.value,
            "amount": _money(self.amount),
            "score": self.score,
            "rank": self.rank,
            "session": self.session,
            "reason": self.reason,
            "applicant": self.applicant,
            "applicant_name": self.applicant_name,
            "joint": self.joint,
            "submitted": _date(self.submitted),
            "rules": [r.rule for r in self.decision.reasons],
            "missing": list(self.decision.missing),
        }

    def as_prior(self) -> PriorAward:
        """This award as the history of a later run."""
        assert self.amount is not None  # an awarded dossier always has an amount
        return PriorAward(
            self.dossier, self.applicant, self.amount, self.session, self.joint,
            self.applicant_name,
        )


@attrs.frozen
class SessionTotal:
    """What one session of this run awarded."""

    name: str
    #: Its closing date; None for the single session of a policy that declares none.
    closes: datetime.date | None
    awarded_total: Decimal
    awarded: int
    waitlisted: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "name": self.name,
            "closes": _date(self.closes),
            "awarded_total": money_str(self.awarded_total),
            "awarded": self.awarded,
            "waitlisted": self.waitlisted,
        }


@attrs.frozen
class Allocation:
    """The committee's result over a batch: every dossier's outcome and the envelope left."""

    policy: PolicyRef
    #: The value of every param of the policy in this run (defaults and overrides).
    params: Mapping[str, Any]
    #: The envelope of the whole call; None when unlimited.
    envelope: Decimal | None
    #: What the history had already awarded (deducted from the envelope).
    prior_total: Decimal
    #: What this run awards.
    awarded_total: Decimal
    #: `envelope - prior_total - awarded_total`; None when unlimited.
    remaining: Decimal | None
    sessions: tuple[SessionTotal, ...]
    #: Sessions in closing order, then the dossiers of no session; within a
    #: session, eligible dossiers by rank, then the others by id.
    dossiers: tuple[AllocatedDossier, ...]
    #: The prior awards taken into account, by dossier id.
    history: tuple[PriorAward, ...] = ()
    #: What the committee should know and that is no dossier's outcome
    #: (history awards a limit cannot count, dossiers already in the history).
    warnings: tuple[str, ...] = ()
    #: Each param as the policy writes it (`50%`, `30000`), for the report's reader.
    param_texts: Mapping[str, str] = attrs.field(factory=dict, eq=False)

    def awards(self) -> tuple[AllocatedDossier, ...]:
        """The dossiers funded by this run, in report order."""
        return tuple(d for d in self.dossiers if d.awarded)

    def get(self, dossier_id: str) -> AllocatedDossier:
        """The row of one dossier; `KeyError` when it is not in the report."""
        for row in self.dossiers:
            if row.dossier == dossier_id:
                return row
        raise KeyError(dossier_id)

    def as_history(self) -> tuple[PriorAward, ...]:
        """The history of the next run: the prior awards and this run's, by dossier id."""
        prior = {p.dossier: p for p in self.history}
        for row in self.awards():
            prior[row.dossier] = row.as_prior()
        return tuple(prior[k] for k in sorted(prior))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (docs/allocation.md)."""
        return {
            "policy": {
                "id": self.policy.id,
                "version": self.policy.version,
                "sha256": self.policy.sha256,
            },
            "params": {name: plain(self.params[name]) for name in sorted(self.params)},
            "envelope": _money(self.envelope),
            "prior_total": money_str(self.prior_total),
            "awarded_total": money_str(self.awarded_total),
            "remaining": _money(self.remaining),
            "sessions": [s.to_dict() for s in self.sessions],
            "dossiers": [d.to_dict() for d in self.dossiers],
            "history": [p.to_dict() for p in self.history],
            "warnings": list(self.warnings),
        }
