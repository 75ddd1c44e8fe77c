"""Benchmark: decisions per second for a shipped policy, with and without the trace.

Evaluates N generated dossiers (default 100 000) against policies/bretagne.fitn7
and compares with a hand-written Python function of the same rules, which is
the ceiling a compiled policy can hope to approach. Without the trace, a
decision comes from the policy's generated function (the fast path); with it,
from the closures, whose rate without the trace is printed last for
comparison. Each rate is the best of three passes. Not a test: it prints (and
checks, on the first thousand dossiers, that both paths decide alike).

    python benchmarks/bench_eval.py [N]
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from fitn7.api import load_policy
from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider
from fitn7.evaluation import compile_policy

ROOT = Path(__file__).resolve().parents[1]
DEPARTEMENTS = ["22", "29", "35", "56", "75", "32"]
TAGS = ["inclusion", "urbanisme", "archivage", "ged", "mobilite", "site_web"]
CATEGORIES = list(Category)


def make_dossiers(n: int, seed: int = 7) -> list[Dossier]:
    """N varied dossiers, some with absent fields, reproducible from the seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        applicant = Collectivite(
            name=f"Commune {i}",
            kind=rng.choice(list(Kind)),
            code=f"{rng.randint(1000, 99999):05d}",
            population=rng.choice([None, rng.randint(50, 200_000)]),
            departement=rng.choice(DEPARTEMENTS),
            region="53",
            zrr=rng.choice([True, False, None]),
            qpv=False,
        )
        expenses = tuple(
            Expense(
                f"ligne {j}",
                rng.choice(CATEGORIES),
                Decimal(rng.randint(500, 40_000)),
                Provider("Prestataire", None, rng.choice(["53", "52", None])),
            )
            for j in range(rng.randint(1, 4))
        )
        out.append(
            Dossier(
                id=f"BENCH-{i:06d}",
                submitted=datetime.date(2021, 4, 1) + datetime.timedelta(days=rng.randint(0, 330)),
                applicant=applicant,
                project=Project(
                    title="Projet",
                    themes=("relation_usagers",),
                    tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
                    started=False,
                    participatory=rng.choice([True, False]),
                ),
                expenses=expenses,
                requested=Decimal(rng.randint(1000, 60_000)),
            )
        )
    return out


def by_hand(d: Dossier) -> tuple[str, Decimal | None, int]:
    """The Bretagne rules written directly in Python (no three-valued logic)."""
    a, p, ex = d.applicant, d.project, d.expenses or ()
    assert a is not None and p is not None
    tags = p.tags or ()
    eligible = [e for e in ex if e.category not in (Category.PERSONNEL, Category.MATERIEL)]
    base = sum((e.amount or Decimal(0) for e in eligible), Decimal(0))
    total = sum((e.amount or Decimal(0) for e in ex), Decimal(0))
    materiel = sum((e.amount or Decimal(0) for e in ex if e.category is Category.MATERIEL),
                   Decimal(0))
    failing = (
        a.departement not in {"22", "29", "35", "56"}
        or (d.submitted is not None and d.submitted > datetime.date(2022, 2, 8))
        or "urbanisme" in tags
        or bool({"archivage", "ged"} & set(tags))
        or (bool(ex) and all(e.category is Category.PERSONNEL for e in ex))
        or materiel > total / 2
    )
    score = 2 * ("inclusion" in tags) + (a.zrr is True) + any(
        e.provider is not None and e.provider.region == "53" for e in ex
    )
    if failing:
        return "ineligible", None, score
    amount = min(base, d.requested or base)
    return ("review" if not p.participatory else "eligible"), amount, score


def measure(
    label: str, fn: Callable[[Dossier], Any], dossiers: list[Dossier], passes: int = 3
) -> float:
    """Run fn over the dossiers, best of `passes`, and print the rate."""
    elapsed = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        for d in dossiers:
            fn(d)
        elapsed = min(elapsed, time.perf_counter() - start)
    rate = len(dossiers) / elapsed
    print(f"{label:<40} {rate:>12,.0f} dossiers/s  ({elapsed:.2f} s)")
    return rate


def main(argv: list[str]) -> int:
    """Build the dossiers, compile the policy once, time the three variants."""
    n = int(argv[1]) if len(argv) > 1 else 100_000
    dossiers = make_dossiers(n)
    program = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))
    print(f"{n:,} dossiers, policy {program.ref.id} {program.ref.version}")
    for d in dossiers[:1000]:
        fast = program.evaluate(d, trace=False)
        assert fast == program.evaluate_reference(d, trace=False), d.id
    measure("fitn7, full decision, no trace", lambda d: program.evaluate(d, trace=False), dossiers)
    measure("fitn7, full decision with trace", lambda d: program.evaluate(d, trace=True), dossiers)
    measure("hand-written Python (same rules)", by_hand, dossiers)
    measure("(closures only, no trace)", lambda d: program.evaluate_reference(d, trace=False),
            dossiers, passes=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
