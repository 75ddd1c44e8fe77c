"""Pass 2, names and types: every expression of the policy typed where it stands.

Params take the type of their default, lets the type of their expression in
file order (a let reads the lets above it). Then each declaration's
expressions are typed, and each slot checks it got what it needs: conditions
are true or false, forfaits and caps are amounts in euros, rates are
percentages, score points and limit counts are whole numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from fitn7 import types as t
from fitn7.checker.context import CheckContext, number_text, unparse
from fitn7.checker.expressions import Typer, date_meant, mismatch_help
from fitn7.diagnostics import Diagnostic
from fitn7.dsl import ast
from fitn7.scope import NameKind, Scope
from fitn7.vocabulary import input_type, scope_names


@attrs.frozen
class TypeReport:
    """What typing a policy found: diagnostics, the names read, the types of lets and params."""

    diagnostics: tuple[Diagnostic, ...]
    used: frozenset[str]
    let_types: Mapping[str, t.Type]
    param_types: Mapping[str, t.Type]


def check_types(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """Every name and type error of the policy (codes E201 to E226)."""
    return list(type_policy(policy, ctx).diagnostics)


def type_policy(policy: ast.Policy, ctx: CheckContext) -> TypeReport:
    """Type the whole policy; the report also says which lets and params are read."""
    typer = Typer(ctx)
    params = policy.of_type(ast.Param)
    lets = policy.of_type(ast.Let)
    param_names = frozenset(p.name for p in params)
    inputs, constants = scope_names(policy)
    typer.constants = constants

    bare = Scope(lets=(), params=(), schema=ctx.schema, constants=constants)
    for param in params:
        found = typer.type_of(param.default, bare)
        typer.param_types.setdefault(param.name, found)

    defined: list[str] = []
    for index, let in enumerate(lets):
        typer.current_let = let.name
        typer.later_lets = frozenset(x.name for x in lets[index + 1 :]) - set(defined)
        scope = Scope(lets=tuple(defined), params=param_names, schema=ctx.schema,
                      inputs=inputs, constants=constants)
        found = typer.type_of(let.value, scope)
        typer.let_types.setdefault(let.name, found)
        defined.append(let.name)
    typer.current_let, typer.later_lets = None, frozenset()

    scope = Scope(lets=frozenset(defined), params=param_names, schema=ctx.schema,
                  inputs=inputs, constants=constants)
    checker = _Slots(typer, scope)
    if policy.header.envelope is not None:
        checker.money(policy.header.envelope, "the envelope")
    for decl in policy.declarations:
        checker.declaration(decl)
    return TypeReport(
        tuple(typer.diagnostics),
        frozenset(typer.used),
        dict(typer.let_types),
        dict(typer.param_types),
    )


#: Types a `limit … per PATH` can count awards by: a collectivité or a code of one.
_IDENTIFIERS = frozenset({t.STRING, t.KIND, t.CATEGORY, t.COLLECTIVITE, t.ANY})


def _is_path(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.Name):
        return True
    return isinstance(expr, ast.Attribute) and _is_path(expr.value)


@attrs.define
class _Slots:
    """Types each slot of each declaration and checks it against what the slot needs."""

    typer: Typer
    scope: Scope

    def declaration(self, decl: ast.Declaration) -> None:
        """Check the expressions of one declaration."""
        typer, scope = self.typer, self.scope
        match decl:
            case ast.Session():
                self.session(decl)
            case ast.Rule():
                typer.condition(decl.condition, scope, f"in rule `{decl.id}`")
            case ast.Amount():
                for step in decl.steps:
                    self.amount_step(step)
            case ast.Score():
                for crit in decl.criteria:
                    self.criterion(crit)
            case ast.Limit():
                self.limit(decl)
            case ast.Invariant():
                inner = attrs.evolve(scope, in_invariant=True)
                typer.condition(decl.condition, inner, f"in invariant `{decl.id}`")
            case ast.Document():
                self.when(decl.when)
            case ast.Input():
                self.input_default(decl)
            case ast.Param() | ast.Let() | ast.Expenses() | ast.ExpenseCategory():
                pass  # typed above, or nothing to type

    def when(self, expr: ast.Expr | None, keyword: str = "when") -> None:
        """A `when`/`where` guard, when there is one, is a condition."""
        if expr is not None:
            self.typer.condition(expr, self.scope, f"after `{keyword}`")

    # ------------------------------------------------------------ slots

    def money(self, expr: ast.Expr, what: str) -> None:
        """E216 unless `expr` is an amount in euros; `what` names the slot."""
        found = self.typer.type_of(expr, self.scope)
        if found in (t.MONEY, t.ANY):
            return
        help = None
        if isinstance(expr, ast.IntLit | ast.DecimalLit):
            help = f"write `{unparse(expr)} €`"
        elif found == t.PERCENT:
            help = "a share of the base is a `rate` or a `bonus`; here write an amount in euros"
        self.typer.report("E216", f"{what} is an amount in euros, got {found}", expr, help)

    def input_default(self, decl: ast.Input) -> None:
        """E241: the default of an optional input is a value of the input's type."""
        declared = input_type(decl.type)
        if decl.default is None:
            return
        found = self.typer.type_of(decl.default, attrs.evolve(self.scope, inputs={}))
        if declared is None or found in (declared, t.ANY) or (
                declared == t.DECIMAL and found == t.INT) or (
                isinstance(declared, t.SetOf) and t.compatible(declared, found)):
            return
        self.typer.report(
            "E241",
            f"the default of input `{decl.name}` is {found}, not {declared}",
            decl.default,
            mismatch_help(decl.default, found, decl.default, declared, self.scope.constants)
            or f"write a value of type {declared}",
        )

    def session(self, session: ast.Session) -> None:
        """E224: a session closes on a date."""
        found = self.typer.type_of(session.closes, self.scope)
        if found in (t.DATE, t.ANY):
            return
        help = "write the date as YYYY-MM-DD, e.g. `2021-06-22`"
        if isinstance(session.closes, ast.StringLit):
            help = f"write the date without quotes: `{session.closes.value}`"
        elif (french := date_meant(session.closes)) is not None:
            help = f"write the date as YYYY-MM-DD: `{french}`"
        self.typer.report(
            "E224", f"a session closes on a date, got {found}", session.closes, help
        )

    def amount_step(self, step: ast.AmountStep) -> None:
        """The slots of one amount step."""
        match step:
            case ast.Base():
                self.money(step.value, "the base")
            case ast.Forfait():
                self.money(step.value, "a forfait")
                self.when(step.when)
            case ast.ForfaitBands():
                self.bands(step)
            case ast.Rate():
                self.rate(step)
            case ast.Adjustment(kind="bonus"):
                self.bonus(step)
            case ast.Adjustment():
                self.money(step.value, f"{step.kind} `{step.id}`")
                self.when(step.when)
            case ast.Part():
                self.part(step)
            case ast.Ceiling():
                self.ceiling(step)
            case ast.Minimum():
                self.money(step.value, f"minimum `{step.id}`")
                self.when(step.when)
            case ast.Total():
                pass

    def part(self, step: ast.Part) -> None:
        """E227: a part is computed over expense lines."""
        found = self.typer.type_of(step.lines, self.scope)
        if found in (t.ListOf(t.EXPENSE), t.ANY):
            return
        self.typer.report(
            "E227",
            f"part `{step.id}` is computed over expense lines, got {found}",
            step.lines,
            "select the lines of the part: `expenses[category in {…}]`, or `expenses` "
            "for every line",
        )

    def ceiling(self, step: ast.Ceiling) -> None:
        """E217 the share is a percentage; E216 the cost and the other aid are amounts."""
        found = self.typer.type_of(step.share, self.scope)
        if found not in (t.PERCENT, t.ANY):
            help = None
            if isinstance(step.share, ast.IntLit):
                help = f"write `{step.share.value}%`"
            self.typer.report(
                "E217", f"the share of ceiling `{step.id}` is a percentage, got {found}",
                step.share, help)
        self.money(step.cost, f"the cost in ceiling `{step.id}`")
        if step.other is not None:
            self.money(step.other, f"the other aid in ceiling `{step.id}`")
        self.when(step.when)

    def bands(self, step: ast.ForfaitBands) -> None:
        """E219 `by` is a number, E220 bounds have its type, E216 values are amounts."""
        typer = self.typer
        by = typer.type_of(step.by, self.scope)
        if by not in (t.INT, t.DECIMAL, t.ANY):
            typer.report(
                "E219",
                f"`by` needs a number (int or decimal), got {by}",
                step.by,
                "bands split a number such as `applicant.population` or "
                "`project.communes_covered`",
            )
            by = t.ANY
        self.when(step.when)
        for band in step.bands:
            for bound in (band.low, band.high):
                if bound is None:
                    continue
                with typer.param_slot():
                    found = typer.type_of(bound, self.scope)
                if by == t.ANY or found == t.ANY or found in t.NUMBERS:
                    continue
                help = None
                if isinstance(bound, ast.MoneyLit | ast.PercentLit):
                    help = f"write the bound as a number: `{number_text(bound.value)}`"
                typer.report(
                    "E220",
                    f"band bound `{unparse(bound)}` is {found} but `by` is {by}",
                    bound,
                    help,
                )
            self.money(band.value, "a forfait")

    def rate(self, step: ast.Rate) -> None:
        """E217: a rate is a percentage of the base."""
        found = self.typer.type_of(step.value, self.scope)
        self.when(step.when)
        if found in (t.PERCENT, t.ANY):
            return
        value = step.value
        help = None
        if isinstance(value, ast.IntLit):
            help = f"write `{value.value}%`"
        elif isinstance(value, ast.DecimalLit) and value.value <= 1:
            help = f"write `{(value.value * 100).normalize():f}%`"
        elif found == t.MONEY:
            help = "a fixed amount is a `forfait`: `forfait 5_000 €`"
        self.typer.report("E217", f"a rate is a percentage, got {found}", value, help)

    def bonus(self, step: ast.Adjustment) -> None:
        """E218: a bonus adds euros or a percentage of the amount."""
        found = self.typer.type_of(step.value, self.scope)
        self.when(step.when)
        if found in (t.MONEY, t.PERCENT, t.ANY):
            return
        help = None
        if isinstance(step.value, ast.IntLit | ast.DecimalLit):
            text = unparse(step.value)
            help = f"write `{text} €` for euros or `{text}%` for a share of the amount"
        self.typer.report(
            "E218",
            f"bonus `{step.id}` is an amount in euros or a percentage, got {found}",
            step.value,
            help,
        )

    def criterion(self, crit: ast.Criterion) -> None:
        """E221: a score criterion gives a whole number of points."""
        found = self.typer.type_of(crit.value, self.scope)
        self.when(crit.when)
        if found in (t.INT, t.ANY):
            return
        help = "a criterion gives points: `+2 when …`"
        if found == t.DECIMAL:
            help = "round it down with `floor(…)`: `floor(project.communes_covered / 10)`"
        self.typer.report(
            "E221",
            f"score criterion `{crit.id}` gives whole points, got {found}",
            crit.value,
            help,
        )

    def limit(self, limit: ast.Limit) -> None:
        """E222 the count is a whole number, E223 `per` names who awards are counted by."""
        typer = self.typer
        with typer.param_slot():
            count = typer.type_of(limit.count, self.scope)
        if count not in (t.INT, t.ANY):
            typer.report(
                "E222",
                f"`at most` takes a whole number of awards, got {count}",
                limit.count,
                "write a number such as `1`, or a `param` with a whole-number default",
            )
        per = typer.type_of(limit.per, self.scope)
        root = limit.per
        while isinstance(root, ast.Attribute):
            root = root.value
        in_dossier = (isinstance(root, ast.Name) and self.scope.resolve(root.name)
                      in (NameKind.FIELD, NameKind.LET, None))
        if _is_path(limit.per) and not in_dossier and isinstance(root, ast.Name):
            # `per commune` reads as "one per commune" but names a constant, the
            # same for every dossier: all of them would share one count.
            typer.report(
                "E223",
                f"a limit counts awards per collectivité or per group, not per "
                f"`{unparse(limit.per)}`, which is the same for every dossier",
                limit.per,
                "name a part of the dossier: `per applicant` (each collectivité), "
                "`per applicant.departement`",
            )
        elif not _is_path(limit.per) or per not in _IDENTIFIERS:
            what = f"`{unparse(limit.per)}`"
            if _is_path(limit.per):
                what += f" ({per})"
            typer.report(
                "E223",
                f"a limit counts awards per collectivité or per group, not per {what}",
                limit.per,
                "count awards per collectivité or per one of its codes: `per applicant`, "
                "`per applicant.code`, `per applicant.departement`",
            )
        self.when(limit.where, "where")
