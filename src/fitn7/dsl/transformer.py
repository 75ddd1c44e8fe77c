"""Turns lark's parse tree into the typed AST of `fitn7.dsl.ast`.

Explicit and typed on purpose (one method per grammar alias) so that mypy
checks what each node receives and lark's `Meta` becomes our `Span`.

`ToAst.transform` walks the tree itself, without recursion, and calls the
method of each node directly: lark's `Transformer` made a wrapper per node
(`v_args`) and looked up a method per token, most of the time of a big parse.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from lark import Token, Tree
from lark.tree import Meta

from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.limits import Quantity, text_problem

#: The escapes a string literal may hold, and the character each stands for.
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def unescape(literal: str) -> str:
    """The value of a double-quoted string literal, escapes resolved.

    An escape other than `\\"`, `\\\\`, `\\n`, `\\t` raises `MalformedLiteral` when
    `literal` is a token (a plain `str` keeps the character): a lone
    backslash in `"C:\\dossiers"` is more likely a mistake than a wish.
    """
    body = literal[1:-1]
    if "\\" not in body:
        return body  # most strings: no escape to read
    out: list[str] = []
    done = 0
    # One match per escape, the text between copied whole: linear, and fast on
    # a long message (a loop over characters is not).
    for escape in _ESCAPE.finditer(body):
        nxt = escape.group(1)
        i = escape.start()
        if nxt not in ESCAPES and isinstance(literal, Token):
            raise MalformedLiteral(
                f"unknown escape `\\{nxt}` in a string",
                literal,
                code="E005",
                hint="write `\\\\` for a backslash; the escapes are `\\\"`, `\\\\`, "
                "`\\n` and `\\t`",
                offset=i + 1,
                width=2,
            )
        out.append(body[done:i])
        out.append(ESCAPES.get(nxt, nxt))
        done = escape.end()
    out.append(body[done:])
    return "".join(out)


# A backslash and the character it escapes; a backslash ending the text is kept.
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def number_text(token: str) -> str:
    """Digits without the `_` thousands separators."""
    return token.replace("_", "")


def checked_number(token: Token, quantity: Quantity) -> str:
    """The digits of a number token (see `number_text`), after checking it is within the
    limits of `fitn7.limits`: `MalformedLiteral` (E030) otherwise, before any conversion
    (Python refuses to read an integer of more than 4 300 digits)."""
    problem = text_problem(str(token), quantity)
    if problem is not None:
        raise MalformedLiteral(
            problem, token, code="E030",
            hint="check the number of digits: no call for projects needs a number this size "
            "(the limits are listed under Limits in docs/diagnostics.md)",
        )
    return number_text(token)


class MalformedLiteral(ValueError):
    """A token that matched the grammar but holds an impossible value (`2021-02-30`).

    `code` and `hint` become the diagnostic's; `offset` and `width` narrow
    its caret to a part of the token (an escape inside a string).
    """

    def __init__(
        self,
        message: str,
        token: Token,
        *,
        code: str,
        hint: str,
        offset: int = 0,
        width: int | None = None,
    ) -> None:
        super().__init__(message)
        self.token = token
        self.code = code
        self.hint = hint
        self.offset = offset
        self.width = width


class ToAst:
    """Builds `ast.Policy` from a parse tree of the grammar in `grammar.lark`.

    Each method is named after a rule or alias of the grammar and gets the
    node's position and its children, already built.
    """

    def __init__(self, file: str) -> None:
        self.file = file

    def transform(self, tree: Tree[Token]) -> Any:
        """The value of `tree`: children first, left to right, then the node.

        Depth-first with a stack of its own, so that no nesting reaches
        Python's recursion limit here (`parser.py` bounds it for the stages after).
        """
        frames: list[tuple[Tree[Token], list[Any], Iterator[Any]]] = [
            (tree, [], iter(tree.children))
        ]
        while True:
            node, built, rest = frames[-1]
            for child in rest:
                if isinstance(child, Tree):
                    frames.append((child, [], iter(child.children)))
                    break
                built.append(child)
            else:
                frames.pop()
                value = getattr(self, node.data)(node.meta, built)
                if not frames:
                    return value
                frames[-1][1].append(value)

    # ------------------------------------------------------------ helpers

    def _span(self, meta: Meta) -> Span | None:
        if meta.empty:
            return None
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok_span(self, token: Token) -> Span:
        return Span(
            self.file,
            token.line or 0,
            token.column or 0,
            token.end_line or token.line or 0,
            token.end_column or token.column or 0,
        )

    # ------------------------------------------------------------- header

    def start(self, meta: Meta, children: list[Any]) -> ast.Policy:
        header, *declarations = children
        return ast.Policy(header, tuple(declarations), span=self._span(meta))

    def header(self, meta: Meta, children: list[Any]) -> ast.Header:
        id_token, *fields = children
        values: dict[str, Any] = {}
        places: dict[str, Span] = {}
        for key, value, token in fields:
            if key == "uses":
                values["uses"] = values.get("uses", ()) + value
                for name, name_token in zip(value, token, strict=True):
                    places.setdefault(f"uses:{name}", self._tok_span(name_token))
            elif key in values:
                # Keeping the last one silently would let `fmt` delete the first.
                raise MalformedLiteral(f"`{key}` is given twice in the header", token,
                                      code="E004", hint="keep one of them")
            else:
                values[key] = value
                places[key] = self._tok_span(token)
        return ast.Header(unescape(id_token), **values, span=self._span(meta), places=places)

    # Header fields come back as (key, value, a token to point at if repeated).

    def title(self, meta: Meta, children: list[Token]) -> tuple[str, str, Token]:
        return ("title", unescape(children[0]), children[0])

    def authority(self, meta: Meta, children: list[Token]) -> tuple[str, str, Token]:
        return ("authority", unescape(children[0]), children[0])

    def version(self, meta: Meta, children: list[Token]) -> tuple[str, str, Token]:
        return ("version", unescape(children[0]), children[0])

    def envelope(self, meta: Meta, children: list[ast.Expr]) -> tuple[str, ast.Expr, Token]:
        span = children[0].span
        token = Token("ENVELOPE", "envelope", line=span.line if span else 1,
                      column=span.column if span else 1)
        return ("envelope", children[0], token)

    def extends(self, meta: Meta, children: list[Token]) -> tuple[str, str, Token]:
        return ("extends", unescape(children[0]), children[0])

    def uses(
        self, meta: Meta, children: list[Token]
    ) -> tuple[str, tuple[str, ...], tuple[Token, ...]]:
        # Every name's token: a diagnostic about one plugin points at its name.
        return ("uses", tuple(unescape(t) for t in children), tuple(children))

    # ------------------------------------------------------- declarations

    def param(self, meta: Meta, children: list[Any]) -> ast.Param:
        return ast.Param(str(children[0]), children[1], span=self._span(meta))

    def let(self, meta: Meta, children: list[Any]) -> ast.Let:
        return ast.Let(str(children[0]), children[1], span=self._span(meta))

    def session(self, meta: Meta, children: list[Any]) -> ast.Session:
        return ast.Session(unescape(children[0]), children[1], span=self._span(meta))

    def meta(self, meta: Meta, children: list[Token | None]) -> tuple[str | None, str | None]:
        message, source = children
        return (
            unescape(message) if message is not None else None,
            unescape(source) if source is not None else None,
        )

    def rule_kind(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0])

    def rule(self, meta: Meta, children: list[Any]) -> ast.Rule:
        kind, name, condition, (message, source) = children
        return ast.Rule(
            kind, str(name), condition, message, source, span=self._span(meta)
        )

    def expenses_mode(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0])

    def expenses(self, meta: Meta, children: list[Any]) -> ast.Expenses:
        mode, *names = children
        categories = tuple(str(n) for n in names if n is not None)
        return ast.Expenses(mode, categories, span=self._span(meta))

    def basis_kind(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0])

    def excluding_recovered(self, meta: Meta, children: list[Token]) -> bool:
        return True

    def expenses_basis(self, meta: Meta, children: list[Any]) -> ast.ExpensesBasis:
        basis, excluding = children
        return ast.ExpensesBasis(basis, excluding is True, span=self._span(meta))

    def amount(self, meta: Meta, children: list[Any]) -> ast.Amount:
        return ast.Amount(tuple(children), span=self._span(meta))

    def base(self, meta: Meta, children: list[Any]) -> ast.Base:
        value, (message, source) = children
        return ast.Base(value, message, source, span=self._span(meta))

    def part(self, meta: Meta, children: list[Any]) -> ast.Part:
        name, lines, (message, source) = children
        return ast.Part(str(name), lines, message, source, span=self._span(meta))

    def total(self, meta: Meta, children: list[Any]) -> ast.Total:
        ((message, source),) = children
        return ast.Total(message, source, span=self._span(meta))

    def ceiling(self, meta: Meta, children: list[Any]) -> ast.Ceiling:
        name, share, cost, other, when, (message, source) = children
        return ast.Ceiling(str(name), share, cost, other, when, message, source,
                           span=self._span(meta))

    def minimum(self, meta: Meta, children: list[Any]) -> ast.Minimum:
        name, value, when, (message, source) = children
        return ast.Minimum(str(name), value, when, message, source, span=self._span(meta))

    @staticmethod
    def _id(token: Token | None) -> str | None:
        return str(token) if token is not None else None

    def forfait_bands(self, meta: Meta, children: list[Any]) -> ast.ForfaitBands:
        name, by, when, *bands, (message, source) = children
        return ast.ForfaitBands(
            self._id(name), by, when, tuple(bands), message, source, span=self._span(meta)
        )

    def forfait(self, meta: Meta, children: list[Any]) -> ast.Forfait:
        name, value, when, (message, source) = children
        return ast.Forfait(self._id(name), value, when, message, source, span=self._span(meta))

    def rate(self, meta: Meta, children: list[Any]) -> ast.Rate:
        name, value, when, (message, source) = children
        return ast.Rate(self._id(name), value, when, message, source, span=self._span(meta))

    def _adjustment(
        self, kind: ast.AdjustmentKind, meta: Meta, children: list[Any]
    ) -> ast.Adjustment:
        name, value, when, (message, source) = children
        return ast.Adjustment(
            kind, str(name), value, when, message, source, span=self._span(meta)
        )

    def bonus(self, meta: Meta, children: list[Any]) -> ast.Adjustment:
        return self._adjustment("bonus", meta, children)

    def cap(self, meta: Meta, children: list[Any]) -> ast.Adjustment:
        return self._adjustment("cap", meta, children)

    def floor(self, meta: Meta, children: list[Any]) -> ast.Adjustment:
        return self._adjustment("floor", meta, children)

    def band_below(self, meta: Meta, children: list[Any]) -> ast.Band:
        return ast.Band("below", None, children[0], children[1], span=self._span(meta))

    def band_between(self, meta: Meta, children: list[Any]) -> ast.Band:
        return ast.Band("between", children[0], children[1], children[2], span=self._span(meta))

    def band_from(self, meta: Meta, children: list[Any]) -> ast.Band:
        return ast.Band("from", children[0], None, children[1], span=self._span(meta))

    def band_otherwise(self, meta: Meta, children: list[Any]) -> ast.Band:
        return ast.Band("otherwise", None, None, children[0], span=self._span(meta))

    def score(self, meta: Meta, children: list[Any]) -> ast.Score:
        return ast.Score(tuple(children), span=self._span(meta))

    def criterion(self, meta: Meta, children: list[Any]) -> ast.Criterion:
        name, value, when, (message, source) = children
        return ast.Criterion(str(name), value, when, message, source, span=self._span(meta))

    def limit(self, meta: Meta, children: list[Any]) -> ast.Limit:
        name, count, per, where, (message, source) = children
        return ast.Limit(str(name), count, per, where, message, source, span=self._span(meta))

    def invariant(self, meta: Meta, children: list[Any]) -> ast.Invariant:
        name, condition, (message, source) = children
        return ast.Invariant(str(name), condition, message, source, span=self._span(meta))

    # ------------------------------------------------- vocabulary

    def source(self, meta: Meta, children: list[Token | None]) -> str | None:
        (source,) = children
        return unescape(source) if source is not None else None

    def category(self, meta: Meta, children: list[Any]) -> ast.ExpenseCategory:
        name, label, source = children
        return ast.ExpenseCategory(str(name), unescape(label), source, span=self._span(meta))

    def input_scalar(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0])

    def input_set(self, meta: Meta, children: list[Token]) -> str:
        return f"set of {children[0]}"

    def required(self, meta: Meta, children: list[Any]) -> tuple[bool, ast.Expr | None]:
        return (True, None)

    def optional(self, meta: Meta, children: list[Any]) -> tuple[bool, ast.Expr | None]:
        return (False, children[0])

    def input(self, meta: Meta, children: list[Any]) -> ast.Input:
        name, type_, label, presence, source = children
        required, default = presence if presence is not None else (True, None)
        return ast.Input(
            str(name), type_, unescape(label) if label is not None else None, required,
            default, source, span=self._span(meta),
        )

    def document(self, meta: Meta, children: list[Any]) -> ast.Document:
        name, label, when, source = children
        return ast.Document(str(name), unescape(label), when, source, span=self._span(meta))

    # -------------------------------------------------------- expressions

    def implies(self, meta: Meta, children: list[Any]) -> ast.Implies:
        return ast.Implies(children[0], children[1], span=self._span(meta))

    def or_(self, meta: Meta, children: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("or", tuple(children), span=self._span(meta))

    def and_(self, meta: Meta, children: list[Any]) -> ast.BoolOp:
        return ast.BoolOp("and", tuple(children), span=self._span(meta))

    def not_(self, meta: Meta, children: list[Any]) -> ast.Not:
        return ast.Not(children[0], span=self._span(meta))

    def compare(self, meta: Meta, children: list[Any]) -> ast.Compare:
        operands = tuple(children[0::2])
        ops = tuple(cast(ast.CompareOperator, str(t)) for t in children[1::2])
        return ast.Compare(operands, ops, span=self._span(meta))

    def in_(self, meta: Meta, children: list[Any]) -> ast.Membership:
        return ast.Membership("in", children[0], children[1], span=self._span(meta))

    def not_in(self, meta: Meta, children: list[Any]) -> ast.Membership:
        return ast.Membership("not in", children[0], children[1], span=self._span(meta))

    def meets(self, meta: Meta, children: list[Any]) -> ast.Membership:
        return ast.Membership("meets", children[0], children[1], span=self._span(meta))

    def binop(self, meta: Meta, children: list[Any]) -> ast.BinOp:
        left, op, right = children
        return ast.BinOp(cast(ast.ArithOperator, str(op)), left, right, span=self._span(meta))

    def unary(self, meta: Meta, children: list[Any]) -> ast.Unary:
        op, operand = children
        return ast.Unary(cast(ast.UnaryOperator, str(op)), operand, span=self._span(meta))

    def attribute(self, meta: Meta, children: list[Any]) -> ast.Attribute:
        return ast.Attribute(children[0], str(children[1]), span=self._span(meta))

    def filter(self, meta: Meta, children: list[Any]) -> ast.Filter:
        return ast.Filter(children[0], children[1], span=self._span(meta))

    def call(self, meta: Meta, children: list[Any]) -> ast.Call:
        name, *args = children
        return ast.Call(str(name), tuple(a for a in args if a is not None), span=self._span(meta))

    def name(self, meta: Meta, children: list[Token]) -> ast.Name:
        return ast.Name(str(children[0]), span=self._span(meta))

    def int_(self, meta: Meta, children: list[Token]) -> ast.IntLit:
        return ast.IntLit(int(checked_number(children[0], Quantity.WHOLE)), span=self._span(meta))

    def decimal(self, meta: Meta, children: list[Token]) -> ast.DecimalLit:
        return ast.DecimalLit(Decimal(checked_number(children[0], Quantity.DECIMAL)),
                              span=self._span(meta))

    def money(self, meta: Meta, children: list[Token]) -> ast.MoneyLit:
        return ast.MoneyLit(Decimal(checked_number(children[0], Quantity.EUROS)),
                            span=self._span(meta))

    def percent(self, meta: Meta, children: list[Token]) -> ast.PercentLit:
        return ast.PercentLit(Decimal(checked_number(children[0], Quantity.PERCENT)),
                              span=self._span(meta))

    def date(self, meta: Meta, children: list[Token]) -> ast.DateLit:
        token = children[0]
        try:
            value = datetime.date.fromisoformat(str(token))
        except ValueError:
            raise MalformedLiteral(f"`{token}` is not a date of the calendar", token,
                                  code="E003", hint="write dates as YYYY-MM-DD") from None
        return ast.DateLit(value, span=self._span(meta))

    def string(self, meta: Meta, children: list[Token]) -> ast.StringLit:
        return ast.StringLit(unescape(children[0]), span=self._span(meta))

    def true(self, meta: Meta, children: list[Token]) -> ast.BoolLit:
        return ast.BoolLit(True, span=self._span(meta))

    def false(self, meta: Meta, children: list[Token]) -> ast.BoolLit:
        return ast.BoolLit(False, span=self._span(meta))

    def set_(self, meta: Meta, children: list[Any]) -> ast.SetLit:
        return ast.SetLit(tuple(c for c in children if c is not None), span=self._span(meta))
