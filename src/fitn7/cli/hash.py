"""`fitn7 hash POLICY...`: the canonical SHA-256 of each policy, as decisions record it.

The hash is taken after `extends` is merged, over the canonical text without
comments (see `fitn7.hashing`): reformatting or editing comments keeps it,
any change of meaning changes it. One line per policy, `sha256sum`-style:
the hash, two spaces, the policy as given. A policy may be `REV:PATH` (a
file at a git revision). Exit 0, 1 when a policy does not parse, 2 when a
file or revision does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fitn7.cli.common import add_policy_path
from fitn7.errors import Fitn7Error


def register(sub: Any) -> None:
    """Add `fitn7 hash` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "hash",
        help="print the canonical SHA-256 of policies",
        description="Print the canonical SHA-256 of each policy, the one every decision "
        "records (`policy.sha256`): comments and layout do not change it, any change of "
        "meaning does. A policy may be REV:PATH, a file at a git revision.",
    )
    parser.add_argument("policies", metavar="POLICY", nargs="+",
                        help="a policy file, or REV:PATH")
    add_policy_path(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print each hash; the worst exit code of the policies named."""
    from fitn7.audit.inputs import GitError, load_version, split_revision
    from fitn7.hashing import policy_hash

    code = 0
    for spec in args.policies:
        if split_revision(spec) is None and not Path(spec).exists():
            print(f"fitn7 hash: no such file: `{spec}`", file=sys.stderr)
            code = 2
            continue
        try:
            policy = load_version(spec, args.policy_path)
        except GitError as exc:
            print(str(exc), file=sys.stderr)
            code = 2
            continue
        except Fitn7Error as exc:
            print(str(exc), file=sys.stderr)
            code = max(code, 1)
            continue
        print(f"{policy_hash(policy)}  {spec}")
    return code
