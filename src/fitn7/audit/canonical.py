"""Canonical one-line texts of policy nodes, as the formatter prints them.

A diff shows conditions, amounts and whole declarations in the same words
`fitn7 fmt` writes, so an auditor reads in the diff exactly what the file
says. Everything here goes through the formatter's printer (never a second
printer that could drift from it); sets are kept on one line whatever their
width, so a value is one string.
"""

from __future__ import annotations

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_band, format_expression, format_node


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
