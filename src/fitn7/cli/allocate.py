"""`fitn7 allocate POLICY DOSSIER...`: the selection committee over a batch of dossiers.

Prints who is funded, for how much, who waits and why, per session, and the
envelope left (see docs/allocation.md). A dossier that fails to load is
reported on stderr with its file and field and the others are still
allocated; the exit code is then 1. Exit 2 for a wrong command line (an
envelope that is not an amount, an unknown session or param).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from fitn7.cli.common import (
    UsageError,
    add_loader,
    add_params,
    add_plugins_dir,
    add_policy_path,
    decide_all,
    prepare,
)
from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError, EvaluationError

#: `fitn7.render.allocation.FORMATS`, spelled out so that building the parser of
#: every command does not import allocation (tests/test_limits_perf.py checks both agree).
FORMATS = ("text", "json", "toml", "csv")

if TYPE_CHECKING:
    from fitn7.allocation import PriorAward
    from fitn7.dossier import Dossier
    from fitn7.evaluation import CompiledPolicy
    from fitn7.runner import Outcome


def register(sub: Any) -> None:
    """Add `fitn7 allocate` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "allocate",
        help="allocate the envelope over a batch of dossiers, as the committee does",
        description="Evaluate the dossiers, rank the eligible ones session by session (score, "
        "then filing date, then id) and award them while the policy's limits and the envelope "
        "allow; print, per session, who is funded, who waits and why, and the envelope left.",
    )
    parser.add_argument("policy", metavar="POLICY", help="the policy file (.fitn7)")
    parser.add_argument("dossiers", metavar="DOSSIER", nargs="+",
                        help="dossier files or directories")
    add_committee_options(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format (default: text; csv for a spreadsheet)")
    add_params(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    add_loader(parser)
    parser.set_defaults(run=run)


def add_committee_options(parser: argparse.ArgumentParser) -> None:
    """`--history`, `--envelope` and `--session`: what a committee's run starts from
    (shared with `fitn7 report`)."""
    parser.add_argument(
        "--history", action="append", default=[], metavar="FILE",
        help="prior awards: a TOML/JSON file of [[award]] tables, or the JSON/TOML output of "
        "an earlier `fitn7 allocate` (repeatable; `-` reads it from standard input)",
    )
    parser.add_argument(
        "--envelope", metavar="AMOUNT",
        help="the call's envelope in euros, replacing the policy's (e.g. 500000 or 500_000); "
        "prior awards of the history are deducted from it",
    )
    parser.add_argument("--session", metavar="NAME",
                        help="allocate only the dossiers of this session (see --history for "
                        "earlier ones)")


def run(args: argparse.Namespace) -> int:
    """Allocate; returns 1 when a dossier could not be loaded, 2 for a wrong command line."""
    try:
        return _run(args)
    except UsageError as exc:
        # The command line itself is wrong: usage exit code, as argparse gives.
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    # Imported here: `fitn7` imports every command's module to list it.
    from fitn7.allocation import allocate, render
    from fitn7.runner import Runner

    host, program, params = prepare(args)
    runner = Runner(program, host, params)
    start = committee_start(args, program)
    # Enriched and evaluated once here so that a dossier the policy (or a
    # plugin) cannot evaluate is reported with its file and the rest of the
    # batch still allocated; allocation re-evaluates the enriched dossiers.
    refused: list[DossierError] = []
    outcomes, failed = decide_all(args, host, runner, trace=False, refused=refused)
    dossiers, repeated = unique_dossiers(outcomes, refused)
    failed = failed or repeated
    allocation = allocate(
        program, dossiers, history=start.history, envelope=start.envelope, params=params,
        session=args.session,
    )
    if args.format != "text":  # the text report shows its warnings itself
        for warning in allocation.warnings:
            print(f"fitn7: warning: {warning}", file=sys.stderr)
    sys.stdout.write(render(allocation, args.format, args.lang))
    return 1 if failed else 0


class CommitteeStart(NamedTuple):
    """What a run starts from besides the dossiers: the envelope given, the history."""

    envelope: Decimal | None
    history: tuple[PriorAward, ...]


def committee_start(args: argparse.Namespace, program: CompiledPolicy) -> CommitteeStart:
    """`--envelope`, `--session` checked (a usage error when wrong) and `--history` read."""
    from fitn7.allocation import read_history
    from fitn7.allocation.engine import read_envelope, session_names

    envelope = None
    if args.envelope is not None:
        try:
            envelope = read_envelope(args.envelope)
        except EvaluationError as exc:
            raise UsageError(f"fitn7: --envelope: {exc}") from None
    names = session_names(program)
    if args.session is not None and args.session not in names:
        hint = did_you_mean(args.session, names)
        known = ", ".join(f"`{n}`" for n in names)
        raise UsageError(
            f"fitn7: --session: unknown session `{args.session}` of `{program.ref.id}` "
            + (f"({hint})" if hint else f"(sessions: {known})")
        )
    return CommitteeStart(envelope, read_history(*args.history, policy_id=program.ref.id))


def unique_dossiers(
    outcomes: list[Outcome], refused: list[DossierError]
) -> tuple[list[Dossier], bool]:
    """The dossiers of the batch, those whose id is given twice left out and reported.

    The committee cannot tell which of two dossiers with one id to rank: both
    wait for the files to be fixed, and the rest of the batch is allocated.
    The loader keeps the first and refuses the others (`refused`): the first is
    left out here.
    """
    from fitn7.loading.files import DuplicateDossierId

    files: dict[str, list[str]] = {}
    for outcome in outcomes:
        files.setdefault(outcome.dossier.id, []).append(outcome.file or "?")
    for error in refused:
        if isinstance(error, DuplicateDossierId) and error.ident in files:
            files[error.ident].append(error.file)
    repeated = {ident for ident, where in files.items() if len(where) > 1}
    for ident in sorted(repeated):
        print(f"fitn7: dossier id `{ident}` is given {len(files[ident])} times "
              f"({', '.join(files[ident])}): left out of the allocation", file=sys.stderr)
    return [o.dossier for o in outcomes if o.dossier.id not in repeated], bool(repeated)
