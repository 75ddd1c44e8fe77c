"""Compiles policy expressions into Python closures, once per policy.

Each expression becomes a function of an `Env` returning a value, or `None`
when it is unknown (three-valued logic: see `fitn7.logic`). The AST is walked
here only; evaluating a dossier calls the closures. Reads of the dossier are
recorded in `Env.reads` so a decision can say which fields it missed and, in
trace mode, which values each rule saw.
"""

from __future__ import annotations

import datetime
import enum
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Category, Kind
from fitn7.dsl import ast
from fitn7.dsl.formatter import format_expression, format_string
from fitn7.errors import EvaluationError
from fitn7.evaluation.decision import Status
from fitn7.evaluation.env import DERIVED, Env, NotAField
from fitn7.functions import BUILTIN_PLUGIN, FunctionRegistry
from fitn7.logic import k_implies, k_in
from fitn7.scope import NameKind, Scope

Fn = Callable[[Env], Any]

_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

_CONSTANTS: Mapping[str, Any] = {
    **{k.value: k for k in Kind},
    **{c.value: c for c in Category},
    **{s.value: s for s in Status},
}


def constant_value(name: str) -> Any:
    """The value of a constant name: a status, a kind or category fitn7 names (its enum
    member), or else the name itself (a category the policy declares)."""
    return _CONSTANTS.get(name, name)

_HUNDRED = Decimal(100)
_FAMILIES = t.SetOf(t.FAMILY)


