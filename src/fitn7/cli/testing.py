"""`fitn7 test POLICY...`: run the example dossiers shipped with each policy.

Prints a line per failing example and a last line `N passed, M failed`;
exits 1 when any example fails or a policy does not load.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fitn7.cli.common import (
    UsageError,
    add_plugins_dir,
    add_policy_path,
    plugin_host,
    policy_files,
)
from fitn7.errors import Fitn7Error


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
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the examples; returns 1 on any failure."""
    from fitn7.api import load_policy
    from fitn7.evaluation import compile_policy
    from fitn7.examples import examples_dir, run_examples

    host = plugin_host(args)
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
        results = run_examples(file, program, host)
        if not results:
            # Said even without -v: "0 passed" must not read as "all is well".
            print(f"fitn7 test: note: {file}: no examples (looked in {examples_dir(file)}/)",
                  file=sys.stderr)
            continue
        for result in results:
            label = f"{result.file} ({result.dossier})"
            if result.passed:
                passed += 1
                if args.verbose:
                    print(f"PASS {label}")
            else:
                failed += 1
                print(f"FAIL {label}")
                if result.description:
                    print(f"     {result.description}")
                for problem in result.problems:
                    print(f"     {problem}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or broken_policy else 0
