"""`fitn7 check POLICY...`: parse and type-check policies, print every diagnostic.

Each diagnostic goes to stdout as `file:line:col: error[code]: message`, the
quoted line, a caret and a hint; a one-line summary goes to stderr
(`2 errors, 1 warning in 1 file`, or `ok: 3 policies checked`). A directory
stands for every `*.fitn7` under it. Exit 1 when any policy has an error
(warnings do not fail), 2 when a path does not exist, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from fitn7.checker import check
from fitn7.cli.common import add_plugins_dir, add_policy_path, plugin_host, positive_int
from fitn7.cli.prove import add_arguments as add_prove_arguments
from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dsl import ast
from fitn7.dsl.source import SourceText
from fitn7.errors import PolicyError, PolicyFileError
from fitn7.plugins import PluginHost
from fitn7.resolve import PolicyFiles, load_resolved, search_path_from_env


def register(sub: Any) -> None:
    """Add the subcommand to the `fitn7` parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="parse and type-check policies",
        description="Parse and type-check policies; print every error and warning with "
        "its line and a hint. Exit 1 if any policy has an error.",
    )
    parser.add_argument(
        "policies",
        nargs="+",
        metavar="POLICY",
        help="a policy file, or a directory: every *.fitn7 file under it",
    )
    parser.add_argument(
        "--properties",
        action="store_true",
        help="also check each policy's invariants on generated dossiers and print a "
        "counterexample (as TOML) for any that fails (needs hypothesis)",
    )
    parser.add_argument(
        "--examples",
        type=positive_int,
        default=500,
        metavar="N",
        help="with --properties: how many dossiers to generate (default 500)",
    )
    add_prove_arguments(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def _load(
    path: Path, search_path: Sequence[Path], files: PolicyFiles | None = None
) -> ast.Policy:
    """The policy to check for one file: merged with its `extends` chain
    (diagnostics in a parent file quote that file, see `FileReport.render`)."""
    return load_resolved(path, search_path, files=files)


@attrs.frozen
class FileReport:
    """What checking one file found."""

    path: Path
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, SourceText] = attrs.field(factory=dict)
    #: A problem that is not about the policy's text (unreadable file...).
    failure: str | None = None

    @property
    def errors(self) -> int:
        """How many errors (a failure counts as one)."""
        found = sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)
        return found + (1 if self.failure else 0)

    @property
    def warnings(self) -> int:
        """How many warnings."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def render(self) -> str:
        """Every diagnostic as a user reads it, blank line between them.

        A diagnostic in another file than the checked one (a parent policy
        merged in by `extends`) quotes that file, read from disk.
        """
        sources = dict(self.sources)

        def source_for(diag: Diagnostic) -> SourceText | None:
            if diag.span is None:
                return None
            name = diag.span.file
            if name not in sources:
                try:
                    sources[name] = SourceText(name, Path(name).read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError):
                    return None
            return sources[name]

        parts = [d.render(source_for(d)) for d in self.diagnostics]
        if self.failure:
            parts.insert(0, f"{self.path}: error: {self.failure}")
        return "\n\n".join(parts)


def check_file(
    path: Path,
    search_path: Sequence[Path] = (),
    plugins: PluginHost | None = None,
    files: PolicyFiles | None = None,
) -> FileReport:
    """Parse and check one file; never raises, whatever the file holds.

    Warnings located in a parent policy are left out: they belong to the
    parent's own check, and would repeat for every child. `files` shares the
    parses of one run: a parent is parsed once for all its children.
    """
    host = plugins if plugins is not None else PluginHost.load(entry_points=False)
    try:
        policy = _load(path, search_path, files)
    except PolicyError as exc:
        return FileReport(path, exc.diagnostics, dict(exc.sources))
    except PolicyFileError as exc:
        return FileReport(path, (), failure=f"cannot read the file: {exc.reason}")
    except Exception as exc:  # a bug in fitn7 must not show a traceback
        return FileReport(path, (), failure=_internal(exc))
    sources = {policy.source.name: policy.source} if policy.source is not None else {}
    try:
        # What `PluginHost.check` does: the vocabulary of the plugins named in `uses` only.
        uses = policy.header.uses
        found = host.missing_uses(policy) or check(
            policy, functions=host.functions_for(uses), schema=host.schema_for(uses),
            unused=host.unused(uses),
        )
    except Exception as exc:  # a bug in fitn7 must not show a traceback
        return FileReport(path, (), sources, failure=_internal(exc))
    own = policy.source.name if policy.source is not None else str(path)
    kept = [
        d for d in found
        if d.severity is Severity.ERROR or d.span is None or d.span.file == own
    ]
    return FileReport(path, tuple(kept), sources)


def _internal(exc: Exception) -> str:
    return f"internal error in fitn7 ({type(exc).__name__}: {exc}); please report it"


def expand(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The policy files the arguments name, and the problems with arguments that name none."""
    files: list[Path] = []
    problems: list[str] = []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            found = sorted(path.rglob("*.fitn7"))
            if not found:
                problems.append(f"no `*.fitn7` file under `{arg}`")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(f"no such file or directory: `{arg}`")
    return files, problems


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def summary(reports: Sequence[FileReport]) -> str:
    """`2 errors, 1 warning in 1 file`, or `ok: 3 policies checked[, 1 warning]`."""
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    if errors:
        flagged = sum(1 for r in reports if r.errors or r.warnings)
        counts = _plural(errors, "error")
        if warnings:
            counts += ", " + _plural(warnings, "warning")
        return f"{counts} in {_plural(flagged, 'file')}"
    line = f"ok: {_plural(len(reports), 'policy', 'policies')} checked"
    if warnings:
        line += ", " + _plural(warnings, "warning")
    return line


