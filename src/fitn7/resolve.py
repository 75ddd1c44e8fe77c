"""`extends`: finding a policy's parent and merging the two into one policy.

A child names its parent by id. The parent is looked for in the child's
directory, then in each directory of the search path (`FITN7_POLICY_PATH`,
`--policy-path`). A child declaration with the same id (rule, amount
adjustment, score criterion, limit, invariant) or the same name (param, let,
session, expense category, input, document) replaces the parent's in place, and a
new one adds to them (a child inherits its parent's categories and may declare more);
`expenses`, `expenses basis` and `amount` blocks replace the parent's whole; score
criteria merge by id. Spans keep the file
each declaration came from, so the trace can name it.

Finding a parent reads every policy of a directory (a parent is named by id,
not by file). A `PolicyFiles` remembers what it read, so that a run checking
a folder parses each file once, however many children look for parents there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

from fitn7.diagnostics import Diagnostic, did_you_mean
from fitn7.dsl import ast
from fitn7.dsl.parser import load_policy_file
from fitn7.errors import PolicyCheckError, PolicyFileError, PolicySyntaxError

#: Environment variable holding extra directories to look for parent policies in.
POLICY_PATH_ENV = "FITN7_POLICY_PATH"


def search_path_from_env(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The directories given explicitly, then those of `FITN7_POLICY_PATH`."""
    dirs = [Path(p) for p in extra]
    env = os.environ.get(POLICY_PATH_ENV, "")
    dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    return dirs


class PolicyFiles:
    """The policy files read during one run, each parsed once.

    A file is known by its path as given, so that its diagnostics name it the
    way the caller did. A file that does not parse keeps its error, raised
    again at each `load`. Make one per run (a CLI command, an API call): the
    files are not read again when they change on disk.
    """

    def __init__(self) -> None:
        self._parsed: dict[str, ast.Policy | PolicySyntaxError | PolicyFileError] = {}
        self._ids: dict[Path, dict[str, Path]] = {}

    def load(self, path: str | Path) -> ast.Policy:
        """The parsed file (see `load_policy_file`); its error if it has one."""
        key = str(path)
        found = self._parsed.get(key)
        if found is None:
            try:
                found = load_policy_file(path)
            except (PolicySyntaxError, PolicyFileError) as exc:
                found = exc
            self._parsed[key] = found
        if isinstance(found, ast.Policy):
            return found
        raise found

    def policies_in(self, directory: Path) -> dict[str, Path]:
        """Policy id -> file for every readable `*.fitn7` of a directory (not recursive)."""
        known = self._ids.get(directory)
        if known is None:
            known = {}
            if directory.is_dir():
                for file in sorted(directory.glob("*.fitn7")):
                    try:
                        policy = self.load(file)
                    except (PolicySyntaxError, PolicyFileError):
                        continue  # reported when that file itself is checked
                    known.setdefault(policy.id, file)
            self._ids[directory] = known
        return dict(known)


def policies_in(directory: Path) -> dict[str, Path]:
    """Policy id -> file for every readable `*.fitn7` of a directory (not recursive)."""
    return PolicyFiles().policies_in(directory)


#: Finds a parent: (the child asking, the parent's id) -> the parent, or None;
#: and the ids it could have offered, for a "did you mean" hint.
ParentFinder = Callable[[ast.Policy, str], tuple[ast.Policy | None, Iterable[str]]]


def resolve_with(policy: ast.Policy, find_parent: ParentFinder, where: str) -> ast.Policy:
    """The policy with its ancestors merged in, each found by `find_parent`.

    `where` says, in the unknown-parent message, where parents were looked
    for. Raises `PolicyCheckError` on a cycle or an unknown parent.
    """
    chain = [policy]
    seen = [policy.id]
    current = policy
    while current.header.extends is not None:
        parent_id = current.header.extends
        if parent_id in seen:
            cycle = " → ".join([*seen, parent_id])
            raise _error(current, "E121", f"policies extend each other in a cycle: {cycle}",
                         "remove one of the `extends`")
        parent, known = find_parent(current, parent_id)
        if parent is None:
            hint = did_you_mean(parent_id, known) or where
            raise _error(current, "E120", f"unknown parent policy `{parent_id}`", hint)
        chain.append(parent)
        seen.append(parent_id)
        current = parent
    merged = chain[-1]
    for child in reversed(chain[:-1]):
        merged = merge(merged, child)
    return attrs.evolve(merged, resolved=True)


