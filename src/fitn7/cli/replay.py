"""`fitn7 replay DECISIONS POLICY DOSSIER...`: check recorded decisions by re-evaluating them.

DECISIONS is the JSON or TOML written by `fitn7 eval --format json|toml`.
Each recorded decision's dossier is evaluated again under POLICY (a file or
`REV:PATH`) and compared field by field: policy id, version and hash, the
dossier's hash, status, amount, score, reasons, missing fields and trace.

Exit codes: 0 every decision reproduces, 1 at least one does not (each is
listed with the fields that differ), 2 trouble (a file that cannot be read
or that holds no decision, a policy that does not load, a dossier that does
not load).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fitn7.cli.common import add_params, add_plugins_dir, add_policy_path, parse_params, plugin_host
from fitn7.errors import Fitn7Error
from fitn7.vocabulary import Vocabulary


def register(sub: Any) -> None:
    """Add `fitn7 replay` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay",
        help="re-evaluate recorded decisions and report those that do not reproduce",
        description="Re-evaluate each recorded decision (from `fitn7 eval --format json|toml`) "
        "and report every one whose status, amount, score, reasons, trace or hashes differ. "
        "Exit 0 when all reproduce, 1 when one does not, 2 on error.",
    )
    parser.add_argument("decisions", metavar="DECISIONS",
                        help="recorded decisions: a JSON or TOML file written by `fitn7 eval`")
    parser.add_argument("policy", metavar="POLICY", help="the policy: a file or REV:PATH")
    parser.add_argument("dossiers", metavar="DOSSIER", nargs="+",
                        help="dossier files or directories")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    add_params(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Replay; 0 all reproduce, 1 one does not, 2 errors."""
    try:
        return _run(args)
    except Fitn7Error as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from fitn7.audit.inputs import dossiers_or_errors, load_version, warn_if_empty
    from fitn7.audit.replay import read_decisions, replay
    from fitn7.render.audit import replay_text, to_json

    records = read_decisions(args.decisions)
    host = plugin_host(args)
    policy = load_version(args.policy, args.policy_path, checked=True, plugins=host)
    dossiers, errors = dossiers_or_errors(args.dossiers, host, Vocabulary.of(policy))
    for error in errors:
        print(f"fitn7: {error}", file=sys.stderr)
    warn_if_empty(args.dossiers, len(dossiers), len(errors), "no decision can reproduce")
    report = replay(records, policy, dossiers, parse_params(args.param) or None, plugins=host)
    if args.format == "json":
        sys.stdout.write(to_json(report.to_dict()))
    else:
        sys.stdout.write(replay_text(report, args.lang))
    if errors:
        return 2
    return 0 if report.ok else 1
