"""Pieces shared by the subcommands: policy loading, params, decision rendering."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitn7.errors import Fitn7Error

if TYPE_CHECKING:
    from fitn7.plugins import PluginHost


class UsageError(Fitn7Error):
    """The command line itself is wrong (exit code 2)."""


def add_policy_path(parser: argparse.ArgumentParser) -> None:
    """`--policy-path DIR` (repeatable): where to look for parent policies."""
    parser.add_argument(
        "--policy-path",
        action="append",
        default=[],
        metavar="DIR",
        help="directory to search for parent policies named by `extends` "
        "(also FITN7_POLICY_PATH)",
    )


def add_params(parser: argparse.ArgumentParser) -> None:
    """`--param NAME=VALUE` (repeatable): override a policy param."""
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a `param` of the policy, e.g. --param max_projets_par_porteur=3",
    )


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` strings as a mapping; the policy converts the values."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"fitn7: --param takes NAME=VALUE, got `{item}`")
        params[name.strip()] = value.strip()
    return params


def policy_files(paths: Sequence[str]) -> list[Path]:
    """The `*.fitn7` files named, directories expanded (sorted, not recursive)."""
    files: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            files.extend(sorted(p.glob("*.fitn7")))
        else:
            files.append(p)
    return files


def euros(amount: Decimal | None) -> str:
    """An amount the French way: `18 000,00 €`; `—` for no amount."""
    if amount is None:
        return "—"
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents} €"


def toml_ready(value: Any) -> Any:
    """A JSON-like value TOML can hold: keys with null values are left out."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_ready(v) if v is not None else "null" for v in value]
    return value


def add_plugins_dir(parser: argparse.ArgumentParser) -> None:
    """`--plugins-dir DIR`: a directory of local plugin modules."""
    parser.add_argument(
        "--plugins-dir",
        metavar="DIR",
        default=None,
        help="load the plugin modules (*.py) of this directory too (also FITN7_PLUGINS_DIR)",
    )


def plugin_host(args: argparse.Namespace) -> PluginHost:
    """The plugins for this run: installed ones, plus `--plugins-dir` if given."""
    from fitn7.plugins import PluginHost

    return PluginHost.load(getattr(args, "plugins_dir", None))
