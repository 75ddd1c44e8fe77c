"""`fitn7 eval POLICY DOSSIER...`: decisions for dossiers, as text, JSON or TOML.

A dossier that fails to load is reported on stderr with its file and field;
the others are still evaluated and the exit code is then 1. Exit 0 means every
dossier was evaluated, whatever the statuses.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from fitn7.cli.common import (
    add_loader,
    add_params,
    add_plugins_dir,
    add_policy_path,
    decide_all,
    prepare,
    toml_ready,
)

if TYPE_CHECKING:
    from fitn7.evaluation import CompiledPolicy, Decision
    from fitn7.render.lang import Lang


def register(sub: Any) -> None:
    """Add `fitn7 eval` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "eval",
        help="evaluate dossiers against a policy",
        description="Evaluate dossiers (TOML or JSON files, or directories of them) against "
        "a policy and print each decision: status, amount, score, reasons.",
    )
    parser.add_argument("policy", metavar="POLICY", help="the policy file (.fitn7)")
    parser.add_argument("dossiers", metavar="DOSSIER", nargs="+",
                        help="dossier files or directories")
    parser.add_argument("--format", choices=("text", "json", "toml"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--explain", action="store_true",
                        help="show the trace: every rule and amount step with the values read")
    add_params(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    add_loader(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate every dossier; returns 1 if any could not be loaded or evaluated."""
    from fitn7.runner import Runner

    host, program, params = prepare(args)
    runner = Runner(program, host, params)
    outcomes, failed = decide_all(
        args, host, runner, trace=args.explain or args.format != "text"
    )
    decisions = [o.decision for o in outcomes]
    write(decisions, program, args.format, args.explain, sys.stdout, args.lang)
    return 1 if failed else 0


def write(
    decisions: list[Decision], program: CompiledPolicy, fmt: str, explain: bool, out: TextIO,
    lang: Lang = "fr",
) -> None:
    """Print the decisions in the chosen format (`lang` is the language of the text; JSON
    and TOML are the same in every language)."""
    import tomli_w

    from fitn7.render.decision import decisions_text

    if fmt == "json":
        payload = [d.to_dict() for d in decisions]
        # `dumps`, not `dump`: written at once, the JSON goes through the C encoder
        # (`dump` writes it piece by piece in Python, five times slower); same text.
        out.write(json.dumps(payload, ensure_ascii=False, indent=2))
        out.write("\n")
    elif fmt == "toml":
        out.write(tomli_w.dumps({"decision": [toml_ready(d.to_dict()) for d in decisions]}))
    else:
        out.write(decisions_text(decisions, program.ref, explain=explain, lang=lang))
