"""Every public entry point, run in process on one input, as the commands run them.

A policy input goes through `parse` (`parse_policy`, or `load_policy_file` for
bytes that are not UTF-8), `check` (`extends` merged, the checker with the
installed plugins, every diagnostic rendered), `fmt` (format, parse the
result again: same text when formatted again, same hash), `hash`, `diff`
(against the seed it was made from, rendered as text, JSON and TOML),
`evaluate` (the seed's dossiers decided on the fast path and on the trace
path, through the `Runner` every command uses: both must decide alike),
`to_dict` (each decision as `to_dict`, and as `fitn7 eval` writes it in
JSON, TOML and text) and `allocate` (the committee allocation, rendered in
every format). A dossier input goes through `load` (from a temporary file),
`evaluate`, `to_dict` and `allocate` under its seed's policy.

An entry point returns `Status.OK` or `Status.CLEAN`, or raises: a
`Fitn7Error` is a clean diagnostic, anything else an internal error (see
`outcomes`). An entry point whose prerequisite failed raises `Skip`.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from fitn7.allocation import allocate
from fitn7.audit import diff
from fitn7.cli.evaluate import write as write_decisions
from fitn7.diagnostics import Diagnostic, Severity, render_all
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.formatter import format_policy
from fitn7.dsl.parser import load_policy_file, parse_policy
from fitn7.errors import Fitn7Error
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.hashing import policy_hash
from fitn7.loading import Loaded, LoadResult, load_dossiers
from fitn7.plugins import PluginHost
from fitn7.render.allocation import render as render_allocation
from fitn7.render.audit import diff_text, diff_to_dict, to_json, to_toml
from fitn7.render.lang import LANGS
from fitn7.resolve import resolve_with
from fitn7.runner import Runner
from fuzzlib.corpus import ROOT, Corpus, Seed, load_corpus
from fuzzlib.generate import FuzzInput
from fuzzlib.outcomes import FuzzTimeout, InvariantBroken, Outcome, Skip, Status, run_entry

#: The entry points of each kind of input, in the order they run.
POLICY_ENTRIES = ("parse", "check", "fmt", "hash", "diff", "evaluate", "to_dict", "allocate")
DOSSIER_ENTRIES = ("load", "evaluate", "to_dict", "allocate")

#: The policy whose dossiers a policy without any of its own (a parent) is evaluated on.
_FALLBACK_DOSSIERS = "policies/bretagne.fitn7"


class World:
    """What every input is read against: plugins, parsed seeds, their dossiers. Built once."""

    def __init__(self, corpus: Corpus | None = None, root: Path = ROOT) -> None:
        self.corpus = corpus if corpus is not None else load_corpus(root)
        self.root = root
        self.host = PluginHost.load()
        self.tmp = Path(tempfile.mkdtemp(prefix="fitn7-fuzz-"))
        self.parsed = {s.path: parse_policy(s.data.decode("utf-8"), source=s.path)
                       for s in self.corpus.policies}
        self._resolved: dict[str, ast.Policy] = {}
        self._programs: dict[str, CompiledPolicy] = {}
        self._dossiers: dict[str, list[Dossier]] = {}

    def warm(self) -> World:
        """Every seed resolved and compiled and every seed dossier loaded now, so that a
        forked worker starts with them (see `executor`)."""
        for seed in self.corpus.policies:
            self.program(seed.path)
            self.dossiers(seed.path)
        return self

    def close(self) -> None:
        """Remove the temporary directory."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def parents(self, seed: str) -> dict[str, ast.Policy]:
        """Policy id -> parsed policy, as `extends` finds them for a policy beside `seed`:
        its own directory, then `policies/` (the search path)."""
        folder = str(Path(seed).parent.as_posix())
        found: dict[str, ast.Policy] = {}
        for where in (folder, "policies"):
            for path, policy in self.parsed.items():
                if str(Path(path).parent.as_posix()) == where:
                    found.setdefault(policy.id, policy)
        return found

    def resolve(self, policy: ast.Policy, seed: str) -> ast.Policy:
        """The policy with its `extends` chain merged in (`PolicyCheckError` if it cannot be)."""
        known = self.parents(seed)

        def find(child: ast.Policy, parent_id: str) -> tuple[ast.Policy | None, Iterable[str]]:
            return known.get(parent_id), known

        return resolve_with(policy, find, "put the parent policy in the same directory")

    def resolved(self, seed: str) -> ast.Policy:
        """The seed policy, resolved."""
        if seed not in self._resolved:
            self._resolved[seed] = self.resolve(self.parsed[seed], seed)
        return self._resolved[seed]

    def program(self, seed: str) -> CompiledPolicy:
        """The seed policy, compiled with the installed plugins."""
        if seed not in self._programs:
            self._programs[seed] = compile_policy(self.resolved(seed), plugins=self.host)
        return self._programs[seed]

    def dossiers(self, policy: str) -> list[Dossier]:
        """The shipped dossiers of a policy (those of Bretagne for a policy that has none)."""
        if policy not in self._dossiers:
            found: list[Dossier] = []
            for seed in self.corpus.dossiers_of(policy):
                found.extend(r.dossier for r in load_dossiers(self.root / seed.path)
                             if isinstance(r, Loaded))
            self._dossiers[policy] = found or (
                self.dossiers(_FALLBACK_DOSSIERS) if policy != _FALLBACK_DOSSIERS else [])
        return self._dossiers[policy]

    def write(self, inp: FuzzInput) -> Path:
        """The input written to a temporary file with its suffix."""
        path = self.tmp / f"input{inp.suffix}"
        path.write_bytes(inp.data)
        return path

    def seed(self, path: str) -> Seed:
        """The seed an input was made from."""
        return self.corpus.by_path(path)


