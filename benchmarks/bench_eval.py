"""Benchmark: decisions per second for a shipped policy, with and without the trace.

Evaluates N generated dossiers (default 100 000) against policies/bretagne.fitn7
and compares with a hand-written Python function of the same rules, which is
the ceiling a compiled policy can hope to approach. Without the trace, a
decision comes from the policy's generated function (the fast path); with it,
from the generated traced function; the closures' rate (the reference, and
what the trace cost before) is printed last for comparison. Prints too:

- the rate of reading a `Dossier` from a mapping as a TOML file gives it
  (`dossier_from_mapping`), against the full reader alone (`read_in_full`,
  what every dossier went through before the fast reader), target at least 3x;
- the trace/fast ratio, against its target (the trace at most 3x slower).

Each rate is the best of three passes, in CPU time of this process (on a
shared machine the wall clock also counts the time spent waiting for a
core); the load average is printed with them. Not a test: it prints (and
checks, on the first thousand dossiers, that every path decides alike, and
that both readers read alike); exit code 1 when a target is missed.

    python benchmarks/bench_eval.py [N]
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from fitn7.api import load_policy
from fitn7.bulk import no_cycle_collection
from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider
from fitn7.evaluation import compile_policy
from fitn7.loading import dossier_from_mapping, dossier_to_mapping
from fitn7.loading.mapping import read_in_full

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


def measure(label: str, fn: Callable[[Any], Any], items: list[Any], passes: int = 3) -> float:
    """Run fn over the items, best of `passes` in CPU time, and print the rate."""
    elapsed = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for item in items:
            fn(item)
        elapsed = min(elapsed, time.process_time() - start)
    rate = len(items) / elapsed
    print(f"{label:<44} {rate:>12,.0f} dossiers/s  ({elapsed:.2f} s)")
    return rate


#: The trace at most this many times slower than the fast path.
TRACE_TARGET = 3.0
#: Reading a dossier from a mapping at least this many times faster than the full reader.
READER_TARGET = 3.0


def as_read_from_toml(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    """Each dossier's tables as `tomllib` gives them from its TOML file."""
    return [tomllib.loads(tomli_w.dumps(dossier_to_mapping(d)), parse_float=Decimal)
            for d in dossiers]


def read_all(read: Callable[..., Dossier], tables: list[dict[str, Any]]) -> list[Dossier]:
    """Every dossier, with the cycle collector paused as the file loader has it."""
    with no_cycle_collection():
        return [read(t, file="bench.toml") for t in tables]


def time_readers(tables: list[dict[str, Any]]) -> float:
    """Print the rate of both readers on the tables; return how many times faster
    `dossier_from_mapping` is than the full reader alone."""
    assert read_all(dossier_from_mapping, tables[:1000]) == read_all(read_in_full, tables[:1000])
    print(f"{len(tables):,} dossiers read from their TOML tables")
    rates = []
    for label, read in (("dossier_from_mapping", dossier_from_mapping),
                        ("the full reader alone (read_in_full)", read_in_full)):
        elapsed = float("inf")
        for _ in range(3):
            start = time.process_time()
            read_all(read, tables)
            elapsed = min(elapsed, time.process_time() - start)
        rates.append(len(tables) / elapsed)
        print(f"{label:<44} {rates[-1]:>12,.0f} dossiers/s  ({elapsed:.2f} s)")
    return rates[0] / rates[1]


def verdict(ratio: float, ok: bool, target: str) -> str:
    """`2.41x   target <= 3x   PASS`."""
    return f"{ratio:.2f}x   target {target}   {'PASS' if ok else 'FAIL'}"


def main(argv: list[str]) -> int:
    """Build the dossiers, time the readers, compile the policy once, time the variants."""
    n = int(argv[1]) if len(argv) > 1 else 100_000
    dossiers = make_dossiers(n)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"CPU time, best of 3; load average {load}")
    # Read first, in a fresh process, as a command reads its dossiers before deciding.
    speedup = time_readers(as_read_from_toml(dossiers[: max(1, n // 5)]))
    program = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))
    print(f"\n{n:,} dossiers decided, policy {program.ref.id} {program.ref.version}")
    for d in dossiers[:1000]:
        assert program.evaluate(d, trace=False) == program.evaluate_reference(d, trace=False)
        assert program.evaluate(d, trace=True) == program.evaluate_reference(d, trace=True)
    fast = measure("fitn7, full decision, no trace", lambda d: program.evaluate(d, trace=False),
                   dossiers)
    traced = measure("fitn7, full decision with trace",
                     lambda d: program.evaluate(d, trace=True), dossiers)
    measure("hand-written Python (same rules)", by_hand, dossiers)
    measure("(closures only, with trace)", lambda d: program.evaluate_reference(d, trace=True),
            dossiers[: max(1, n // 4)], passes=1)
    ratio = fast / traced
    print(f"trace / fast path: {verdict(ratio, ratio <= TRACE_TARGET, f'<= {TRACE_TARGET:.0f}x')}")
    print(f"reader / full reader: "
          f"{verdict(speedup, speedup >= READER_TARGET, f'>= {READER_TARGET:.0f}x')}")
    return 0 if ratio <= TRACE_TARGET and speedup >= READER_TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
