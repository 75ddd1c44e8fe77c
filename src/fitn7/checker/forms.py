"""Typing what a policy says of legal forms: `applicant.kind`, `.family`, `.legal_form`.

A kind is one legal form (`applicant.kind == association`); a family is a
set of them, and `applicant.family == epci` means that the applicant's form
is one of the family (a form may belong to several families), `in {…}`
that it is in one of them. Some names are both (`commune`, `association`):
they are typed as kinds and read as families where one is expected. A name of the other sort is a
mistake worth its own message (E242, E243), and a catégorie juridique code
compared with `legal_form` must exist (E244).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7 import legal_forms as lf
from fitn7 import types as t
from fitn7.checker.context import unparse
from fitn7.dsl import ast

if TYPE_CHECKING:
    from fitn7.checker.expressions import Typer

#: The type of `applicant.family`.
FAMILIES = t.SetOf(t.FAMILY)
_ACCEPTS_FAMILY = frozenset({t.FAMILY, t.ANY})


def _constants(expr: ast.Expr) -> list[ast.Name]:
    """The names written in `expr` when it is a name or a set of names."""
    if isinstance(expr, ast.Name):
        return [expr]
    if isinstance(expr, ast.SetLit):
        return [i for i in expr.items if isinstance(i, ast.Name)]
    return []


def _owner(expr: ast.Expr) -> str:
    """`applicant` for `applicant.kind`, the element's field for a bare `kind`."""
    if isinstance(expr, ast.Attribute):
        return f"{unparse(expr.value)}."
    return ""


def _families_or_not(typer: Typer, expr: ast.Expr, family_side: ast.Expr) -> bool:
    """Whether `expr`, typed as kinds, is names of families (`commune`, `association`
    are both); E243 for each that is not. False when `expr` is not written out."""
    names = _constants(expr)
    if not names:
        return False
    if all(t.is_family_name(n.name) for n in names):
        return True
    return _not_a_family(typer, names, family_side)


def _not_a_family(typer: Typer, names: list[ast.Name], family_side: ast.Expr) -> bool:
    """E243 for each legal form written where a family is expected; whether one was."""
    found = False
    for name in names:
        if typer.constants.get(name.name) == t.KIND and not t.is_family_name(name.name):
            found = True
            typer.report(
                "E243",
                f"`{name.name}` is a legal form, not a family",
                name,
                f"compare the kind: `{_owner(family_side)}kind == {name.name}`; the families "
                "(`epci`, `association`, `entreprise` …) are listed in docs/legal-forms.md",
            )
    return found


def _not_a_kind(typer: Typer, names: list[ast.Name], kind_side: ast.Expr) -> bool:
    """E242 for each family written where a legal form is expected; whether one was."""
    found = False
    for name in names:
        if typer.constants.get(name.name) == t.FAMILY:
            found = True
            typer.report(
                "E242",
                f"`{name.name}` is a family of legal forms, not a legal form",
                name,
                f"test the family: `{_owner(kind_side)}family == {name.name}` (the applicant's "
                f"form is one of the family), or `{_owner(kind_side)}family in {{…}}`",
            )
    return found


def _codes(typer: Typer, expr: ast.Expr) -> None:
    """E244 for each text compared with `legal_form` that is no catégorie juridique."""
    items = expr.items if isinstance(expr, ast.SetLit) else (expr,)
    for item in items:
        if not isinstance(item, ast.StringLit):
            continue
        try:
            lf.legal_form(item.value)
        except lf.LegalFormError as exc:
            typer.report("E244", f"`{item.value}` is not a catégorie juridique", item, exc.hint)


def _is_legal_form(expr: ast.Expr) -> bool:
    return (isinstance(expr, ast.Attribute) and expr.attr == "legal_form") or (
        isinstance(expr, ast.Name) and expr.name == "legal_form")


def compare(typer: Typer, expr: ast.Compare, types: list[t.Type]) -> bool:
    """Check a comparison that involves families or legal forms; True when it is one (and
    is fully checked here), False to let the general rules check it."""
    operands = expr.operands
    for index, operand in enumerate(operands):
        if _is_legal_form(operand) and types[index] == t.STRING:
            for other in operands[:index] + operands[index + 1:]:
                _codes(typer, other)
    if len(operands) != 2:
        return False
    if FAMILIES in types:
        side = types.index(FAMILIES)
        family, other = operands[side], operands[1 - side]
        other_type = types[1 - side]
        if expr.ops[0] not in ("==", "!="):
            typer.report(
                "E208",
                f"`{expr.ops[0]}` does not compare families",
                expr,
                f"`{unparse(family)} == epci` holds when the form is one of the family; "
                "use `==`, `!=`, `in {…}` or `not in {…}`",
            )
            return True
        if other_type in _ACCEPTS_FAMILY:
            return True
        return other_type == t.KIND and _families_or_not(typer, other, family)
    if t.KIND in types and t.FAMILY in types:
        kind_side = operands[types.index(t.KIND)]
        family_side = operands[types.index(t.FAMILY)]
        return _not_a_kind(typer, _constants(family_side), kind_side)
    return False


def membership(typer: Typer, expr: ast.Membership, left: t.Type, right: t.Type) -> bool:
    """Check `x in s` / `x not in s` when it involves families or legal forms; True when
    it is such a test (checked here), False to let the general rules check it."""
    if expr.op == "meets":
        return False
    right_elem = t.element_type(right)
    if _is_legal_form(expr.left) and left == t.STRING:
        _codes(typer, expr.right)
    if left == FAMILIES and right_elem is not None:
        if right_elem in _ACCEPTS_FAMILY:
            return True
        return right_elem == t.KIND and _families_or_not(typer, expr.right, expr.left)
    if left == t.KIND and right_elem == t.FAMILY:
        return _not_a_kind(typer, _constants(expr.right), expr.left)
    return False
