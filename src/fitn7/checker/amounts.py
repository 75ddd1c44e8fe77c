"""What the checker says about amounts: parts, the total, ceilings, minimums, the basis.

Errors (pass 1): a step outside any part or in the wrong section (E111), a
misplaced `total` (E112), the basis given twice (E113) or HT "excluding"
recovered VAT (E114). Warnings (pass 4): a forfait or rate an earlier one
always pre-empts (W406), a part no expense can reach (W407), parts that
select the same lines (W408), an eligible amount that can come out at 0 €
with no `minimum` (W409). And the hint for a per-line name (`category`,
`amount`…) read where there is no line.
"""

from __future__ import annotations

from collections.abc import Iterator

from fitn7 import types as t
from fitn7.checker.context import CheckContext, name_span, unparse, where
from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, Sections, sections
from fitn7.dsl.source import Span
from fitn7.hashing import sorted_sets

#: What each amount step is called in messages.
_WORD = {
    ast.Base: "base",
    ast.Forfait: "forfait",
    ast.ForfaitBands: "forfait",
    ast.Rate: "rate",
    ast.Ceiling: "ceiling",
    ast.Minimum: "minimum",
}


def step_word(step: ast.AmountStep) -> str:
    """`rate taux_f`, `cap plafond`, `forfait` (no id): how a message names a step."""
    word = step.kind if isinstance(step, ast.Adjustment) else _WORD.get(type(step), "step")
    ident = getattr(step, "id", None)
    return f"{word} `{ident}`" if ident else f"`{word}`"


def _at(policy: ast.Policy, step: ast.AmountStep) -> Span | None:
    ident = getattr(step, "id", None)
    if ident:
        return name_span(policy, step.span, ident)
    return step.span


def _here(policy: ast.Policy, node: ast.AmountStep, what: str) -> tuple[tuple[Span, str], ...]:
    """`node` as the related place of a diagnostic: its id, or its first line."""
    span = _at(policy, node)
    return ((span, what),) if span is not None else ()


def amount_sections(policy: ast.Policy) -> Iterator[Sections]:
    """The sections of each `amount` block (one, in a policy that checks)."""
    for block in policy.of_type(ast.Amount):
        yield sections(block.steps)


# ------------------------------------------------------------- structure


