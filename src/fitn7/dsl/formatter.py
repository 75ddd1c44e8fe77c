"""The canonical layout of a policy: `format_policy` pretty-prints an `ast.Policy`.

Without comments the layout is a function of the AST alone (docs/formatting.md
lists the rules): `format(parse(format(p))) == format(p)`, and that text is
what `fitn7.hashing` hashes. Comments are put back from the source lines the
spans record. Like Cedar's formatter, `format_policy` parses its own output
and refuses to return text that means something else.
"""

from __future__ import annotations

import bisect
import textwrap
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from fitn7.bulk import no_cycle_collection
from fitn7.dsl import ast
from fitn7.dsl.parser import parse_policy
from fitn7.dsl.source import Span
from fitn7.errors import Fitn7Error, PolicySyntaxError

#: Sets that would pass this column wrap (the line length of the Python code too).
WIDTH = 100
#: One level of indentation.
INDENT = 2

# Precedence levels, loosest first, as in the comment of grammar.lark.
_IMPLIES, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _POSTFIX = range(9)


class FormatterError(Fitn7Error):
    """Internal error: the formatter produced text that does not mean the input policy.

    Raised instead of returning wrong text; it is a bug of fitn7 (or an AST
    built by hand that no policy text can express), never a user mistake.
    """


@attrs.define
class _Line:
    """One output line, with the source lines it came from (to place comments)."""

    indent: int
    #: The text, in the pieces written: joined once, at the end. Adding to a
    #: string instead copies it at each piece, quadratic on a long line.
    parts: list[str] = attrs.Factory(list)
    width: int = 0
    tags: set[int] = attrs.Factory(set)
    trailing: list[ast.Comment] = attrs.Factory(list)
    blank: bool = False

    @classmethod
    def of(cls, indent: int, text: str) -> _Line:
        """A line holding `text`."""
        return cls(indent, [text], len(text))

    @property
    def text(self) -> str:
        """What is written on the line, indentation left out."""
        return "".join(self.parts)

    def write(self, text: str) -> None:
        """Append `text`."""
        self.parts.append(text)
        self.width += len(text)


class _Spanned(Protocol):
    """A node that knows where it came from."""

    @property
    def span(self) -> Span | None: ...


class _Cited(_Spanned, Protocol):
    """A node with an optional message and `source` citation."""

    @property
    def message(self) -> str | None: ...

    @property
    def source(self) -> str | None: ...


def format_policy(policy: ast.Policy, *, comments: bool = True) -> str:
    """The canonical text of `policy`, with its comments unless `comments` is False.

    Raises `FormatterError` if the text would not parse back to an equal AST.
    """
    source_lines = policy.source.text.split("\n") if policy.source is not None else None
    no_code = {c.line for c in policy.comments if not c.trailing}
    if source_lines is not None:
        no_code.update(n for n, text in enumerate(source_lines, start=1) if not text.strip())
    kept = policy.comments if comments else ()
    with no_cycle_collection():
        text = _layout(policy, kept, comments, no_code, source_lines)
    _verify(policy, text, comments)
    return text


def _layout(
    policy: ast.Policy,
    kept: Sequence[ast.Comment],
    comments: bool,
    no_code: set[int],
    source_lines: Sequence[str] | None,
) -> str:
    """The text of `policy`, comments placed (what `format_policy` checks)."""
    printer = _Printer(
        no_code=frozenset(no_code),
        trailing_comments=frozenset(c.line for c in kept if c.trailing),
        standalone_comments=frozenset(c.line for c in kept if not c.trailing),
    )
    printer.policy(policy)
    lines: list[_Line] = printer.lines
    if comments and policy.comments:
        lines = _place_comments(printer, policy.comments, source_lines)
    return _join(lines)


# --------------------------------------------------------------- literals


def _group(digits: str) -> str:
    """`1188000` -> `1_188_000`: every integer part of 4 digits or more is grouped."""
    if len(digits) < 4:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return "_".join(groups)


