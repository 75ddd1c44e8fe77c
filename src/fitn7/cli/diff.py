"""`fitn7 diff OLD NEW [--impact DOSSIER...]`: what changed between two policy versions.

The diff is semantic: both policies are resolved (`extends` merged) and
compared as ASTs (see `fitn7.audit.diff`); moving a rule, a comment or the
layout is no change. OLD and NEW are files, or `REV:PATH` for a file in the
git history of the current repository. With `--impact`, the dossiers are
evaluated under both versions and those whose decision changes are listed;
`--allocate` adds the committee outcomes (awarded, waitlisted…) under both.

Dossiers are read, enriched and decided as `fitn7 eval` does them, with the
plugins the versions `uses` (installed, or `--plugins-dir`).

With `--symbolic`, the versions are compared for every possible dossier by
an SMT solver instead (`fitn7.cli.symbolic`): 0 equivalent, 1 different, 2
unknown.

Exit codes, like `diff`: 0 no semantic change, 1 changes, 2 trouble (a
policy that does not load, a bad revision, a dossier that does not load or
that a version cannot evaluate; the others are still compared). `--impact`
on paths that hold no dossier at all is warned about on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from fitn7.cli.common import UsageError, add_plugins_dir, add_policy_path, plugin_host
from fitn7.cli.symbolic import add_arguments as add_symbolic_arguments
from fitn7.errors import Fitn7Error
from fitn7.vocabulary import Vocabulary

if TYPE_CHECKING:
    from fitn7.audit.committee import CommitteeImpact
    from fitn7.audit.impact import Impact


def register(sub: Any) -> None:
    """Add `fitn7 diff` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "diff",
        help="semantic diff of two policy versions, and its impact on dossiers",
        description="Compare two versions of a policy on their meaning, after `extends` is "
        "resolved: header, params, sessions, rules, expenses, amount steps, score, limits, "
        "invariants. OLD and NEW are files or REV:PATH (a file at a git revision, e.g. "
        "HEAD~1:policies/paca.fitn7). Exit 0 when nothing that matters changed, 1 when "
        "something did, 2 on error.",
    )
    parser.add_argument("old", metavar="OLD", help="the old version: a file or REV:PATH")
    parser.add_argument("new", metavar="NEW", help="the new version: a file or REV:PATH")
    parser.add_argument("--format", choices=("text", "json", "toml"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--impact", metavar="DOSSIER", nargs="+", default=None,
                        help="dossier files or directories to evaluate under both versions; "
                        "lists every dossier whose status, amount, score or reasons change")
    parser.add_argument("--allocate", action="store_true",
                        help="with --impact: also run the committee allocation under both "
                        "versions and list the dossiers whose outcome (awarded, waitlisted…) "
                        "or awarded amount changes")
    add_symbolic_arguments(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the diff (and impact); 0 no semantic change, 1 changes, 2 errors."""
    try:
        return _run(args)
    except Fitn7Error as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from fitn7.audit.committee import committee_impact
    from fitn7.audit.diff import diff
    from fitn7.audit.impact import impact
    from fitn7.audit.inputs import dossiers_or_errors, load_version, warn_if_empty
    from fitn7.render.audit import (
        committee_text,
        diff_text,
        diff_to_dict,
        impact_text,
        to_json,
        to_toml,
    )

    if args.allocate and args.impact is None:
        raise UsageError("fitn7 diff: --allocate needs --impact DOSSIER...")
    if args.symbolic:
        if args.impact is not None or args.format == "toml":
            raise UsageError("fitn7 diff: --symbolic goes with --format text or json only, "
                             "without --impact")
        from fitn7.cli.symbolic import run_symbolic

        return run_symbolic(args, plugin_host(args))
    # An evaluation needs checked policies; a diff alone reads any policy that parses.
    checked = args.impact is not None
    host = plugin_host(args) if checked else None
    old = load_version(args.old, args.policy_path, checked=checked, plugins=host)
    new = load_version(args.new, args.policy_path, checked=checked, plugins=host)
    changes = diff(old, new)
    result: Impact | None = None
    committee: CommitteeImpact | None = None
    failed = False
    if args.impact is not None:
        # Read with what either version declares; each version then checks its own.
        vocabulary = Vocabulary.of(old).union(Vocabulary.of(new))
        dossiers, errors = dossiers_or_errors(args.impact, host, vocabulary)
        for error in errors:
            print(f"fitn7: {error}", file=sys.stderr)
        warn_if_empty(args.impact, len(dossiers), len(errors), "the impact covers 0 dossiers")
        result = impact(old, new, dossiers, plugins=host, policy_diff=changes)
        for failure in result.failures:
            print(f"fitn7: dossier `{failure.dossier}` under the {failure.version} version: "
                  f"{failure.message}", file=sys.stderr)
        failed = bool(errors or result.failures)
        if args.allocate:
            # The dossiers a version cannot evaluate are reported above; the
            # committee is run on the others, as `fitn7 allocate` does.
            left_out = {f.dossier for f in result.failures}
            committee = committee_impact(
                old, new, [d for d in dossiers if d.id not in left_out], plugins=host
            )
    if args.format == "json":
        sys.stdout.write(to_json(diff_to_dict(changes, result, committee)))
    elif args.format == "toml":
        sys.stdout.write(to_toml(diff_to_dict(changes, result, committee)))
    else:
        sys.stdout.write(diff_text(changes, args.lang))
        if result is not None:
            sys.stdout.write("\n" + impact_text(result, args.lang))
        if committee is not None:
            sys.stdout.write("\n" + committee_text(committee, args.lang))
    if failed:
        return 2
    return 1 if changes else 0