@attrs.frozen
class Compiler:
    """Compiles the expressions of one policy (its lets, params and functions)."""

    scope: Scope
    functions: FunctionRegistry
    let_exprs: Mapping[str, ast.Expr]
    #: The value an optional input takes when the dossier does not give it, by name.
    input_defaults: Mapping[str, Any] = attrs.field(factory=dict)
    #: Each let's reader, compiled at its first use in this scope: compiled again at
    #: every use, a chain of lets using the one before twice took exponential time.
    _let_readers: dict[str, Fn] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def inside(self, element: t.Record | None) -> Compiler:
        """The compiler for expressions evaluated per element of a list of records."""
        return attrs.evolve(self, scope=self.scope.inside(element))

    def for_invariants(self) -> Compiler:
        """The compiler for `invariant` conditions, which may read the decision."""
        return attrs.evolve(self, scope=attrs.evolve(self.scope, in_invariant=True))

    # ------------------------------------------------------------- entry

    def compile(self, node: ast.Expr) -> Fn:
        """The closure computing `node`."""
        const = self.constant(node)
        if const is not NOT_CONSTANT:
            return lambda env: const
        method = getattr(self, f"_c_{type(node).__name__}")
        fn: Fn = method(node)
        return fn

    def constant(self, node: ast.Expr) -> Any:
        """The value of a literal expression known without a dossier, else a marker."""
        match node:
            case ast.IntLit(value=v) | ast.DecimalLit(value=v) | ast.MoneyLit(value=v):
                return v
            case ast.PercentLit(value=v):
                return v / _HUNDRED
            case ast.DateLit(value=v) | ast.StringLit(value=v) | ast.BoolLit(value=v):
                return v
            case ast.Name(name=name) if self.scope.resolve(name) is NameKind.CONSTANT:
                return constant_value(name)
            case ast.SetLit(items=items):
                values = [self.constant(i) for i in items]
                if all(v is not NOT_CONSTANT for v in values):
                    return frozenset(values)
        return NOT_CONSTANT

    # ------------------------------------------------------------- names

    def _c_Name(self, node: ast.Name) -> Fn:
        name = node.name
        kind = self.scope.resolve(name)
        if kind is NameKind.ELEMENT_FIELD:
            return _element_reader((name,))
        if kind is NameKind.LET:
            return self._let_reader(name)
        if kind is NameKind.PARAM:
            key = NotAField(name)

            def read_param(env: Env) -> Any:
                value = env.params[name]
                if env.trace:
                    env.reads.append((key, value))
                return value

            return read_param
        if kind is NameKind.INPUT:
            return _input_reader(name, self.input_defaults.get(name))
        if kind is NameKind.FIELD:
            if name in DERIVED:
                return lambda env: env.derived(name)
            return _field_reader((name,))
        if kind is NameKind.DECISION:
            return lambda env: env.decision.get(name)
        raise EvaluationError(f"unknown name `{name}` at {node.span}")  # the checker reports it

    def _let_reader(self, name: str) -> Fn:
        known = self._let_readers.get(name)
        if known is None:
            known = self._let_readers[name] = self._new_let_reader(name)
        return known

    def _new_let_reader(self, name: str) -> Fn:
        inner = self.compile(self.let_exprs[name])

        def read_let(env: Env) -> Any:
            cached = env.let_cache.get(name)
            if cached is None:
                saved = env.reads
                env.reads = []
                value = inner(env)
                cached = (value, env.reads)
                env.reads = saved
                env.let_cache[name] = cached
            env.reads.extend(cached[1])
            if env.trace:
                env.reads.append((key, cached[0]))
            return cached[0]

        key = NotAField(name)
        return read_let

    def plain_path(self, node: ast.Expr) -> tuple[NameKind, tuple[str, ...]] | None:
        """A plain field path (`applicant.population`, `provider.region` in an element)."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        kind = self.scope.resolve(node.name)
        if kind is NameKind.FIELD and node.name not in DERIVED:
            return kind, (node.name, *reversed(parts))
        if kind is NameKind.ELEMENT_FIELD:
            return kind, (node.name, *reversed(parts))
        return None

    def _c_Attribute(self, node: ast.Attribute) -> Fn:
        path = self.plain_path(node)
        if path is not None:
            kind, parts = path
            if self.crosses_list(parts, kind):
                return self._projection(node)
            if kind is NameKind.ELEMENT_FIELD:
                return _element_reader(parts)
            return _field_reader(parts)
        return self._projection(node)

    def crosses_list(self, parts: tuple[str, ...], kind: NameKind) -> bool:
        """Whether a path goes through a list before its end (`members.population`)."""
        record: t.Type | None = (
            self.scope.element if kind is NameKind.ELEMENT_FIELD else t.DOSSIER
        )
        for part in parts[:-1]:
            if not isinstance(record, t.Record):
                return False
            record = self.scope.schema.fields(record).get(part)
            if isinstance(record, t.ListOf):
                return True
        return False

    def _projection(self, node: ast.Attribute) -> Fn:
        inner = self.compile(node.value)
        attr = node.attr
        path_of = ProjectionPath(
            list_path(node.value, self.scope), attr, isinstance(node.value, ast.Filter)
        )
        category_of = attrs.evolve(path_of, attr="category")

        def project(env: Env) -> Any:
            value = inner(env)
            if value is None:
                return None
            if isinstance(value, tuple):
                out: list[Any] = []
                for index, element in enumerate(value):
                    if attr == "eligible" and hasattr(element, "category"):
                        # Computed, not stored: whether the line's category counts.
                        item = line_eligible(element, env)
                        if item is None:
                            env.record(category_of(env.dossier, index, element), None)
                            out.append(None)
                            continue
                        if env.trace:
                            env.record(path_of(env.dossier, index, element), item)
                        out.append(item)
                        continue
                    item = _get(element, attr)
                    if item is None or env.trace:
                        env.record(path_of(env.dossier, index, element), item)
                    out.append(item)
                return tuple(out)
            return _get(value, attr)

        return project

    # ------------------------------------------------------- collections

    def element_compiler(self, collection: ast.Expr) -> Compiler:
        """The compiler for a predicate over the elements of `collection`."""
        element = element_record(collection, self.scope, self.let_exprs)
        return self.inside(element)

    def _c_Filter(self, node: ast.Filter) -> Fn:
        items_fn = self.compile(node.value)
        pred = self.element_compiler(node.value).compile(node.predicate)
        base = list_path(node.value, self.scope) or "?"

        def filtered(env: Env) -> Any:
            items = items_fn(env)
            if items is None:
                return None
            kept = []
            unknown = False
            for index, element in enumerate(items):
                env.elements.append((base, index, element))
                try:
                    holds = pred(env)
                finally:
                    env.elements.pop()
                if holds is True:
                    kept.append(element)
                elif holds is None:
                    unknown = True
            # An element we cannot classify makes the whole selection unknown.
            return None if unknown else tuple(kept)

        return filtered

    def _c_Call(self, node: ast.Call) -> Fn:
        decl = self.functions.get(node.func)
        if decl is None:
            raise EvaluationError(f"unknown function `{node.func}` at {node.span}")
        impl = decl.impl
        if decl.predicate_arg is not None and len(node.args) > decl.predicate_arg:
            items_fn = self.compile(node.args[0])
            pred = self.element_compiler(node.args[0]).compile(node.args[decl.predicate_arg])
            base = list_path(node.args[0], self.scope) or "?"

            def quantified(env: Env) -> Any:
                items = items_fn(env)
                if items is None:
                    return impl(None, None)
                results = []
                for index, element in enumerate(items):
                    env.elements.append((base, index, element))
                    try:
                        results.append(pred(env))
                    finally:
                        env.elements.pop()
                return impl(items, results)

            return quantified
        args = [self.compile(a) for a in node.args]
        name = node.func
        span = node.span
        # A plugin function's answer is data the rule reads, like a field: the
        # trace shows it. fitn7's own functions compute from what is shown.
        shown = decl.plugin != BUILTIN_PLUGIN
        arg_texts = [format_expression(a) for a in node.args]

        def call(env: Env) -> Any:
            values = [a(env) for a in args]
            try:
                result = impl(*values)
            except (ArithmeticError, TypeError, ValueError) as exc:
                raise EvaluationError(f"`{name}` failed at {span}: {exc}") from exc
            if shown and env.trace:
                env.reads.append((call_read(name, values, arg_texts), result))
            return result

        return call

    def _c_SetLit(self, node: ast.SetLit) -> Fn:
        items = [self.compile(i) for i in node.items]

        def build(env: Env) -> Any:
            values = [i(env) for i in items]
            if any(v is None for v in values):
                return None
            return frozenset(values)

        return build

    # ---------------------------------------------------------- operators

    def family_test(self, node: ast.Expr) -> ast.Expr | None:
        """What a comparison with a set of families means, as plain membership, or None:
        `applicant.family == epci` is `epci in applicant.family` (the form is one of
        the family), `applicant.family in {a, b}` is `applicant.family meets {a, b}`.
        Both evaluation paths compile this form, so they agree on it."""
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and node.ops[0] in ("==", "!="):
            left, right = node.operands
            for family, other in ((left, right), (right, left)):
                if self._is_family(family):
                    op: ast.MembershipOperator = "in" if node.ops[0] == "==" else "not in"
                    return ast.Membership(op, other, family, span=node.span)
        if isinstance(node, ast.Membership) and node.op in ("in", "not in") and self._is_family(
                node.left):
            meets = ast.Membership("meets", node.left, node.right, span=node.span)
            return meets if node.op == "in" else ast.Not(meets, span=node.span)
        return None

    def _is_family(self, node: ast.Expr) -> bool:
        return static_type(node, self.scope, self.let_exprs) == _FAMILIES

    def _c_Compare(self, node: ast.Compare) -> Fn:
        meant = self.family_test(node)
        if meant is not None:
            return self.compile(meant)
        operands = [self.compile(o) for o in node.operands]
        ops = [_COMPARE[o] for o in node.ops]
        if len(ops) == 1:
            left_fn, right_fn = operands
            op = ops[0]

            def compare_one(env: Env) -> Any:
                left = left_fn(env)
                right = right_fn(env)
                if left is None or right is None:
                    return None
                return op(left, right)

            return compare_one

        def compare_chain(env: Env) -> Any:
            values = [o(env) for o in operands]
            result: bool | None = True
            for op, left, right in zip(ops, values, values[1:], strict=False):
                if left is None or right is None:
                    result = None
                elif not op(left, right):
                    return False
            return result

        return compare_chain

    def _c_Membership(self, node: ast.Membership) -> Fn:
        meant = self.family_test(node)
        if meant is not None:
            return self.compile(meant)
        left_fn = self.compile(node.left)
        right_fn = self.compile(node.right)
        if node.op == "meets":

            def meets(env: Env) -> Any:
                left, right = left_fn(env), right_fn(env)
                if left is None or right is None:
                    return None
                return not frozenset(left).isdisjoint(right)

            return meets
        negate = node.op == "not in"

        def member(env: Env) -> Any:
            left, right = left_fn(env), right_fn(env)
            if left is None or right is None:
                return None
            found = k_in(left, right)
            return None if found is None else found != negate

        return member

    def _c_BoolOp(self, node: ast.BoolOp) -> Fn:
        operands = [self.compile(o) for o in node.operands]
        if node.op == "and":

            def conj(env: Env) -> Any:
                unknown = False
                for o in operands:
                    v = o(env)
                    if v is False:
                        return False
                    if v is None:
                        unknown = True
                return None if unknown else True

            return conj

        def disj(env: Env) -> Any:
            unknown = False
            for o in operands:
                v = o(env)
                if v is True:
                    return True
                if v is None:
                    unknown = True
            return None if unknown else False

        return disj

    def _c_Not(self, node: ast.Not) -> Fn:
        inner = self.compile(node.operand)

        def negate(env: Env) -> Any:
            v = inner(env)
            return None if v is None else not v

        return negate

    def _c_Implies(self, node: ast.Implies) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda env: k_implies(left(env), right(env))

    def _c_Unary(self, node: ast.Unary) -> Fn:
        inner = self.compile(node.operand)
        if node.op == "+":
            return inner
        return lambda env: None if (v := inner(env)) is None else -v

    def _c_BinOp(self, node: ast.BinOp) -> Fn:
        left_fn, right_fn = self.compile(node.left), self.compile(node.right)
        op = node.op
        span = node.span

        def arith(env: Env) -> Any:
            left, right = left_fn(env), right_fn(env)
            if left is None or right is None:
                return None
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            if right == 0:
                raise EvaluationError(f"division by zero at {span}")
            return Decimal(left) / Decimal(right)

        return arith


class _NotConstant:
    """Marker: the expression needs a dossier."""


#: What `Compiler.constant` returns for an expression that needs a dossier.
NOT_CONSTANT: Any = _NotConstant()


def _get(obj: Any, attr: str) -> Any:
    # `extra` tables are plain dicts; everything else is an attrs object.
    if type(obj) is dict:
        return obj.get(attr)
    return getattr(obj, attr, None)


def is_structure(value: Any) -> bool:
    """Records and lists of records: not worth showing as a value in a trace."""
    if isinstance(value, tuple):
        return bool(value) and _is_record_type(type(value[0]))
    return _is_record_type(type(value))


#: Types of values that are never a structure (`is_structure`), tested first by the
#: traced generated code, where most values read are of one of them.
PLAIN_TYPES = frozenset({str, int, bool, Decimal, datetime.date, frozenset, Kind, Category})


#: `attrs.has` by type, asked for every value a traced rule reads: slow on
#: enums, whose metaclass answers attribute lookups in Python.
_RECORD_TYPES: dict[type, bool] = {}


def _is_record_type(cls: type) -> bool:
    known = _RECORD_TYPES.get(cls)
    if known is None:
        known = _RECORD_TYPES[cls] = attrs.has(cls)
    return known


def read_silently(dossier: Any, parts: tuple[str, ...]) -> Any:
    """A dossier path read without recording it (to locate elements)."""
    value: Any = dossier
    for part in parts:
        value = _get(value, part)
        if value is None:
            return None
    return value


@attrs.frozen
class ProjectionPath:
    """Names the dossier path of one item of a projection: `expenses[2].amount`."""

    base: str | None
    attr: str
    filtered: bool

    def __call__(self, dossier: Any, index: int, element: Any) -> str:
        if self.filtered and self.base:
            # After a filter, positions in the value are not positions in the
            # dossier: the root list is re-read to name the right line.
            root = read_silently(dossier, tuple(self.base.split(".")))
            index = next((i for i, e in enumerate(root or ()) if e is element), index)
        return f"{self.base or '?'}[{index}].{self.attr}"


def _field_reader(parts: tuple[str, ...]) -> Fn:
    """Reads a path of the dossier, recording the first absent part."""
    if len(parts) == 1:
        (name,) = parts

        def read_top(env: Env) -> Any:
            value = getattr(env.dossier, name)
            if value is None or (env.trace and not is_structure(value)):
                env.record(name, value)
            return value

        return read_top

    if len(parts) == 2 and parts[0] != "extra":
        first, second = parts
        joined = f"{first}.{second}"

        def read_pair(env: Env) -> Any:
            # The common case (`applicant.population`), without the loop.
            outer = getattr(env.dossier, first)
            if outer is None:
                env.reads.append((first, None))
                return None
            value = getattr(outer, second, None) if type(outer) is not dict else outer.get(second)
            if value is None or (env.trace and not is_structure(value)):
                env.reads.append((joined, value))
            return value

        return read_pair

    def read(env: Env) -> Any:
        value: Any = env.dossier
        for depth, part in enumerate(parts):
            value = _get(value, part)
            if value is None:
                env.record(".".join(parts[: depth + 1]), None)
                return None
        if env.trace and not is_structure(value):
            env.record(".".join(parts), value)
        return value

    return read


def input_path(name: str) -> str:
    """Where an input is in a dossier, as `missing` and the trace name it: `inputs.NAME`."""
    return f"inputs.{name}"


def document_path(name: str) -> str:
    """How `missing` names a document the dossier does not list: `documents.NAME`."""
    return f"documents.{name}"


def _input_reader(name: str, default: Any) -> Fn:
    """Reads an input the policy declares: the dossier's value, else its default."""
    path = input_path(name)

    def read_input(env: Env) -> Any:
        value = env.dossier.inputs.get(name)
        if value is None:
            value = default
        env.record(path, value)
        return value

    return read_input


