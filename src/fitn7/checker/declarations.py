"""Pass 1, declarations: what can be said about a policy without typing expressions.

Ids and names are unique, `let`/`param` names do not hide what the language
already names, blocks that exist once are given once, expense categories
exist, `param` defaults are literals and sessions come in closing order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fitn7 import types as t
from fitn7.checker.amounts import check_amount_structure
from fitn7.checker.context import CheckContext, name_span, unparse, where
from fitn7.checker.vocabulary import vocabulary_declarations
from fitn7.diagnostics import Diagnostic, did_you_mean
from fitn7.dossier import Category
from fitn7.dsl import ast
from fitn7.dsl.amounts import sections
from fitn7.dsl.formatter import format_string
from fitn7.dsl.source import Span
from fitn7.vocabulary import declared_categories, scope_names

#: What a named step or declaration is called in messages.
_WHAT = {
    ast.Rule: "rule",
    ast.ForfaitBands: "forfait",
    ast.Forfait: "forfait",
    ast.Rate: "rate",
    ast.Part: "part",
    ast.Ceiling: "ceiling",
    ast.Minimum: "minimum",
    ast.Criterion: "score criterion",
    ast.Limit: "limit",
    ast.Invariant: "invariant",
}

_CONSTANT_KINDS: dict[t.Type, str] = {
    t.KIND: "applicant kind",
    t.FAMILY: "family of legal forms",
    t.CATEGORY: "expense category",
    t.STATUS: "status",
}


def check_declarations(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Every declaration-level problem of the policy (codes E101 to E115, and E140 to E143
    for its vocabulary: `fitn7.checker.vocabulary`)."""
    return [
        *check_rule_ids(policy),
        *check_names(policy, ctx),
        *check_sessions(policy),
        *check_blocks(policy),
        *check_expense_categories(policy),
        *check_param_defaults(policy),
        *check_amount_structure(policy, ctx),
        *vocabulary_declarations(policy, ctx),
    ]


# ------------------------------------------------------------------ ids


def identified(policy: ast.Policy) -> Iterator[tuple[str, str, Span | None]]:
    """(id, what it is, span) of everything that shares the rule id namespace, in file order.

    Rules, named amount steps, score criteria, limits, invariants and documents:
    decisions, traces and diffs name each of them by id alone.
    """
    for decl in policy.declarations:
        match decl:
            case ast.Rule() | ast.Limit() | ast.Invariant():
                yield decl.id, _WHAT[type(decl)], decl.span
            case ast.Amount(steps=steps):
                for step in steps:
                    if isinstance(step, ast.Adjustment):
                        yield step.id, step.kind, step.span
                    elif isinstance(step, ast.Base | ast.Total):
                        continue
                    elif step.id is not None:
                        yield step.id, _WHAT[type(step)], step.span
            case ast.Score(criteria=criteria):
                for crit in criteria:
                    yield crit.id, "score criterion", crit.span
            case ast.Document():
                # A missing document is a reason of the decision, named like a rule.
                yield decl.name, "document", decl.span


def check_rule_ids(policy: ast.Policy) -> list[Diagnostic]:
    """E101: two rules, steps, criteria, limits or invariants with one id."""
    seen: dict[str, Span | None] = {}
    out = []
    for rid, what, span in identified(policy):
        if rid in seen:
            out.append(
                Diagnostic(
                    "E101",
                    f"duplicate rule id `{rid}`",
                    name_span(policy, span, rid),
                    f"`{rid}` is already the id of a rule at {where(seen[rid], span)}; "
                    f"rename this {what}: decisions and diffs name rules by id",
                )
            )
        else:
            seen[rid] = span
    return out


# ---------------------------------------------------------------- names


def _named(policy: ast.Policy) -> Iterator[tuple[str, str, Span | None]]:
    for decl in policy.declarations:
        if isinstance(decl, ast.Let):
            yield decl.name, "let", decl.span
        elif isinstance(decl, ast.Param):
            yield decl.name, "param", decl.span


