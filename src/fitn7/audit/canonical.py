"""Canonical one-line texts of policy nodes, as the formatter prints them.

A diff shows conditions, amounts and whole declarations in the same words
`fitn7 fmt` writes, so an auditor reads in the diff exactly what the file
says. Everything here goes through the formatter's printer (never a second
printer that could drift from it); sets are kept on one line whatever their
width, so a value is one string.
"""

from __future__ import annotations

import textwrap

from fitn7.dsl import ast

# The formatter keeps its printer private; the diff needs it node by node.
from fitn7.dsl.formatter import _band_head, _flat, _join, _Printer


def expr_text(e: ast.Expr) -> str:
    """The canonical text of an expression: `applicant.kind == commune and not joint`."""
    return _flat(e)


def optional_expr_text(e: ast.Expr | None) -> str | None:
    """`expr_text`, or None for an absent expression (a step with no `when`)."""
    return None if e is None else _flat(e)


def band_text(band: ast.Band) -> str:
    """One band as written: `from 5_000 below 20_000 : 10_000 €`."""
    return f"{_band_head(band)} : {_flat(band.value)}"


def _printed(printer: _Printer) -> str:
    """The printer's lines as text, dedented, without the final newline."""
    return textwrap.dedent(_join(printer.lines)).rstrip("\n")


def declaration_text(d: ast.Declaration) -> str:
    """A whole declaration, message and source included, as `fitn7 fmt` writes it."""
    printer = _Printer(wrap=False)
    printer.lines.clear()
    printer.declaration(d)
    return _printed(printer)


def step_text(step: ast.AmountStep) -> str:
    """One `amount` step with its bands, message and source, dedented."""
    printer = _Printer(wrap=False)
    printer.lines.clear()
    printer.step(step)
    return _printed(printer)


def criterion_text(criterion: ast.Criterion) -> str:
    """One score criterion with its message and source, dedented."""
    printer = _Printer(wrap=False)
    printer.lines.clear()
    printer.declaration(ast.Score((criterion,)))
    printer.lines.pop(0)  # the `score` keyword line of the wrapping block
    return _printed(printer)


def node_text(node: ast.Declaration | ast.AmountStep | ast.Criterion) -> str:
    """The canonical text of any declaration, amount step or score criterion."""
    if isinstance(node, ast.Criterion):
        return criterion_text(node)
    if isinstance(node, ast.Base | ast.ForfaitBands | ast.Forfait | ast.Rate | ast.Adjustment):
        return step_text(node)
    return declaration_text(node)
