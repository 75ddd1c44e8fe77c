"""fitn7: policy-as-code for the France Relance FITN7 axe 3 calls for projects.

A prefecture writes its rules in a small declarative language; fitn7 checks
the file, evaluates dossiers with reasons and a trace, allocates an envelope
and diffs policy versions. This module is the small public facade.
"""

from __future__ import annotations

from fitn7.allocation import Allocation, allocate
from fitn7.api import check, evaluate, evaluate_many, load_policy
from fitn7.audit import diff, impact, replay
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