@attrs.frozen
class Decided:
    """A dossier decided on both paths (or the clean error both raised)."""

    dossier: Dossier
    decision: Decision | None


class Case:
    """One input and the intermediate results its entry points share (each computed once)."""

    def __init__(self, world: World, inp: FuzzInput) -> None:
        self.world = world
        self.inp = inp
        self._memo: dict[str, tuple[bool, Any]] = {}

    def _step(self, name: str, compute: Callable[[], Any]) -> Any:
        """The result of a step, computed once; a step that raised raises again."""
        if name not in self._memo:
            try:
                self._memo[name] = (True, compute())
            except (Exception, FuzzTimeout) as exc:
                self._memo[name] = (False, exc)
        ok, value = self._memo[name]
        if not ok:
            raise value
        return value

    def need(self, name: str) -> Any:
        """A prerequisite: its value, or `Skip` when it did not end ok."""
        try:
            return getattr(self, name)()
        except (Exception, FuzzTimeout):
            raise Skip(name) from None

    # ---------------------------------------------------------------- steps

    def policy(self) -> ast.Policy:
        """The input parsed as a policy."""

        def parse() -> ast.Policy:
            try:
                text = self.inp.data.decode("utf-8")
            except UnicodeDecodeError:
                return load_policy_file(self.world.write(self.inp))
            return parse_policy(text, source=self.inp.seed)

        return self._step("policy", parse)  # type: ignore[no-any-return]

    def resolved(self) -> ast.Policy:
        """The parsed policy with its parents merged in."""
        policy = self.need("policy")
        return self._step(  # type: ignore[no-any-return]
            "resolved", lambda: self.world.resolve(policy, self.inp.seed))

    def diagnostics(self) -> list[Diagnostic]:
        """What the checker says of the resolved policy."""
        resolved = self.need("resolved")
        return self._step(  # type: ignore[no-any-return]
            "diagnostics", lambda: self.world.host.check(resolved))

    def program(self) -> CompiledPolicy:
        """The compiled policy: the input's if it is a policy that checks, else the seed's."""
        if self.inp.kind == "dossier":
            return self._step(  # type: ignore[no-any-return]
                "program", lambda: self.world.program(self.world.seed(self.inp.seed).policy))
        errors = [d for d in self.need("diagnostics") if d.severity is Severity.ERROR]
        if errors:
            raise Skip("the policy does not check")
        resolved = self.need("resolved")
        return self._step(  # type: ignore[no-any-return]
            "program", lambda: compile_policy(resolved, plugins=self.world.host))

    def loaded(self) -> list[LoadResult]:
        """The input read as a dossier file."""
        return self._step(  # type: ignore[no-any-return]
            "loaded", lambda: list(load_dossiers(self.world.write(self.inp))))

    def batch(self) -> list[Dossier]:
        """The dossiers to decide: the input's, or the seed policy's for a policy input."""
        if self.inp.kind == "dossier":
            return [r.dossier for r in self.need("loaded") if isinstance(r, Loaded)]
        return self.world.dossiers(self.inp.seed)

    def decided(self) -> list[Decided]:
        """Each dossier of the batch decided on both paths."""
        program = self.need("program")
        batch = self.batch()
        if not batch:
            raise Skip("no dossier to decide")
        return self._step(  # type: ignore[no-any-return]
            "decided", lambda: [_decide(self.world.host, program, d) for d in batch])


