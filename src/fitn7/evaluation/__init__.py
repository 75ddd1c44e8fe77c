"""Evaluation: a policy compiled once, applied to dossiers, giving decisions."""

from fitn7.evaluation.decision import Decision, PolicyRef, Reason, Status, TraceEntry
from fitn7.evaluation.program import CompiledPolicy, compile_policy

__all__ = [
    "CompiledPolicy",
    "Decision",
    "PolicyRef",
    "Reason",
    "Status",
    "TraceEntry",
    "compile_policy",
]
