"""`fitn7 check --prove`: the invariants of checked policies proved with z3, and the
static findings of the same model (`fitn7.proofs`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from fitn7.cli.common import UsageError
from fitn7.diagnostics import Diagnostic
from fitn7.plugins import PluginHost


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--prove`, `--timeout` and `--witness-dir` for `fitn7 check`."""
    parser.add_argument(
        "--prove", action="store_true",
        help="also prove each invariant for every possible dossier with an SMT solver, "
        "or write a counterexample dossier; report rules that can never hold, unreachable "
        "bands, caps that never bind, eligible decisions at 0 € (needs z3-solver)")
    parser.add_argument(
        "--timeout", type=float, default=5.0, metavar="SECONDS",
        help="with --prove: how long the solver may take per question (default 5)")
    parser.add_argument(
        "--witness-dir", type=Path, default=Path("fitn7-witnesses"), metavar="DIR",
        help="with --prove: where counterexample and witness dossiers are written "
        "(default ./fitn7-witnesses)")


def need_z3() -> ModuleType:
    """The z3 module, or a usage error saying how to install it."""
    try:
        import z3
    except ImportError:
        raise UsageError("fitn7: --prove and --symbolic need the z3 solver: "
                         "pip install 'fitn7[proofs]'") from None
    module: ModuleType = z3
    return module


def prove_files(paths: Sequence[Path], search_path: Sequence[Path], host: PluginHost,
                timeout: float, witness_dir: Path) -> tuple[int, int, int]:
    """Prove the invariants of each (checked) policy and print the findings; returns
    (proved, counterexamples, unknown)."""
    from fitn7.api import load_policy
    from fitn7.cli.check import FileReport
    from fitn7.evaluation import compile_policy
    from fitn7.proofs.findings import findings
    from fitn7.proofs.prove import model_of, prove
    from fitn7.proofs.zero import zero_awards

    proved = broken = unknown = 0
    for path in paths:
        program = compile_policy(load_policy(path, search_path=search_path, plugins=host),
                                 plugins=host)
        own = program.policy.source.name if program.policy.source else str(path)
        model = model_of(program)
        zero = zero_awards(program, model, timeout_s=timeout, witness_dir=witness_dir,
                           plugins=host, shown_as=str(path))
        found: list[Diagnostic] = [
            d for d in [*findings(model, timeout_s=timeout), *zero]
            if d.span is None or d.span.file == own]
        rendered = FileReport(path, tuple(sorted(found, key=Diagnostic.sort_key))).render()
        if rendered:
            print(rendered)
            print()
        results = prove(program, timeout_s=timeout, witness_dir=witness_dir, plugins=host)
        for result in results:
            name = f"{path}: invariant `{result.invariant.id}`"
            if result.verdict == "proved":
                proved += 1
                print(f"{name} proved {result.detail}")
            elif result.verdict == "counterexample":
                broken += 1
                print(f"{name} fails: counterexample {result.witness} ({result.detail}); "
                      f"run `fitn7 eval {path} {result.witness}`")
            else:
                unknown += 1
                where = f"; candidate in {result.witness}" if result.witness else ""
                print(f"{name} unknown: {result.detail}{where}")
        if not results:
            print(f"{path}: no invariant to prove")
    return proved, broken, unknown
