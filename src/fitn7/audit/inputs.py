"""What auditors point the tools at: policy versions (files or `REV:PATH`) and dossiers.

A policy version is a file, or `REV:PATH` for the file as it was at a
revision of the git repository of the current directory (`HEAD~1:policies/
paca.fitn7`, `v2021.1:policies/paca.fitn7`). As with `git show`, PATH is
relative to the top of the repository, or to the current directory when it
starts with `./` or `../`. Its `extends` chain is resolved at the same
revision: the parent is looked for among the policies of the same directory
at that revision, then in the search path on disk.

A corpus of dossiers is read by `fitn7.loading.load_dossiers`, except that
the example dossiers shipped with a policy (with `[expected]` and
`[example]` tables, see `fitn7.examples`) are accepted as plain dossiers, so
`--impact policies/paca/` runs on them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.parser import load_policy_file, parse_policy
from fitn7.errors import DossierError, Fitn7Error, PolicySyntaxError
from fitn7.loading import Loaded, LoadResult, load_dossiers, unique_ids
from fitn7.loading.files import dossier_files
from fitn7.plugins import PluginHost
from fitn7.resolve import load_resolved, policies_in, resolve_with, search_path_from_env
from fitn7.vocabulary import Vocabulary


class GitError(Fitn7Error):
    """A `REV:PATH` policy version cannot be read from git."""


# --------------------------------------------------------------- policies


def split_revision(spec: str) -> tuple[str, str] | None:
    """`(REV, PATH)` when `spec` names a version in git history, None for a file on disk.

    An existing file wins, so a file whose name holds a `:` is still a file.
    """
    if Path(spec).exists() or ":" not in spec:
        return None
    rev, _, path = spec.partition(":")
    if not rev or not path:
        return None
    return rev, path


def load_version(
    spec: str,
    search_path: Sequence[str | Path] = (),
    *,
    checked: bool = False,
    plugins: PluginHost | None = None,
) -> ast.Policy:
    """The policy named by `spec` (a file or `REV:PATH`) with its `extends` merged in.

    With `checked`, the checker runs too, with the functions and fields of
    `plugins` (by default the installed ones), and its errors raise
    `PolicyCheckError` (as `fitn7.load_policy` does); a diff does not need
    it, an evaluation does.
    """
    dirs = search_path_from_env(search_path)
    revision = split_revision(spec)
    # A file that cannot be read raises PolicyFileError, naming it and why.
    policy = load_resolved(spec, dirs) if revision is None else _load_at_revision(*revision, dirs)
    if checked:
        from fitn7.api import ensure_valid

        ensure_valid(policy, plugins)
    return policy


class _Git:
    """The repository of the current directory, seen through the `git` command."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        try:
            top = self.run("rev-parse", "--show-toplevel", cwd=Path.cwd())
            prefix = self.run("rev-parse", "--show-prefix", cwd=Path.cwd())
        except GitError:
            raise GitError(
                f"fitn7: cannot read `{spec}`: the current directory is not in a git "
                "repository (give a file, or run from inside the repository)"
            ) from None
        self.top = Path(top)
        self.prefix = prefix

    def run(self, *args: str, cwd: Path | None = None, strip: bool = True) -> str:
        """The output of `git ARGS` (without its final newline if `strip`); raises GitError."""
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd if cwd is not None else self.top,
                capture_output=True,
                check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
            )
        except OSError as exc:
            raise GitError(f"fitn7: cannot run git to read `{self.spec}`: {exc}") from None
        if done.returncode != 0:
            raise GitError(done.stderr.decode("utf-8", "replace").strip())
        out = done.stdout.decode("utf-8")
        return out.removesuffix("\n") if strip else out

    def in_repo(self, path: str) -> str:
        """`path` relative to the top of the repository, as `REV:PATH` reads it."""
        if path.startswith(("./", "../")) or path in (".", ".."):
            path = os.path.normpath(os.path.join(self.prefix, path))
        return PurePosixPath(path.replace(os.sep, "/")).as_posix()

    def read(self, rev: str, path: str) -> str:
        """The text of `path` at `rev`, with a clear error for a bad revision or path."""
        try:
            self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        except GitError:
            raise GitError(f"fitn7: unknown revision `{rev}` in `{self.spec}`") from None
        try:
            kind = self.run("cat-file", "-t", f"{rev}:{path}")
        except GitError:
            raise GitError(
                f"fitn7: `{path}` does not exist at revision `{rev}` (in `{self.spec}`)"
            ) from None
        if kind != "blob":
            raise GitError(f"fitn7: `{path}` is not a file at revision `{rev}`")
        try:
            return self.run("cat-file", "blob", f"{rev}:{path}", strip=False)
        except UnicodeDecodeError:
            raise GitError(f"fitn7: `{rev}:{path}` is not UTF-8 text") from None

    def policies(self, rev: str, directory: str) -> Iterator[tuple[str, str]]:
        """(path, text) of every `*.fitn7` file of `directory` at `rev`."""
        where = f"{directory}/" if directory not in ("", ".") else ""
        listing = self.run("ls-tree", "--name-only", rev, where or ".")
        for name in sorted(listing.splitlines()):
            if name.endswith(".fitn7"):
                yield name, self.run("cat-file", "blob", f"{rev}:{name}", strip=False)


