"""Asking z3, time-bounded: every question gets sat, unsat or unknown with a reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import attrs
import z3


@attrs.frozen
class Answer:
    """`sat` (with a model), `unsat`, or `unknown` (with z3's reason: a timeout...)."""

    verdict: str
    model: z3.ModelRef | None = None
    reason: str | None = None


def _simplified() -> Any:
    """Simplified, its equalities solved, then z3's SMT core as a one-shot tactic."""
    return z3.Then("simplify", "solve-eqs", "smt").solver()


#: The ways a question is put to z3, tried in turn. Products of a prorated base
#: (`eligible_expenses * part_territoire`) with the rounding to the cent make the
#: arithmetic non-linear and mixed-integer, where z3's run time is heavy-tailed: the same
#: question of LEADER took 0.01 s or more than 60 s depending on the random seed and on
#: the order its terms were made in. Short attempts with another strategy or seed, each
#: twice as long as the round before, answer such questions in milliseconds where one
#: long attempt could run out the whole time.
_STRATEGIES: tuple[Callable[[], Any], ...] = (_simplified, z3.Solver)
#: The time of each attempt of the first round, in seconds.
_FIRST_ATTEMPT = 0.25


def ask(constraints: list[Any], goal: Any, timeout_s: float,
        prefer: list[Any] | None = None) -> Answer:
    """Whether `goal` can hold under `constraints`, within `timeout_s` seconds; with
    `prefer`, a model where as many of these hold as possible (for readable witnesses)."""
    if prefer:
        optimizer = z3.Optimize()
        for term in prefer:
            optimizer.add_soft(term)
        return _check(optimizer, constraints, goal, timeout_s)
    deadline = time.monotonic() + timeout_s
    attempt, budget = 0, _FIRST_ATTEMPT
    answer = Answer("unknown", reason="timeout")
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        strategy, round_ = divmod(attempt, len(_STRATEGIES))[::-1]
        solver = _STRATEGIES[strategy]()
        solver.set("random_seed", round_)
        last = left <= budget
        answer = _check(solver, constraints, goal, left if last else budget)
        if answer.verdict != "unknown" or last:
            break
        attempt += 1
        if attempt % len(_STRATEGIES) == 0:
            budget *= 2
    if answer.verdict == "unknown" and answer.reason in ("timeout", "canceled"):
        return Answer("unknown", reason=f"unknown within {timeout_s:g} s")
    return answer


def _check(solver: Any, constraints: list[Any], goal: Any, timeout_s: float) -> Answer:
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
    return Answer("unknown", reason=reason)
