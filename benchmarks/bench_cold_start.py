"""Benchmark: how fast fitn7 starts, and how it copes with big inputs.

Prints, each with its target and PASS or FAIL:

- the cold start of `python -c "import fitn7"` and of `fitn7 check policies/`
  (a new process each run, median of several);
- parsing, checking and formatting a generated policy of 1 MB (thousands of
  rules with messages, sources and comments);
- loading a generated dossier of 100 000 expense lines (TOML).

Each time is given as wall-clock and as CPU time (user + system): on a busy
machine the wall clock also counts the time spent waiting for a core, and the
CPU time is what the work itself costs. The verdict is on the wall clock
unless `--cpu` is given. Not a test: it prints.

A cold start is a new process with the bytecode already compiled, as after
`pip install` (which compiles it) or any earlier run: the children run
without `PYTHONDONTWRITEBYTECODE`, after one run that is not counted, so
that an environment setting it (some sandboxes do) does not make every run
compile all of fitn7 from source (about 0.15 s more).

    python benchmarks/bench_cold_start.py [--runs N] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: name -> target in seconds.
TARGETS = {
    "import fitn7": 0.150,
    "fitn7 check policies/": 0.300,
    "parse 1 MB policy": 2.0,
    "check 1 MB policy": 2.0,
    "format 1 MB policy": 2.0,
    "load 100 000-line dossier": 2.0,
}

_HEAD = (
    'policy "fitn7-bench"\n'
    '  title     "Generated policy for benchmarks"\n'
    '  authority "fitn7"\n'
    '  version   "2021-04-13"\n'
    "  envelope  1_000_000 €\n\n"
    'let bretagne = {"22", "29", "35", "56"}\n'
)


def big_policy(size: int = 1_000_000) -> str:
    """A policy of about `size` characters: rules with a comment, a message and a source."""
    parts = [_HEAD]
    total = len(_HEAD)
    n = 0
    while total < size:
        rule = (
            f"\n# Règle {n} : population et département, ou durée du projet.\n"
            f"require r{n}: applicant.population > {n} and applicant.departement in bretagne\n"
            f"  or (project.duration_months <= 24 and not project.started)\n"
            f'  "Condition {n} du cahier des charges"\n'
            f'  source "appel-a-projets.txt, section {n}"\n'
        )
        parts.append(rule)
        total += len(rule)
        n += 1
    parts.append("\namount\n  rate taux: 80%\n  cap plafond: 30_000 €\n")
    return "".join(parts)


def big_dossier(lines: int = 100_000) -> str:
    """A dossier (TOML) with `lines` expense lines, one per line of text."""
    expenses = "\n".join(
        f'  {{ label = "Ligne {i}", category = "accompagnement", amount = {1000 + i % 97} }},'
        for i in range(lines)
    )
    return (
        'id = "BENCH-1"\nsubmitted = 2021-06-10\nrequested = 27500\n'
        f"expenses = [\n{expenses}\n]\n\n"
        '[applicant]\nname = "Commune"\nkind = "commune"\ncode = "29081"\n'
        'population = 1440\ndepartement = "29"\nregion = "53"\n'
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `command` in a new process, its bytecode
    compiled by a first run that is not counted."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    walls, cpus = [], []
    for n in range(runs + 1):
        cpu = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
        if n > 0:
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def warm(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `fn()` in this process."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu = time.process_time()
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def report(name: str, wall: float, cpu: float, by_cpu: bool) -> bool:
    """Print one line; True if it meets its target."""
    target = TARGETS[name]
    ok = (cpu if by_cpu else wall) <= target
    print(f"{name:<28} {wall * 1000:>8.0f} ms wall {cpu * 1000:>8.0f} ms cpu   "
          f"target {target * 1000:>5.0f} ms   {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str]) -> int:
    """Run every measure; exit 1 if one misses its target."""
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--runs", type=int, default=7, help="runs of each cold start")
    options.add_argument("--cpu", action="store_true", help="judge on CPU time")
    args = options.parse_args(argv)

    fitn7 = str(Path(sys.executable).with_name("fitn7"))
    results = [
        report("import fitn7", *cold([sys.executable, "-c", "import fitn7"], args.runs),
               args.cpu),
        report("fitn7 check policies/", *cold([fitn7, "check", "policies/"], args.runs),
               args.cpu),
    ]

    from fitn7.cli.check import check_file
    from fitn7.dsl.formatter import format_policy
    from fitn7.dsl.parser import parse_policy
    from fitn7.loading import Loaded, load_dossiers

    text = big_policy()
    with tempfile.TemporaryDirectory() as tmp:
        policy_file = Path(tmp) / "bench.fitn7"
        policy_file.write_text(text, encoding="utf-8")
        dossier_file = Path(tmp) / "bench.toml"
        dossier_file.write_text(big_dossier(), encoding="utf-8")
        print(f"\npolicy: {len(text):,} characters, {text.count('require'):,} rules; "
              f"dossier: {dossier_file.stat().st_size:,} bytes, 100,000 expense lines")

        parsed = parse_policy(text, str(policy_file))
        report_ = check_file(policy_file)
        assert report_.errors == 0, report_.render()[:2000]
        loaded = list(load_dossiers(dossier_file))
        assert isinstance(loaded[0], Loaded) and len(loaded[0].dossier.expenses or ()) == 100_000

        results += [
            report("parse 1 MB policy",
                   *warm(lambda: parse_policy(text, str(policy_file)), 3), args.cpu),
            report("check 1 MB policy", *warm(lambda: check_file(policy_file), 3), args.cpu),
            report("format 1 MB policy", *warm(lambda: format_policy(parsed), 3), args.cpu),
            report("load 100 000-line dossier",
                   *warm(lambda: list(load_dossiers(dossier_file)), 3), args.cpu),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
