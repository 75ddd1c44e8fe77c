"""The checker: named passes over a parsed policy, each returning diagnostics.

Like OPA's compiler, checking is an ordered list of named stages (`PASSES`);
each is a plain function `(policy, context) -> list[Diagnostic]` that can be
run and tested alone. `check` runs them all and returns every diagnostic,
sorted by location and capped. Codes are listed in `fitn7.checker.codes` and
documented in docs/diagnostics.md.

The checker reads one policy: `extends` is resolved before (see
`fitn7.resolve`), and `uses` plugins are checked elsewhere
(`fitn7.plugins.PluginHost.check`).
"""

from __future__ import annotations

from fitn7 import types as t
from fitn7.checker.bands import check_bands
from fitn7.checker.codes import CODES
from fitn7.checker.context import CheckContext, Pass, Unused
from fitn7.checker.declarations import check_declarations
from fitn7.checker.lints import check_warnings
from fitn7.checker.typecheck import check_types
from fitn7.diagnostics import Diagnostic, Severity, sort_and_cap
from fitn7.dsl import ast
from fitn7.functions import FunctionRegistry, builtin_registry

__all__ = ["CODES", "PASSES", "CheckContext", "Pass", "Unused", "check", "errors"]

#: The passes, in the order they run: (name, function).
PASSES: tuple[tuple[str, Pass], ...] = (
    ("declarations", check_declarations),
    ("names_and_types", check_types),
    ("bands", check_bands),
    ("warnings", check_warnings),
)


def check(
    policy: ast.Policy,
    *,
    functions: FunctionRegistry | None = None,
    schema: t.Schema = t.DEFAULT_SCHEMA,
    unused: Unused | None = None,
) -> list[Diagnostic]:
    """Every error and warning of `policy`, sorted by location and capped.

    `functions` defaults to the built-ins; pass the registry with the plugins'
    functions when the policy `uses` some. `schema` likewise gains the fields
    plugins declare. `unused` (what other loaded plugins declare) only makes
    the hints of unknown functions and fields name the plugin to add to
    `uses`. `PluginHost.check` passes all three for a policy's `uses`.
    """
    ctx = CheckContext(functions if functions is not None else builtin_registry(), schema,
                       unused if unused is not None else Unused())
    found: list[Diagnostic] = []
    for _name, run in PASSES:
        found.extend(run(policy, ctx))
    return sort_and_cap(found)


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that fail a check (warnings left out)."""
    return [d for d in diagnostics if d.severity is Severity.ERROR]
