"""The canonical hash of a policy, recorded in every decision.

It is the SHA-256 of the policy's canonical text without comments, the
declarations whose order does not change a decision put in a fixed order
first. So reformatting a file, editing its comments or moving a rule keeps
the hash (as `fitn7 diff` reports no semantic change for them), and any
change of meaning (a threshold, a message, a rule id, the order of amount
steps) changes it.
"""

from __future__ import annotations

import hashlib

import attrs

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_policy

#: Where each kind of declaration goes in the canonical order.
_RANK: dict[type, int] = {
    ast.Param: 0, ast.Let: 1, ast.Session: 2, ast.Rule: 3, ast.Expenses: 4,
    ast.Amount: 5, ast.Score: 6, ast.Limit: 7, ast.Invariant: 8,
}
#: Declarations matched by name, whose order decides nothing: rules are all
#: evaluated (their reasons listed in policy order), params and lets are
#: names, sessions are taken in closing order, limits all apply.
_ORDERLESS = (ast.Param, ast.Let, ast.Session, ast.Rule, ast.Limit, ast.Invariant)


def _name(decl: ast.Declaration) -> str:
    """The id of a rule, limit or invariant; the name of a param, let or session."""
    for attribute in ("id", "name"):
        value = getattr(decl, attribute, None)
        if isinstance(value, str):
            return value
    return ""


def canonical_order(policy: ast.Policy) -> ast.Policy:
    """The policy with its order-free declarations (and score criteria) sorted by name.

    The amount steps keep their order: a cap then a floor is not a floor then
    a cap.
    """
    def key(item: tuple[int, ast.Declaration]) -> tuple[int, str, int]:
        index, decl = item
        rank = _RANK.get(type(decl), len(_RANK))
        name = _name(decl) if isinstance(decl, _ORDERLESS) else ""
        return (rank, name, index)

    declarations = []
    for _, decl in sorted(enumerate(policy.declarations), key=key):
        if isinstance(decl, ast.Score):
            decl = attrs.evolve(decl, criteria=tuple(sorted(decl.criteria, key=lambda c: c.id)))
        declarations.append(decl)
    return attrs.evolve(policy, declarations=tuple(declarations), comments=())


def policy_hash(policy: ast.Policy) -> str:
    """The SHA-256 (hex) of the UTF-8 canonical form of `policy`, comments left out."""
    canonical = format_policy(canonical_order(policy), comments=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
