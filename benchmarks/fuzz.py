"""Fuzz every fitn7 entry point in process and keep a minimised reproducer of each crash.

Mutants of the shipped policies and dossiers, and policies derived from the
grammar, go through parse, check, fmt, hash, diff, load, evaluate (fast and
trace paths), Decision.to_dict and allocate. An outcome is ok, a clean
diagnostic (a `Fitn7Error`) or an internal error (any other exception, a
broken invariant, a timeout); each distinct internal error is shrunk and saved
under --out with its entry point and traceback. Deterministic for a --seed.
Exit 1 when an internal error was found. See docs/fuzzing.md.

    python benchmarks/fuzz.py --seed 1 --count 100000 --out fuzz-out
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzlib.engine import Config, run, summary_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fuzz.py",
        description="Fuzz fitn7's entry points in process; exit 1 if an internal error is found.",
    )
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--count", type=int, default=1000,
                        help="number of inputs (default 1000; the documented run is 100000)")
    parser.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                        help="stop making inputs after this many seconds")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), metavar="DIR",
                        help="where reproducers and summary.json go (default fuzz-out)")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="time one entry point may take on one input (default 10)")
    parser.add_argument("--shrink-seconds", type=float, default=60.0, metavar="SECONDS",
                        help="time spent minimising each distinct error (default 60; 0: none)")
    parser.add_argument("--entry", action="append", default=None, metavar="NAME",
                        help="only this entry point (parse, check, fmt, hash, diff, load, "
                        "evaluate, to_dict, allocate; or policy/NAME, dossier/NAME); repeatable")
    parser.add_argument("--kind", choices=("policy", "dossier"), default=None,
                        help="only policy inputs, or only dossier inputs")
    parser.add_argument("--only-index", type=int, action="append", default=None, metavar="N",
                        help="run input number N of the seed only (repeatable)")
    parser.add_argument("--atheris", action="store_true",
                        help="coverage-guided run with atheris (pip install atheris); "
                        "libFuzzer options follow `--`")
    parser.add_argument("--in-process", action="store_true",
                        help="run the inputs in this process, not in a worker that is killed "
                        "when stuck (a long C computation then holds the run)")
    parser.add_argument("--memory-mb", type=int, default=2048, metavar="MIB",
                        help="address-space limit of the worker (default 2048; 0: none)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the harness; 0 when no internal error was found, 1 otherwise."""
    args, rest = _parser().parse_known_args(argv)
    if args.atheris:
        from fuzzlib.coverage import run_atheris

        return run_atheris(args.out, args.timeout, rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    config = Config(
        seed=args.seed,
        count=args.count,
        out=args.out,
        time_budget=args.time_budget,
        timeout=args.timeout,
        shrink_seconds=args.shrink_seconds,
        entries=frozenset(args.entry) if args.entry else None,
        kind=args.kind,
        indexes=tuple(args.only_index) if args.only_index else None,
        verbose=not args.quiet,
        in_process=args.in_process,
        memory_mb=args.memory_mb,
    )
    report = run(config)
    print(summary_table(report))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
