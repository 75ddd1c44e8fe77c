"""P506: an eligible decision at 0 €, looked for over every dossier (a request of 0 €,
no expense line, lines of 0 €, or the policy's own steps) and shown only with a witness
dossier the evaluator decides « éligible, 0,00 € »."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import z3

from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.evaluation import CompiledPolicy
from fitn7.evaluation.decision import Status
from fitn7.plugins import PluginHost
from fitn7.proofs import witness
from fitn7.proofs.model import STATUS, PolicyModel, expense_basis
from fitn7.proofs.prove import evaluate
from fitn7.proofs.solve import ask
from fitn7.runner import Outcome

#: The cause P506 names when the witness asked for nothing.
_REQUEST = "a request of 0 €"

#: What the help of P506 proposes: a minimum grant a 0 € amount is below.
_HELP = ("add a minimum grant to the amount (`minimum aide_minimale: 0.01 €`, or the "
         "call's real minimum): a dossier below it is ineligible with its message and "
         "source; or require a positive request or eligible expense "
         "(`require demande: requested > 0 €`)")


@attrs.frozen
class _Question:
    """One question P506 asks: which dossiers, what the witness file is called, what
    the message says of them."""

    goal: Any
    suffix: str
    said: str


def zero_awards(program: CompiledPolicy, m: PolicyModel, *, timeout_s: float = 5.0,
                witness_dir: Path | None = None, plugins: PluginHost | None = None,
                shown_as: str | None = None) -> list[Diagnostic]:
    """P506 when some dossier is decided eligible with an amount of 0 € (its witness
    written to `witness_dir` as `<policy>-montant-nul.toml`, confirmed by the evaluator),
    and a second one when the witness asked 0 € and a dossier with a positive request
    (or none) can also get 0 € (`<policy>-montant-nul-demande-positive.toml`: requiring
    a request is then not enough). P509 when the solver cannot tell or the evaluator
    does not confirm the model's candidate; nothing when no dossier can (proved).
    `shown_as` names the policy file in the `fitn7 eval` command the message proposes."""
    assert m.amount is not None
    zero = z3.And(m.status == STATUS["eligible"], m.amount.known, m.amount.value == 0)
    requested = m.inputs.field("requested")
    positive = _Question(z3.And(zero, z3.Or(z3.Not(requested.known), requested.value > 0)),
                         "montant-nul-demande-positive", " even with a positive request")

    def asked(question: _Question) -> Diagnostic | None:
        return _ask(program, m, question, timeout_s, witness_dir, plugins, shown_as)

    # The simplest cause first, a request of 0 €: among the many dossiers at 0 € the
    # solver would otherwise pick one by the history of the process, and the findings
    # of a policy would depend on the policies checked before it.
    found = asked(_Question(z3.And(zero, requested.known, requested.value == 0),
                            "montant-nul", ""))
    if found is None:
        found = asked(_Question(zero, "montant-nul", ""))
    if found is None:
        return []
    if found.code != "P506" or f"({_REQUEST})" not in found.message:
        return [found]
    second = asked(positive)
    return [found] if second is None else [found, second]


def _ask(program: CompiledPolicy, m: PolicyModel, question: _Question, timeout_s: float,
         witness_dir: Path | None, plugins: PluginHost | None,
         shown_as: str | None) -> Diagnostic | None:
    policy = program.policy
    span = _amount_span(policy)
    answer = ask(m.inputs.constraints, question.goal, timeout_s)
    if answer.verdict == "sat":
        # A witness with every field given reads better, when there is one.
        again = ask(m.inputs.constraints, question.goal, timeout_s,
                    prefer=m.inputs.readable())
        answer = again if again.verdict == "sat" else answer
    what = f"an eligible decision can get 0 €{question.said}"
    if answer.verdict == "unsat":
        return None
    if answer.verdict == "unknown":
        return _diag("P509", f"could not decide whether {what} ({answer.reason})", span,
                     None)
    assert answer.model is not None
    table, outcome = _confirmed(program, m, witness.dossier(answer.model, m.inputs,
                                                         "MONTANT-NUL"), plugins)
    path = witness.save(witness_dir, f"{policy.id}-{question.suffix}.toml", table,
                        f"An eligible decision at 0 € of {policy.id}")
    where = f" {path}" if path is not None else ""
    if isinstance(outcome, str) or not _zero(outcome):
        decided = outcome if isinstance(outcome, str) else (
            f"decided {outcome.decision.status.value}, amount {outcome.decision.amount}")
        free = ", ".join(f"`{u.what}`" for u in m.unmodelled) or "none"
        return _diag("P509", f"could not decide whether {what}: the model's "
                     f"candidate{where} is not confirmed by the evaluator ({decided}); "
                     f"unmodelled parts: {free}", span, None)
    base = m.translator.derived["eligible_expenses"]
    no_base = z3.is_true(answer.model.eval(z3.And(base.known, base.value == 0),
                                           model_completion=True))
    run = f"; run `fitn7 eval {shown_as or 'POLICY'} {path}`" if path is not None else ""
    return _diag("P506", f"{what} ({cause(outcome.dossier, no_base)}): the "
                 f"witness{where} is decided eligible, amount 0.00 €{run}", span,
                 *_remedy(policy))


def _remedy(policy: ast.Policy) -> tuple[str, tuple[tuple[Span, str], ...]]:
    """The help of P506, and the minimums that let the dossier through."""
    minimums = [s for b in policy.of_type(ast.Amount) for s in b.steps
                if isinstance(s, ast.Minimum)]
    if not minimums:
        return _HELP, ()
    return ("the policy's minimum does not apply to this dossier or is not above 0 €: "
            + _HELP, tuple((s.span, f"minimum `{s.id}` does not exclude it")
                           for s in minimums if s.span is not None))


def _confirmed(program: CompiledPolicy, m: PolicyModel, table: dict[str, Any],
               plugins: PluginHost | None) -> tuple[dict[str, Any], Outcome | str]:
    """The first of the model's witness and its variants with lines of 0 € (which the
    model decides alike, while what it leaves free may change:
    `any(expenses, category == etude)`) that the evaluator decides eligible at 0 €;
    else the witness and the evaluator's outcome on it."""
    first = evaluate(program, table, plugins)
    if _zero(first):
        return table, first
    counted, _ = expense_basis(program.policy)
    for variant in (witness.with_empty_lines(table, sorted(counted)),
                    witness.with_empty_lines(table, m.inputs.categories)):
        outcome = evaluate(program, variant, plugins)
        if _zero(outcome):
            return variant, outcome
    return table, first


