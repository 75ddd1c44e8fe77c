"""What a policy says about each of its rule ids: kind, message, citation, condition.

A trace entry names its rule by id; the committee report shows, beside the
outcome, the message the policy gives that rule and the source it cites, and
the notice lists every rule with both. One index, read from the resolved
policy (its parents' declarations merged in), serves both.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from fitn7.checker.context import unparse
from fitn7.dsl import ast


@attrs.frozen
class RuleText:
    """One declaration with an id, as a reader needs it."""

    id: str
    #: `require`, `exclude`, `review`, an amount step (`forfait`, `rate`, `cap` …),
    #: `score`, `limit`, `invariant`, `input` or `document`.
    kind: str
    message: str | None
    source: str | None
    #: The condition (`when`, `where`) as the policy writes it; None when there is none.
    condition: str | None


def rule_texts(policy: ast.Policy) -> Mapping[str, RuleText]:
    """Every declaration of `policy` that has an id, by id, in file order.

    Amount steps without an id are named as the trace names them
    (`forfait#2`, `taux#1`: by the step's place in the block).
    """
    out: dict[str, RuleText] = {}
    for decl in policy.declarations:
        for text in _texts(decl):
            out.setdefault(text.id, text)
    return out


def _when(expr: ast.Expr | None) -> str | None:
    return unparse(expr) if expr is not None else None


def _texts(decl: ast.Declaration) -> list[RuleText]:
    match decl:
        case ast.Rule():
            return [RuleText(decl.id, decl.kind, decl.message, decl.source,
                             unparse(decl.condition))]
        case ast.Amount():
            return [step_text(s, i) for i, s in enumerate(decl.steps, start=1)]
        case ast.Score():
            return [RuleText(c.id, "score", c.message, c.source, _when(c.when))
                    for c in decl.criteria]
        case ast.Limit():
            return [RuleText(decl.id, "limit", decl.message, decl.source, _when(decl.where))]
        case ast.Invariant():
            return [RuleText(decl.id, "invariant", decl.message, decl.source,
                             unparse(decl.condition))]
        case ast.Input():
            return [RuleText(decl.name, "input", decl.label, decl.source, None)]
        case ast.Document():
            return [RuleText(decl.name, "document", decl.label, decl.source, _when(decl.when))]
    return []


def step_text(step: ast.AmountStep, index: int) -> RuleText:
    """An amount step as a `RuleText` (`base` and `total` by those names)."""
    match step:
        case ast.ForfaitBands() | ast.Forfait() | ast.Rate():
            kind = "rate" if isinstance(step, ast.Rate) else "forfait"
            # The names the evaluator gives a step without id (`taux#2`, `forfait#1`).
            unnamed = "taux" if kind == "rate" else "forfait"
            return RuleText(step.id or f"{unnamed}#{index}", kind, step.message, step.source,
                            _when(step.when))
        case ast.Adjustment():
            return RuleText(step.id, step.kind, step.message, step.source, _when(step.when))
        case ast.Ceiling() | ast.Minimum():
            kind = "ceiling" if isinstance(step, ast.Ceiling) else "minimum"
            return RuleText(step.id, kind, step.message, step.source, _when(step.when))
        case ast.Part():
            return RuleText(step.id, "part", step.message, step.source, None)
        case ast.Base():
            return RuleText("base", "base", step.message, step.source, None)
        case ast.Total():
            return RuleText("total", "total", step.message, step.source, None)