def check_amount_structure(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """E111 to E114: every step in a section it can belong to, one `total` after the
    parts, one `expenses basis`, `excluding recovered_vat` with TTC only."""
    out: list[Diagnostic] = []
    for grouped in amount_sections(policy):
        out.extend(_misplaced(policy, grouped))
    bases = policy.of_type(ast.ExpensesBasis)
    for extra in bases[1:]:
        out.append(Diagnostic(
            "E113",
            "`expenses basis` is given twice",
            extra.span,
            f"keep one; the first is at {where(bases[0].span, extra.span)}",
        ))
    for basis in bases:
        if basis.basis == "ht" and basis.excluding_recovered_vat:
            out.append(Diagnostic(
                "E114",
                "`excluding recovered_vat` with an HT basis: an HT figure has no VAT to exclude",
                name_span(policy, basis.span, "excluding"),
                "write `expenses basis ht`, or `expenses basis ttc excluding recovered_vat` "
                "to fund TTC except where the VAT is recovered",
            ))
    return out


def _misplaced(policy: ast.Policy, grouped: Sections) -> Iterator[Diagnostic]:
    first = grouped.parts[0].part if grouped.parts else None
    for _, step in grouped.leading:
        assert first is not None
        yield Diagnostic(
            "E111",
            f"{step_word(step)} comes before the first part: it belongs to no part",
            _at(policy, step),
            f"move it under a `part` (the first is `{first.id}`, at "
            f"{where(first.span, step.span)}), or after `total` to apply it to the sum",
        )
    for section in grouped.parts:
        assert section.part is not None
        for step in section.steps:
            if isinstance(step, ast.Ceiling | ast.Minimum):
                what = ("the ceiling on public aid" if isinstance(step, ast.Ceiling)
                        else "a minimum grant")
                yield Diagnostic(
                    "E111",
                    f"{step_word(step)} is in part `{section.part.id}`: {what} applies to the "
                    "whole grant",
                    _at(policy, step),
                    "move it after a `total` line, below the last part",
                )
    if grouped.has_parts:
        for step in grouped.main.steps:
            if isinstance(step, ast.Base | ast.Forfait | ast.ForfaitBands | ast.Rate):
                yield Diagnostic(
                    "E111",
                    f"{step_word(step)} comes after `total`: the total is the sum of the parts",
                    _at(policy, step),
                    "a base, forfait or rate computes a part: move it under the `part` it "
                    "belongs to; after `total` come bonuses, caps, floors, ceilings and "
                    "minimums",
                )
    for extra in grouped.extra_totals:
        message, hint = (("`total` is given twice", "keep one `total` line, after the last part")
                         if grouped.has_parts else
                         ("`total` without parts: there is nothing to add up",
                          "remove it, or split the amount with `part NAME: expenses[…]`"))
        yield Diagnostic("E112", message, name_span(policy, extra.span, "total"), hint)
    for late in grouped.late_parts:
        yield Diagnostic(
            "E112",
            f"part `{late.id}` comes after `total`",
            name_span(policy, late.span, late.id),
            "the total adds up the parts above it: move `total` below the last part",
        )


# ----------------------------------------------------------------- hints


#: The fields of an expense line, read per line only.
PER_LINE = frozenset(t.DEFAULT_SCHEMA.fields(t.EXPENSE))


def per_line_hint(name: str) -> str | None:
    """The hint for a field of an expense line read where there is no line, or None.

    (`amount` outside an invariant is told about the decision's amount first.)
    """
    if name not in PER_LINE:
        return None
    return (
        f"`{name}` is a field of each expense line: read it per line, in a filter "
        f"(`expenses[{name} …]`) or with `any(expenses, …)` / `all(expenses, …)`; to fund "
        "or cap some lines apart, give them a `part`: "
        "`part NAME: expenses[category in {…}]`, then its own rate and cap"
    )


# -------------------------------------------------------------- warnings


def check_amount_warnings(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """W406 to W409 (see the module docstring)."""
    out: list[Diagnostic] = []
    for grouped in amount_sections(policy):
        for section in (*grouped.parts, grouped.main):
            out.extend(_shadowed(policy, section))
        out.extend(_unreachable_parts(policy, grouped))
    out.extend(_zero_amount(policy))
    out.extend(_cost_minus(policy))
    return out


def _cost_minus(policy: ast.Policy) -> Iterator[Diagnostic]:
    """W410: `80% of eligible_expenses - autres` takes 80 % of the difference; the
    other aid is subtracted from the ceiling with `minus`."""
    for block in policy.of_type(ast.Amount):
        for step in block.steps:
            if not (isinstance(step, ast.Ceiling) and isinstance(step.cost, ast.BinOp)
                    and step.cost.op == "-"):
                continue
            share, cost = unparse(step.share), unparse(step.cost)
            left, right = unparse(step.cost.left), unparse(step.cost.right)
            yield Diagnostic(
                "W410",
                f"ceiling `{step.id}` takes {share} of `{cost}`, the difference: "
                f"`{right}` is not subtracted from the ceiling",
                step.cost.span or _at(policy, step),
                f"to subtract other aid from the ceiling write `{share} of {left} minus "
                f"{right}`; if the share is meant for the difference, name it with a `let` "
                f"(`let cout_net = {cost}`)",
                Severity.WARNING,
            )


def _conjuncts(condition: ast.Expr | None) -> list[ast.Expr]:
    """The parts of `a and b and c`, sets sorted, so written order does not count."""
    if condition is None:
        return []
    condition = sorted_sets(condition)
    if isinstance(condition, ast.BoolOp) and condition.op == "and":
        return list(condition.operands)
    return [condition]


def _shadowed(policy: ast.Policy, section: Section) -> Iterator[Diagnostic]:
    """W406: a forfait or rate that an earlier one of its section always pre-empts: the
    earlier has no `when`, or each of its conditions is one of the later one's."""
    earlier: list[ast.Forfait | ast.ForfaitBands | ast.Rate] = []
    for step in section.steps:
        if not isinstance(step, ast.Forfait | ast.ForfaitBands | ast.Rate):
            continue
        mine = _conjuncts(step.when)
        for before in earlier:
            theirs = _conjuncts(before.when)
            if all(c in mine for c in theirs):
                why = ("it has no `when`" if before.when is None
                       else f"it applies whenever `{unparse(before.when)}` holds")
                yield Diagnostic(
                    "W406",
                    f"{step_word(step)} can never apply: {step_word(before)} comes first and "
                    f"{why}",
                    _at(policy, step),
                    "only the first forfait or rate that holds gives the amount; to fund "
                    "groups of expense lines each at its own rate, make each a `part`; "
                    "otherwise narrow the earlier one's `when` or remove this one",
                    Severity.WARNING,
                    _here(policy, before, f"{step_word(before)} is here"),
                )
                break
        earlier.append(step)


def _categories(lines: ast.Expr) -> frozenset[str] | None:
    """The categories a part's selection keeps, when it only tests the category
    (`expenses[category in {a, b}]`, `… == a or …`); `*` for all of `expenses`;
    None when the selection tests something else."""
    if isinstance(lines, ast.Name) and lines.name == "expenses":
        return frozenset({"*"})
    if not (isinstance(lines, ast.Filter) and isinstance(lines.value, ast.Name)
            and lines.value.name == "expenses"):
        return None
    return _tested(lines.predicate)


def _tested(predicate: ast.Expr) -> frozenset[str] | None:
    match predicate:
        case ast.Compare(operands=(ast.Name(name="category"), ast.Name(name=name)), ops=("==",)):
            return frozenset({name})
        case ast.Membership(op="in", left=ast.Name(name="category"), right=ast.SetLit(items=items)):
            names = [i.name for i in items if isinstance(i, ast.Name)]
            return frozenset(names) if len(names) == len(items) else None
        case ast.BoolOp(op="or", operands=operands):
            found: set[str] = set()
            for operand in operands:
                some = _tested(operand)
                if some is None:
                    return None
                found |= some
            return frozenset(found)
    return None


def _eligible(policy: ast.Policy, names: frozenset[str]) -> frozenset[str]:
    """Which of `names` count in the eligible base under the policy's `expenses`."""
    for block in policy.of_type(ast.Expenses)[-1:]:
        listed = frozenset(block.categories)
        return names & listed if block.mode == "eligible" else names - listed
    return names


def _unreachable_parts(policy: ast.Policy, grouped: Sections) -> Iterator[Diagnostic]:
    """W407, W408: parts whose lines never count, or are all taken by parts above;
    parts that select lines of one category both."""
    taken: dict[str, ast.Part] = {}
    everything: ast.Part | None = None
    for section in grouped.parts:
        part = section.part
        assert part is not None
        at = name_span(policy, part.span, part.id)
        if everything is not None:
            related = _here(policy, everything, f"part `{everything.id}` is here")
            yield Diagnostic(
                "W407", f"part `{part.id}` gets no expense line: part `{everything.id}` "
                "above takes them all", at,
                "a line counts in the first part that selects it: put the part that "
                "takes every line last", Severity.WARNING, related)
            continue
        names = _categories(part.lines)
        if names is None:
            continue
        if "*" in names:
            everything = part
            continue
        own_base = any(isinstance(s, ast.Base) for s in section.steps)
        if not own_base and names and not _eligible(policy, names):
            listed = ", ".join(f"`{n}`" for n in sorted(names))
            yield Diagnostic(
                "W407", f"part `{part.id}` can never count an expense: {listed} "
                f"{'is' if len(names) == 1 else 'are'} not eligible under the policy's "
                "`expenses` declaration", at,
                "its base is always 0 €: make the categories eligible, or remove the part",
                Severity.WARNING)
            continue
        shared = sorted(n for n in names if n in taken)
        if shared and len(shared) == len(names):
            owner = taken[shared[0]]
            yield Diagnostic(
                "W407", f"part `{part.id}` gets no expense line: parts above select every "
                "category it does", at,
                "a line counts in the first part that selects it: remove the categories "
                "from the earlier part, or this part", Severity.WARNING,
                _here(policy, owner, f"part `{owner.id}` is here"))
        elif shared:
            owner = taken[shared[0]]
            listed = ", ".join(f"`{n}`" for n in shared)
            yield Diagnostic(
                "W408", f"parts `{owner.id}` and `{part.id}` both select {listed}: those "
                f"lines count in `{owner.id}` only", at,
                "a line counts in the first part that selects it; say it once, in the part "
                "meant to fund it", Severity.WARNING,
                _here(policy, owner, f"part `{owner.id}` is here"))
        for name in names:
            taken.setdefault(name, part)


# -------------------------------------------------------------- zero


def _lets(policy: ast.Policy) -> dict[str, ast.Expr]:
    return {let.name: let.value for let in policy.of_type(ast.Let)}


def _may_vanish(expr: ast.Expr, policy: ast.Policy, seen: frozenset[str] = frozenset()
                ) -> bool:
    """Whether a value the policy writes can bring an amount to 0 by itself: it
    subtracts or negates, or is a zero (a literal, or a param defaulting to one).

    A figure of the dossier (its expenses, `requested`) is the dossier's own; a
    rule says what is required of it (`require …: eligible_expenses > 0 €`).
    """
    params = {p.name: p.default for p in policy.of_type(ast.Param)}
    lets = _lets(policy)
    for node in ast.walk(expr):
        if isinstance(node, ast.BinOp) and node.op == "-":
            return True
        if isinstance(node, ast.Unary) and node.op == "-":
            return True
        if isinstance(node, ast.MoneyLit | ast.PercentLit) and node.value == 0:
            return True
        if isinstance(node, ast.Name) and node.name not in seen:
            inner = lets.get(node.name, params.get(node.name))
            if inner is not None and _may_vanish(inner, policy, seen | {node.name}):
                return True
    return False


def _vanishing(policy: ast.Policy) -> Iterator[ast.AmountStep]:
    """The steps that can bring a positive amount to 0 (see `_may_vanish`)."""
    for block in policy.of_type(ast.Amount):
        for step in block.steps:
            match step:
                case ast.Ceiling():
                    yield step
                case ast.Base() | ast.Forfait() | ast.Rate():
                    if _may_vanish(step.value, policy):
                        yield step
                case ast.ForfaitBands(bands=bands):
                    if any(_may_vanish(b.value, policy) for b in bands):
                        yield step
                case ast.Adjustment(kind="cap" | "bonus"):
                    if _may_vanish(step.value, policy):
                        yield step


def _zero_amount(policy: ast.Policy) -> Iterator[Diagnostic]:
    """W409: one of the policy's own steps can bring an eligible dossier to 0 € and no
    `minimum` says it is ineligible. Read from the steps, without a solver: a 0 €
    reached from the dossier's figures (a request of 0 €, no expense line) is P506 of
    `fitn7 check --prove`, proved on every dossier."""
    if any(isinstance(s, ast.Minimum) for b in policy.of_type(ast.Amount) for s in b.steps):
        return
    for step in _vanishing(policy):
        why = ("the other public aid can use up the ceiling" if isinstance(step, ast.Ceiling)
               else "its value can be 0 €")
        yield Diagnostic(
            "W409",
            f"an eligible dossier can get 0 €: {step_word(step)} can bring the amount to 0 "
            f"({why}) and no `minimum` is declared",
            _at(policy, step),
            "add a minimum grant (`minimum aide_minimale: 1_000 €`, after `total` when "
            "there are parts): an amount below it makes the dossier ineligible with its "
            "message, never « éligible 0,00 € » (this reads the policy's steps; "
            "`fitn7 check --prove` finds any dossier decided eligible at 0 €: P506)",
            Severity.WARNING,
        )
        return
