"""Static findings from the symbolic model, as diagnostics with codes and lines: rules
that can never hold or always hold given the others, bands no eligible dossier reaches,
caps and floors that never bind, an envelope below the smallest award, and every part
of the policy the model could not interpret. (P506, an eligible decision at 0 €, comes
with a witness dossier: `fitn7.proofs.zero`.)"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import z3

from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.proofs.model import STATUS, PolicyModel
from fitn7.proofs.solve import ask
from fitn7.proofs.values import fails, holds

#: The codes `fitn7 check --prove` emits, explained in docs/properties.md.
CODES = {
    "P500": "a part of the policy the proofs do not interpret",
    "P501": "a rule's condition can never hold",
    "P502": "a rule's condition always holds where the other rules pass",
    "P503": "a band no eligible dossier can reach",
    "P504": "a cap or floor that never binds",
    "P505": "the envelope is smaller than any single award",
    "P506": "an eligible decision can get 0 € (a witness dossier shows it)",
    "P509": "a finding the solver could not decide in time",
}


def findings(m: PolicyModel, *, timeout_s: float = 5.0) -> list[Diagnostic]:
    """Every finding on one policy's model (warnings: they do not fail `check`)."""
    out: list[Diagnostic] = []
    for note in m.unmodelled:
        out.append(_diag("P500", f"`{note.what}` is not modelled ({note.reason}): proofs "
                         "read it as any value", note.span,
                         "a proof holds whatever it is; a counterexample that relies on it "
                         "is checked by the evaluator before it is shown"))

    def sat(goal: Any, code: str, what: str, span: Span | None) -> bool | None:
        answer = ask(m.inputs.constraints, goal, timeout_s)
        if answer.verdict == "unknown":
            out.append(_diag("P509", f"could not decide whether {what} "
                             f"({answer.reason})", span, None))
            return None
        return answer.verdict == "sat"

    _rules(m, sat, out)
    eligible = z3.Or(m.status == STATUS["eligible"], m.status == STATUS["review"])
    for step in m.steps:
        span = getattr(step.node, "span", None)
        if step.kind == "band":
            assert step.parent is not None
            reach = z3.And(eligible, m.chosen.get(step.parent, z3.BoolVal(True)), step.applies)
            if sat(reach, "P503", f"band {step.id} can be reached", span) is False:
                out.append(_diag("P503", f"no eligible dossier reaches band {step.id}", span,
                                 "its bounds, the forfait's `when` or the rules exclude "
                                 "every dossier it would cover"))
        elif step.kind in ("cap", "floor", "ceiling") and sat(
                z3.And(eligible, step.binds), "P504", f"`{step.id}` can bind", span) is False:
                out.append(_diag("P504", f"{step.kind} `{step.id}` never changes the amount "
                                 "of an eligible dossier", span,
                                 "the amount before it is always on the right side of it, "
                                 "or its `when` never holds for an eligible dossier"))
    _envelope(m, eligible, sat, out)
    return out


def _rules(m: PolicyModel, sat: Callable[..., bool | None], out: list[Diagnostic]) -> None:
    for term in m.rules:
        rule, cond = term.rule, term.condition
        # A review does not turn a dossier away: only requires and excludes reject.
        others = [_passes(t.rule, t.condition) for t in m.rules
                  if t is not term and t.rule.kind != "review"]
        span = rule.span
        if sat(holds(cond), "P501", f"`{rule.id}` can hold", span) is False:
            effect = ("no dossier can ever be eligible" if rule.kind == "require"
                      else "the rule never fires")
            out.append(_diag("P501", f"the condition of {rule.kind} `{rule.id}` can never "
                             f"hold: {effect}", span, "check its constants and operators"))
            continue
        context = z3.And(others) if others else z3.BoolVal(True)
        if others and sat(z3.And(context, fails(cond)), "P502",
                          f"`{rule.id}` can fail where the others pass", span) is False:
            effect = ("it is implied by the other rules" if rule.kind == "require"
                      else "it excludes every dossier the other rules accept"
                      if rule.kind == "exclude" else "every accepted dossier goes to review")
            out.append(_diag("P502", f"the condition of {rule.kind} `{rule.id}` holds for "
                             f"every dossier the other rules accept: {effect}", span, None))


def _passes(rule: ast.Rule, cond: Any) -> Any:
    if rule.kind == "require":
        return holds(cond)
    return fails(cond)


def _envelope(m: PolicyModel, eligible: Any, sat: Callable[..., bool | None],
              out: list[Diagnostic]) -> None:
    envelope = m.policy.header.envelope
    if not isinstance(envelope, ast.MoneyLit | ast.IntLit):
        return
    assert m.amount is not None
    limit = z3.RealVal(str(Decimal(envelope.value)))
    fits = z3.And(eligible, m.amount.known, m.amount.value <= limit)
    if sat(fits, "P505", "an award fits in the envelope", envelope.span) is False:
        out.append(_diag("P505", f"every award is above the envelope of {envelope.value} €",
                         envelope.span, "the envelope cannot fund a single dossier"))


def _diag(code: str, message: str, span: Span | None, hint: str | None) -> Diagnostic:
    return Diagnostic(code, message, span, hint, Severity.WARNING)
