"""`fitn7 evaluate` (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the subcommand to the `fitn7` parser."""
    parser: argparse.ArgumentParser = sub.add_parser("eval")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    raise NotImplementedError
