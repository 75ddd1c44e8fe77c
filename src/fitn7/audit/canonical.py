"""Canonical one-line texts of policy nodes, as the formatter prints them.

A diff shows conditions, amounts and whole declarations in the same words
`fitn7 fmt` writes, so an auditor reads in the diff exactly what the file
says. Everything here goes through the formatter's printer (never a second
printer that could drift from it); sets are kept on one line whatever their
width, so a value is one string. The texts shown are the author's: a set is
shown in the order it is written.

What is compared is another matter: `comparable` gives the form two values
are compared in, with what the author may write either way made one (the
elements of a set sorted, as the policy hash sorts them) and the params and
lets the diff found renamed given their new names, so a rule that uses a
renamed param is not changed by the rename alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_band, format_expression, format_node
from fitn7.hashing import rewrite, sorted_sets

_V = TypeVar("_V")


def expr_text(e: ast.Expr) -> str:
    """The canonical text of an expression: `applicant.kind == commune and not joint`."""
    return format_expression(e)


def optional_expr_text(e: ast.Expr | None) -> str | None:
    """`expr_text`, or None for an absent expression (a step with no `when`)."""
    return None if e is None else format_expression(e)


def band_text(band: ast.Band) -> str:
    """One band as written: `from 5_000 below 20_000 : 10_000 €`."""
    return format_band(band)


def node_text(node: ast.Declaration | ast.AmountStep | ast.Criterion) -> str:
    """The canonical text of any declaration, amount step or score criterion."""
    return format_node(node)


def comparable(value: _V, renames: Mapping[str, str] | None = None) -> _V:
    """`value` (a node, a tuple of nodes, a string or None) in the form it is compared in:
    set elements sorted, and each name of `renames` (old name → new name) replaced.

    Give `renames` for a value of the old version only: its names then read
    as the new version calls them.
    """
    if renames:
        mapping = dict(renames)

        def rename(node: Any) -> Any:
            if isinstance(node, ast.Name) and node.name in mapping:
                return attrs.evolve(node, name=mapping[node.name])
            return node

        value = rewrite(value, rename)
    return sorted_sets(value)