def _element_reader(parts: tuple[str, ...]) -> Fn:
    """Reads a path from the innermost element of a filter or quantifier."""
    if len(parts) == 1 and parts[0] != "eligible":
        (name,) = parts

        def read_one(env: Env) -> Any:
            # The common case (`category == etude`), without the loop.
            base, index, element = env.elements[-1]
            value = _get(element, name)
            if value is None or (env.trace and not is_structure(value)):
                env.reads.append((f"{base}[{index}].{name}", value))
            return value

        return read_one

    def read(env: Env) -> Any:
        base, index, value = env.elements[-1]
        for depth, part in enumerate(parts):
            if part == "eligible" and depth == 0 and hasattr(value, "category"):
                value = line_eligible(value, env)
                if value is None:
                    env.record(f"{base}[{index}].category", None)
                    return None
                continue
            value = _get(value, part)
            if value is None:
                env.record(f"{base}[{index}]." + ".".join(parts[: depth + 1]), None)
                return None
        if env.trace and not is_structure(value):
            env.record(f"{base}[{index}]." + ".".join(parts), value)
        return value

    return read


def static_type(node: ast.Expr, scope: Scope, lets: Mapping[str, ast.Expr] | None = None) -> t.Type:
    """The type of a path-like expression, enough to know what a filter ranges over."""
    schema = scope.schema
    match node:
        case ast.Name(name=name):
            kind = scope.resolve(name)
            if kind is NameKind.ELEMENT_FIELD and scope.element is not None:
                return schema.fields(scope.element)[name]
            if kind is NameKind.FIELD:
                return schema.fields(t.DOSSIER)[name]
            if kind is NameKind.LET and lets is not None and name in lets:
                return static_type(lets[name], scope, lets)
            return t.ANY
        case ast.Attribute(value=value, attr=attr):
            inner = static_type(value, scope, lets)
            if isinstance(inner, t.ListOf) and isinstance(inner.element, t.Record):
                field = schema.fields(inner.element).get(attr, t.ANY)
                return field if isinstance(field, t.ListOf) else t.ListOf(field)
            if isinstance(inner, t.Record):
                return schema.fields(inner).get(attr, t.ANY)
            return t.ANY
        case ast.Filter(value=value):
            return static_type(value, scope, lets)
    return t.ANY