def _zero(outcome: Outcome | str) -> bool:
    return not isinstance(outcome, str) and outcome.decision.status is Status.ELIGIBLE \
        and outcome.decision.amount == 0


def cause(dossier: Dossier, no_eligible_expense: bool) -> str:
    """What in the witness dossier brings its amount to 0 €: its request, its expense
    lines (`no_eligible_expense`: the model's eligible base is 0 €), or else the
    policy's own steps."""
    if dossier.requested is not None and dossier.requested == 0:
        return _REQUEST
    if dossier.expenses is not None and not dossier.expenses:
        return "a dossier with no expense line"
    if no_eligible_expense:
        return "no eligible expense: lines of 0 € or of categories not funded"
    return "the policy's steps bring the amount to 0 €"


def _amount_span(policy: ast.Policy) -> Span | None:
    """The `amount` keyword, else the policy line."""
    for block in policy.of_type(ast.Amount):
        if block.span is not None:
            return Span(block.span.file, block.span.line, block.span.column,
                        block.span.line, block.span.column + len("amount"))
    return policy.header.span


def _diag(code: str, message: str, span: Span | None, hint: str | None,
          related: tuple[tuple[Span, str], ...] = ()) -> Diagnostic:
    return Diagnostic(code, message, span, hint, Severity.WARNING, related)
