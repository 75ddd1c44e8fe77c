"""`fitn7 test POLICY...`: run the example dossiers shipped with each policy.

Prints a line per failing example and a last line `N passed, M failed`;
exits 1 when any example fails or a policy does not load. With `--coverage`,
also reports what the examples exercised (`fitn7.coverage`), and exits 1
under `--fail-under N`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitn7.cli.common import (
    UsageError,
    add_plugins_dir,
    add_policy_path,
    plugin_host,
    policy_files,
)
from fitn7.errors import Fitn7Error
from fitn7.render.labels import count_label, label

if TYPE_CHECKING:
    from fitn7.coverage import Coverage


def register(sub: Any) -> None:
    """Add `fitn7 test` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "test",
        help="run the example dossiers shipped with policies",
        description="Run each policy's example dossiers (in the directory beside the policy "
        "file, named after it) against their [expected] decisions.",
    )
    parser.add_argument("policies", metavar="POLICY", nargs="+",
                        help="policy files or directories of policies")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every example, not only the failing ones")
    parser.add_argument("--coverage", action="store_true",
                        help="also report which rule outcomes, bands, amount steps and caps "
                        "the examples exercised, and what they never did (with its line)")
    parser.add_argument("--fail-under", metavar="N", type=float, default=None,
                        help="with --coverage: exit 1 when a policy's coverage is below N %%")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="with --coverage: the coverage report as text (default) or JSON")
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def _impossible(policy: Any) -> frozenset[tuple[str, str, str]]:
    """The outcomes no dossier can reach, when z3 is installed to prove it (else none:
    coverage needs no solver)."""
    try:
        from fitn7.proofs.possible import impossible
    except ImportError:
        return frozenset()
    return frozenset(impossible(policy))


def run(args: argparse.Namespace) -> int:
    """Run the examples; returns 1 on any failure."""
    from fitn7.api import load_policy
    from fitn7.coverage import collect, targets
    from fitn7.coverage.report import as_json, text
    from fitn7.evaluation import compile_policy
    from fitn7.examples import examples_dir, run_examples

    if (args.fail_under is not None or args.format != "text") and not args.coverage:
        raise UsageError("fitn7 test: --fail-under and --format go with --coverage")
    host = plugin_host(args)
    coverages: list[Coverage] = []
    passed = failed = 0
    broken_policy = False
    for given in args.policies:
        if Path(given).is_dir() and not any(Path(given).glob("*.fitn7")):
            # Naming a directory that holds no policy is a mistake, not "0 passed".
            raise UsageError(f"fitn7 test: no `*.fitn7` file in `{given}`")
    for file in policy_files(args.policies):
        try:
            policy = load_policy(file, search_path=args.policy_path, plugins=host)
            program = compile_policy(policy, plugins=host)
        except Fitn7Error as exc:
            print(str(exc), file=sys.stderr)
            broken_policy = True
            continue
        results = run_examples(file, program, host, trace=args.coverage, lang=args.lang)
        if args.coverage and results:
            coverages.append(collect(
                policy.id, str(file), targets(program),
                (r.decision for r in results if r.decision is not None),
                _impossible(program.policy)))
        if not results:
            # Said even without -v: "0 passed" must not read as "all is well".
            print("fitn7 test: " + label("test.no_examples", args.lang, file=file,
                                         folder=examples_dir(file)), file=sys.stderr)
            continue
        for result in results:
            name = f"{result.file} ({result.dossier})"
            if result.passed:
                passed += 1
                if args.verbose:
                    print(f"{label('test.pass', args.lang)} {name}")
            else:
                failed += 1
                print(f"{label('test.fail', args.lang)} {name}")
                if result.description:
                    print(f"     {result.description}")
                for problem in result.problems:
                    print(f"     {problem}")
    summary = label("test.summary", args.lang,
                    passed=count_label("count.passed", passed, args.lang),
                    failed=count_label("count.failed", failed, args.lang))
    below = False
    if args.coverage:
        below = args.fail_under is not None and any(
            float(c.percent) < args.fail_under for c in coverages)
        if args.format == "json":
            # stdout holds the JSON alone, for tools; the test summary goes to stderr.
            print(as_json(coverages))
            print(summary, file=sys.stderr)
        else:
            print(summary)
            print(text(coverages, args.lang))
        if below:
            print("fitn7 test: " + label("test.below", args.lang,
                                         percent=f"{args.fail_under:g} %"), file=sys.stderr)
    else:
        print(summary)
    return 1 if failed or broken_policy or below else 0
