"""Functions callable in policy expressions: declarations with types and a doc.

The checker types calls from the declarations before anything runs; the
evaluator calls `impl`. fitn7's own built-ins are declared here the same way
a plugin declares its functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.logic import k_and, k_or

#: Either the result type, or a message saying what is wrong with the arguments.
Inference = t.Type | str


#: The name fitn7's own functions are registered under, as an internal plugin.
BUILTIN_PLUGIN = "fitn7"


@attrs.frozen
class FunctionDecl:
    """A function a policy may call: name, parameter types, result type, doc, code.

    `infer` types polymorphic built-ins; plugin functions give `params` and
    `returns` and are checked argument by argument. When `predicate_arg` is
    set, that argument is evaluated once per element of argument 0, in the
    element's scope (`any(expenses, category == etude)`), and `impl` receives
    the list of results in its place.
    """

    name: str
    params: tuple[tuple[str, t.Type], ...]
    returns: t.Type
    doc: str
    impl: Callable[..., Any]
    infer: Callable[[Sequence[t.Type]], Inference] | None = None
    predicate_arg: int | None = None
    #: The plugin that declared it (`fitn7` for built-ins).
    plugin: str = BUILTIN_PLUGIN

    def signature(self) -> str:
        """`name(param: type, ...) -> type`, for docs and `fitn7 plugins`."""
        params = ", ".join(f"{n}: {ty}" for n, ty in self.params)
        return f"{self.name}({params}) -> {self.returns}"

    def result_type(self, args: Sequence[t.Type]) -> Inference:
        """The type of a call with arguments of these types, or an error message."""
        if self.infer is not None:
            return self.infer(args)
        if len(args) != len(self.params):
            return f"`{self.name}` takes {len(self.params)} argument(s), got {len(args)}"
        for (pname, ptype), atype in zip(self.params, args, strict=True):
            if not t.compatible(ptype, atype):
                return f"argument `{pname}` of `{self.name}` is {ptype}, got {atype}"
        return self.returns


@attrs.frozen
class FunctionRegistry:
    """The functions a policy can call, by name."""

    functions: Mapping[str, FunctionDecl]

    def get(self, name: str) -> FunctionDecl | None:
        """The declaration of `name`, or None."""
        return self.functions.get(name)

    def names(self) -> list[str]:
        """Every callable name, sorted."""
        return sorted(self.functions)

    def with_functions(self, decls: Sequence[FunctionDecl]) -> FunctionRegistry:
        """A registry with these declarations added (a later one replaces an earlier)."""
        return FunctionRegistry({**self.functions, **{d.name: d for d in decls}})


# ------------------------------------------------------------------ built-ins

_ADDABLE = (t.INT, t.DECIMAL, t.MONEY)


def _infer_count(args: Sequence[t.Type]) -> Inference:
    if len(args) != 1 or t.element_type(args[0]) is None:
        return "`count` takes one list or set: `count(members)`"
    return t.INT


def _infer_sum(args: Sequence[t.Type]) -> Inference:
    elem = t.element_type(args[0]) if len(args) == 1 else None
    if elem is None:
        return "`sum` takes one list of numbers or amounts: `sum(expenses.amount)`"
    if elem == t.ANY:
        return t.ANY
    if elem not in _ADDABLE:
        return f"`sum` adds numbers or amounts, not {elem}"
    return elem


def _infer_extreme(name: str) -> Callable[[Sequence[t.Type]], Inference]:
    def infer(args: Sequence[t.Type]) -> Inference:
        if len(args) == 1:
            elem = t.element_type(args[0])
            if elem is None:
                return f"`{name}` takes a list, or two values or more: `{name}(a, b)`"
            args = [elem]
        if not args:
            return f"`{name}` needs at least one value"
        known = [a for a in args if a != t.ANY]
        if not known:
            return t.ANY
        first = known[0]
        for other in known[1:]:
            if not t.compatible(first, other):
                return f"`{name}` compares values of one type, got {first} and {other}"
        if first not in t.ORDERED:
            return f"`{name}` needs numbers, amounts or dates, not {first}"
        if all(a in t.NUMBERS for a in known) and t.DECIMAL in known:
            return t.DECIMAL
        return first

    return infer


def _infer_quantifier(name: str) -> Callable[[Sequence[t.Type]], Inference]:
    def infer(args: Sequence[t.Type]) -> Inference:
        if len(args) == 1:
            elem = t.element_type(args[0])
            if elem not in (t.BOOL, t.ANY):
                return (
                    f"`{name}` takes a list and a condition: "
                    f"`{name}(expenses, category == etude)`"
                )
            return t.BOOL
        if len(args) == 2:
            if t.element_type(args[0]) is None:
                return f"the first argument of `{name}` is a list, got {args[0]}"
            if args[1] not in (t.BOOL, t.ANY):
                return f"the second argument of `{name}` is a condition, got {args[1]}"
            return t.BOOL
        return f"`{name}` takes a list and a condition: `{name}(expenses, category == etude)`"

    return infer


def _infer_floor(args: Sequence[t.Type]) -> Inference:
    if len(args) != 1 or args[0] not in (t.INT, t.DECIMAL, t.ANY):
        return "`floor` takes one number: `floor(project.communes_covered / 10)`"
    return t.INT


def _count(items: Sequence[Any] | None) -> int | None:
    return None if items is None else len(items)


def _sum(items: Sequence[Any] | None) -> Any:
    if items is None or any(v is None for v in items):
        return None
    total: Any = 0
    for v in items:
        total = total + v
    return total


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def impl(*args: Any) -> Any:
        values = args[0] if len(args) == 1 else args
        if values is None or any(v is None for v in values) or not values:
            return None
        return pick(values)

    return impl


def _any(items: Sequence[Any] | None, results: Sequence[Any] | None = None) -> bool | None:
    if items is None:
        return None
    return k_or(results if results is not None else items)


def _all(items: Sequence[Any] | None, results: Sequence[Any] | None = None) -> bool | None:
    if items is None:
        return None
    return k_and(results if results is not None else items)


def _floor(value: int | Decimal | None) -> int | None:
    return None if value is None else math.floor(value)


_LIST = t.ListOf(t.ANY)

BUILTINS: tuple[FunctionDecl, ...] = (
    FunctionDecl("count", (("items", _LIST),), t.INT, "How many elements a list has.",
                 _count, _infer_count),
    FunctionDecl("sum", (("items", _LIST),), t.MONEY,
                 "The sum of a list of numbers or amounts; 0 for an empty list.",
                 _sum, _infer_sum),
    FunctionDecl("min", (("values", _LIST),), t.ANY,
                 "The smallest of a list, or of two values or more.", _extreme(min),
                 _infer_extreme("min")),
    FunctionDecl("max", (("values", _LIST),), t.ANY,
                 "The largest of a list, or of two values or more.", _extreme(max),
                 _infer_extreme("max")),
    FunctionDecl("any", (("items", _LIST), ("condition", t.BOOL)), t.BOOL,
                 "Whether the condition holds for some element (Kleene: unknown if it "
                 "holds for none and is unknown for one).", _any, _infer_quantifier("any"), 1),
    FunctionDecl("all", (("items", _LIST), ("condition", t.BOOL)), t.BOOL,
                 "Whether the condition holds for every element (true for an empty list).",
                 _all, _infer_quantifier("all"), 1),
    FunctionDecl("floor", (("value", t.DECIMAL),), t.INT,
                 "The largest integer not above a number: `floor(23 / 10)` is 2.",
                 _floor, _infer_floor),
)


def builtin_registry() -> FunctionRegistry:
    """A registry holding fitn7's built-in functions only."""
    return FunctionRegistry({d.name: d for d in BUILTINS})
