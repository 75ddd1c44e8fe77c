"""Checking a policy's `invariant`s against generated dossiers (`fitn7 check --properties`).

Each invariant is a property the policy promises for every dossier. Here
hypothesis generates realistic dossiers (`fitn7.strategies`), evaluates them
and checks each invariant against the dossier and its decision; a broken one
comes back with a minimal counterexample (hypothesis shrinks it). An
invariant that is *unknown* for a dossier (it reads a missing field, or a
null amount) is not broken: only `false` is.

Needs hypothesis: `pip install 'fitn7[properties]'`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
import tomli_w

from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.ast import DateLit, IntLit, MoneyLit, StringLit
from fitn7.errors import Fitn7Error
from fitn7.evaluation import CompiledPolicy, Decision
from fitn7.evaluation.program import CompiledInvariant
from fitn7.loading import dossier_to_mapping


@attrs.frozen
class Counterexample:
    """A dossier for which an invariant is false, with the decision it got."""

    invariant: CompiledInvariant
    dossier: Dossier
    decision: Decision

    def to_toml(self) -> str:
        """The dossier as a TOML file a user can save and `fitn7 eval`."""
        meta = self.invariant.meta
        header = [
            f"# counterexample to invariant `{meta.id}`"
            + (f" ({meta.file}:{meta.line})" if meta.file else ""),
            f"# decision: {self.decision.status.value}, amount "
            + (f"{self.decision.amount:f}" if self.decision.amount is not None else "none")
            + f", score {self.decision.score}",
        ]
        mapping = dossier_to_mapping(self.dossier)
        # A generated id names some call's scheme (`PACA-2021-001`); this one says what it is.
        mapping["id"] = f"contre-exemple-{meta.id}"
        return "\n".join(header) + "\n" + tomli_w.dumps(_toml_numbers(mapping))


def _toml_numbers(value: Any) -> Any:
    """Decimals as TOML a person reads and fitn7 reads back: `35000`, `"12000.50"`.

    tomli-w writes a Decimal as a float (`35000.0`), which fitn7 refuses for money.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, dict):
        return {k: _toml_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_toml_numbers(v) for v in value]
    return value


@attrs.frozen
class PropertyReport:
    """The invariants checked and, for each broken one, its counterexample."""

    checked: tuple[str, ...]
    examples: int
    counterexamples: tuple[Counterexample, ...]

    @property
    def ok(self) -> bool:
        """True when no invariant was broken."""
        return not self.counterexamples


def _literals(node: Any) -> Iterator[Any]:
    """Every literal node under `node` (declarations, expressions), in order."""
    return (n for n in ast.walk(node) if isinstance(n, StringLit | DateLit | IntLit | MoneyLit))


def policy_literals(policy: Any) -> tuple[frozenset[str], frozenset[datetime.date]]:
    """The string and date literals of a policy: territory codes, themes, tags, deadlines."""
    found = list(_literals(policy.declarations))
    return (frozenset(n.value for n in found if isinstance(n, StringLit)),
            frozenset(n.value for n in found if isinstance(n, DateLit)))


def policy_numbers(policy: Any) -> tuple[frozenset[int], frozenset[Decimal]]:
    """The whole numbers (population thresholds, counts) and amounts (forfaits, caps) a
    policy writes: where its invariants are most likely to break."""
    found = list(_literals(policy.declarations))
    return (frozenset(n.value for n in found if isinstance(n, IntLit)),
            frozenset(n.value for n in found if isinstance(n, MoneyLit)))


class _Broken(Exception):
    """Raised inside a hypothesis run to mark a counterexample."""


def check_properties(
    program: CompiledPolicy,
    *,
    examples: int = 500,
    params: Mapping[str, Any] | None = None,
) -> PropertyReport:
    """Check every invariant of a compiled policy on `examples` generated dossiers.

    Deterministic (hypothesis is derandomized and keeps no database), so a
    counterexample found once is found again.
    """
    try:
        from hypothesis import HealthCheck, given, settings, target

        from fitn7.strategies import focused_dossiers
    except ImportError:
        raise Fitn7Error(
            "checking properties needs hypothesis: pip install 'fitn7[properties]'"
        ) from None

    strategy = focused_dossiers(*policy_literals(program.policy),
                                *policy_numbers(program.policy))

    def search(watched: tuple[CompiledInvariant, ...]) -> list[Counterexample]:
        """One hypothesis run over the invariants still unbroken: every one of them the
        shrunk counterexample breaks (none if they all hold)."""
        last: list[tuple[Dossier, Decision]] = []

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # Every break raises the same exception, so hypothesis would look
            # for "more bugs" in vain, for a time measured on the clock: the
            # shrunk example would then depend on the machine's speed.
            report_multiple_bugs=False,
        )
        @given(strategy)
        def run(dossier: Dossier) -> None:
            decision = program.evaluate(dossier, params, trace=False)
            # Caps and bounds break at large amounts: steer the search there.
            target(float(decision.amount or 0), label="amount")
            for inv, value in program.check_invariants(dossier, decision, params):
                if inv in watched and value is False:
                    # hypothesis replays the shrunk example last: keep the latest.
                    last[:] = [(dossier, decision)]
                    raise _Broken(inv.meta.id)

        try:
            run()
        except _Broken:
            dossier, decision = last[0]
            return [
                Counterexample(inv, dossier, decision)
                for inv, value in program.check_invariants(dossier, decision, params)
                if inv in watched and value is False
            ]
        return []

    # The common case (every invariant holds) costs one run. A counterexample
    # is reported for every invariant it breaks (one slip often breaks two
    # promises: a forfait and the bound on it); each run after it searches the
    # invariants still unbroken, so that each gets a counterexample.
    found: list[Counterexample] = []
    watched = tuple(program.invariants)
    while watched:
        broken = search(watched)
        if not broken:
            break
        found.extend(broken)
        watched = tuple(inv for inv in watched
                        if all(inv is not c.invariant for c in broken))
    return PropertyReport(
        tuple(inv.meta.id for inv in program.invariants), examples, tuple(found)
    )