def _attempt(call: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    try:
        return call(), None
    except Fitn7Error as exc:
        return None, exc


def _decide(host: PluginHost, program: CompiledPolicy, dossier: Dossier) -> Decided:
    """One dossier through the `Runner`, fast path and trace path; they must agree.

    A `Fitn7Error` from both is a clean refusal of the dossier; any other
    exception propagates (an internal error).
    """
    runner = Runner(program, host)
    fast, fast_error = _attempt(lambda: runner.decide(dossier, trace=False))
    slow, slow_error = _attempt(lambda: runner.decide(dossier, trace=True))
    if (fast_error is None) != (slow_error is None):
        which = "the fast path" if fast_error is not None else "the trace path"
        error = fast_error or slow_error
        raise InvariantBroken(
            "paths-raise", f"only {which} refuses dossier `{dossier.id}`: {error}")
    if fast is None or slow is None:
        return Decided(dossier, None)
    a, b = fast.decision, slow.decision
    for name in ("status", "amount", "score", "reasons", "missing"):
        if getattr(a, name) != getattr(b, name):
            raise InvariantBroken(
                f"paths-{name}", f"dossier `{dossier.id}`: the fast path gives {name} "
                f"{getattr(a, name)!r}, the trace path {getattr(b, name)!r}")
    return Decided(slow.dossier, slow.decision)


def _utf8(text: str, what: str) -> None:
    """Output goes to a UTF-8 terminal or file: text that cannot be written is a crash.

    `what` names the output (`decision-json`), and the group of the error with it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvariantBroken(f"unwritable-{what}", f"cannot be written as UTF-8: {exc}") from None


# ---------------------------------------------------------------- entry points


def entry_parse(case: Case) -> Status:
    """`parse_policy` (or `load_policy_file` for bytes that are not UTF-8)."""
    case.policy()
    return Status.OK


def entry_check(case: Case) -> Status:
    """`extends` merged, the checker run, every diagnostic rendered as a user reads it."""
    case.need("policy")
    policy = case.resolved()  # an unknown parent or a cycle: a clean PolicyCheckError
    diagnostics = case.diagnostics()
    sources = [policy.source] if policy.source is not None else []
    _utf8(render_all(diagnostics, {s.name: s for s in sources}), "diagnostics")
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    return Status.CLEAN if errors else Status.OK


def entry_fmt(case: Case) -> Status:
    """Format, parse the text again: formatting it again changes nothing, nor does the hash."""
    policy: ast.Policy = case.need("policy")
    text = format_policy(policy)
    _utf8(text, "formatted")
    try:
        again = parse_policy(text, source="<formatted>")
    except Fitn7Error as exc:
        raise InvariantBroken("fmt-reparse", f"the formatted text does not parse: {exc}") from None
    if format_policy(again) != text:
        raise InvariantBroken("fmt-idempotent", "formatting the formatted text changes it")
    # (the hash formats without comments: that layout is checked here too)
    if policy_hash(again) != policy_hash(policy):
        raise InvariantBroken("fmt-hash", "the formatted text hashes differently")
    return Status.OK


def entry_hash(case: Case) -> Status:
    """`policy_hash` of the resolved policy."""
    policy_hash(case.need("resolved"))
    return Status.OK


def entry_diff(case: Case) -> Status:
    """The semantic diff against the seed, rendered as `fitn7 diff` does in each format."""
    new: ast.Policy = case.need("resolved")
    old = case.world.resolved(case.inp.seed)
    changes = diff(old, new)
    for lang in LANGS:
        _utf8(diff_text(changes, lang), f"diff-text-{lang}")
    data = diff_to_dict(changes, None, None)
    _utf8(to_json(data), "diff-json")
    _utf8(to_toml(data), "diff-toml")
    return Status.OK


def entry_evaluate(case: Case) -> Status:
    """Each dossier of the batch decided on both paths (they must agree)."""
    decided = case.decided()
    return Status.OK if all(d.decision is not None for d in decided) else Status.CLEAN


def entry_to_dict(case: Case) -> Status:
    """Each decision as `to_dict`, and written as `fitn7 eval` does in JSON, TOML and text."""
    decided = case.need("decided")
    program = case.need("program")
    decisions = [d.decision for d in decided if d.decision is not None]
    if not decisions:
        raise Skip("no decision")
    for decision in decisions:
        _utf8(json.dumps(decision.to_dict(), ensure_ascii=False), "to_dict")
    for fmt in ("json", "toml", "text"):
        for lang in LANGS if fmt == "text" else LANGS[:1]:
            out = io.StringIO()
            write_decisions(decisions, program, fmt, True, out, lang)
            _utf8(out.getvalue(), f"decisions-{fmt}")
    return Status.OK


def entry_allocate(case: Case) -> Status:
    """The committee allocation of the decided dossiers (ids given once), in every format."""
    decided = case.need("decided")
    program = case.need("program")
    ids: dict[str, int] = {}
    for d in decided:
        ids[d.dossier.id] = ids.get(d.dossier.id, 0) + 1
    batch = [d.dossier for d in decided if d.decision is not None and ids[d.dossier.id] == 1]
    if not batch:
        raise Skip("no dossier to allocate")
    result = allocate(program, batch)
    for fmt in ("text", "json", "toml", "csv"):
        for lang in LANGS if fmt in ("text", "csv") else LANGS[:1]:
            _utf8(render_allocation(result, fmt, lang), f"allocation-{fmt}")
    return Status.OK


def entry_load(case: Case) -> Status:
    """The dossier file read by `load_dossiers`; a refused dossier is reported, not raised."""
    results = case.loaded()
    for r in results:
        if not isinstance(r, Loaded):
            _utf8(str(r.error), "load-error")
    return Status.OK if any(isinstance(r, Loaded) for r in results) else Status.CLEAN


ENTRIES: dict[str, Callable[[Case], Status]] = {
    "parse": entry_parse,
    "check": entry_check,
    "fmt": entry_fmt,
    "hash": entry_hash,
    "diff": entry_diff,
    "evaluate": entry_evaluate,
    "to_dict": entry_to_dict,
    "allocate": entry_allocate,
    "load": entry_load,
}


def entries_of(inp: FuzzInput) -> tuple[str, ...]:
    """The entry points an input goes through."""
    return POLICY_ENTRIES if inp.kind == "policy" else DOSSIER_ENTRIES


def planned(inp: FuzzInput, only: Iterable[str] | None = None) -> list[str]:
    """The entry points `run_input` runs for this input, in order."""
    wanted = set(only) if only is not None else None
    return [e for e in entries_of(inp) if wanted is None or e in wanted]


def run_input(world: World, inp: FuzzInput, *, only: Iterable[str] | None = None,
              timeout: float = 10.0,
              notify: Callable[[str, Outcome | None], None] | None = None,
              ) -> dict[str, Outcome]:
    """Every entry point of the input (or those of `only`), each classified.

    `notify(entry, None)` is called before an entry point runs and
    `notify(entry, outcome)` after (the forked worker reports its progress so).
    """
    case = Case(world, inp)
    results: dict[str, Outcome] = {}
    for name in planned(inp, only):
        entry = ENTRIES[name]
        if notify is not None:
            notify(name, None)
        results[name] = run_entry(name, functools.partial(entry, case), timeout)
        if notify is not None:
            notify(name, results[name])
    return results
