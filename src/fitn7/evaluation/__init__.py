"""Evaluation: a policy compiled once, applied to dossiers, giving decisions.

`fitn7.evaluation.decision` is read by modules that do not evaluate (the
plugin host, the CLI): the compiler is imported only when a name of
`program` is first read (PEP 562 `__getattr__`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.evaluation.decision import Decision, PolicyRef, Reason, Status, TraceEntry
from fitn7.lazy import exports

if TYPE_CHECKING:
    from fitn7.evaluation.program import CompiledPolicy, compile_policy

__getattr__ = exports(
    __name__,
    {"CompiledPolicy": "fitn7.evaluation.program", "compile_policy": "fitn7.evaluation.program"},
)

__all__ = [
    "CompiledPolicy",
    "Decision",
    "PolicyRef",
    "Reason",
    "Status",
    "TraceEntry",
    "compile_policy",
]
