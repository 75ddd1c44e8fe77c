"""`fitn7 fmt [--check] POLICY...`: rewrite policy files in the canonical layout.

A POLICY may be a directory: every `*.fitn7` under it, in sorted order. A
file with a syntax error is reported and the others are still formatted.
Exit 0 when everything is (or now is) canonical, 1 when `--check` finds a
file to reformat or a file cannot be read or parsed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from fitn7.errors import PolicySyntaxError


def register(sub: Any) -> None:
    """Add the subcommand to the `fitn7` parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "fmt",
        help="rewrite policies in the canonical layout",
        description="Rewrite policy files in the canonical layout, in place. "
        "A directory stands for every *.fitn7 file under it.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; list the files that would be reformatted and exit 1 if any",
    )
    parser.add_argument("policies", nargs="+", metavar="POLICY", help="policy file or directory")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    status = 0
    for path in _expand(args.policies):
        if not _format_file(path, check=args.check):
            status = 1
    return status


def _expand(arguments: Sequence[str]) -> Iterator[Path]:
    """The files named, directories replaced by their `*.fitn7` files, sorted."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.fitn7") if p.is_file())
        else:
            yield path


def _format_file(path: Path, *, check: bool) -> bool:
    """Format one file; False when it is wrong or, with `check`, not canonical."""
    from fitn7.dsl.formatter import FormatterError, format_policy
    from fitn7.dsl.parser import parse_policy

    try:
        # Bytes, not read_text: a CRLF file is not canonical and must be seen as such.
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        print(f"fitn7: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    except UnicodeDecodeError as exc:
        print(f"fitn7: cannot read {path}: not UTF-8 text ({exc.reason})", file=sys.stderr)
        return False
    try:
        formatted = format_policy(parse_policy(text, source=str(path)))
    except PolicySyntaxError as exc:
        print(exc.render(), file=sys.stderr)
        return False
    except FormatterError as exc:
        print(f"fitn7: {path}: {exc}", file=sys.stderr)
        return False
    if formatted == text:
        return True
    if check:
        print(f"would reformat {path}")
        return False
    try:
        path.write_bytes(formatted.encode("utf-8"))
    except OSError as exc:
        print(f"fitn7: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    print(f"reformatted {path}")
    return True
