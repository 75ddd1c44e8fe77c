"""`fitn7 diff --symbolic OLD NEW`: the symbolic diff of two versions (`fitn7.proofs.diff`)
printed for auditors, with a witness dossier per region written as TOML."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from fitn7.plugins import PluginHost


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--symbolic`, `--timeout` and `--witness-dir` for `fitn7 diff`."""
    parser.add_argument(
        "--symbolic", action="store_true",
        help="compare the versions for every possible dossier with an SMT solver: "
        "'equivalent' with a proof, or each region where decisions differ, its direction, "
        "the largest difference and a witness dossier (needs z3-solver)")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="with --symbolic: the time the solver may take (default 10)")
    parser.add_argument(
        "--witness-dir", type=Path, default=Path("fitn7-witnesses"), metavar="DIR",
        help="with --symbolic: where witness dossiers are written (default ./fitn7-witnesses)")


def run_symbolic(args: argparse.Namespace, host: PluginHost) -> int:
    """Print the symbolic diff; 0 equivalent, 1 different, 2 unknown."""
    from fitn7.cli.prove import need_z3

    need_z3()  # before anything imports it: a missing solver is a usage error
    from fitn7.audit.inputs import load_version
    from fitn7.evaluation import compile_policy
    from fitn7.loading import dossier_from_mapping
    from fitn7.proofs.diff import symbolic_diff
    from fitn7.proofs.witness import write
    from fitn7.runner import Runner
    from fitn7.vocabulary import Vocabulary

    old = load_version(args.old, args.policy_path, checked=True, plugins=host)
    new = load_version(args.new, args.policy_path, checked=True, plugins=host)
    runners = [(Runner(compile_policy(p, plugins=host), host), Vocabulary.of(p))
               for p in (old, new)]

    def confirm(table: dict[str, Any]) -> tuple[str, Decimal | None, str, Decimal | None]:
        # Read as `fitn7 eval` reads it under each version: with its categories.
        a, b = (runner.decide(dossier_from_mapping(table, file="<witness>",
                                                   vocabulary=vocabulary),
                              trace=False).decision for runner, vocabulary in runners)
        return a.status.value, a.amount, b.status.value, b.amount

    result = symbolic_diff(old, new, timeout_s=args.timeout, confirm=confirm)
    paths: list[Path | None] = []
    for number, region in enumerate(result.regions, start=1):
        if region.witness is None:
            paths.append(None)
            continue
        args.witness_dir.mkdir(parents=True, exist_ok=True)
        path = args.witness_dir / f"region-{number}-{region.direction.replace(' ', '-')}.toml"
        write(path, region.witness, f"Witness of region {number} ({region.direction}) "
              f"between {args.old} and {args.new}: run `fitn7 eval POLICY {path.name}` "
              "with each version")
        paths.append(path)
    if args.format == "json":
        print(json.dumps(_as_dict(result, paths), ensure_ascii=False, indent=2))
    else:
        print(_text(result, paths))
    if result.verdict == "equivalent":
        return 0
    return 1 if result.verdict == "different" else 2


def _money(value: Decimal | None) -> str:
    from fitn7.render.formats import money

    return money(value, "fr")


def _text(result: Any, paths: list[Path | None]) -> str:
    lines: list[str] = []
    if result.verdict == "equivalent":
        lines.append("equivalent: no possible dossier is decided differently (proved)")
    elif result.verdict == "unknown":
        lines.append(f"unknown: {result.reason}")
    else:
        count = len(result.regions)
        lines.append(f"different: {count} region{'s' if count != 1 else ''} where decisions "
                     "differ" + ("" if result.complete else
                                 f" (the list may be incomplete: {result.reason})"))
        for number, (region, path) in enumerate(zip(result.regions, paths, strict=True),
                                                start=1):
            head = f"region {number}: {region.direction} ({region.old} → {region.new})"
            if region.largest is not None:
                head += f", largest difference {_money(region.largest)}"
            elif region.unbounded:
                head += ", the difference has no upper bound"
            elif region.largest_unknown:
                head += ", largest difference not found in time"
            lines.append(head)
            for i, condition in enumerate(region.conditions or ("any dossier",)):
                lines.append(f"  {'where:' if i == 0 else '      '} {condition}")
            if path is not None:
                state = {True: "confirmed by evaluation", False: "NOT confirmed by evaluation",
                         None: "not evaluated"}[region.confirmed]
                lines.append(f"  witness: {path} ({state}: {region.confirmation})")
    for note in result.unmodelled:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _as_dict(result: Any, paths: list[Path | None]) -> dict[str, Any]:
    return {
        "verdict": result.verdict,
        "complete": result.complete,
        "reason": result.reason,
        "regions": [
            {"direction": r.direction, "old_status": r.old, "new_status": r.new,
             "conditions": list(r.conditions),
             "largest_difference": None if r.largest is None else f"{r.largest:.2f}",
             "unbounded": r.unbounded, "witness": None if p is None else str(p),
             "confirmed": r.confirmed, "confirmation": r.confirmation}
            for r, p in zip(result.regions, paths, strict=True)
        ],
        "unmodelled": list(result.unmodelled),
    }
