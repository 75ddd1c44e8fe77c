"""The functions of the public facade: load and check policies, evaluate dossiers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.errors import PolicyCheckError
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.functions import FunctionRegistry
from fitn7.plugins import PluginHost
from fitn7.resolve import load_resolved, search_path_from_env
from fitn7.types import DEFAULT_SCHEMA, Schema


def check(
    policy: ast.Policy,
    *,
    functions: FunctionRegistry | None = None,
    schema: Schema = DEFAULT_SCHEMA,
) -> list[Diagnostic]:
    """Every problem the checker finds in a (resolved) policy, errors and warnings."""
    from fitn7.checker import check as run_checker

    return run_checker(policy, functions=functions, schema=schema)


def load_policy(
    path: str | Path,
    *,
    search_path: Sequence[str | Path] = (),
    plugins: PluginHost | None = None,
) -> ast.Policy:
    """Read a policy file, merge its `extends` chain and check it.

    The parent is looked for next to the file, then in `search_path`, then in
    `FITN7_POLICY_PATH`. The plugins the policy `uses` must be loaded in
    `plugins` (by default: the installed ones and `FITN7_PLUGINS_DIR`), and
    their functions and fields, and only theirs, are known to the checker
    (see `ensure_valid`). Raises
    `PolicySyntaxError` or `PolicyCheckError` (with every diagnostic) when the
    policy is wrong; warnings do not raise.
    """
    host = plugins if plugins is not None else PluginHost.load()
    policy = load_resolved(path, search_path_from_env(search_path))
    ensure_valid(policy, host)
    return policy


def ensure_valid(policy: ast.Policy, plugins: PluginHost | None = None) -> None:
    """Raise `PolicyCheckError` unless the (resolved) policy checks without errors.

    The plugins it `uses` must be loaded in `plugins` (by default: the
    installed ones and `FITN7_PLUGINS_DIR`). The checker knows the built-ins
    and the functions and fields of those plugins only: calling a function of
    a loaded plugin the policy does not name is an error saying which plugin
    to add to `uses`. Warnings do not raise.
    """
    host = plugins if plugins is not None else PluginHost.load()
    _raise_errors(policy, host.check(policy))


def _raise_errors(policy: ast.Policy, diagnostics: Iterable[Diagnostic]) -> None:
    """`PolicyCheckError` with the errors among `diagnostics`, if there are any."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        sources = [policy.source] if policy.source is not None else []
        raise PolicyCheckError(errors, sources)


def _compiled(
    policy: ast.Policy | CompiledPolicy, functions: FunctionRegistry | None
) -> CompiledPolicy:
    """A compiled policy; a syntax tree is checked first, as `fitn7 eval` would.

    Evaluating a policy the checker refuses (`applicant.populaton`) would give
    decisions that look right and are not (`incomplete`, the field missing).
    """
    if isinstance(policy, CompiledPolicy):
        return policy
    if functions is not None:
        _raise_errors(policy, check(policy, functions=functions))
        return compile_policy(policy, functions=functions)
    host = PluginHost.load() if policy.header.uses else PluginHost.load(
        entry_points=False, environment=False)
    ensure_valid(policy, host)
    return compile_policy(policy, plugins=host)


def evaluate(
    policy: ast.Policy | CompiledPolicy,
    dossier: Dossier,
    params: Mapping[str, Any] | None = None,
    *,
    trace: bool = True,
    functions: FunctionRegistry | None = None,
) -> Decision:
    """The decision on one dossier. Pass a `CompiledPolicy` to evaluate many quickly.

    A syntax tree is checked (and compiled) first: `PolicyCheckError` when the
    checker finds an error, `EvaluationError` when it `extends` a parent that
    was not merged in (`fitn7.load_policy` does both).
    """
    return _compiled(policy, functions).evaluate(dossier, params, trace=trace)


def evaluate_many(
    policy: ast.Policy | CompiledPolicy,
    dossiers: Iterable[Dossier],
    params: Mapping[str, Any] | None = None,
    *,
    trace: bool = True,
    functions: FunctionRegistry | None = None,
) -> Iterator[Decision]:
    """Decisions for many dossiers, in order; the policy is compiled once.

    Dossiers are decided in batches of a few hundred, with Python's cycle
    collector paused (see `fitn7.bulk.mapped_in_batches`): a batch's dossiers
    are read before the first of its decisions is yielded.
    """
    from fitn7.bulk import mapped_in_batches

    program = _compiled(policy, functions)
    yield from mapped_in_batches(
        lambda dossier: program.evaluate(dossier, params, trace=trace), dossiers)
