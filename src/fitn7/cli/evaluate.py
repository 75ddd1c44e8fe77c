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
from fitn7.render.formats import money

if TYPE_CHECKING:
    from fitn7.evaluation import CompiledPolicy, Decision

_MARKS = {"ineligible": "✗", "review": "!", "incomplete": "?"}


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
    write(decisions, program, args.format, args.explain, sys.stdout)
    return 1 if failed else 0


def write(
    decisions: list[Decision], program: CompiledPolicy, fmt: str, explain: bool, out: TextIO
) -> None:
    """Print the decisions in the chosen format."""
    import tomli_w

    if fmt == "json":
        payload = [d.to_dict() for d in decisions]
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "toml":
        out.write(tomli_w.dumps({"decision": [toml_ready(d.to_dict()) for d in decisions]}))
    else:
        out.write(render_text(decisions, program, explain))


def render_text(decisions: list[Decision], program: CompiledPolicy, explain: bool) -> str:
    """A short, readable summary per dossier; with `explain`, the trace under each."""
    ref = program.ref
    lines = [f"{ref.id} {ref.version or ''} (sha256 {ref.sha256[:12]}…)".replace("  ", " ")]
    width = max((len(d.dossier) for d in decisions), default=8)
    for d in decisions:
        amount = money(d.amount, "fr")
        lines.append(f"{d.dossier:<{width}}  {d.status.value:<10}  {amount:>14}  score {d.score}")
        for reason in d.reasons:
            mark = _MARKS.get(reason.effect, "-")
            text = f"  {mark} {reason.rule}"
            if reason.message:
                text += f": {reason.message}"
            lines.append(text)
            if reason.source:
                lines.append(f"      ({reason.source})")
        if d.missing:
            lines.append(f"  missing: {', '.join(d.missing)}")
        if explain:
            lines.extend(_trace_lines(d))
    if not decisions:
        lines.append("no dossier evaluated")
    return "\n".join(lines) + "\n"


def _trace_lines(d: Decision) -> list[str]:
    out = ["  trace:"]
    for entry in d.trace:
        # A rule may read one field twice (`requested` in two conditions): once is enough
        # for a reader, as in the JSON, where `read` is a table keyed by path.
        reads = ", ".join(f"{path} = {_show(value)}" for path, value in dict(entry.read).items())
        where = f"{entry.file}:{entry.line}" if entry.file else ""
        amount = f" → {money(entry.amount, 'fr')}" if entry.amount is not None else ""
        out.append(f"    {entry.kind:<8} {entry.rule:<28} {entry.outcome:<12}{amount}")
        if reads:
            out.append(f"             read {reads}")
        if where or entry.source:
            out.append(f"             {' · '.join(x for x in (where, entry.source) if x)}")
    return out


def _show(value: Any) -> str:
    from fitn7.evaluation.decision import plain

    shown = plain(value)
    if shown is None:
        return "absent"
    return json.dumps(shown, ensure_ascii=False)
