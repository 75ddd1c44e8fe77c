"""Benchmark: a simple rule set compiled by fitn7 against the same rules written by hand.

The policy is `benchmarks/simple-rules.fitn7`: the applicant's kind, a
forfait by population band, a bonus in ZRR, a bonus per associated commune
and a cap. Its twin, `by_hand`, is the Python one would write for it over the
same `Dossier` objects (no three-valued logic, no `Decision`: a status and an
amount). Both decide N generated dossiers (default 100 000) and keep every
result in a list, as a committee run does; each rate is the best of several
passes (`--passes`, default 5), in CPU time of this process (on a shared
machine the wall clock also counts the time spent waiting for a core), with
the load average. Prints:

- the hand-written rate and fitn7's fast path (`evaluate_many`, no trace),
  and their ratio against its target (fitn7 at most 2x slower);
- the trace path (`evaluate_many`, trace on) and the trace/fast ratio against
  its target (at most 3x).

Not a test: it prints, and checks first that fitn7 and the twin decide every
dossier alike (status and amount). Exit code 1 when a target is missed.

    python benchmarks/bench_simple_rules.py [--dossiers N] [--passes P]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from fitn7.api import evaluate_many, load_policy
from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project
from fitn7.evaluation import CompiledPolicy, Status, compile_policy

POLICY = Path(__file__).with_name("simple-rules.fitn7")
#: fitn7's fast path at most this many times slower than the hand-written twin.
FAST_TARGET = 2.0
#: The trace path at most this many times slower than the fast path.
TRACE_TARGET = 3.0

_KINDS = [Kind.COMMUNE, Kind.COMMUNE, Kind.CC, Kind.CA, Kind.DEPARTEMENT]
_MEMBER_KINDS = [Kind.COMMUNE, Kind.COMMUNE, Kind.CC]
_CATEGORIES = [Category.ETUDE, Category.FORMATION, Category.DEVELOPPEMENT]


def make_dossiers(n: int, seed: int = 11) -> list[Dossier]:
    """N complete dossiers (every field the rules read is given), reproducible."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        members = tuple(
            Collectivite(name=f"Membre {j}", kind=rng.choice(_MEMBER_KINDS),
                         population=rng.randint(100, 5_000), zrr=False)
            for j in range(rng.choice([0, 0, 1, 2, 4]))
        )
        expenses = tuple(
            Expense(f"ligne {j}", rng.choice(_CATEGORIES), Decimal(rng.randint(2_000, 30_000)))
            for j in range(rng.randint(1, 3))
        )
        out.append(Dossier(
            id=f"SIMPLE-{i:06d}",
            applicant=Collectivite(
                name=f"Commune {i}", kind=rng.choice(_KINDS),
                population=rng.randint(50, 50_000), zrr=rng.random() < 0.3),
            members=members,
            project=Project(title="Projet"),
            expenses=expenses,
            requested=Decimal(rng.randint(5_000, 60_000)),
        ))
    return out


_PORTEURS = frozenset({Kind.COMMUNE, Kind.CC, Kind.CA})


def by_hand(d: Dossier) -> tuple[Status, Decimal | None]:
    """The rules of simple-rules.fitn7 written directly in Python, over complete dossiers:
    whole euros until the end, then the implicit last steps of every policy (never above
    the eligible base nor the amount requested)."""
    a = d.applicant
    assert a is not None and a.population is not None and d.expenses is not None
    if a.kind not in _PORTEURS:
        return Status.INELIGIBLE, None
    population = a.population
    amount = 10_000 if population < 2_000 else 20_000 if population < 10_000 else 30_000
    if a.zrr:
        amount += 5_000
    for member in d.members:
        if member.kind == Kind.COMMUNE:
            amount += 1_000
    if amount > 40_000:
        amount = 40_000
    granted = min(Decimal(amount), sum(e.amount for e in d.expenses if e.amount is not None))
    if d.requested is not None and d.requested < granted:
        granted = d.requested
    return Status.ELIGIBLE, granted


def best_of(passes: int, run: Callable[[], list[Any]]) -> float:
    """The shortest of `passes` runs of `run`, in seconds; its results are kept alive
    until the run ends (a committee keeps every decision), then dropped."""
    best = float("inf")
    for _ in range(passes):
        gc.collect()
        start = time.process_time()
        results = run()
        best = min(best, time.process_time() - start)
        del results
    return best


def decided(program: CompiledPolicy, dossiers: Iterable[Dossier], trace: bool) -> list[Any]:
    """Every decision, through the public batch API."""
    return list(evaluate_many(program, dossiers, trace=trace))


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def main(argv: list[str]) -> int:
    """Check that both decide alike, time them, print rates, ratios and verdicts."""
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--dossiers", type=int, default=100_000)
    options.add_argument("--passes", type=int, default=5)
    args = options.parse_args(argv)

    dossiers = make_dossiers(args.dossiers)
    program = compile_policy(load_policy(POLICY))
    for dossier, decision in zip(dossiers, evaluate_many(program, dossiers, trace=False),
                                 strict=True):
        expected = by_hand(dossier)
        assert (decision.status, decision.amount) == expected, (dossier.id, decision, expected)

    n = len(dossiers)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{n:,} dossiers, policy {program.ref.id}; CPU time, best of {args.passes} "
          f"passes; load average {load}")
    hand = best_of(args.passes, lambda: [by_hand(d) for d in dossiers])
    fast = best_of(args.passes, lambda: decided(program, dossiers, trace=False))
    traced = best_of(args.passes, lambda: decided(program, dossiers, trace=True))
    for label, seconds in (("hand-written Python (same rules)", hand),
                           ("fitn7 fast path (no trace)", fast),
                           ("fitn7 with trace", traced)):
        print(f"{label:<36} {n / seconds:>12,.0f} dossiers/s  ({seconds:.3f} s)")
    fast_ratio, trace_ratio = fast / hand, traced / fast
    print(f"fast path / hand-written: {fast_ratio:.2f}x   target <= {FAST_TARGET:.0f}x   "
          f"{verdict(fast_ratio <= FAST_TARGET)}")
    print(f"trace / fast path:        {trace_ratio:.2f}x   target <= {TRACE_TARGET:.0f}x   "
          f"{verdict(trace_ratio <= TRACE_TARGET)}")
    return 0 if fast_ratio <= FAST_TARGET and trace_ratio <= TRACE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