def run(args: argparse.Namespace) -> int:
    """Check every policy named; returns the exit code."""
    files, problems = expand(args.policies)
    for problem in problems:
        print(f"fitn7 check: {problem}", file=sys.stderr)
    if problems:
        return 2
    if args.prove:
        from fitn7.cli.prove import need_z3

        need_z3()  # before any work: a missing solver is said first
    host = plugin_host(args)
    search_path = search_path_from_env(args.policy_path)
    parsed = PolicyFiles()
    reports = [check_file(path, search_path, host, parsed) for path in files]
    rendered = [text for text in (r.render() for r in reports) if text]
    if rendered:
        print("\n\n".join(rendered))
    print(summary(reports), file=sys.stderr)
    if any(r.errors for r in reports):
        return 1
    status = 0
    if args.prove:
        from fitn7.cli.prove import prove_files

        proved, refuted, unknown = prove_files([r.path for r in reports], search_path, host,
                                               args.timeout, args.witness_dir)
        print(f"proofs: {proved} proved, {refuted} failed, {unknown} unknown", file=sys.stderr)
        status = 1 if refuted else 0
    if args.properties:
        broken = [check_invariants(r.path, search_path, host, args.examples) for r in reports]
        failing = sum(1 for b in broken if b)
        # The line above said the policies check; this one says whether they keep
        # their promises, so "ok" is never the last word of a failed run.
        print("properties: " + (
            f"an invariant fails in {_plural(failing, 'policy', 'policies')}" if failing
            else f"every invariant holds in {_plural(len(reports), 'policy', 'policies')}"
        ), file=sys.stderr)
        return 1 if failing or status else 0
    return status


def check_invariants(path: Path, search_path: Sequence[Path], host: PluginHost,
                     examples: int) -> bool:
    """Run the invariants of one (checked) policy; print each result. True if one broke."""
    from fitn7.api import load_policy
    from fitn7.evaluation import compile_policy
    from fitn7.properties import check_properties

    program = compile_policy(load_policy(path, search_path=search_path, plugins=host),
                             plugins=host)
    report = check_properties(program, examples=examples)
    broken = {c.invariant.meta.id: c for c in report.counterexamples}
    for name in report.checked:
        if name in broken:
            print(f"{path}: invariant `{name}` fails; counterexample:")
            print(broken[name].to_toml())
        else:
            print(f"{path}: invariant `{name}` holds for {examples} generated dossiers")
    if not report.checked:
        print(f"{path}: no invariant to check")
    return bool(broken)