def _number(value: Decimal, *, cents: bool = False, always: bool = False) -> str:
    """Grouped integer part, then the fraction without trailing zeros.

    A decimal literal `always` keeps a fraction (`5.0`, or it would read as an
    integer); an amount in euros with a fraction shows the `cents` (`12.50 €`).
    """
    if value.is_zero():
        value = value.copy_abs()  # `-0` is not a literal the grammar can write
    whole, _, fraction = format(value, "f").partition(".")
    fraction = fraction.rstrip("0")
    if fraction or always:
        fraction = "." + fraction.ljust(2 if cents else 1, "0")
    return _group(whole) + fraction


def format_string(value: str) -> str:
    """A string as a policy writes it, double-quoted and escaped (`unescape` reads it back)."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _optional_string(value: str | None) -> str | None:
    return format_string(value) if value is not None else None


def _literal(e: ast.Literal_ | ast.Name) -> str:
    """The text of a literal or a name."""
    if isinstance(e, ast.BoolLit):
        return "true" if e.value else "false"
    if isinstance(e, ast.IntLit):
        return _group(str(e.value))
    if isinstance(e, ast.DecimalLit):
        return _number(e.value, always=True)
    if isinstance(e, ast.MoneyLit):
        return _number(e.value, cents=True) + " €"
    if isinstance(e, ast.PercentLit):
        return _number(e.value) + "%"
    if isinstance(e, ast.DateLit):
        return e.value.isoformat()
    if isinstance(e, ast.StringLit):
        return format_string(e.value)
    return e.name


def _precedence(e: ast.Expr) -> int:
    """How tightly `e` binds; a child looser than its context needs parentheses."""
    if isinstance(e, ast.Implies):
        return _IMPLIES
    if isinstance(e, ast.BoolOp):
        return _OR if e.op == "or" else _AND
    if isinstance(e, ast.Not):
        return _NOT
    if isinstance(e, ast.Compare | ast.Membership):
        return _COMPARE
    if isinstance(e, ast.BinOp):
        return _SUM if e.op in ("+", "-") else _PRODUCT
    if isinstance(e, ast.Unary):
        return _UNARY
    return _POSTFIX


# ---------------------------------------------------------------- printer


class _Printer:
    """Writes the lines of a policy; records anchors and source lines for comments."""

    def __init__(
        self,
        *,
        wrap: bool = True,
        no_code: frozenset[int] = frozenset(),
        trailing_comments: frozenset[int] = frozenset(),
        standalone_comments: frozenset[int] = frozenset(),
    ) -> None:
        self.lines: list[_Line] = [_Line(0)]
        self.wrap = wrap
        #: Source lines that are blank or hold only a comment.
        self.no_code = no_code
        #: Source lines that end with a comment, and lines that are only a comment
        #: (empty when comments are not printed): a set with some between its
        #: elements keeps one element per line.
        self.trailing_comments = trailing_comments
        self.standalone_comments = standalone_comments
        #: (source line, output line index) of each line start, in output order.
        self.anchors: list[tuple[int, int]] = []
        self._high = 0

    @property
    def col(self) -> int:
        """The column (0-based) where the next character goes."""
        line = self.lines[-1]
        return line.indent + line.width

    def write(self, text: str) -> None:
        """Append text to the current line."""
        self.lines[-1].write(text)

    def _tag(self, source_line: int) -> None:
        self.lines[-1].tags.add(source_line)
        self._high = max(self._high, source_line)

    def start(self, indent: int, node: _Spanned) -> None:
        """Start the line of a node: an anchor for the comments before it."""
        self.lines.append(_Line(indent))
        if node.span is not None:
            self.anchors.append((node.span.line, len(self.lines) - 1))
            self._tag(node.span.line)

    def follow(self, indent: int, owner: _Spanned) -> None:
        """Start a line of `owner` that has no node (message, source, header field).

        Without a span of its own, it is taken to come from the next source
        line with code after the last one seen, within `owner`: exact when
        the input puts one such element per line, as the canonical layout does.
        """
        self.lines.append(_Line(indent))
        if owner.span is not None:
            line = self._high + 1
            while line in self.no_code:
                line += 1
            line = min(line, owner.span.end_line)
            self.anchors.append((line, len(self.lines) - 1))
            self._tag(line)

    def blank(self) -> None:
        """An empty separator line."""
        self.lines.append(_Line(0, blank=True))

    # ---------------------------------------------------------- policy

    def policy(self, policy: ast.Policy) -> None:
        """The header then the declarations, a blank line apart unless grouped."""
        self.lines.clear()
        self.header(policy.header)
        previous: ast.Declaration | None = None
        for declaration in policy.declarations:
            if not _grouped(previous, declaration):
                self.blank()
            self.declaration(declaration)
            previous = declaration

    def header(self, header: ast.Header) -> None:
        """`policy "id"` then the fields present, values aligned."""
        self.start(0, header)
        self.write(f"policy {format_string(header.id)}")
        fields: list[tuple[str, str | ast.Expr | None]] = [
            ("title", _optional_string(header.title)),
            ("authority", _optional_string(header.authority)),
            ("version", _optional_string(header.version)),
            ("envelope", header.envelope),
            ("extends", _optional_string(header.extends)),
            ("uses", ", ".join(format_string(u) for u in header.uses) or None),
        ]
        present = [(keyword, value) for keyword, value in fields if value is not None]
        width = max((len(keyword) for keyword, _ in present), default=0)
        for keyword, value in present:
            self.follow(INDENT, header)
            self.write(keyword.ljust(width) + " ")
            self._item(value, tail=True)

    def declaration(self, d: ast.Declaration) -> None:
        """One declaration at the left margin."""
        self.start(0, d)
        if isinstance(d, ast.Param | ast.Let):
            self.write(f"{'param' if isinstance(d, ast.Param) else 'let'} {d.name} = ")
            self.expr(d.default if isinstance(d, ast.Param) else d.value, tail=True)
        elif isinstance(d, ast.Session):
            self.write(f"session {format_string(d.name)} closes ")
            self.expr(d.closes, tail=True)
        elif isinstance(d, ast.Rule):
            self.write(f"{d.kind} {d.id}: ")
            self.expr(d.condition, tail=True)
            self.meta(d, INDENT)
        elif isinstance(d, ast.Expenses):
            self.write(f"expenses {d.mode} ")
            self.braced(d.categories, tail=True)
        elif isinstance(d, ast.ExpensesBasis):
            excluding = " excluding recovered_vat" if d.excluding_recovered_vat else ""
            self.write(f"expenses basis {d.basis}{excluding}")
        elif isinstance(d, ast.Amount):
            self.write("amount")
            # The steps of a part, or after `total`, are indented under it.
            nested = False
            for step in d.steps:
                heads = isinstance(step, ast.Part | ast.Total)
                self.step(step, INDENT if heads or not nested else 2 * INDENT)
                nested = nested or heads
        elif isinstance(d, ast.Score):
            self.write("score")
            for c in d.criteria:
                self.start(INDENT, c)
                self.write(f"{c.id}: ")
                self.expr(c.value, tail=c.when is None)
                self.when(c.when)
                self.meta(c, 2 * INDENT)
        elif isinstance(d, ast.Limit):
            self.write(f"limit {d.id}: at most ")
            self.expr(d.count)
            one = isinstance(d.count, ast.IntLit) and d.count.value == 1
            self.write(" award per " if one else " awards per ")
            self.expr(d.per, tail=d.where is None)
            if d.where is not None:
                self.write(" where ")
                self.expr(d.where, tail=True)
            self.meta(d, INDENT)
        elif isinstance(d, ast.Invariant):
            self.write(f"invariant {d.id}: ")
            self.expr(d.condition, tail=True)
            self.meta(d, INDENT)
        else:
            self.vocabulary(d)

    def vocabulary(self, d: ast.VocabularyDecl) -> None:
        """A category, input or document: one line, then its `source` on the next."""
        if isinstance(d, ast.ExpenseCategory):
            self.write(f"category {d.name} {format_string(d.label)}")
        elif isinstance(d, ast.Input):
            self.write(f"input {d.name}: {d.type}")
            if d.label is not None:
                self.write(f" {format_string(d.label)}")
            if not d.required:
                self.write(" optional")
                if d.default is not None:
                    self.write(" default ")
                    self.expr(d.default, tail=True)
        else:
            self.write(f"document {d.name}: {format_string(d.label)}")
            self.when(d.when)
        if d.source is not None:
            self.follow(INDENT, d)
            self.write(f"source {format_string(d.source)}")

    def step(self, s: ast.AmountStep, indent: int = INDENT) -> None:
        """One step of the `amount` block at `indent`; its bands and meta one level more."""
        self.start(indent, s)
        inner = indent + INDENT
        if isinstance(s, ast.Base):
            self.write("base ")
            self.expr(s.value, tail=True)
            self.meta(s, inner)
            return
        if isinstance(s, ast.Part):
            self.write(f"part {s.id}: ")
            self.expr(s.lines, tail=True)
            self.meta(s, inner)
            return
        if isinstance(s, ast.Total):
            self.write("total")
            self.meta(s, inner)
            return
        if isinstance(s, ast.Ceiling):
            self.write(f"ceiling {s.id}: ")
            self.expr(s.share)
            self.write(" of ")
            self.expr(s.cost, tail=s.other is None and s.when is None)
            if s.other is not None:
                self.write(" minus ")
                self.expr(s.other, tail=s.when is None)
            self.when(s.when)
            self.meta(s, inner)
            return
        if isinstance(s, ast.Minimum):
            self.write(f"minimum {s.id}: ")
            self.expr(s.value, tail=s.when is None)
            self.when(s.when)
            self.meta(s, inner)
            return
        if isinstance(s, ast.Adjustment):
            self.write(f"{s.kind} {s.id}: ")
        else:
            keyword = "rate" if isinstance(s, ast.Rate) else "forfait"
            self.write(keyword + (f" {s.id}: " if s.id is not None else " "))
        if isinstance(s, ast.ForfaitBands):
            self.write("by ")
            self.expr(s.by, tail=s.when is None)
            self.when(s.when)
            self.bands(s.bands, inner)
        else:
            self.expr(s.value, tail=s.when is None)
            self.when(s.when)
        self.meta(s, inner)

    def bands(self, bands: Sequence[ast.Band], indent: int = 2 * INDENT) -> None:
        """Bands one per line at `indent`, their `:` aligned."""
        heads = [_band_head(b) for b in bands]
        width = max(len(h) for h in heads)
        for band, head in zip(bands, heads, strict=True):
            self.start(indent, band)
            if band.kind == "otherwise":
                self.write("otherwise")
            if band.low is not None:
                self.write("from ")
                self.expr(band.low)
            if band.high is not None:
                self.write(" below " if band.low is not None else "below ")
                self.expr(band.high)
            self.write(" " * (width - len(head)) + " : ")
            self.expr(band.value, tail=True)

    def when(self, condition: ast.Expr | None) -> None:
        """` when COND` if there is a condition."""
        if condition is not None:
            self.write(" when ")
            self.expr(condition, tail=True)

    def meta(self, node: _Cited, indent: int) -> None:
        """The message, then `source "…"`, each on its own line."""
        if node.message is not None:
            self.follow(indent, node)
            self.write(format_string(node.message))
        if node.source is not None:
            self.follow(indent, node)
            self.write(f"source {format_string(node.source)}")

    # ------------------------------------------------------- expressions

    def expr(self, e: ast.Expr, level: int = _IMPLIES, *, tail: bool = False) -> None:
        """Write `e`, in parentheses when it binds looser than `level` requires.

        `tail`: nothing follows `e` on its line, so a set ending it may wrap.
        """
        paren = _precedence(e) < level
        if paren:
            self.write("(")
        if e.span is not None:
            self._tag(e.span.line)
        self._expr(e, tail and not paren)
        if e.span is not None:
            self._tag(e.span.end_line)
        if paren:
            self.write(")")

    def _expr(self, e: ast.Expr, tail: bool) -> None:
        if isinstance(e, ast.SetLit):
            self.braced(e.items, tail=tail)
        elif isinstance(e, ast.Attribute):
            self.expr(e.value, _POSTFIX)
            self.write(f".{e.attr}")
        elif isinstance(e, ast.Filter):
            self.expr(e.value, _POSTFIX)
            self.write("[")
            self.expr(e.predicate)
            self.write("]")
        elif isinstance(e, ast.Call):
            self.write(f"{e.func}(")
            self.sequence(e.args, ", ")
            self.write(")")
        elif isinstance(e, ast.Unary):
            # `- -x`: two signs are two tokens either way, the space reads better.
            self.write(e.op + (" " if isinstance(e.operand, ast.Unary) else ""))
            self.expr(e.operand, _UNARY, tail=tail)
        elif isinstance(e, ast.BinOp):
            level = _precedence(e)
            self.expr(e.left, level)
            self.write(f" {e.op} ")
            self.expr(e.right, level + 1, tail=tail)
        elif isinstance(e, ast.Compare):
            self.expr(e.operands[0], _SUM)
            for index, (op, operand) in enumerate(zip(e.ops, e.operands[1:], strict=True)):
                self.write(f" {op} ")
                self.expr(operand, _SUM, tail=tail and index == len(e.ops) - 1)
        elif isinstance(e, ast.Membership):
            self.expr(e.left, _SUM)
            self.write(f" {e.op} ")
            self.expr(e.right, _SUM, tail=tail)
        elif isinstance(e, ast.BoolOp):
            self.sequence(e.operands, f" {e.op} ", _precedence(e) + 1, tail=tail)
        elif isinstance(e, ast.Not):
            self.write("not ")
            self.expr(e.operand, _NOT, tail=tail)
        elif isinstance(e, ast.Implies):
            self.expr(e.left, _OR)
            self.write(" implies ")
            self.expr(e.right, _OR, tail=tail)
        else:
            self.write(_literal(e))

    def sequence(
        self,
        items: Sequence[ast.Expr],
        separator: str,
        level: int = _IMPLIES,
        *,
        tail: bool = False,
    ) -> None:
        """Items with a separator between them; the last one inherits `tail`."""
        for index, item in enumerate(items):
            if index:
                self.write(separator)
            self.expr(item, level, tail=tail and index == len(items) - 1)

    def braced(self, items: Sequence[ast.Expr | str], *, tail: bool = False) -> None:
        """`{a, b}`; at the end of a line past WIDTH, filled and aligned after `{`.

        Only a set that ends its line wraps: breaking one in the middle of a
        line would leave the rest of the expression dangling after its `}`.
        A set that opens in the right half of the line does not wrap either.
        A set with comments between its elements, wherever it is, keeps one
        element per line aligned after `{`, so that no comment changes place.
        """
        if self._commented(items):
            # One element per line, so that each comment stays with its elements.
            inner = self.col + 1
            self.write("{")
            for index, item in enumerate(items):
                if index:
                    self.write(",")
                    if isinstance(item, str):
                        self.lines.append(_Line(inner))
                    else:
                        self.start(inner, item)  # an anchor for a comment line before it
                self._item(item)
            self.write("}")
            return
        if not self.wrap:
            # On one line (as `_flat` measures): nothing to measure first. Measuring
            # here too would print each nested set twice per level: exponential.
            self._on_one_line(items)
            return
        texts = [i if isinstance(i, str) else _flat(i) for i in items]
        fits = self.col + len("{" + ", ".join(texts) + "}") <= WIDTH
        # Wrapping a set that opens in the right half would only make a thin column.
        if fits or not tail or self.col > WIDTH // 2:
            self._on_one_line(items)
            return
        inner = self.col + 1
        self.write("{")
        for index, (item, text) in enumerate(zip(items, texts, strict=True)):
            # The item fits if `, item` and the `,` or `}` after it do.
            if index and self.col + len(", " + text + ",") > WIDTH:
                self.write(",")
                self.lines.append(_Line(inner))
            elif index:
                self.write(", ")
            self._item(item)
        self.write("}")

    def _on_one_line(self, items: Sequence[ast.Expr | str]) -> None:
        """`{a, b, c}` on the current line."""
        self.write("{")
        for index, item in enumerate(items):
            self.write(", " if index else "")
            self._item(item)
        self.write("}")

    def _commented(self, items: Sequence[ast.Expr | str]) -> bool:
        """Whether comments sit between the elements of a set: a comment at the end of a
        line followed by more elements, or a comment line between two elements.

        Expense categories have no position, so their sets never qualify.
        """
        if not self.wrap or len(items) < 2:
            return False
        spans = [None if isinstance(i, str) else i.span for i in items]
        first, last = spans[0], spans[-1]
        if first is None or last is None or any(span is None for span in spans):
            return False
        return any(
            line in self.trailing_comments for line in range(first.line, last.line)
        ) or any(line in self.standalone_comments for line in range(first.line + 1, last.line))

    def _item(self, item: ast.Expr | str, *, tail: bool = False) -> None:
        if isinstance(item, str):
            self.write(item)
        else:
            self.expr(item, tail=tail)


def _flat(e: ast.Expr) -> str:
    """`e` on one line, whatever its width: to measure it."""
    printer = _Printer(wrap=False)
    printer.expr(e)
    return printer.lines[-1].text


def _band_head(band: ast.Band) -> str:
    """What comes before the band's `:`, on one line."""
    if band.kind == "otherwise":
        return "otherwise"
    low = f"from {_flat(band.low)}" if band.low is not None else ""
    high = f"below {_flat(band.high)}" if band.high is not None else ""
    return " ".join(part for part in (low, high) if part)


