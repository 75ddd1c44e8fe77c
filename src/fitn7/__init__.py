"""fitn7: policy-as-code for the France Relance FITN7 axe 3 calls for projects.

A prefecture writes its rules in a small declarative language; fitn7 checks
the file, evaluates dossiers with reasons and a trace, allocates an envelope
and diffs policy versions. This module is the small public facade.

Its names are imported on first use (PEP 562 `__getattr__`): `import fitn7`
stays fast for a command or a tool that needs one part, and
`fitn7.evaluate` costs the import of evaluation only when it is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.lazy import exports

if TYPE_CHECKING:
    from fitn7.allocation import Allocation, allocate
    from fitn7.api import check, evaluate, evaluate_many, load_policy
    from fitn7.audit.diff import diff
    from fitn7.audit.impact import impact
    from fitn7.audit.replay import replay
    from fitn7.dossier import Dossier
    from fitn7.dsl.ast import Policy
    from fitn7.dsl.formatter import format_policy
    from fitn7.dsl.parser import parse_policy
    from fitn7.errors import (
        DossierError,
        EvaluationError,
        Fitn7Error,
        PluginError,
        PolicyCheckError,
        PolicyError,
        PolicySyntaxError,
    )
    from fitn7.evaluation import CompiledPolicy, Decision, Status, compile_policy
    from fitn7.hashing import policy_hash
    from fitn7.hookspecs import hookimpl
    from fitn7.plugins import PluginHost

__version__ = "0.1.0"

#: Where each public name lives: read from there on first use.
_HOMES = {
    "Allocation": "fitn7.allocation",
    "allocate": "fitn7.allocation",
    "check": "fitn7.api",
    "evaluate": "fitn7.api",
    "evaluate_many": "fitn7.api",
    "load_policy": "fitn7.api",
    "diff": "fitn7.audit",
    "impact": "fitn7.audit",
    "replay": "fitn7.audit",
    "Dossier": "fitn7.dossier",
    "Policy": "fitn7.dsl.ast",
    "format_policy": "fitn7.dsl.formatter",
    "parse_policy": "fitn7.dsl.parser",
    "DossierError": "fitn7.errors",
    "EvaluationError": "fitn7.errors",
    "Fitn7Error": "fitn7.errors",
    "PluginError": "fitn7.errors",
    "PolicyCheckError": "fitn7.errors",
    "PolicyError": "fitn7.errors",
    "PolicySyntaxError": "fitn7.errors",
    "CompiledPolicy": "fitn7.evaluation",
    "Decision": "fitn7.evaluation",
    "Status": "fitn7.evaluation",
    "compile_policy": "fitn7.evaluation",
    "policy_hash": "fitn7.hashing",
    "hookimpl": "fitn7.hookspecs",
    "PluginHost": "fitn7.plugins",
}


__getattr__ = exports(__name__, _HOMES)


def __dir__() -> list[str]:
    """The module's names, those not imported yet included."""
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Allocation",
    "CompiledPolicy",
    "Decision",
    "Dossier",
    "DossierError",
    "EvaluationError",
    "Fitn7Error",
    "PluginError",
    "PluginHost",
    "Policy",
    "PolicyCheckError",
    "PolicyError",
    "PolicySyntaxError",
    "Status",
    "__version__",
    "allocate",
    "check",
    "compile_policy",
    "diff",
    "evaluate",
    "evaluate_many",
    "format_policy",
    "hookimpl",
    "impact",
    "load_policy",
    "parse_policy",
    "policy_hash",
    "replay",
]