def element_record(
    collection: ast.Expr, scope: Scope, lets: Mapping[str, ast.Expr] | None = None
) -> t.Record | None:
    """The record type of the elements of a list expression, if they are records."""
    ty = static_type(collection, scope, lets)
    if isinstance(ty, t.ListOf | t.SetOf) and isinstance(ty.element, t.Record):
        return ty.element
    return None


def list_path(node: ast.Expr, scope: Scope) -> str | None:
    """The dossier path a list expression comes from (`expenses` for `expenses[…]`)."""
    while isinstance(node, ast.Filter):
        node = node.value
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and scope.resolve(node.name) is NameKind.FIELD:
        return ".".join([node.name, *reversed(parts)])
    return None


def line_eligible(line: Any, env: Env) -> bool | None:
    """Whether an expense line counts in the eligible base: unknown without a category."""
    return None if line.category is None else line.category in env.eligible_categories


def call_read(name: str, values: list[Any], texts: list[str]) -> NotAField:
    """How a plugin call shows in the trace: `zrr("29195")`, `local_share(expenses, "53")`.

    A scalar argument shows its value, so the reader sees what was asked;
    a list shows the expression it came from.
    """
    shown = [_scalar_text(value) or text for value, text in zip(values, texts, strict=True)]
    return NotAField(f"{name}({', '.join(shown)})")


def _scalar_text(value: Any) -> str | None:
    """A value as a policy writes it, for a scalar or a set of scalars; None otherwise.

    A set is shown sorted: `{"29", "35"}` and `{"35", "29"}` are one value
    (and one policy hash), so they must be one trace.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        # Before `str`: a kind or category is text too (StrEnum), written as a name.
        return str(value.value)
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        items = [_scalar_text(v) for v in value]
        if all(item is not None for item in items):
            return "{" + ", ".join(sorted(str(i) for i in items)) + "}"
    return None
