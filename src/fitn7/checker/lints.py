"""Pass 4, warnings: what is legal but probably a mistake; `fitn7 check` still succeeds.

A rule that cites no text cannot be audited; a `let` or `param` that nothing
reads is usually a leftover or a typo in the rule meant to read it.
"""

from __future__ import annotations

from collections.abc import Iterator

from fitn7.checker.amounts import check_amount_warnings
from fitn7.checker.applicability import check_collectivite_fields
from fitn7.checker.context import CheckContext, name_span
from fitn7.checker.typecheck import type_policy
from fitn7.checker.vocabulary import vocabulary_warnings
from fitn7.diagnostics import Diagnostic, Severity, did_you_mean
from fitn7.dsl import ast
from fitn7.dsl.source import Span


def check_warnings(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Rules without `source`, lets and params never read, a floor after a cap, session
    names, what amounts can get wrong silently (codes W401 to W410), an input never read
    (W420), a collectivité's field read where the applicant may be of another legal form
    (W422)."""
    return [*check_sources(policy), *check_unused(policy, ctx), *check_floor_after_cap(policy),
            *check_session_names(policy), *check_amount_warnings(policy, ctx),
            *vocabulary_warnings(policy, ctx), *check_collectivite_fields(policy, ctx)]


def check_session_names(policy: ast.Policy) -> list[Diagnostic]:
    """W405: `session == "comite 1"` where no session has that name: always false.

    `session` is the name of the session a dossier belongs to, or `""` when it
    was filed after the last one; any other text is a misspelling.
    """
    names = [s.name for s in policy.of_type(ast.Session)]
    if not names:
        return []
    texts: list[ast.StringLit] = []
    for node in ast.walk(policy.declarations):
        if isinstance(node, ast.Compare) and any(
                isinstance(o, ast.Name) and o.name == "session" for o in node.operands):
            texts += [o for o in node.operands if isinstance(o, ast.StringLit)]
        elif (isinstance(node, ast.Membership) and isinstance(node.left, ast.Name)
              and node.left.name == "session" and isinstance(node.right, ast.SetLit)):
            texts += [i for i in node.right.items if isinstance(i, ast.StringLit)]
    known = ", ".join(f"`{n}`" for n in names)
    return [
        Diagnostic(
            "W405",
            f"no session is named `{text.value}`: the comparison is always false",
            text.span,
            did_you_mean(text.value, names) or f"the sessions are {known}",
            Severity.WARNING,
        )
        for text in texts if text.value and text.value not in names
    ]


def check_floor_after_cap(policy: ast.Policy) -> list[Diagnostic]:
    """W404: a floor applied after a cap can lift the amount above that cap.

    Steps run in order, so `cap c: 1_000 €` then `floor f: 2_000 €` pays
    2 000 €: legal, and sometimes meant, but a reader of the call who sees
    a ceiling expects it to hold.
    """
    out = []
    for decl in policy.of_type(ast.Amount):
        caps: list[str] = []
        for step in decl.steps:
            if isinstance(step, ast.Part | ast.Total):
                caps = []  # a new section: its own caps
            if isinstance(step, ast.Ceiling):
                caps.append(step.id)
            if not isinstance(step, ast.Adjustment):
                continue
            if step.kind == "cap":
                caps.append(step.id)
            elif step.kind == "floor" and caps:
                named = ", ".join(f"`{c}`" for c in caps)
                out.append(Diagnostic(
                    "W404",
                    f"floor `{step.id}` comes after cap{'s' if len(caps) > 1 else ''} "
                    f"{named}: it can lift the amount above {'them' if len(caps) > 1 else 'it'}",
                    name_span(policy, step.span, step.id),
                    "put the floor before the cap if the cap must always hold",
                    Severity.WARNING,
                ))
    return out


def _cited(policy: ast.Policy) -> Iterator[tuple[str, str, str | None, Span | None]]:
    """(id, what, source, span) of what the text of a call must back: rules,
    amount adjustments, score criteria and limits. Invariants are promises of
    the policy itself, not readings of the text, so they are not listed."""
    for decl in policy.declarations:
        match decl:
            case ast.Rule() | ast.Limit():
                what = decl.kind if isinstance(decl, ast.Rule) else "limit"
                yield decl.id, what, decl.source, decl.span
            case ast.Amount(steps=steps):
                for step in steps:
                    if isinstance(step, ast.Adjustment):
                        yield step.id, step.kind, step.source, step.span
                    elif isinstance(step, ast.Part | ast.Ceiling | ast.Minimum):
                        yield step.id, type(step).__name__.lower(), step.source, step.span
            case ast.Score(criteria=criteria):
                for crit in criteria:
                    yield crit.id, "score criterion", crit.source, crit.span


def check_sources(policy: ast.Policy) -> list[Diagnostic]:
    """W401: every rule cites the text it comes from, so an auditor can check it."""
    return [
        Diagnostic(
            "W401",
            f"{what} `{rid}` has no `source`",
            name_span(policy, span, rid),
            "cite the text and section it comes from, "
            'e.g. `source "appel-a-projets.txt, §3 Critères"`',
            Severity.WARNING,
        )
        for rid, what, source, span in _cited(policy)
        if source is None
    ]


def check_unused(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """W402, W403: a `let` or `param` that no expression reads."""
    used = type_policy(policy, ctx).used
    out = []
    for decl in policy.declarations:
        if isinstance(decl, ast.Let | ast.Param) and decl.name not in used:
            keyword = "let" if isinstance(decl, ast.Let) else "param"
            out.append(
                Diagnostic(
                    "W402" if keyword == "let" else "W403",
                    f"`{keyword} {decl.name}` is never used",
                    name_span(policy, decl.span, decl.name),
                    "remove it, or check the spelling where a rule means to read it",
                    Severity.WARNING,
                )
            )
    return out
