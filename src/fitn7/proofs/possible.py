"""Which coverage targets no dossier can ever exercise, proved: `fitn7 test --coverage`
leaves them out of the percentage when z3 is installed."""

from __future__ import annotations

from typing import Any

import z3

from fitn7.dsl import ast
from fitn7.proofs.inputs import Inputs
from fitn7.proofs.model import build
from fitn7.proofs.solve import ask
from fitn7.proofs.values import fails, holds


def impossible(policy: ast.Policy, *, timeout_s: float = 2.0) -> set[tuple[str, str, str]]:
    """The (kind, id, outcome) targets of `fitn7.coverage.targets` that no dossier can
    reach: a rule that can never hold or never fail (every rule is evaluated for
    every dossier), a band or a cap that no dossier past the rules reaches or binds.
    An undecided question counts as possible."""
    m = build(policy, Inputs.of(policy))
    out: set[tuple[str, str, str]] = set()

    def never(goal: Any) -> bool:
        return ask(m.inputs.constraints, goal, timeout_s).verdict == "unsat"

    for term in m.rules:
        rule = term.rule
        if never(holds(term.condition)):
            out.add((rule.kind, rule.id, "holds"))
        if never(fails(term.condition)):
            out.add((rule.kind, rule.id, "fails"))
    past_rules = z3.Not(m.rules_fail)
    for step in m.steps:
        if step.kind == "band" and step.parent is not None:
            chosen = m.chosen.get(step.parent, z3.BoolVal(True))
            if never(z3.And(past_rules, chosen, step.applies)):
                out.add(("band", step.id, "reached"))
        elif step.kind in ("cap", "floor", "ceiling") and never(
                z3.And(past_rules, step.binds)):
            out.add((step.kind, step.id, "binds"))
    return out
