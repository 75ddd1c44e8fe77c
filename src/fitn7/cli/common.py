"""Pieces shared by the subcommands: policy loading, params, decision rendering."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from fitn7.errors import DossierError, EvaluationError, Fitn7Error, InputError
from fitn7.render.toml import toml_ready as toml_ready

if TYPE_CHECKING:
    from fitn7.evaluation import CompiledPolicy
    from fitn7.loading import LoadResult
    from fitn7.plugins import PluginHost
    from fitn7.runner import Outcome, Runner
    from fitn7.vocabulary import Vocabulary


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


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, with a clear message otherwise."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got `{text}`") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got `{text}`")
    return value


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


def add_loader(parser: argparse.ArgumentParser) -> None:
    """`--loader NAME` and `--loader-option KEY=VALUE`: read dossiers with a plugin loader."""
    parser.add_argument(
        "--loader",
        metavar="NAME",
        default=None,
        help="read the dossier files with this plugin loader (see `fitn7 plugins`); "
        "by default TOML/JSON, or the loader that owns a file's suffix (e.g. .csv)",
    )
    parser.add_argument(
        "--loader-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option for the loader, e.g. --loader-option mapping=colonnes.toml",
    )


def read_dossiers(
    args: argparse.Namespace, host: PluginHost, vocabulary: Vocabulary | None = None
) -> Iterator[LoadResult]:
    """The dossiers named on the command line: TOML/JSON, or through a plugin loader.

    A file a loader claims (an API snapshot) or whose suffix a loader owns
    (`.csv`) goes to that loader when named explicitly; directories stand for
    their TOML and JSON files only, so a second CSV of expense lines beside an
    export is not mistaken for one (see `PluginHost.read`). A dossier id is
    the batch's once, whichever argument it comes from (`unique_ids`); a
    folder without any dossier file is an error, as the likely slip it is.
    TOML and JSON dossiers are read with the policy's `vocabulary` (its
    categories, inputs and documents); a plugin loader reads its own way, and
    the runner checks the vocabulary before deciding.
    """
    from fitn7.loading import unique_ids

    name = getattr(args, "loader", None)
    options = parse_options(getattr(args, "loader_option", []))
    loaders = host.loaders
    if name is not None and name not in loaders:
        known = ", ".join(f"`{n}`" for n in sorted(loaders)) or "none is installed"
        raise UsageError(f"fitn7: unknown loader `{name}` (loaders: {known})")
    return unique_ids(_each_argument(args.dossiers, host, name, options, vocabulary))


def _each_argument(
    paths: list[str], host: PluginHost, name: str | None, options: dict[str, str],
    vocabulary: Vocabulary | None,
) -> Iterator[LoadResult]:
    """`PluginHost.read` on each path, a folder without any dossier file being a
    `Failed`: for `eval` and `allocate`, the likely slip it is (the wrong folder)."""
    from fitn7.loading import Failed
    from fitn7.loading.files import dossier_files
    from fitn7.loading.where import dossier_error

    for given in paths:
        path = Path(given)
        if path.is_dir() and not dossier_files(path):
            yield Failed(dossier_error(
                str(path), "", "no dossier in this folder",
                "dossiers are `*.toml` or `*.json` files directly in the folder named",
            ))
            continue
        yield from host.read([path], name, options, vocabulary)


def decide_all(
    args: argparse.Namespace, host: PluginHost, runner: Runner, *, trace: bool,
    refused: list[DossierError] | None = None,
) -> tuple[list[Outcome], bool]:
    """Every dossier named, enriched and decided; (outcomes, whether any failed).

    A dossier that does not load, or that the policy or a plugin cannot
    evaluate, is reported on stderr with its file and the batch goes on; the
    errors of those that did not load are added to `refused` when it is given.
    """
    from fitn7.bulk import batches, collected_as_a_batch
    from fitn7.loading import Failed

    outcomes: list[Outcome] = []
    failed = False
    # Decided a batch at a time with the cycle collector paused (see fitn7.bulk), as
    # `fitn7.evaluate_many` does: the dossiers are read between the batches.
    for batch in batches(read_dossiers(args, host, runner.program.vocabulary)):
        with collected_as_a_batch():
            for result in batch:
                if isinstance(result, Failed):
                    print(f"fitn7: {result.error}", file=sys.stderr)
                    if refused is not None:
                        refused.append(result.error)
                    failed = True
                    continue
                try:
                    outcome = runner.decide(result.dossier, trace=trace, read_by=result.loader)
                except Fitn7Error as exc:
                    # A DossierError names the file itself: say it once.
                    detail = (str(exc).removeprefix(f"{exc.file}: ")
                              if isinstance(exc, InputError) else exc)
                    print(f"fitn7: {result.file}: dossier `{result.dossier.id}`: {detail}",
                          file=sys.stderr)
                    failed = True
                    continue
                for warning in outcome.warnings:
                    print(f"fitn7: warning: {result.file}: {warning}", file=sys.stderr)
                outcomes.append(attrs.evolve(outcome, file=str(result.file)))
    return outcomes, failed


def parse_options(items: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` strings as a mapping."""
    options: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"fitn7: --loader-option takes KEY=VALUE, got `{item}`")
        options[key.strip()] = value.strip()
    return options


def prepare(args: argparse.Namespace) -> tuple[PluginHost, CompiledPolicy, dict[str, str]]:
    """Plugins, the compiled policy (extends merged, checked) and validated `--param`s."""
    from fitn7.api import load_policy
    from fitn7.evaluation import compile_policy
    from fitn7.evaluation.params import merge_params

    host = plugin_host(args)
    policy = load_policy(args.policy, search_path=args.policy_path, plugins=host)
    program = compile_policy(policy, plugins=host)
    params = parse_params(getattr(args, "param", []))
    try:
        # Validate overrides once, before the batch, so a typo is one clear error.
        values = merge_params(program.param_defaults, program.param_nodes, params)
    except EvaluationError as exc:
        raise UsageError(f"fitn7: --param: {exc}") from None
    if params:
        from fitn7.checker.bands import bands_with_params

        # Bands tile the numbers with the defaults; an override can break that,
        # and a dossier would then get another band's forfait without a word.
        problems = bands_with_params(policy, values)
        if problems:
            given = ", ".join(f"{k}={v}" for k, v in params.items())
            raise UsageError(f"fitn7: --param {given}: " + "; ".join(
                f"{d.message} ({d.span})" if d.span else d.message for d in problems))
    return host, program, params
