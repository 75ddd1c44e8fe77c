"""The canonical hash of a policy, recorded in every decision.

It is the SHA-256 of the policy's canonical text without comments, what
the author may write in any order without changing a decision put in a fixed
order first: the declarations matched by name, score criteria, the elements
of set literals (`{commune, cc}` is `{cc, commune}`) and expense categories.
Declaring exactly the built-in FITN7 categories (`fitn7.vocabulary`) is
hashed as declaring none, which means the same.
So reformatting a file, editing its comments, moving a rule or reordering a
set keeps the hash (as `fitn7 diff` reports no semantic change for them),
and any change of meaning (a threshold, a message, a rule id, the order of
amount steps) changes it. The file itself is never rewritten: `fitn7 fmt`
keeps sets in the author's order; only the hashed text is sorted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_expression, format_node, format_policy
from fitn7.vocabulary import declares_default_categories

_N = TypeVar("_N")

#: Where each kind of declaration goes in the canonical order.
_RANK: dict[type, int] = {
    ast.Param: 0, ast.Let: 1, ast.Session: 2, ast.Rule: 3, ast.Expenses: 4,
    ast.ExpensesBasis: 5, ast.Amount: 6, ast.Score: 7, ast.Limit: 8, ast.Invariant: 9,
    ast.ExpenseCategory: 10, ast.Input: 11, ast.Document: 12,
}
#: Declarations matched by name, whose order decides nothing: rules are all
#: evaluated (their reasons listed in policy order), params and lets are
#: names, sessions are taken in closing order, limits all apply, and the
#: vocabulary is a set of names.
_ORDERLESS = (ast.Param, ast.Let, ast.Session, ast.Rule, ast.Limit, ast.Invariant,
              ast.ExpenseCategory, ast.Input, ast.Document)


def _name(decl: ast.Declaration) -> str:
    """The id of a rule, limit or invariant; the name of a param, let or session."""
    for attribute in ("id", "name"):
        value = getattr(decl, attribute, None)
        if isinstance(value, str):
            return value
    return ""


def rewrite(node: _N, change: Callable[[Any], Any]) -> _N:
    """`node` with `change` applied to each of its syntax nodes, children first.

    Only the fields that take part in equality are visited (not spans,
    comments or source text); a node whose children did not change is
    returned as is, so an untouched tree keeps its identity.
    """
    if isinstance(node, tuple):
        items = tuple(rewrite(i, change) for i in node)
        same = all(a is b for a, b in zip(items, node, strict=True))
        return node if same else items  # type: ignore[return-value]
    cls: Any = type(node)
    if not attrs.has(cls) or cls.__module__ != ast.__name__:
        return node
    changed: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if not field.eq:
            continue
        value = getattr(node, field.name)
        new = rewrite(value, change)
        if new is not value:
            changed[field.name] = new
    result = attrs.evolve(node, **changed) if changed else node  # type: ignore[misc]
    return change(result)  # type: ignore[no-any-return]


def _sort_set(node: Any) -> Any:
    if isinstance(node, ast.SetLit):
        items = tuple(sorted(node.items, key=format_expression))
        return node if items == node.items else attrs.evolve(node, items=items)
    if isinstance(node, ast.Expenses):
        categories = tuple(sorted(node.categories))
        return node if categories == node.categories else attrs.evolve(node, categories=categories)
    return node


def sorted_sets(node: _N) -> _N:
    """`node` with the elements of every set literal sorted by their canonical text,
    and expense categories sorted: a set means the same in any order."""
    return rewrite(node, _sort_set)


def canonical_order(policy: ast.Policy) -> ast.Policy:
    """The policy with its order-free declarations (and score criteria) sorted by name,
    and the elements of its sets sorted (`sorted_sets`).

    The amount steps keep their order: a cap then a floor is not a floor then
    a cap.
    """
    def key(item: tuple[int, ast.Declaration]) -> tuple[int, str, str, int]:
        index, decl = item
        rank = _RANK.get(type(decl), len(_RANK))
        orderless = isinstance(decl, _ORDERLESS)
        name = _name(decl) if orderless else ""
        # Two declarations of one name (a policy that does not check) go by their text,
        # so that swapping them keeps the hash as moving any other declaration does.
        tie = format_node(sorted_sets(decl)) if orderless and names[(rank, name)] > 1 else ""
        return (rank, name, tie, index)

    names: dict[tuple[int, str], int] = {}
    for decl in policy.declarations:
        if isinstance(decl, _ORDERLESS):
            at = (_RANK[type(decl)], _name(decl))
            names[at] = names.get(at, 0) + 1
    declarations = []
    # Declaring the built-in categories is what declaring none means: the FITN7
    # policies that moved them into their base policy keep their hash.
    elided = ast.ExpenseCategory if declares_default_categories(policy) else ()
    for _, decl in sorted(enumerate(policy.declarations), key=key):
        if isinstance(decl, elided):
            continue
        if isinstance(decl, ast.Score):
            decl = attrs.evolve(decl, criteria=tuple(sorted(decl.criteria, key=lambda c: c.id)))
        declarations.append(decl)
    return sorted_sets(attrs.evolve(policy, declarations=tuple(declarations), comments=()))


def policy_hash(policy: ast.Policy) -> str:
    """The SHA-256 (hex) of the UTF-8 canonical form of `policy`, comments left out."""
    canonical = format_policy(canonical_order(policy), comments=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