def _grouped(previous: ast.Declaration | None, current: ast.Declaration) -> bool:
    """Consecutive declarations of one kind stay together unless one cites a `source`.

    Lets, params, sessions, invariants and the vocabulary (categories, inputs,
    documents) read as lists; a rule with its citation reads as a paragraph.
    Blocks (`amount`, `score`) always stand apart.
    """
    if isinstance(previous, ast.Expenses) and isinstance(current, ast.ExpensesBasis):
        return True  # which lines count, then which figure of them: one paragraph
    if previous is None or type(previous) is not type(current):
        return False
    if isinstance(current, ast.Amount | ast.Score):
        return False
    if isinstance(previous, ast.Rule) and isinstance(current, ast.Rule) and (
        previous.kind != current.kind
    ):
        return False
    return not (_cites(previous) or _cites(current))


def _cites(d: ast.Declaration) -> bool:
    return isinstance(d, ast.Rule | ast.Limit | ast.Invariant | ast.ExpenseCategory | ast.Input
                      | ast.Document) and d.source is not None


# --------------------------------------------------------------- comments


def _place_comments(
    printer: _Printer,
    comments: Sequence[ast.Comment],
    source_lines: Sequence[str] | None,
) -> list[_Line]:
    """The printed lines with the comments put back.

    A standalone comment goes before the first node that starts a line after
    it, at that node's indentation; the ones after the last node go at the
    end. A trailing comment goes at the end of the output line that printed
    its source line (or the closest one before).
    """
    lines = printer.lines
    tagged = _tagged(lines)
    for comment in comments:
        if comment.trailing:
            _target(lines, tagged, comment.line).trailing.append(comment)
    # Sorted: an AST edited after parsing may hold spans out of file order.
    anchors = sorted(printer.anchors)
    anchor_line = {index: source_line for source_line, index in anchors}
    keys = [source_line for source_line, _ in anchors]
    before: dict[int, list[ast.Comment]] = {}
    for comment in comments:
        if not comment.trailing:
            at = bisect.bisect_right(keys, comment.line)
            index = anchors[at][1] if at < len(keys) else len(lines)
            before.setdefault(index, []).append(comment)

    def blank_between(a: int, b: int) -> bool:
        # Blank lines the author left around comments are kept (one at most).
        if source_lines is None:
            return False
        return any(not source_lines[k - 1].strip() for k in range(max(a + 1, 1), b))

    out: list[_Line] = []
    for index in range(len(lines) + 1):
        group = before.get(index, [])
        if group:
            # Past the last node, nothing gives an indentation: keep the author's.
            indent = lines[index].indent if index < len(lines) else group[0].column - 1
            first = group[0].line
            if out and not out[-1].blank and blank_between(first - 2, first):
                out.append(_Line(0, blank=True))
            for number, comment in enumerate(group):
                if number and blank_between(group[number - 1].line, comment.line):
                    out.append(_Line(0, blank=True))
                out.append(_Line.of(indent, comment.text))
            if index in anchor_line and blank_between(group[-1].line, anchor_line[index]):
                out.append(_Line(0, blank=True))
        if index < len(lines):
            out.append(lines[index])
    return out


