"""The decision on one dossier: status, amount, score, reasons, missing fields, trace.

Serialised exactly as docs/evaluation.md shows (`Decision.to_dict`), the shape
auditors and other tools read. `Decision` and `TraceEntry`, built by the
thousand, are frozen attrs classes that generated code fills quickly
(`fitn7.evaluation.records`).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import attrs

from fitn7.evaluation.records import fast_record


class Status(enum.Enum):
    """What the decision says about the dossier."""

    ELIGIBLE = "eligible"
    REVIEW = "review"
    INELIGIBLE = "ineligible"
    INCOMPLETE = "incomplete"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class PolicyRef:
    """Which policy decided: its id, version and canonical hash."""

    id: str
    version: str | None
    sha256: str


@attrs.frozen
class Reason:
    """A rule that made the status: a failed `require`, a holding `exclude` or `review`,
    or (for an incomplete dossier) a rule that could not be decided."""

    rule: str
    effect: str
    message: str | None
    source: str | None


@fast_record
@attrs.frozen
class TraceEntry:
    """One rule or amount step as evaluated: its outcome and the values it read."""

    rule: str
    kind: str
    outcome: str
    read: tuple[tuple[str, Any], ...] = ()
    amount: Decimal | None = None
    source: str | None = None
    file: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of this entry."""
        out: dict[str, Any] = {"rule": self.rule, "kind": self.kind, "outcome": self.outcome}
        if self.read:
            out["read"] = {path: plain(value) for path, value in self.read}
        if self.amount is not None:
            out["amount"] = money_str(self.amount)
        if self.source is not None:
            out["source"] = self.source
        if self.file is not None:
            out["file"] = self.file
        if self.line is not None:
            out["line"] = self.line
        return out


@fast_record
@attrs.frozen
class Decision:
    """The result of evaluating one dossier against one policy."""

    dossier: str
    policy: PolicyRef
    status: Status
    amount: Decimal | None
    score: int
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()
    trace: tuple[TraceEntry, ...] = ()
    #: Provenance added by later stages (dossier hash, plugin versions...). Compared,
    #: not hashed: it is a mapping, and the decision itself is the same decision.
    provenance: Mapping[str, Any] = attrs.field(factory=dict, hash=False)

    def to_dict(self, *, trace: bool = True) -> dict[str, Any]:
        """The documented JSON shape; `trace=False` leaves the trace out."""
        out: dict[str, Any] = {
            "dossier": self.dossier,
            "policy": {
                "id": self.policy.id,
                "version": self.policy.version,
                "sha256": self.policy.sha256,
            },
            "status": self.status.value,
            "amount": money_str(self.amount) if self.amount is not None else None,
            "score": self.score,
            "reasons": [
                {"rule": r.rule, "effect": r.effect, "message": r.message, "source": r.source}
                for r in self.reasons
            ],
            "missing": list(self.missing),
        }
        if trace:
            out["trace"] = [t.to_dict() for t in self.trace]
        out.update(self.provenance)
        return out


def money_str(value: Decimal) -> str:
    """An amount as a string with exactly two decimals: `18000.00`.

    Rounded half-up, as the decision's amount is, so that a trace step
    showing `5.005` says `5.01` like the amount it leads to. An amount of more
    than 28 digits (a trace step multiplying large numbers, before the caps)
    is rounded in a context wide enough for it: the default one would refuse.
    """
    if not value.is_finite():
        return str(value)
    wide = Context(prec=max(_DEFAULT_PRECISION, value.adjusted() + 3))
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP, context=wide):f}"


_CENT = Decimal("0.01")
_DEFAULT_PRECISION = 28
#: Bits past which Python refuses to write an int in decimal (its 4 300 digits limit).
_INT_TEXT_BITS = 14_000


def plain(value: Any) -> Any:
    """A value read by a rule, as JSON/TOML can hold it (Decimal as string, enums as names)."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > _INT_TEXT_BITS:
        # Only a policy multiplying large numbers again and again gets here; JSON
        # cannot write such an int, Decimal writes its digits.
        return f"{Decimal(value):f}"
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if attrs.has(type(value)):
        return f"<{type(value).__name__.lower()}>"
    return str(value)