def _load_at_revision(rev: str, path: str, search_path: Sequence[Path]) -> ast.Policy:
    """The policy at `REV:PATH`, its parents read at the same revision first."""
    git = _Git(f"{rev}:{path}")
    full = git.in_repo(path)
    policy = parse_policy(git.read(rev, full), f"{rev}:{path}")
    directory = str(PurePosixPath(full).parent)

    def find(child: ast.Policy, parent_id: str) -> tuple[ast.Policy | None, Iterable[str]]:
        known: list[str] = []
        for name, text in git.policies(rev, directory):
            try:
                candidate = parse_policy(text, f"{rev}:{name}")
            except PolicySyntaxError:
                continue  # reported when that file itself is read
            if candidate.id == parent_id:
                return candidate, known
            known.append(candidate.id)
        for d in search_path:
            found = policies_in(d)
            if parent_id in found:
                return load_policy_file(found[parent_id]), known
            known.extend(found)
        return None, known

    return resolve_with(
        policy, find, f"it is not in `{directory}` at revision `{rev}`, nor in the policy path"
    )


# ---------------------------------------------------------------- dossiers


def load_corpus(
    paths: Iterable[str | os.PathLike[str]],
    plugins: PluginHost | None = None,
    vocabulary: Vocabulary | None = None,
) -> Iterator[LoadResult]:
    """Every dossier of the files and directories given, example dossiers included.

    The same loader as `fitn7 eval`: a bad dossier is a `Failed` and the others
    load, a repeated id is refused (the decisions of a corpus are matched by id).
    With `plugins`, a file a plugin loader claims or owns by suffix (an API
    snapshot, a `.csv` export) is read by it, as `fitn7 eval` does.
    `vocabulary` is that of the policies that will read them (see
    `fitn7.vocabulary.Vocabulary.union` for two versions).
    """
    if plugins is None:
        return load_dossiers(*paths, vocabulary=vocabulary)
    return unique_ids(plugins.read(paths, vocabulary=vocabulary))


def dossiers_or_errors(
    paths: Iterable[str | os.PathLike[str]],
    plugins: PluginHost | None = None,
    vocabulary: Vocabulary | None = None,
) -> tuple[list[Dossier], list[DossierError]]:
    """The dossiers of a corpus, and the errors of those that did not load."""
    dossiers: list[Dossier] = []
    errors: list[DossierError] = []
    for result in load_corpus(paths, plugins, vocabulary):
        if isinstance(result, Loaded):
            dossiers.append(result.dossier)
        else:
            errors.append(result.error)
    return dossiers, errors


def empty_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The directories given that hold no dossier file (`*.toml`, `*.json`): a likely
    slip (the wrong folder) that would otherwise only show as fewer dossiers."""
    return [str(p) for p in paths if Path(p).is_dir() and not dossier_files(Path(p))]


def warn_if_empty(paths: Sequence[str], found: int, failed: int, consequence: str) -> None:
    """On stderr: each folder given that holds no dossier; or, when nothing at all was
    found, that `consequence` follows (`the impact covers 0 dossiers`)."""
    empties = empty_paths(paths)
    for folder in empties:
        print(f"fitn7: warning: no dossier found in `{folder}`", file=sys.stderr)
    if not found and not failed and not empties:
        given = ", ".join(f"`{p}`" for p in paths)
        print(f"fitn7: warning: no dossier found in {given}: {consequence}", file=sys.stderr)
