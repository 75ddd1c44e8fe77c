"""Three-valued symbolic values: a `known` flag beside the value, so that an absent
field is modelled (Kleene logic), not assumed present."""

from __future__ import annotations

from typing import Any

import attrs
import z3


@attrs.frozen
class Sym:
    """A value of the policy language as solver terms.

    `kind` says how `value` reads: `bool` (a z3 Bool), `num` (a Real: numbers,
    money, percentages as fractions, dates as day numbers), `code` (an Int: a
    string or an enum member by its code, see `inputs.Codes`), `strlist` (a list
    of strings, as `contains`), `set` (a literal set, as `items`), or `opaque`
    (unmodelled: both a free Bool and a free Real, read as the context needs).
    """

    kind: str
    known: Any
    value: Any = None
    contains: Any = None  # strlist: a function from a code to a Bool
    items: tuple[Sym, ...] = ()
    opaque_bool: Any = None

    def as_bool(self) -> Any:
        """The truth value (meaningful when known)."""
        if self.kind == "opaque":
            return self.opaque_bool
        return self.value

    def as_num(self) -> Any:
        """The numeric value (meaningful when known)."""
        return self.value


TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


def const_bool(value: bool) -> Sym:
    """A known truth value."""
    return Sym("bool", TRUE, z3.BoolVal(value))


def const_num(value: Any) -> Sym:
    """A known number (int, Decimal)."""
    return Sym("num", TRUE, z3.RealVal(str(value)))


def const_code(code: int) -> Sym:
    """A known string or enum member, by code."""
    return Sym("code", TRUE, z3.IntVal(code))


def k_not(a: Sym) -> Sym:
    """Kleene negation."""
    return Sym("bool", a.known, z3.Not(a.as_bool()))


def k_and(operands: list[Sym]) -> Sym:
    """Kleene conjunction: false if one is known false, else unknown if one is unknown."""
    some_false = z3.Or([z3.And(o.known, z3.Not(o.as_bool())) for o in operands])
    all_known = z3.And([o.known for o in operands])
    return Sym("bool", z3.Or(some_false, all_known),
               z3.And([z3.Or(z3.Not(o.known), o.as_bool()) for o in operands]))


def k_or(operands: list[Sym]) -> Sym:
    """Kleene disjunction: true if one is known true, else unknown if one is unknown."""
    some_true = z3.Or([z3.And(o.known, o.as_bool()) for o in operands])
    all_known = z3.And([o.known for o in operands])
    return Sym("bool", z3.Or(some_true, all_known), some_true)


def holds(s: Sym) -> Any:
    """Known and true."""
    return z3.And(s.known, s.as_bool())


def fails(s: Sym) -> Any:
    """Known and false."""
    return z3.And(s.known, z3.Not(s.as_bool()))


def strict(kind: str, operands: list[Sym], value: Any) -> Sym:
    """A value known when all its operands are (arithmetic, comparisons)."""
    return Sym(kind, z3.And([o.known for o in operands]) if operands else TRUE, value)


def ite(cond: Any, a: Sym, b: Sym) -> Sym:
    """`a` when `cond`, else `b` (numbers or truth values of the same kind)."""
    return Sym(a.kind, z3.If(cond, a.known, b.known), z3.If(cond, a.value, b.value))


def floor_cents(x: Any) -> Any:
    """`x` rounded down to the cent."""
    if cent_exact(x):
        return x
    return z3.ToReal(z3.ToInt(x * 100)) / 100


def cent_exact(term: Any, seen: dict[int, bool] | None = None) -> bool:
    """Whether `term` is a whole number of cents by its very shape (money variables,
    literals in cents, sums, choices, and products by whole numbers of them).

    Rounding such a term to the cent is the identity, and leaving `ToInt` out
    then keeps the solver in linear arithmetic, where it answers at once.
    """
    memo: dict[int, bool] = {} if seen is None else seen
    key = term.get_id()
    if key in memo:
        return memo[key]
    memo[key] = False  # a cycle cannot happen in a term; a safe default anyway
    result = False
    if z3.is_rational_value(term):
        result = (100 % term.denominator_as_long()) == 0
    elif z3.is_int(term):
        result = True
    elif z3.is_app(term):
        op = term.decl().kind()
        kids = term.children()
        if op == z3.Z3_OP_TO_REAL:
            result = True
        elif op in (z3.Z3_OP_ADD, z3.Z3_OP_SUB, z3.Z3_OP_UMINUS):
            result = all(cent_exact(k, memo) for k in kids)
        elif op == z3.Z3_OP_ITE:
            result = cent_exact(kids[1], memo) and cent_exact(kids[2], memo)
        elif op == z3.Z3_OP_MUL:
            rest = [k for k in kids
                     if not (z3.is_rational_value(k) and k.denominator_as_long() == 1)]
            result = len(rest) <= 1 and all(cent_exact(k, memo) for k in rest)
        elif op == z3.Z3_OP_DIV and len(kids) == 2:
            # ToReal(cents) / 100: how money variables are made.
            num, den = kids
            result = (z3.is_rational_value(den) and den.denominator_as_long() == 1
                      and den.numerator_as_long() == 100 and z3.is_app(num)
                      and num.decl().kind() == z3.Z3_OP_TO_REAL)
    memo[key] = result
    return result


def round_cents_half_up(x: Any) -> Any:
    """`x` rounded half up to the cent, as decisions are (for x ≥ 0, and below 0 too:
    ROUND_HALF_UP rounds away from zero, which only matters below 0, where amounts never
    are after `max(amount, 0)`)."""
    if cent_exact(x):
        return x
    return z3.ToReal(z3.ToInt(x * 100 + z3.RealVal("1/2"))) / 100


def zmin(a: Any, b: Any) -> Any:
    """The smaller of two Reals."""
    return z3.If(a <= b, a, b)


def zmax(a: Any, b: Any) -> Any:
    """The larger of two Reals."""
    return z3.If(a >= b, a, b)
