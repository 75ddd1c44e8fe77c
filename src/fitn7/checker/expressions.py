"""Typing one expression: names through `fitn7.scope`, types from `fitn7.types`.

`Typer.type_of` returns the type of an expression and records a diagnostic
for each mistake; an expression it cannot type gets `ANY`, which is
compatible with everything, so one mistake yields one error and not a cascade.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import attrs

from fitn7 import legal_forms as lf
from fitn7 import types as t
from fitn7.checker import forms
from fitn7.checker.amounts import per_line_hint
from fitn7.checker.context import CheckContext, attr_span, join, unparse, uses_hint
from fitn7.diagnostics import Diagnostic, did_you_mean
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.scope import NameKind, Scope

#: Names that read like a committee setting (`max_projets`, `seuil_population`):
#: an unknown one most likely lacks its `param` declaration.
_PARAM_LIKE = re.compile(
    r"^(max|min|seuil|plafond|plancher|taux|nb|nombre|montant|limite|delai|date|bonus|part)"
    r"(_|$)"
)

_ORDERING = frozenset({"<", "<=", ">", ">="})
_NUMERIC = frozenset({t.INT, t.DECIMAL, t.MONEY, t.PERCENT})
_ENUMS = {t.KIND: "kind", t.CATEGORY: "category", t.STATUS: "status", t.FAMILY: "family"}


@attrs.define
class Typer:
    """Types expressions of one policy and collects diagnostics and the names used."""

    ctx: CheckContext
    let_types: dict[str, t.Type] = attrs.field(factory=dict)
    param_types: dict[str, t.Type] = attrs.field(factory=dict)
    #: While a let is typed: the lets declared after it (reading one is a use
    #: before definition) and its own name (reading it is a cycle).
    later_lets: frozenset[str] = frozenset()
    current_let: str | None = None
    diagnostics: list[Diagnostic] = attrs.field(factory=list)
    #: `let`, `param` and `input` names some expression reads.
    used: set[str] = attrs.field(factory=set)
    #: The constants of the policy (its own categories), for hints.
    constants: Mapping[str, t.Type] = t.CONSTANTS
    _param_slot: bool = attrs.field(default=False, init=False)

    # -------------------------------------------------------------- api

    def report(
        self, code: str, message: str, at: ast.Expr | Span | None, help: str | None = None
    ) -> None:
        """Record a diagnostic at `at`: a span, or the span of an expression."""
        span = at if at is None or isinstance(at, Span) else at.span
        self.diagnostics.append(Diagnostic(code, message, span, help))

    @contextmanager
    def param_slot(self) -> Iterator[None]:
        """Within this block an unknown bare name is hinted as a missing `param`:
        it stands where committees set numbers (`at most N`, band bounds)."""
        before, self._param_slot = self._param_slot, True
        try:
            yield
        finally:
            self._param_slot = before

    def type_of(self, expr: ast.Expr, scope: Scope) -> t.Type:
        """The type of `expr` in `scope`; mistakes are recorded, their type is ANY."""
        match expr:
            case ast.IntLit():
                return t.INT
            case ast.DecimalLit():
                return t.DECIMAL
            case ast.MoneyLit():
                return t.MONEY
            case ast.PercentLit():
                return t.PERCENT
            case ast.DateLit():
                return t.DATE
            case ast.StringLit():
                return t.STRING
            case ast.BoolLit():
                return t.BOOL
            case ast.SetLit():
                return self._set(expr, scope)
            case ast.Name():
                return self._name(expr, scope)
            case ast.Attribute():
                return self._attribute(expr, scope)
            case ast.Filter():
                return self._filter(expr, scope)
            case ast.Call():
                return self._call(expr, scope)
            case ast.Unary():
                return self._unary(expr, scope)
            case ast.BinOp():
                return self._binop(expr, scope)
            case ast.Compare():
                return self._compare(expr, scope)
            case ast.Membership():
                return self._membership(expr, scope)
            case ast.BoolOp():
                for operand in expr.operands:
                    self.condition(operand, scope, f"on each side of `{expr.op}`")
                return t.BOOL
            case ast.Not():
                self.condition(expr.operand, scope, "after `not`")
                return t.BOOL
            case ast.Implies():
                self.condition(expr.left, scope, "on each side of `implies`")
                self.condition(expr.right, scope, "on each side of `implies`")
                return t.BOOL

    def condition(self, expr: ast.Expr, scope: Scope, where: str) -> None:
        """E213 unless `expr` is a condition (bool); `where` says where it stands."""
        found = self.type_of(expr, scope)
        if found in (t.BOOL, t.ANY):
            return
        help = None
        if isinstance(found, t.ListOf | t.SetOf):
            help = (
                "test the list with `any(…, condition)`, `count(…) > 0` "
                'or `"value" in …`'
            )
        elif found in _NUMERIC:
            help = f"compare it with a value: `{unparse(expr)} > …`"
        self.report("E213", f"expected a condition {where}, got {found}", expr, help)

    # ------------------------------------------------------------ names

    def _name(self, expr: ast.Name, scope: Scope) -> t.Type:
        name = expr.name
        kind = scope.resolve(name)
        schema = scope.schema
        match kind:
            case NameKind.ELEMENT_FIELD:
                assert scope.element is not None
                return schema.fields(scope.element)[name]
            case NameKind.LET:
                self.used.add(name)
                return self.let_types.get(name, t.ANY)
            case NameKind.PARAM:
                self.used.add(name)
                return self.param_types.get(name, t.ANY)
            case NameKind.INPUT:
                self.used.add(name)
                return scope.inputs[name]
            case NameKind.FIELD:
                return schema.fields(t.DOSSIER)[name]
            case NameKind.DECISION:
                return schema.fields(t.Record("decision"))[name]
            case NameKind.CONSTANT:
                return scope.constants[name]
        if name == self.current_let:
            self.report(
                "E203",
                f"`let {name}` is defined in terms of itself",
                expr,
                "a let names a value computed from others; write the value out",
            )
        elif name in self.later_lets:
            self.used.add(name)
            self.report(
                "E202",
                f"`{name}` is used before its definition",
                expr,
                f"move `let {name}` above the let that uses it",
            )
        else:
            declared = [*self.param_types, *scope.lets]
            help: str | None
            if self._param_slot or _PARAM_LIKE.match(name):
                # A committee setting: a near miss among fields (`max_projets`
                # vs `project`) would mislead; only declared names are offered.
                help = did_you_mean(name, declared) or (
                    f"declare it with `param {name} = …` so a committee can set it"
                )
            elif name in scope.schema.fields(t.Record("decision")):
                help = (f"`{name}` is part of the decision itself: only an `invariant` can "
                        "read it, not the rules that make the decision")
            elif (line_hint := per_line_hint(name)) is not None:
                help = line_hint
            elif (member_hint := _member_field_hint(name, scope)) is not None:
                help = member_hint
            elif name in lf.NOT_A_LEGAL_FORM:
                help = lf.NOT_A_LEGAL_FORM[name]
            elif name.lower() in ("true", "false", "vrai", "faux", "oui", "non"):
                word = "true" if name.lower() in ("true", "vrai", "oui") else "false"
                help = f"the truth values are written in lowercase English: `{word}`"
            else:
                help = did_you_mean(name, scope.visible_names())
            if help is None:
                help = (
                    "a bare name is a dossier field, a `let`, a `param` or a constant such as "
                    f'`commune`; if it is a text, write it in quotes: `"{name}"`'
                )
            self.report("E201", f"unknown name `{name}`", expr, help)
        return t.ANY

    def _attribute(self, expr: ast.Attribute, scope: Scope) -> t.Type:
        base = self.type_of(expr.value, scope)
        if base == t.ANY:
            return t.ANY
        record = base
        is_list = False
        if isinstance(base, t.ListOf | t.SetOf) and isinstance(base.element, t.Record):
            record, is_list = base.element, True
        if not isinstance(record, t.Record):
            self.report(
                "E205",
                f"`{unparse(expr.value)}` has no field `{expr.attr}`: it is {base}, not a record",
                attr_span(expr),
                "read fields of `applicant`, `project`, `members`, `expenses` or an expense",
            )
            return t.ANY
        fields: Mapping[str, t.Type] = scope.schema.fields(record)
        if expr.attr not in fields:
            elsewhere = self.ctx.unused.fields.get((record.name, expr.attr))
            if elsewhere:
                help = uses_hint(f"field `{unparse(expr)}`", elsewhere)
            elif record.name.startswith("extra:"):
                help = did_you_mean(expr.attr, fields) or (
                    "fields under `extra` are declared by plugins: name the plugin in the "
                    "header with `uses`"
                )
            else:
                help = did_you_mean(expr.attr, fields) or (
                    "the fields are " + ", ".join(f"`{f}`" for f in sorted(fields))
                )
            self.report(
                "E204",
                f"unknown field `{expr.attr}` of `{unparse(expr.value)}`",
                attr_span(expr),
                help,
            )
            return t.ANY
        field = fields[expr.attr]
        return t.ListOf(field) if is_list else field

    def _filter(self, expr: ast.Filter, scope: Scope) -> t.Type:
        base = self.type_of(expr.value, scope)
        if base == t.ANY:
            return t.ANY  # the predicate's names depend on the unknown element type
        element = t.element_type(base)
        if not isinstance(element, t.Record):
            self.report(
                "E226",
                f"`{unparse(expr.value)}` is {base}: only a list of records can be filtered",
                expr,
                "filter `expenses` or `members`: `expenses[category == etude]`",
            )
            return t.ANY
        self.condition(expr.predicate, scope.inside(element), "in the filter")
        return base

    def _call(self, expr: ast.Call, scope: Scope) -> t.Type:
        decl = self.ctx.functions.get(expr.func)
        if decl is None:
            for arg in expr.args:
                self.type_of(arg, scope)
            elsewhere = self.ctx.unused.functions.get(expr.func)
            self.report(
                "E206",
                f"unknown function `{expr.func}`",
                expr,
                (uses_hint(f"function `{expr.func}`", elsewhere) if elsewhere else None)
                or did_you_mean(expr.func, self.ctx.functions.names())
                or "the functions are "
                + ", ".join(f"`{n}`" for n in self.ctx.functions.names()),
            )
            return t.ANY
        args: list[t.Type] = []
        for index, arg in enumerate(expr.args):
            if decl.predicate_arg is not None and index == decl.predicate_arg and args:
                element = t.element_type(args[0])
                if element == t.ANY:
                    args.append(t.ANY)  # element fields are unknown: do not cascade
                    continue
                inner = scope.inside(element if isinstance(element, t.Record) else None)
                args.append(self.type_of(arg, inner))
            else:
                args.append(self.type_of(arg, scope))
        result = decl.result_type(args)
        if isinstance(result, str):
            # Built-ins with their own inference say what to write in the
            # message already; a declared signature is the best hint otherwise.
            help = None if decl.infer is not None else f"`{decl.signature()}`"
            self.report("E207", result, expr, help)
            return t.ANY
        return result

    def _undeclared_categories(self, operands: tuple[ast.Expr, ...], scope: Scope) -> None:
        """An unknown name compared with an expense category is most likely a category the
        policy forgot to declare: the E201 reported for it says how to declare it."""
        categories = sorted(n for n, ty in scope.constants.items() if ty == t.CATEGORY)
        for operand in operands:
            if (not isinstance(operand, ast.Name) or scope.resolve(operand.name) is not None
                    or per_line_hint(operand.name) is not None):
                continue
            for index, diag in enumerate(self.diagnostics):
                if diag.code == "E201" and diag.span == operand.span and diag.span is not None:
                    help = did_you_mean(operand.name, categories) or (
                        f"no expense category is named `{operand.name}`: declare it, "
                        f'`category {operand.name} "Libellé"`; the categories are '
                        + ", ".join(f"`{c}`" for c in categories))
                    self.diagnostics[index] = attrs.evolve(diag, help=help)

    # ------------------------------------------------------------- values

    def _set(self, expr: ast.SetLit, scope: Scope) -> t.Type:
        element: t.Type = t.ANY
        first: ast.Expr | None = None
        # Names that are kinds and families alike (`commune`) so far: `{commune, epci}`
        # is a set of families, `{commune, sas}` one of kinds.
        either = True
        for item in expr.items:
            found = self.type_of(item, scope)
            if found == t.ANY:
                continue
            both = isinstance(item, ast.Name) and found == t.KIND and t.is_family_name(
                item.name)
            if element == t.ANY:
                element, first = found, item
            elif element == t.KIND and found == t.FAMILY and either:
                element, first = t.FAMILY, item
            elif element == t.FAMILY and both:
                pass
            elif not t.compatible(element, found):
                assert first is not None
                self.report(
                    "E225",
                    f"a set holds values of one type: `{unparse(first)}` is {element} "
                    f"but `{unparse(item)}` is {found}",
                    item,
                    mismatch_help(first, element, item, found, self.constants),
                )
            elif found == t.DECIMAL:
                element = t.DECIMAL
            either = either and both
        return t.SetOf(element)

    def _unary(self, expr: ast.Unary, scope: Scope) -> t.Type:
        found = self.type_of(expr.operand, scope)
        if found == t.ANY or found in _NUMERIC:
            return found
        self.report(
            "E215",
            f"`{expr.op}` goes in front of a number or an amount, not {found}",
            expr,
        )
        return t.ANY

    def _binop(self, expr: ast.BinOp, scope: Scope) -> t.Type:
        left = self.type_of(expr.left, scope)
        right = self.type_of(expr.right, scope)
        if t.ANY in (left, right):
            return t.ANY
        result = arithmetic(expr.op, left, right)
        if result is not None:
            return result
        if t.DATE in (left, right):
            self.report(
                "E214",
                f"no arithmetic on dates: `{unparse(expr)}`",
                expr,
                "compare dates directly: `submitted <= 2021-06-21`",
            )
            return t.ANY
        verbs = {
            "+": f"cannot add {right} to {left}",
            "-": f"cannot subtract {right} from {left}",
            "*": f"cannot multiply {left} by {right}",
            "/": f"cannot divide {left} by {right}",
        }
        help = None
        if t.MONEY in (left, right) and expr.op in "+-":
            other = expr.right if left == t.MONEY else expr.left
            if isinstance(other, ast.IntLit | ast.DecimalLit):
                help = f"write the amount in euros: `{unparse(other)} €`"
        self.report("E214", verbs[expr.op], expr, help)
        return t.ANY

    # --------------------------------------------------------- conditions

    def _compare(self, expr: ast.Compare, scope: Scope) -> t.Type:
        types = [self.type_of(o, scope) for o in expr.operands]
        if t.CATEGORY in types:
            self._undeclared_categories(expr.operands, scope)
        if forms.compare(self, expr, types):
            return t.BOOL
        for index, op in enumerate(expr.ops):
            left, right = expr.operands[index], expr.operands[index + 1]
            lt, rt = types[index], types[index + 1]
            span = join(left.span, right.span)
            if not t.compatible(lt, rt):
                self.report(
                    "E208",
                    f"cannot compare {lt} with {rt}",
                    span,
                    mismatch_help(left, lt, right, rt, self.constants),
                )
            elif op in _ORDERING:
                for side in (lt, rt):
                    if side != t.ANY and side not in t.ORDERED:
                        self.report(
                            "E209",
                            f"`{op}` needs values with an order (numbers, amounts, "
                            f"percentages, dates), got {side}",
                            span,
                            "use `==` or `!=`" if side in _ENUMS or side == t.BOOL else None,
                        )
                        break
        return t.BOOL

    def _membership(self, expr: ast.Membership, scope: Scope) -> t.Type:
        left = self.type_of(expr.left, scope)
        right = self.type_of(expr.right, scope)
        if t.CATEGORY in (left, t.element_type(right)) and isinstance(expr.right, ast.SetLit):
            self._undeclared_categories(expr.right.items, scope)
        if forms.membership(self, expr, left, right):
            return t.BOOL
        if t.ANY in (left, right):
            return t.BOOL
        right_elem = t.element_type(right)
        if expr.op == "meets":
            left_elem = t.element_type(left)
            if left_elem is None or right_elem is None:
                help = None
                if left_elem is None and right_elem is not None:
                    help = (
                        "to test one value write "
                        f"`{unparse(expr.left)} in {unparse(expr.right)}`"
                    )
                self.report(
                    "E212",
                    f"`meets` needs two sets or lists, got {left} and {right}",
                    expr,
                    help,
                )
                return t.BOOL
            self._elements(expr, expr.left, left_elem, expr.right, right_elem)
            return t.BOOL
        if right_elem is None:
            self.report(
                "E210",
                f"`{expr.op}` needs a set or a list on its right, got {right}",
                expr.right,
                'write a set such as `{"22", "29"}` or a list such as `project.tags`',
            )
            return t.BOOL
        if t.element_type(left) is not None and left != t.ANY:
            self.report(
                "E211",
                f"`{expr.op}` looks for one value in a set, got {left} on its left",
                expr,
                f"to test whether two sets share an element write "
                f"`{unparse(expr.left)} meets {unparse(expr.right)}`",
            )
            return t.BOOL
        self._elements(expr, expr.left, left, expr.right, right_elem)
        return t.BOOL

    def _elements(
        self,
        expr: ast.Membership,
        left: ast.Expr,
        left_type: t.Type,
        right: ast.Expr,
        right_elem: t.Type,
    ) -> None:
        if t.compatible(left_type, right_elem):
            return
        # Point the hint at an offending item when the set is written out.
        sample: ast.Expr = right
        if isinstance(right, ast.SetLit) and right.items:
            sample = right.items[0]
        help = mismatch_help(left, left_type, sample, right_elem, self.constants)
        self.report(
            "E211",
            f"cannot look for {left_type} among {right_elem} values",
            expr,
            help,
        )


def _member_field_hint(name: str, scope: Scope) -> str | None:
    """Where a field of the applicant or of each member is read, for `name` written alone
    outside a quantifier over members (`population < 3_500` in a rule)."""
    if scope.element is not None or name == "extra":
        return None
    if name in scope.schema.fields(t.COLLECTIVITE):
        return (
            f"`{name}` is a field of the applicant or of each member: "
            f"`applicant.{name}`, or `any(members, {name} …)`, `all(members, {name} …)`"
        )
    return None


# ------------------------------------------------------------------ rules


def arithmetic(op: str, left: t.Type, right: t.Type) -> t.Type | None:
    """The type of `left op right`, or None when the operation makes no sense.

    Amounts stay amounts when scaled (`money * percent`, `money / 2`); the ratio
    of two amounts or of two integers is a decimal; dates have no arithmetic.
    """
    nums = t.NUMBERS
    if op in "+-":
        if left in nums and right in nums:
            return t.INT if left == right == t.INT else t.DECIMAL
        if left == right and left in (t.MONEY, t.PERCENT):
            return left
        return None
    if op == "*":
        if left in nums and right in nums:
            return t.INT if left == right == t.INT else t.DECIMAL
        for a, b in ((left, right), (right, left)):
            if a == t.MONEY and (b in nums or b == t.PERCENT):
                return t.MONEY
            if a == t.PERCENT and b in nums:
                return t.PERCENT
        return None
    # division
    if left in nums and right in nums:
        return t.DECIMAL
    if left in (t.MONEY, t.PERCENT) and right in nums:
        return left
    if left == right == t.MONEY:
        return t.DECIMAL
    return None


def _numeric_text(text: str) -> str | None:
    cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("_", "")
    cleaned = cleaned.removesuffix("€").removesuffix("EUR").replace(",", ".")
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return cleaned
    return None


def date_meant(expr: ast.Expr) -> str | None:
    """The ISO date meant by `30/06/2021` or `2021-6-30`, which parse as arithmetic."""
    match expr:
        case ast.BinOp(op="/", left=ast.BinOp(op="/", left=ast.IntLit(value=day),
                                               right=ast.IntLit(value=month)),
                       right=ast.IntLit(value=year)):
            pass
        case ast.BinOp(op="-", left=ast.BinOp(op="-", left=ast.IntLit(value=year),
                                               right=ast.IntLit(value=month)),
                       right=ast.IntLit(value=day)):
            pass
        case _:
            return None
    try:
        return datetime.date(year, month, day).isoformat()
    except (ValueError, OverflowError):  # a year of 21 digits is no date either
        return None


def mismatch_help(a: ast.Expr, ta: t.Type, b: ast.Expr, tb: t.Type,
                  constants: Mapping[str, t.Type] = t.CONSTANTS) -> str | None:
    """What to write instead, when two values of types `ta` and `tb` meet.

    Looks at both orders: the literal that is probably mistyped may be on
    either side (`"5000" > applicant.population`). `constants` are the names
    the policy may write (its own categories).
    """
    for lit, lit_type, other_type in ((a, ta, tb), (b, tb, ta)):
        hint = _literal_hint(lit, lit_type, other_type, constants)
        if hint is not None:
            return hint
    if t.DATE in (ta, tb):
        meant = date_meant(b if ta == t.DATE else a)
        if meant is not None:
            return f"write the date as YYYY-MM-DD: `{meant}`"
        return "a date compares with a date, written `2021-06-21`"
    if (t.element_type(ta) is None) != (t.element_type(tb) is None):
        return (
            "a list holds one value per element: test them with `any(…, condition)` or "
            "`all(…, condition)`, or compare `sum(…)`, `min(…)`, `max(…)` or `count(…)`"
        )
    return None


def _literal_hint(lit: ast.Expr, lit_type: t.Type, other: t.Type,
                  constants: Mapping[str, t.Type]) -> str | None:
    if isinstance(lit, ast.StringLit):
        value = lit.value
        number = _numeric_text(value)
        if other in t.NUMBERS and number is not None:
            return f"write the number without quotes: `{number}`"
        if other == t.MONEY and number is not None:
            return f"write the amount without quotes, in euros: `{number} €`"
        if other == t.DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"write the date without quotes: `{value}`"
        if other == t.KIND and re.fullmatch(r"[0-9]{4}", value):
            return _code_hint(value)
        if other in _ENUMS:
            word = _ENUMS[other]
            values = sorted(n for n, ty in constants.items() if ty == other or (
                other == t.FAMILY and t.is_family_name(n)))
            if other == t.KIND and value not in values and not did_you_mean(value, values):
                return ("a kind is written without quotes: a readable name such as `commune`, "
                        "`association`, `sas` (docs/legal-forms.md lists them), or compare "
                        'a catégorie juridique code with `applicant.legal_form == "…"`')
            if value in values:
                return f"write the {word} without quotes: `{value}`"
            close = did_you_mean(value, values)
            return close or f"a {word} is written without quotes, one of " + ", ".join(
                f"`{v}`" for v in values
            )
    if isinstance(lit, ast.IntLit) and other == t.KIND and 1000 <= lit.value <= 9999:
        return _code_hint(str(lit.value))
    if isinstance(lit, ast.IntLit | ast.DecimalLit):
        if other == t.STRING:
            return f'write the text in quotes: `"{lit.value}"`'
        if other == t.MONEY:
            return f"write the amount in euros: `{unparse(lit)} €`"
        if other == t.PERCENT:
            return f"write the percentage with `%`: `{unparse(lit)}%`"
    if isinstance(lit, ast.Name) and lit_type in _ENUMS and other == t.STRING:
        return f'if it is a text, write it in quotes: `"{lit.name}"`'
    return None



def _code_hint(code: str) -> str:
    """What to write for a catégorie juridique code compared with a kind."""
    name = lf.name_of(code)
    compare = f'or compare the code itself: `applicant.legal_form == "{code}"`'
    if name is not None:
        return f"a kind is written by its name: `{name}` ({code}), {compare}"
    return f"`{code}` has no readable name: compare the code, `applicant.legal_form == \"{code}\"`"
