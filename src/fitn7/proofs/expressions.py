"""Policy expressions as three-valued solver terms; what cannot be expressed becomes a
free term and is recorded, never dropped."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import z3

from fitn7 import types as t
from fitn7.dsl import ast
from fitn7.dsl.formatter import format_expression
from fitn7.dsl.source import Span
from fitn7.proofs.inputs import ENUMS, FIELDS, INPUT, Inputs
from fitn7.proofs.values import (
    TRUE,
    Sym,
    const_bool,
    const_code,
    const_num,
    k_and,
    k_not,
    k_or,
    strict,
    zmax,
    zmin,
)
from fitn7.vocabulary import scope_names


@attrs.frozen
class Unmodelled:
    """A part of a policy the model reads as a free value, and why."""

    what: str
    reason: str
    span: Span | None

    @property
    def file(self) -> str | None:
        """The policy file it is written in."""
        return self.span.file if self.span else None

    @property
    def line(self) -> int | None:
        """Its line."""
        return self.span.line if self.span else None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        return f"{where}`{self.what}` is not modelled ({self.reason})"


_ENUM_OF: dict[t.Type, str] = {t.KIND: "kind", t.STATUS: "status"}


class Translator:
    """Translates the expressions of one policy over shared `Inputs`.

    `decision` supplies `status`, `amount` and `score` to invariants.
    """

    def __init__(self, policy: ast.Policy, inputs: Inputs,
                 params: Mapping[str, ast.Param] | None = None) -> None:
        self.policy = policy
        self.inputs = inputs
        self.params = params if params is not None else {
            p.name: p for p in policy.of_type(ast.Param)}
        self.lets = {let.name: let.value for let in policy.of_type(ast.Let)}
        self.declared_inputs = {i.name: i for i in policy.of_type(ast.Input)}
        #: The constants this policy names: legal forms, families, its categories.
        self.constants = scope_names(policy)[1]
        self.let_cache: dict[str, Sym] = {}
        # attrs reprs leave spans out: two versions that define the same names alike
        # give the same text, whatever their layout.
        self.definitions = str(hash(repr(sorted(self.lets.items())) + repr(
            sorted((n, p.default) for n, p in self.params.items()))))
        self.unmodelled: list[Unmodelled] = []
        #: The fields of the line a condition of `any`/`all` is read on.
        self.element: dict[str, Sym] | None = None
        self.decision: Callable[[str], Sym] | None = None
        #: `eligible_expenses` and `total_expenses` as this policy counts them.
        self.derived: dict[str, Sym] = {}
        self.sessions = sorted(
            (s.closes.value, s.name) for s in policy.of_type(ast.Session)
            if isinstance(s.closes, ast.DateLit))

    # ------------------------------------------------------------------ helpers

    def opaque(self, node: ast.Expr, reason: str) -> Sym:
        """A free value for `node`, recorded with its reason and line."""
        text = format_expression(node)
        note = Unmodelled(text, reason, node.span)
        if note not in self.unmodelled:
            self.unmodelled.append(note)
        # Keyed by its text and the definitions it may read: the same expression in
        # two versions is the same value only when their lets and params are the same.
        return self.inputs.free(f"{text}|{self.definitions}")

    def expr(self, node: ast.Expr) -> Sym:
        """The symbolic value of an expression."""
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            return self.opaque(node, f"{type(node).__name__} expressions are not modelled")
        try:
            result: Sym = method(node)
        except (z3.Z3Exception, AttributeError, TypeError) as exc:
            # A combination of types the translation does not foresee (a sort clash):
            # degraded to a free value, reported, rather than a crash.
            return self.opaque(node, f"this combination is not modelled ({exc})")
        return result

    # ----------------------------------------------------------------- literals

    def _IntLit(self, node: ast.IntLit) -> Sym:
        return const_num(node.value)

    def _DecimalLit(self, node: ast.DecimalLit) -> Sym:
        return const_num(node.value)

    def _MoneyLit(self, node: ast.MoneyLit) -> Sym:
        return const_num(node.value)

    def _PercentLit(self, node: ast.PercentLit) -> Sym:
        return const_num(node.value / Decimal(100))

    def _DateLit(self, node: ast.DateLit) -> Sym:
        return const_num(node.value.toordinal())

    def _StringLit(self, node: ast.StringLit) -> Sym:
        return const_code(self.inputs.codes.code(node.value))

    def _BoolLit(self, node: ast.BoolLit) -> Sym:
        return const_bool(node.value)

    def _SetLit(self, node: ast.SetLit) -> Sym:
        items = tuple(self.expr(i) for i in node.items)
        return Sym("set", z3.And([i.known for i in items]) if items else TRUE, items=items)

    # -------------------------------------------------------------------- names

    def _Name(self, node: ast.Name) -> Sym:
        name = node.name
        if self.element is not None and name in self.element:
            return self.element[name]
        if name in self.lets:
            if name not in self.let_cache:
                # A `let` is read in the policy's scope, never a line's.
                outer, self.element = self.element, None
                try:
                    self.let_cache[name] = self.expr(self.lets[name])
                finally:
                    self.element = outer
            return self.let_cache[name]
        if name in self.params:
            # Proofs hold for the defaults: a committee's --param is another policy.
            return self.expr(self.params[name].default)
        if name in self.declared_inputs:
            return self._input(node, self.declared_inputs[name])
        if name in ("status", "amount", "score") and self.decision is not None:
            return self.decision(name)
        if name in self.derived:
            return self.derived[name]
        if name in FIELDS or name == "joint":
            return self.inputs.field(name)
        if name == "session":
            if any(not isinstance(s.closes, ast.DateLit)
                   for s in self.policy.of_type(ast.Session)):
                return self.opaque(node, "a session closing on a computed date")
            return self._session()
        constant = self.constants.get(name)
        if constant == t.CATEGORY and name in self.inputs.categories:
            return const_code(self.inputs.categories.index(name))
        if constant == t.KIND:
            codes = [i for i, c in enumerate(self.inputs.legal_forms) if c.name == name]
            if codes:
                # A name whose codes fall in several classes (`scop`) is any of them.
                return Sym("code", TRUE, z3.IntVal(codes[0]),
                           items=tuple(const_code(i) for i in codes[1:]))
        enum = _ENUM_OF.get(constant) if constant is not None else None
        if enum is not None and name in ENUMS[enum]:
            return const_code(ENUMS[enum].index(name))
        return self.opaque(node, "this name is not a modelled field")

    def _input(self, node: ast.Name, declared: ast.Input) -> Sym:
        """A declared input: absent, it is unknown, or its default when it has one."""
        path = f"{INPUT}{declared.name}"
        if path not in self.inputs.declared:
            return self.opaque(node, f"an input of type `{declared.type}` is not modelled")
        sym = self.inputs.field(path)
        if declared.default is None:
            return sym
        default = self.expr(declared.default)
        if default.kind != sym.kind or sym.kind not in ("bool", "num", "code"):
            return self.opaque(node, "this input's default is not modelled")
        return Sym(sym.kind, z3.Or(sym.known, default.known),
                   z3.If(sym.known, sym.value, default.value))

    def _session(self) -> Sym:
        submitted = self.inputs.field("submitted")
        value: Any = z3.IntVal(self.inputs.codes.code(""))
        for closes, name in reversed(self.sessions):
            assert isinstance(closes, datetime.date)
            value = z3.If(submitted.value <= closes.toordinal(),
                          z3.IntVal(self.inputs.codes.code(name)), value)
        return Sym("code", submitted.known, value)

    def _Attribute(self, node: ast.Attribute) -> Sym:
        path = _path(node)
        if path is not None and path in FIELDS:
            return self.inputs.field(path)
        return self.opaque(node, "lists of records, `extra` fields and plugin fields are "
                                 "not modelled")

    # ---------------------------------------------------------------- operators

    def _Unary(self, node: ast.Unary) -> Sym:
        inner = self.expr(node.operand)
        if inner.kind not in ("num", "opaque"):
            return self.opaque(node, "a sign on a non-number")
        return strict("num", [inner], -inner.as_num() if node.op == "-" else inner.as_num())

    def _BinOp(self, node: ast.BinOp) -> Sym:
        a, b = self.expr(node.left), self.expr(node.right)
        if a.kind not in ("num", "opaque") or b.kind not in ("num", "opaque"):
            return self.opaque(node, "arithmetic on non-numbers")
        x, y = a.as_num(), b.as_num()
        if node.op == "+":
            value = x + y
        elif node.op == "-":
            value = x - y
        elif node.op == "*":
            value = x * y
        else:
            # Division by zero is an evaluation error, not a decision: y ≠ 0 is
            # assumed, and the model says so.
            self.inputs.constraints.append(z3.Implies(z3.And(a.known, b.known), y != 0))
            value = x / y
        return strict("num", [a, b], value)

    def _families(self, node: ast.Expr) -> tuple[str, ...] | None:
        """The names of families (or of forms that are families too: `commune`) an
        expression stands for, through `let`s and `param`s; None for anything else."""
        if isinstance(node, ast.SetLit):
            names = [self._families(i) for i in node.items]
            return None if any(n is None for n in names) else tuple(
                x for n in names if n is not None for x in n)
        if not isinstance(node, ast.Name):
            return None
        if node.name in self.lets:
            return self._families(self.lets[node.name])
        if node.name in self.params:
            return self._families(self.params[node.name].default)
        if node.name in self.declared_inputs or not t.is_family_name(node.name):
            return None
        return (node.name,) if self.constants.get(node.name) in (t.FAMILY, t.KIND) else None

    def _family_test(self, names: tuple[str, ...]) -> Sym:
        """The applicant's legal form is of one of these families."""
        kind = self.inputs.field("applicant.kind")
        codes = [i for i, c in enumerate(self.inputs.legal_forms) if c.families & set(names)]
        return Sym("bool", kind.known, z3.Or([kind.value == i for i in codes])
                   if codes else z3.BoolVal(False))

    def _family_read(self, node: ast.Expr, op: str, left: ast.Expr,
                     right: ast.Expr) -> Sym | None:
        """`applicant.family` compared with families (`==`, `!=`, `in`, `not in`, `meets`,
        `F in applicant.family`), as the evaluator reads it (docs/language.md); None when
        the expression is no such comparison."""
        if _path(left) == "applicant.family" and op in ("==", "!=", "in", "not in",
                                                          "meets"):
            names = self._families(right)
            if names is None or (op in ("==", "!=") and len(names) != 1):
                return None
        elif _path(right) == "applicant.family" and op in ("in", "not in"):
            names = self._families(left)
            if names is None or len(names) != 1:
                return None
        else:
            return None
        found = self._family_test(names)
        return k_not(found) if op in ("!=", "not in") else found

    def _Compare(self, node: ast.Compare) -> Sym:
        if len(node.ops) == 1:
            family = self._family_read(node, node.ops[0], *node.operands)
            if family is not None:
                return family
        values = [self.expr(o) for o in node.operands]
        links = []
        for op, a, b in zip(node.ops, values, values[1:], strict=False):
            if op in ("<", "<=", ">", ">=") and "code" in (a.kind, b.kind):
                return self.opaque(node, "the order of strings is not modelled")
            if "set" in (a.kind, b.kind) or "strlist" in (a.kind, b.kind):
                return self.opaque(node, "comparing lists or sets is not modelled")
            x, y = _pair(a, b)
            if op in ("==", "!=") and (a.items or b.items) and "set" not in (a.kind, b.kind):
                same = _same(a, b)
                links.append(strict("bool", [a, b], same if op == "==" else z3.Not(same)))
                continue
            links.append(strict("bool", [a, b], _COMPARE[op](x, y)))
        return links[0] if len(links) == 1 else k_and(links)

    def _Membership(self, node: ast.Membership) -> Sym:
        family = self._family_read(node, node.op, node.left, node.right)
        if family is not None:
            return family
        left, right = self.expr(node.left), self.expr(node.right)
        if node.op == "meets":
            return self._meets(node, left, right)
        if right.kind == "set":
            found = k_or([strict("bool", [left, item], _same(left, item))
                          for item in right.items]) if right.items else const_bool(False)
        elif right.kind == "strlist" and left.kind in ("code", "opaque"):
            found = strict("bool", [left, right], right.contains(_scalar(left)))
        else:
            return self.opaque(node, "membership in this collection is not modelled")
        return k_not(found) if node.op == "not in" else found

    def _meets(self, node: ast.Membership, left: Sym, right: Sym) -> Sym:
        if left.kind == "set" and right.kind != "set":
            left, right = right, left
        if left.kind == "strlist" and right.kind == "set":
            value = z3.Or([left.contains(_scalar(i)) for i in right.items]) \
                if right.items else z3.BoolVal(False)
            return strict("bool", [left, right], value)
        if left.kind == "set" and right.kind == "set":
            value = z3.Or([_scalar(a) == _scalar(b) for a in left.items for b in right.items])
            return strict("bool", [left, right], value)
        return self.opaque(node, "`meets` on these collections is not modelled")

    def _BoolOp(self, node: ast.BoolOp) -> Sym:
        operands = [self.expr(o) for o in node.operands]
        return k_and(operands) if node.op == "and" else k_or(operands)

    def _Not(self, node: ast.Not) -> Sym:
        return k_not(self.expr(node.operand))

    def _Implies(self, node: ast.Implies) -> Sym:
        return k_or([k_not(self.expr(node.left)), self.expr(node.right)])

    def _over_lines(self, node: ast.Call) -> Sym | None:
        """`any(expenses, C)` or `all(expenses, C)` where C reads no field of a line but
        its category; None for any other call."""
        if node.func not in ("any", "all") or len(node.args) != 2 or \
                node.args[0] != ast.Name("expenses"):
            return None
        condition = node.args[1]
        if any((isinstance(n, ast.Name) and n.name in _LINE_FIELDS) or isinstance(n, ast.Call)
               for n in ast.walk(condition)):
            return None
        lines = self.inputs.line_categories()
        per: dict[str | None, Sym] = {}
        outer = self.element
        try:
            for code, category in [*enumerate(self.inputs.categories), (-1, None)]:
                known = TRUE if category is not None else z3.BoolVal(False)
                self.element = {"category": Sym("code", known, z3.IntVal(code))}
                per[category] = self.expr(condition)
        finally:
            self.element = outer
        return lines.quantified(per, every=node.func == "all")

    def _Call(self, node: ast.Call) -> Sym:
        quantified = self._over_lines(node)
        if quantified is not None:
            return quantified
        if node.func in ("min", "max") and len(node.args) >= 2:
            args = [self.expr(a) for a in node.args]
            if all(a.kind in ("num", "opaque") for a in args):
                pick = zmin if node.func == "min" else zmax
                value = args[0].as_num()
                for a in args[1:]:
                    value = pick(value, a.as_num())
                return strict("num", args, value)
        if node.func == "floor" and len(node.args) == 1:
            arg = self.expr(node.args[0])
            if arg.kind in ("num", "opaque"):
                return strict("num", [arg], z3.ToReal(z3.ToInt(arg.as_num())))
        return self.opaque(node, f"`{node.func}` over lists or from a plugin is not modelled")


#: The fields of an expense line (docs/language.md): inside `any(expenses, …)` a bare
#: name among them is the line's.
_LINE_FIELDS = frozenset({"label", "category", "amount", "provider", "amount_ht",
                          "amount_ttc", "vat_recovered", "eligible"}) - {"category"}


def _scalar(s: Sym) -> Any:
    return s.value


def _same(a: Sym, b: Sym) -> Any:
    """Two scalars are equal; a legal form's name may stand for several codes (its
    `items` beside its `value`)."""
    left = [a.value, *(i.value for i in a.items)] if a.kind == "code" else [_scalar(a)]
    right = [b.value, *(i.value for i in b.items)] if b.kind == "code" else [_scalar(b)]
    return z3.Or([x == y for x in left for y in right])


def _pair(a: Sym, b: Sym) -> tuple[Any, Any]:
    """The two values to compare, an unmodelled one read as the other's sort."""
    if a.kind == "opaque" and b.kind == "bool":
        return a.as_bool(), b.value
    if b.kind == "opaque" and a.kind == "bool":
        return a.value, b.as_bool()
    return a.value, b.value


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _path(node: ast.Expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Attribute):
        inner = _path(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None
