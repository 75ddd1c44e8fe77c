"""Asking z3, time-bounded: every question gets sat, unsat or unknown with a reason."""

from __future__ import annotations

from typing import Any

import attrs
import z3


@attrs.frozen
class Answer:
    """`sat` (with a model), `unsat`, or `unknown` (with z3's reason: a timeout...)."""

    verdict: str
    model: z3.ModelRef | None = None
    reason: str | None = None


def ask(constraints: list[Any], goal: Any, timeout_s: float,
        prefer: list[Any] | None = None) -> Answer:
    """Whether `goal` can hold under `constraints`, within `timeout_s` seconds; with
    `prefer`, a model where as many of these hold as possible (for readable witnesses)."""
    solver: Any = z3.Solver()
    if prefer:
        solver = z3.Optimize()
        for term in prefer:
            solver.add_soft(term)
    solver.set("timeout", max(1, int(timeout_s * 1000)))
    solver.add(constraints)
    solver.add(goal)
    result = solver.check()
    if result == z3.sat:
        return Answer("sat", solver.model())
    if result == z3.unsat:
        return Answer("unsat")
    reason = solver.reason_unknown()
    if reason.startswith("canceled") or "timeout" in reason:
        reason = "timeout"
    if reason in ("timeout", "canceled"):
        reason = f"unknown within {timeout_s:g} s"
    return Answer("unknown", reason=reason)
