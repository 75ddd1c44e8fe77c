"""The checks of a policy's own vocabulary: its `category`, `input` and `document` lines.

Names are declared once, an input has a type fitn7 knows and a name that
hides nothing, a category is no other constant, and what is declared is
used: an input nothing reads is probably a mistake (a warning).

A policy that declares no category has the ten built-in FITN7 ones
(`fitn7.vocabulary.DEFAULT_CATEGORIES`), so that the policies written before
`category` existed keep their meaning; a dossier line in another category is
refused when it loads, naming the categories the policy has.
"""

from __future__ import annotations

from collections.abc import Iterator

from fitn7 import types as t
from fitn7.checker.context import CheckContext, name_span, where
from fitn7.checker.typecheck import type_policy
from fitn7.diagnostics import Diagnostic, Severity, did_you_mean
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.vocabulary import declared_categories, input_type, input_type_names

_KEYWORD = {ast.ExpenseCategory: "category", ast.Input: "input", ast.Document: "document"}


def vocabulary_declarations(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Declaration errors of the vocabulary (E140 to E143), part of the declarations pass."""
    return [
        *check_duplicates(policy),
        *check_input_types(policy),
        *check_input_names(policy, ctx),
        *check_category_names(policy),
    ]


def vocabulary_warnings(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Warnings about the vocabulary (W420), part of the warnings pass."""
    return check_unread_inputs(policy, ctx)


def _declared(policy: ast.Policy) -> Iterator[ast.ExpenseCategory | ast.Input | ast.Document]:
    for decl in policy.declarations:
        if isinstance(decl, ast.ExpenseCategory | ast.Input | ast.Document):
            yield decl


def check_duplicates(policy: ast.Policy) -> list[Diagnostic]:
    """E140: a category or input declared twice under one name (a document shares the
    ids of rules, whose duplicates are E101).

    A child policy that declares a name its parent declares replaces it; two
    declarations in one file are a mistake (the last would win silently).
    """
    seen: dict[tuple[type, str], Span | None] = {}
    out = []
    for decl in _declared(policy):
        if isinstance(decl, ast.Document):
            continue
        key = (type(decl), decl.name)
        keyword = _KEYWORD[type(decl)]
        if key in seen:
            out.append(Diagnostic(
                "E140",
                f"`{keyword} {decl.name}` is declared twice",
                name_span(policy, decl.span, decl.name, after=keyword),
                f"the first one is at {where(seen[key], decl.span)}; keep one of them",
            ))
        else:
            seen[key] = decl.span
    return out


def check_input_types(policy: ast.Policy) -> list[Diagnostic]:
    """E141: an input's type is one fitn7 can read from a dossier."""
    out = []
    for decl in policy.of_type(ast.Input):
        if input_type(decl.type) is not None:
            continue
        names = input_type_names()
        out.append(Diagnostic(
            "E141",
            f"unknown type `{decl.type}` for input `{decl.name}`",
            name_span(policy, decl.span, decl.type.split()[-1], after=":"),
            did_you_mean(decl.type, names)
            or "the types are " + ", ".join(f"`{n}`" for n in names[:7]) + " and `set of …`",
        ))
    return out


def check_input_names(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """E142: an input is read by its bare name, so that name is no other name's."""
    others: dict[str, str] = {}
    for decl in policy.declarations:
        if isinstance(decl, ast.Let | ast.Param):
            others.setdefault(decl.name, f"`{'let' if isinstance(decl, ast.Let) else 'param'} "
                              f"{decl.name}`")
    for name in ctx.schema.fields(t.DOSSIER):
        others.setdefault(name, f"the dossier field `{name}`")
    for name in ctx.schema.fields(t.Record("decision")):
        others.setdefault(name, f"the decision field `{name}` (read by invariants)")
    categories = {c.name for c in declared_categories(policy)}
    what: dict[t.Type, str] = {
        t.KIND: "applicant kind", t.CATEGORY: "expense category", t.STATUS: "status"}
    for name, type_ in t.constants_for(categories).items():
        others.setdefault(name, f"the {what.get(type_, 'constant')} `{name}`")
    out = []
    for decl in policy.of_type(ast.Input):
        if decl.name in others:
            out.append(Diagnostic(
                "E142",
                f"`input {decl.name}` has the name of {others[decl.name]}",
                name_span(policy, decl.span, decl.name, after="input"),
                f"a rule reads an input by its name alone: choose another one, such as "
                f"`{decl.name}_declare`",
            ))
    return out


def check_category_names(policy: ast.Policy) -> list[Diagnostic]:
    """E143: a category is written as a bare name, so it is no kind or status too."""
    taken = {name: type_ for name, type_ in t.CONSTANTS.items() if type_ != t.CATEGORY}
    lets = {d.name: d for d in policy.declarations if isinstance(d, ast.Let | ast.Param)}
    out = []
    for decl in declared_categories(policy):
        what: str | None = None
        if decl.name in taken:
            what = "an applicant kind" if taken[decl.name] == t.KIND else "a status"
        elif decl.name in lets:
            what = "a `let` or `param` of the policy"
        if what is not None:
            out.append(Diagnostic(
                "E143",
                f"`category {decl.name}` has the name of {what}",
                name_span(policy, decl.span, decl.name, after="category"),
                "a rule writes a category by its name alone: choose another one",
            ))
    return out


def check_unread_inputs(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """W420: an input no rule, step or `let` reads."""
    inputs = policy.of_type(ast.Input)
    if not inputs:
        return []
    used = type_policy(policy, ctx).used
    return [
        Diagnostic(
            "W420",
            f"`input {decl.name}` is never read",
            name_span(policy, decl.span, decl.name, after="input"),
            "read it in a rule or a step, or remove it; a paper the dossier must hold is a "
            "`document`",
            Severity.WARNING,
        )
        for decl in inputs
        if decl.name not in used
    ]
