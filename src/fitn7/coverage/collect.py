"""Which targets the traces of the example decisions exercised."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from fitn7.coverage.targets import FAILS, HOLDS, UNDETERMINED, Target
from fitn7.evaluation.decision import Decision, TraceEntry

#: Trace kinds of rules, and the outcome for which their condition held.
_RULE_HELD = {"require": "pass", "exclude": "fail", "review": "review"}


@attrs.frozen
class Coverage:
    """The targets of one policy and which of them its examples exercised."""

    policy: str
    file: str
    examples: int
    targets: tuple[Target, ...]
    seen: frozenset[tuple[str, str, str]]
    #: Targets proved impossible (`fitn7.proofs.possible`): not counted.
    impossible: frozenset[tuple[str, str, str]] = frozenset()

    @property
    def counted(self) -> tuple[Target, ...]:
        """The targets that make the percentage: not the uncounted kinds, nor what no
        dossier can exercise."""
        return tuple(t for t in self.targets if t.counted and t.key not in self.impossible)

    @property
    def missed(self) -> tuple[Target, ...]:
        """The counted targets no example exercised, in file order."""
        return tuple(t for t in self.counted if t.key not in self.seen)

    @property
    def percent(self) -> Decimal:
        """The share of counted targets exercised, 0 to 100, one decimal."""
        total = len(self.counted)
        if not total:
            return Decimal(100)
        done = total - len(self.missed)
        return (Decimal(done * 100) / Decimal(total)).quantize(Decimal("0.1"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: summary, then every target with `seen`."""
        return {
            "policy": self.policy,
            "file": self.file,
            "examples": self.examples,
            "percent": float(self.percent),
            "covered": len(self.counted) - len(self.missed),
            "total": len(self.counted),
            "targets": [
                {"kind": t.kind, "id": t.id, "outcome": t.outcome, "file": t.file,
                 "line": t.line, "counted": t.counted and t.key not in self.impossible,
                 "possible": t.key not in self.impossible, "seen": t.key in self.seen}
                for t in self.targets
            ],
        }


def collect(policy: str, file: str, targets: tuple[Target, ...],
            decisions: Iterable[Decision],
            impossible: frozenset[tuple[str, str, str]] = frozenset()) -> Coverage:
    """Mark the targets the traces of `decisions` exercised (decisions made with a trace)."""
    bands = [t for t in targets if t.kind == "band"]
    seen: set[tuple[str, str, str]] = set()
    count = 0
    for decision in decisions:
        count += 1
        for entry in decision.trace:
            seen.update(_keys(entry, bands))
    return Coverage(policy, file, count, targets, frozenset(seen), impossible)


def _keys(entry: TraceEntry, bands: list[Target]) -> list[tuple[str, str, str]]:
    kind, rule, outcome = entry.kind, entry.rule, entry.outcome
    if kind in _RULE_HELD:
        if outcome == "unknown":
            return [(kind, rule, UNDETERMINED)]
        return [(kind, rule, HOLDS if outcome == _RULE_HELD[kind] else FAILS)]
    if outcome in ("unknown", "skipped"):
        return []
    if kind == "forfait":
        keys = [(kind, rule, "applied")]
        band = _band_reached(entry, [b for b in bands if b.id.startswith(f"{rule}[")])
        if band is not None:
            keys.append(band.key)
        return keys
    if kind in ("rate", "part"):
        return [(kind, rule, "applied")]
    if kind == "bonus":
        return [(kind, rule, "applied")]
    if kind in ("cap", "floor", "ceiling"):
        return [(kind, rule, "binds")] if outcome == "applied" else []
    if kind == "minimum":
        return [(kind, rule, outcome)]
    if kind == "score":
        return [(kind, rule, "scores")]
    return []


def _band_reached(entry: TraceEntry, bands: list[Target]) -> Target | None:
    """The band whose constant bounds hold the value the forfait read, else the only
    band whose value is the amount given (None when neither tells)."""
    reads = dict(entry.read)
    for band in bands:
        if band.band is None or band.by is None or band.by not in reads:
            continue
        x = _number(reads[band.by])
        low, high, _ = band.band
        if x is not None and (low is None or x >= low) and (high is None or x < high):
            return band
    by_value = [b for b in bands if b.band is not None and b.band[2] is not None
                and entry.amount is not None and b.band[2] == entry.amount]
    return by_value[0] if len(by_value) == 1 else None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
