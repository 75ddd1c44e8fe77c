"""What every checker pass receives, and helpers to quote and locate user input.

Messages quote expressions in their canonical form (`5_000`, `applicant.kind`)
rather than slicing the file, so a message reads the same whatever the layout
and even for declarations merged from a parent policy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from fitn7 import types as t
from fitn7.diagnostics import Diagnostic
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.functions import FunctionRegistry, builtin_registry


@attrs.frozen
class Unused:
    """What loaded plugins a policy does not name in `uses` declare, for hints only:
    the policy cannot use it, but the error can say which plugin to add."""

    #: Function name -> the plugins declaring it.
    functions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: (record, field) -> the plugins declaring it: `("extra:collectivite", "zrr_arrete")`.
    fields: Mapping[tuple[str, str], tuple[str, ...]] = attrs.field(factory=dict)


def uses_hint(what: str, plugins: Sequence[str]) -> str:
    """`function `zrr` comes from plugin `fitn7_zrr`: add `uses "fitn7_zrr"` to ...`."""
    if len(plugins) == 1:
        return (f"{what} comes from plugin `{plugins[0]}`: add `uses \"{plugins[0]}\"` to the "
                "policy header")
    names = " or ".join(f"`{p}`" for p in plugins)
    return f"{what} comes from plugins {names}: name one of them with `uses` in the policy header"


@attrs.frozen
class CheckContext:
    """The functions a policy may call and the schema of the dossiers it reads."""

    functions: FunctionRegistry = attrs.field(factory=builtin_registry)
    schema: t.Schema = t.DEFAULT_SCHEMA
    #: The vocabulary of loaded plugins the policy does not name (for hints).
    unused: Unused = attrs.field(factory=Unused)


#: A checker pass: reads a policy, returns what is wrong with it.
Pass = Callable[[ast.Policy, CheckContext], list[Diagnostic]]


# ----------------------------------------------------------------- spans


def join(first: Span | None, last: Span | None) -> Span | None:
    """The span from the start of `first` to the end of `last` (either may be missing)."""
    if first is None or last is None:
        return first or last
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


def name_span(
    policy: ast.Policy, span: Span | None, name: str, *, after: str = ""
) -> Span | None:
    """The span of the first word `name` inside `span` (past the text `after`), else `span`.

    Nodes carry the span of the whole declaration; pointing the caret at the
    id or name the diagnostic is about reads better.
    """
    source = policy.source
    if span is None or source is None or source.name != span.file:
        return span
    start = span.column - 1
    for number in range(span.line, span.end_line + 1):
        line = source.line(number)
        if after:
            found = line.find(after, start)
            if found < 0:
                start = 0
                continue
            start, after = found + len(after), ""
        at = _find_word(line, name, start)
        if at >= 0:
            return Span(span.file, number, at + 1, number, at + len(name) + 1)
        start = 0
    return span


def _find_word(line: str, word: str, start: int) -> int:
    """Where `word` first stands alone in `line` from `start` (not inside a longer name), or -1.

    `str.find` rather than a regex of the word: compiling one is slow in the
    length of the word, and a name may be as long as the limit allows.
    """
    if not word:
        return -1
    at = line.find(word, start)
    while at >= 0:
        end = at + len(word)
        before = line[at - 1] if at > 0 else ""
        after = line[end] if end < len(line) else ""
        if not _is_word_char(before) and not _is_word_char(after):
            return at
        at = line.find(word, at + 1)
    return -1


def _is_word_char(ch: str) -> bool:
    """Whether `ch` is a character of `\\w` (letters, digits, `_`, in any script)."""
    return ch.isalnum() or ch == "_"


def attr_span(node: ast.Attribute) -> Span | None:
    """The span of the field name of `x.field`, so the caret sits under the field."""
    span = node.span
    if span is None or span.line != span.end_line:
        return span
    return Span(span.file, span.line, span.end_column - len(node.attr), span.line, span.end_column)


# -------------------------------------------------------------- quoting


def group_digits(digits: str) -> str:
    """`1188000` -> `1_188_000`: the way policies write large numbers."""
    sign = "-" if digits.startswith("-") else ""
    whole, dot, frac = digits.lstrip("-").partition(".")
    if len(whole) > 3:
        parts: list[str] = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = "_".join([whole, *parts])
    return f"{sign}{whole}{dot}{frac}"


def number_text(value: int | Decimal) -> str:
    """A number as a policy writes it."""
    return group_digits(str(value))


_PRECEDENCE: dict[type, int] = {
    ast.Implies: 1,
    ast.BoolOp: 2,
    ast.Not: 4,
    ast.Compare: 5,
    ast.Membership: 5,
    ast.BinOp: 6,
    ast.Unary: 8,
}


def _precedence(expr: ast.Expr) -> int:
    if isinstance(expr, ast.BoolOp):
        return 2 if expr.op == "or" else 3
    if isinstance(expr, ast.BinOp):
        return 6 if expr.op in "+-" else 7
    return _PRECEDENCE.get(type(expr), 9)


def _wrap(expr: ast.Expr, above: int) -> str:
    text = unparse(expr)
    return f"({text})" if _precedence(expr) <= above else text


def _quote_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def unparse(expr: ast.Expr) -> str:
    """The canonical text of an expression, for messages: `applicant.population < 5_000`."""
    match expr:
        case ast.IntLit(value=v) | ast.DecimalLit(value=v):
            return number_text(v)
        case ast.MoneyLit(value=v):
            return f"{number_text(v)} €"
        case ast.PercentLit(value=v):
            return f"{number_text(v)}%"
        case ast.DateLit(value=d):
            return d.isoformat() if isinstance(d, datetime.date) else str(d)
        case ast.StringLit(value=s):
            return _quote_string(s)
        case ast.BoolLit(value=b):
            return "true" if b else "false"
        case ast.SetLit(items=items):
            return "{" + ", ".join(unparse(i) for i in items) + "}"
        case ast.Name(name=name):
            return name
        case ast.Attribute(value=value, attr=attr):
            return f"{_wrap(value, 8)}.{attr}"
        case ast.Filter(value=value, predicate=pred):
            return f"{_wrap(value, 8)}[{unparse(pred)}]"
        case ast.Call(func=func, args=args):
            return f"{func}(" + ", ".join(unparse(a) for a in args) + ")"
        case ast.Unary(op=op, operand=operand):
            return f"{op}{_wrap(operand, 7)}"
        case ast.BinOp(op=op, left=left, right=right):
            level = _precedence(expr)
            return f"{_wrap(left, level - 1)} {op} {_wrap(right, level)}"
        case ast.Compare(operands=operands, ops=ops):
            parts = [_wrap(operands[0], 5)]
            for cop, operand in zip(ops, operands[1:], strict=True):
                parts.append(f"{cop} {_wrap(operand, 5)}")
            return " ".join(parts)
        case ast.Membership(op=op, left=left, right=right):
            return f"{_wrap(left, 5)} {op} {_wrap(right, 5)}"
        case ast.BoolOp(op=op, operands=operands):
            level = _precedence(expr)
            return f" {op} ".join(_wrap(o, level) for o in operands)
        case ast.Not(operand=operand):
            return f"not {_wrap(operand, 3)}"
        case ast.Implies(left=left, right=right):
            return f"{_wrap(left, 1)} implies {_wrap(right, 1)}"


def where(first: Span | None, second: Span | None) -> str:
    """Where `first` is, as seen from a diagnostic at `second`: `line 12` or `file:12`."""
    if first is None:
        return "an earlier declaration"
    if second is not None and first.file != second.file:
        return f"{first.file}:{first.line}"
    return f"line {first.line}"