def _tagged(lines: Sequence[_Line]) -> list[tuple[int, int]]:
    """(source line, output line index) for every tag, sorted: what `_target` searches."""
    return sorted((tag, index) for index, line in enumerate(lines) for tag in line.tags)


def _target(lines: Sequence[_Line], tagged: Sequence[tuple[int, int]], source_line: int) -> _Line:
    """The output line printed from `source_line`, else the closest one before it.

    The line with the greatest tag not past `source_line`, the last such line
    on a tie: the last of the sorted (tag, index) pairs not past it.
    """
    at = bisect.bisect_right(tagged, (source_line, len(lines)))
    return lines[tagged[at - 1][1] if at > 0 else 0]


def format_expression(e: ast.Expr) -> str:
    """The canonical text of an expression on one line: `applicant.kind == commune`."""
    return _flat(e)


def format_band(band: ast.Band) -> str:
    """One band as written: `from 5_000 below 20_000 : 10_000 €`."""
    return f"{_band_head(band)} : {_flat(band.value)}"


def format_node(node: ast.Declaration | ast.AmountStep | ast.Criterion) -> str:
    """The canonical text of one declaration, amount step or score criterion, message
    and source included, dedented, sets kept on one line (for diffs and reports)."""
    printer = _Printer(wrap=False)
    printer.lines.clear()
    if isinstance(node, ast.Criterion):
        printer.declaration(ast.Score((node,)))
        printer.lines.pop(0)  # the `score` keyword line of the wrapping block
    elif isinstance(node, ast.Base | ast.ForfaitBands | ast.Forfait | ast.Rate | ast.Adjustment
                    | ast.Part | ast.Total | ast.Ceiling | ast.Minimum):
        printer.step(node)
    else:
        printer.declaration(node)
    return textwrap.dedent(_join(printer.lines)).rstrip("\n")