def resolve_extends(
    policy: ast.Policy,
    search_path: Sequence[Path] = (),
    *,
    directory: Path | None = None,
    files: PolicyFiles | None = None,
) -> ast.Policy:
    """The policy with its ancestors merged in; raises `PolicyCheckError` on a cycle
    or an unknown parent. `directory` is where the child lives (from its span by default).
    `files` reuses the parses of earlier calls of the same run.
    """
    read = files if files is not None else PolicyFiles()

    def find(child: ast.Policy, parent_id: str) -> tuple[ast.Policy | None, Iterable[str]]:
        where = _directory_of(child, directory if child is policy else None)
        dirs = [where, *search_path] if where is not None else list(search_path)
        known: dict[str, Path] = {}
        for d in dirs:
            for pid, file in read.policies_in(d).items():
                known.setdefault(pid, file)
        if parent_id not in known:
            return None, known
        return read.load(known[parent_id]), known

    return resolve_with(
        policy,
        find,
        "put the parent policy in the same directory, or pass --policy-path DIR "
        f"(or set {POLICY_PATH_ENV})",
    )


def load_resolved(
    path: str | Path, search_path: Sequence[Path] = (), *, files: PolicyFiles | None = None
) -> ast.Policy:
    """Parse a policy file and merge its `extends` chain (no type checking).

    `files` reuses the parses of earlier calls of the same run (`fitn7 check`
    on a folder passes one for all its files).
    """
    read = files if files is not None else PolicyFiles()
    policy = read.load(path)
    return resolve_extends(policy, search_path, directory=Path(path).parent, files=read)


def _directory_of(policy: ast.Policy, given: Path | None) -> Path | None:
    if given is not None:
        return given
    if policy.source is not None and policy.source.name and not policy.source.name.startswith("<"):
        return Path(policy.source.name).parent
    return None


def _error(policy: ast.Policy, code: str, message: str, hint: str | None) -> PolicyCheckError:
    span = policy.header.place("extends")
    sources = [policy.source] if policy.source is not None else []
    return PolicyCheckError([Diagnostic(code, message, span, hint)], sources)


def _key(decl: ast.Declaration) -> tuple[str, str] | None:
    """The identity under which a child declaration replaces a parent's."""
    match decl:
        case ast.Param(name=name) | ast.Let(name=name) | ast.Session(name=name):
            return (type(decl).__name__, name)
        case ast.ExpenseCategory(name=name) | ast.Input(name=name) | ast.Document(name=name):
            return (type(decl).__name__, name)
        case ast.Rule(id=rid) | ast.Limit(id=rid) | ast.Invariant(id=rid):
            return ("id", rid)
        case ast.Expenses() | ast.ExpensesBasis() | ast.Amount() | ast.Score():
            return (type(decl).__name__, "")


def merge(parent: ast.Policy, child: ast.Policy) -> ast.Policy:
    """The child policy on top of its parent (see the module docstring)."""
    child_by_key = {_key(d): d for d in child.declarations}
    used: set[tuple[str, str] | None] = set()
    out: list[ast.Declaration] = []
    for decl in parent.declarations:
        key = _key(decl)
        if key in child_by_key and key is not None:
            replacement = child_by_key[key]
            if isinstance(decl, ast.Score) and isinstance(replacement, ast.Score):
                replacement = _merge_score(decl, replacement)
            out.append(replacement)
            used.add(key)
        else:
            out.append(decl)
    out.extend(d for d in child.declarations if _key(d) not in used or _key(d) is None)
    header = _merge_header(parent.header, child.header)
    return ast.Policy(
        header,
        tuple(out),
        comments=child.comments,
        source=child.source,
        span=child.span,
    )


def _merge_score(parent: ast.Score, child: ast.Score) -> ast.Score:
    by_id = {c.id: c for c in child.criteria}
    criteria = [by_id.pop(c.id, c) for c in parent.criteria]
    criteria.extend(c for c in child.criteria if c.id in by_id)
    return ast.Score(tuple(criteria), span=child.span)


def _merge_header(parent: ast.Header, child: ast.Header) -> ast.Header:
    uses = tuple(dict.fromkeys((*parent.uses, *child.uses)))
    return attrs.evolve(
        child,
        places={**{k: v for k, v in parent.places.items() if k.startswith("uses:")},
                **child.places},
        title=child.title if child.title is not None else parent.title,
        authority=child.authority if child.authority is not None else parent.authority,
        version=child.version if child.version is not None else parent.version,
        envelope=child.envelope if child.envelope is not None else parent.envelope,
        uses=uses,
    )