def check_names(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """E102, E104, E105: `let` and `param` names are unique and hide nothing."""
    seen: dict[str, Span | None] = {}
    dossier_fields = ctx.schema.fields(t.DOSSIER)
    decision_fields = ctx.schema.fields(t.Record("decision"))
    constants = scope_names(policy)[1]
    out = []
    for name, keyword, span in _named(policy):
        at = name_span(policy, span, name)
        if name in seen:
            out.append(
                Diagnostic(
                    "E102",
                    f"`{name}` is declared twice",
                    at,
                    f"the first `{name}` is at {where(seen[name], span)}; "
                    "rename or remove one of them",
                )
            )
            continue
        seen[name] = span
        if name in dossier_fields:
            out.append(_hides(at, keyword, name, "the dossier field"))
        elif name in decision_fields:
            out.append(_hides(at, keyword, name, "the decision field (read by invariants)"))
        elif name in constants and not t.may_hide(name):
            what = _CONSTANT_KINDS.get(constants[name], "constant")
            diag = _hides(at, keyword, name, f"the {what}")
            out.append(Diagnostic("E105", diag.message, diag.span, diag.help))
    return out


def _hides(span: Span | None, keyword: str, name: str, what: str) -> Diagnostic:
    return Diagnostic(
        "E104",
        f"`{keyword} {name}` hides {what} `{name}`",
        span,
        f"choose another name, such as `{name}_{keyword}` or a more specific one",
    )


def check_sessions(policy: ast.Policy) -> list[Diagnostic]:
    """E103, E110, E115: session names are unique and not blank, and closing dates
    increase in file order."""
    out = []
    seen: dict[str, Span | None] = {}
    previous: ast.Session | None = None
    for session in policy.of_type(ast.Session):
        at = name_span(policy, session.span, format_string(session.name))
        if not session.name.strip():
            out.append(
                Diagnostic(
                    "E115",
                    "a session without a name",
                    at,
                    'name it after its committee (`session "comité du 22 juin" closes '
                    '2021-06-22`): `session == ""` is how rules tell a dossier filed after '
                    "the last session",
                )
            )
        if session.name in seen:
            out.append(
                Diagnostic(
                    "E103",
                    f"duplicate session `{format_string(session.name)}`",
                    at,
                    f"the first one is at {where(seen[session.name], session.span)}; "
                    "give each committee its own name",
                )
            )
        else:
            seen[session.name] = session.span
        if not isinstance(session.closes, ast.DateLit):
            continue  # not a date: the type pass says so
        if previous is not None and isinstance(previous.closes, ast.DateLit):
            before, now = previous.closes.value, session.closes.value
            if now <= before:
                relation = "on the same day as" if now == before else "before"
                out.append(
                    Diagnostic(
                        "E110",
                        f'session `"{session.name}"` closes {relation} the previous one, '
                        f'`"{previous.name}"` ({before.isoformat()})',
                        session.closes.span or session.span,
                        "list sessions in closing order, each closing after the previous one",
                    )
                )
        previous = session
    return out


# --------------------------------------------------------------- blocks


def check_blocks(policy: ast.Policy) -> list[Diagnostic]:
    """E106, E107: one `amount`, `score` and `expenses` block, one `base` per amount."""
    out = []
    for kind, word in ((ast.Amount, "amount"), (ast.Score, "score"), (ast.Expenses, "expenses")):
        blocks: tuple[ast.Amount | ast.Score | ast.Expenses, ...] = policy.of_type(kind)
        for extra in blocks[1:]:
            out.append(
                Diagnostic(
                    "E106",
                    f"more than one `{word}` block",
                    name_span(policy, extra.span, word),
                    f"put everything in the first `{word}` block, at "
                    f"{where(blocks[0].span, extra.span)}",
                )
            )
    for amount in policy.of_type(ast.Amount):
        grouped = sections(amount.steps)
        for section in (*grouped.parts, grouped.main):
            out.extend(_bases_twice(policy, section.steps))
    return out


def _bases_twice(policy: ast.Policy, steps: tuple[ast.AmountStep, ...]) -> list[Diagnostic]:
    """E107 for one pipeline: the single one, or one part's."""
    out = []
    bases = [s for s in steps if isinstance(s, ast.Base)]
    for extra_base in bases[1:]:
        out.append(
            Diagnostic(
                "E107",
                "`base` is given twice",
                name_span(policy, extra_base.span, "base"),
                "keep one `base` step; the first is at "
                f"{where(bases[0].span, extra_base.span)}",
            )
        )
    return out


def check_expense_categories(policy: ast.Policy) -> list[Diagnostic]:
    """E108: every category listed in `expenses {…}` is one the policy declares (or, when
    it declares none, one of the built-in FITN7 categories)."""
    declared = [c.name for c in declared_categories(policy)]
    known = sorted(declared or Category)
    out = []
    for block in policy.of_type(ast.Expenses):
        for category in block.categories:
            if category in known:
                continue
            at = name_span(policy, block.span, category, after="{")
            listed = "the categories are " + ", ".join(f"`{c}`" for c in known)
            if not declared:
                listed += f'; or declare the call\'s own: `category {category} "Libellé"`'
            else:
                listed += f'; declare it: `category {category} "Libellé"`'
            out.append(
                Diagnostic(
                    "E108",
                    f"unknown expense category `{category}`",
                    at,
                    did_you_mean(category, known) or listed,
                )
            )
    return out


# ------------------------------------------------------------- params


def is_literal(expr: ast.Expr, constants: Mapping[str, t.Type] = t.CONSTANTS) -> bool:
    """Whether an expression is a value written out: a number, amount, percentage,
    date, string, boolean, constant name (`commune`; `constants` are the policy's),
    a signed number, or a set of those.
    """
    match expr:
        case (
            ast.IntLit()
            | ast.DecimalLit()
            | ast.MoneyLit()
            | ast.PercentLit()
            | ast.DateLit()
            | ast.StringLit()
            | ast.BoolLit()
        ):
            return True
        case ast.Name(name=name):
            return name in constants
        case ast.Unary(operand=operand):
            return isinstance(operand, ast.IntLit | ast.DecimalLit | ast.MoneyLit | ast.PercentLit)
        case ast.SetLit(items=items):
            return all(is_literal(i, constants) and not isinstance(i, ast.SetLit) for i in items)
    return False


def check_param_defaults(policy: ast.Policy) -> list[Diagnostic]:
    """E109: a `param` default is a literal, so a committee can override it with a value."""
    out = []
    constants = scope_names(policy)[1]
    for param in policy.of_type(ast.Param):
        if not is_literal(param.default, constants):
            out.append(
                Diagnostic(
                    "E109",
                    f"the default of `param {param.name}` is not a literal: "
                    f"`{unparse(param.default)}`",
                    param.default.span or param.span,
                    "a param default is a number, an amount, a percentage, a date, a string, "
                    "`true`, `false` or a set of those; compute values with `let`",
                )
            )
    return out