def _join(lines: Sequence[_Line]) -> str:
    """The text of the lines, trailing comments kept at their column when there is room."""
    out: list[str] = []
    for line in lines:
        if line.blank:
            out.append("")
            continue
        code = " " * line.indent + line.text
        for number, comment in enumerate(line.trailing):
            room = comment.column - 1 - len(code) if number == 0 else 0
            code += " " * max(room, 2) + comment.text
        out.append(code)
    return "\n".join(out) + "\n"


def _verify(policy: ast.Policy, text: str, comments: bool) -> None:
    """Refuse text that does not parse back to `policy` or that lost a comment."""
    try:
        again = parse_policy(text, "<formatted>")
    except PolicySyntaxError as exc:
        raise FormatterError(
            f"internal error: the formatted text of `{policy.id}` does not parse\n{exc.render()}"
        ) from None
    if again != policy:
        raise FormatterError(
            f"internal error: the formatted text of `{policy.id}` means something else"
        )
    if comments and _lost_comment(policy.comments, again.comments):
        raise FormatterError(f"internal error: formatting `{policy.id}` lost a comment")


def _lost_comment(before: Sequence[ast.Comment], after: Sequence[ast.Comment]) -> bool:
    """Whether a comment of the input is missing from the comments of the output.

    Most come out whole, one per comment found again; those joined on one line
    (`# un  # deux`) are looked for inside the others. Searching the whole text
    for each comment would be quadratic in a file of many comments.
    """
    missing = Counter(c.text for c in before) - Counter(c.text for c in after)
    if not missing:
        return False
    joined = "\n".join(c.text for c in after)
    return any(text not in joined for text in missing)
