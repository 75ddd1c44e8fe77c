"""The parser facade: text in, `ast.Policy` or `PolicySyntaxError` out.

The LALR parser is built once per process from `grammar.lark`. Every lark
exception is turned into a `Diagnostic`. Common mistakes get a labelled message
and a hint, recognised in two ways:

- from the tokens, wherever they happen: `=` where a comparison could follow,
  a number split by a space, a `-` inside an id, `if` for `when`;
- from the catalogue of `syntax_errors.py`: its broken examples are parsed
  once, and a user's error that fails in the same LALR state, with the same
  acceptable tokens, gets the example's label. We do not use lark's
  `match_examples` for this: in lark 1.3.1 it compares parser states with their
  stack depth (a mistake one `{` deeper than the example never matches) and
  re-parses every example at each error.

Other errors list what could come instead, in words (`describe_expected`).
Expressions nested deeper than `MAX_NESTING` are refused before the tree is
transformed, so that no later stage recurses past Python's limit.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import attrs
from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from fitn7.bulk import no_cycle_collection
from fitn7.diagnostics import Diagnostic
from fitn7.dsl import ast, build_tables
from fitn7.dsl.comments import scan_comments
from fitn7.dsl.source import SourceText, Span
from fitn7.dsl.syntax_errors import CATALOGUE, describe_expected
from fitn7.dsl.transformer import MalformedLiteral, ToAst
from fitn7.errors import PolicyFileError, PolicySyntaxError


@functools.cache
def _lark() -> Lark:
    """The parser: loaded from the committed tables when they were built from this
    grammar with this lark (see `build_tables.py`), else built from the grammar."""
    grammar = build_tables.grammar_text()
    return build_tables.load(grammar) or build_tables.build(grammar)


#: The deepest nesting of an expression (`not not …`, `1 + 2 + …`, `{{…}}`) a
#: policy may have. Real policies stay under 10; the limit keeps the stages
#: after the parser (checker, evaluator, formatter), all recursive, far from
#: Python's recursion limit.
MAX_NESTING = 100

# Python frames those stages take per level of nesting, at most.
_FRAMES_PER_LEVEL = 4


def _nesting_limit() -> int:
    """MAX_NESTING, or less if Python's recursion limit leaves less room for the
    stages after the parser (the parser itself does not recurse)."""
    return min(MAX_NESTING, sys.getrecursionlimit() // _FRAMES_PER_LEVEL)

#: The longest policy text parsed, in characters. The shipped policies have
#: 2_000 to 8_000; parsing and checking take about a second per million.
MAX_POLICY_CHARS = 2_000_000

#: The longest name (rule id, `let`, `param`, field, function) a policy may
#: write. Real ones have under 40 characters; a name is quoted in messages and
#: compared with every other for `did you mean`, in time that grows with its length.
MAX_NAME_LENGTH = 200

_BOM = "\ufeff"


def parse_policy(text: str, source: str = "<policy>") -> ast.Policy:
    """Parse the text of a policy; `source` names it in diagnostics (a file path).

    A leading byte-order mark (Windows editors write one) is ignored. Raises
    `PolicySyntaxError` for any text that is not a policy, never another
    exception.
    """
    text = text.removeprefix(_BOM)
    src = SourceText(source, text)
    if len(text) > MAX_POLICY_CHARS:
        raise PolicySyntaxError([_too_long_error(src, len(text))], [src])
    try:
        with no_cycle_collection():
            tree = _lark().parse(text)
            unit, depth, long_name = _measure(tree)
            if long_name is not None:
                raise PolicySyntaxError([_long_name_error(source, long_name)], [src])
            if depth > _nesting_limit():
                raise PolicySyntaxError([_nesting_error(src, unit)], [src])
            policy = ToAst(source).transform(tree)
    except UnexpectedInput as exc:
        raise PolicySyntaxError([_diagnose(exc, src)], [src]) from None
    except MalformedLiteral as bad:
        span = _token_span(source, bad.token)
        if bad.width is not None and span.line == span.end_line:
            start = span.column + bad.offset
            span = attrs.evolve(span, column=start, end_column=start + bad.width)
        raise PolicySyntaxError([Diagnostic(bad.code, str(bad), span, bad.hint)],
                                [src]) from None
    return ast.Policy(
        policy.header,
        policy.declarations,
        comments=scan_comments(text),
        source=src,
        span=policy.span,
    )


def load_policy_file(path: str | Path) -> ast.Policy:
    """Read and parse one policy file (no `extends` resolution, no checking).

    Raises `PolicyFileError` when the file cannot be read as text, and
    `PolicySyntaxError` when it is not a policy (E027 without reading a file
    too big to be one).
    """
    _refuse_huge_file(Path(path))
    return parse_policy(read_policy_text(path), source=str(path))


def _refuse_huge_file(path: Path) -> None:
    """E027 for a file that cannot hold MAX_POLICY_CHARS characters or fewer (4 bytes
    at most per character in UTF-8), quoting its start only: it is not read whole."""
    try:
        size = path.stat().st_size
        if size <= 4 * MAX_POLICY_CHARS or not path.is_file():
            return
        with path.open("rb") as f:
            head = f.read(1000).decode("utf-8", errors="replace").split("\n")[0]
    except OSError:
        return  # read_policy_text says why
    src = SourceText(str(path), head)
    raise PolicySyntaxError([_too_long_error(src, size, 'bytes')], [src])


def read_policy_text(path: str | Path) -> str:
    """The text of a policy file; `PolicyFileError` saying why when it cannot be read."""
    p = Path(path)
    try:
        # utf-8-sig: Windows editors often start a UTF-8 file with a byte-order mark.
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyFileError(str(path), "it is not UTF-8 text (save it as UTF-8)") from None
    except IsADirectoryError:
        raise PolicyFileError(
            str(path), "it is a directory (name a `.fitn7` file)"
        ) from None
    except FileNotFoundError:
        raise PolicyFileError(str(path), "no such file") from None
    except OSError as exc:
        raise PolicyFileError(str(path), exc.strerror or str(exc)) from None


def _token_span(file: str, tok: Token) -> Span:
    line = tok.line or 1
    column = tok.column or 1
    return Span(file, line, column, tok.end_line or line, tok.end_column or column + 1)


# ------------------------------------------------------------- nesting


def _deepest(tree: Tree[Token] | None) -> tuple[Tree[Token] | None, int]:
    """The most deeply nested declaration (or header field) and its depth, counted
    without recursion."""
    unit, depth, _ = _measure(tree)
    return unit, depth


def _measure(tree: Tree[Token] | None) -> tuple[Tree[Token] | None, int, Token | None]:
    """The most deeply nested declaration (or header field), its depth, and the first
    name longer than MAX_NAME_LENGTH: one walk of the tree, without recursion."""
    if tree is None:
        return None, 0, None
    units: list[Tree[Token]] = []
    for child in tree.children:
        if isinstance(child, Tree):
            if child.data == "header":
                units.extend(c for c in child.children if isinstance(c, Tree))
            else:
                units.append(child)
    deepest: Tree[Token] | None = None
    most = 0
    long_name: Token | None = None
    for unit in units:
        stack: list[tuple[Tree[Token], int]] = [(unit, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > most:
                deepest, most = unit, depth
            for c in node.children:
                if isinstance(c, Tree):
                    stack.append((c, depth + 1))
                elif (
                    isinstance(c, Token)
                    and c.type == "NAME"
                    and len(c) > MAX_NAME_LENGTH
                    and (long_name is None or (c.start_pos or 0) < (long_name.start_pos or 0))
                ):
                    long_name = c
    return deepest, most, long_name


def _long_name_error(source: str, token: Token) -> Diagnostic:
    """E028 at a name longer than MAX_NAME_LENGTH, the caret under its first characters."""
    span = _token_span(source, token)
    return Diagnostic(
        "E028",
        f"name too long: {len(token)} characters, at most {MAX_NAME_LENGTH}",
        attrs.evolve(span, end_line=span.line, end_column=span.column + 1),
        "give it a shorter name: ids and names are words of the text, like "
        "`plafond_commune`",
    )


def _too_long_error(src: SourceText, length: int, unit: str = "characters") -> Diagnostic:
    """E027 for a policy text longer than MAX_POLICY_CHARS, at its first character."""
    return Diagnostic(
        "E027",
        f"policy too long: {length:_} {unit}, at most {MAX_POLICY_CHARS:_} characters",
        Span(src.name, 1, 1, 1, 2),
        "split it with `extends`: a parent policy holds what several policies share, "
        "each child adds its own rules",
    )


def _nesting_error(src: SourceText, unit: Tree[Token] | None) -> Diagnostic:
    """E026, at the keyword of `unit` when known."""
    span = None
    if unit is not None and not unit.meta.empty:
        line, column = unit.meta.line, unit.meta.column
        word = re.match(r"\w+", src.line(line)[column - 1:])
        span = Span(src.name, line, column, line, column + (len(word[0]) if word else 1))
    return Diagnostic(
        "E026",
        "expression too long or too deeply nested",
        span,
        f"split it with `let`: give parts of it a name (`let petits = …`), then use the "
        f"names (at most {_nesting_limit()} levels of nesting)",
    )


# ------------------------------------------------------- the catalogue


@attrs.frozen
class _Fingerprint:
    """Where a catalogue example fails: parser state, acceptable tokens, what the parser
    was reading, the token met."""

    position: Any
    accepts: frozenset[str]
    context: str
    token_type: str
    token_value: str
    label: str


# Terminals that carry a value; the others (keywords, punctuation) say what
# the parser was reading.
_VALUE_TERMINALS = frozenset(
    {"NAME", "STRING", "INT", "DECIMAL", "DATE", "COMP_OP", "ADD_OP", "MUL_OP"}
)

# A keyword before or after its reduction to a tree is the same context.
_KINDS = {
    "REQUIRE": "rule_kind",
    "EXCLUDE": "rule_kind",
    "REVIEW": "rule_kind",
    "ELIGIBLE": "expenses_mode",
    "INELIGIBLE": "expenses_mode",
}


def _context(exc: UnexpectedToken) -> str:
    """The last keyword or punctuation the parser shifted (`version`, `{`, `source`)."""
    if exc.state is None:
        return ""
    for value in reversed(exc.state.value_stack):
        if isinstance(value, Token) and value.type not in _VALUE_TERMINALS:
            return _KINDS.get(value.type, value.type)
        if isinstance(value, Tree) and value.data in ("rule_kind", "expenses_mode"):
            return str(value.data)
    return ""


@functools.cache
def _fingerprints() -> tuple[_Fingerprint, ...]:
    # Parsed once per process.
    out = []
    for label, examples in CATALOGUE.examples.items():
        for text in examples:
            try:
                _lark().parse(text)
            except UnexpectedToken as exc:
                out.append(_Fingerprint(
                    exc.state.position if exc.state is not None else None,
                    frozenset(exc.accepts or ()),
                    _context(exc),
                    exc.token.type,
                    str(exc.token),
                    label,
                ))
            except UnexpectedInput:
                continue  # character-level mistakes are recognised by the character
    return tuple(out)


def _match_catalogue(exc: UnexpectedInput) -> str | None:
    """The catalogue label of a parse error: same state and accepted tokens; the token
    met decides between candidates (exact text, then type, then the first)."""
    if not isinstance(exc, UnexpectedToken) or exc.state is None:
        return None
    position = exc.state.position
    accepts = frozenset(exc.accepts or ())
    same = [f for f in _fingerprints() if f.position == position and f.accepts == accepts]
    if not same:
        # The grammar's repetitions give one state to the first item of a list
        # and another to the next ones: the same tokens expected, after the
        # same keyword or punctuation, is the same mistake.
        context = _context(exc)
        same = [f for f in _fingerprints() if f.accepts == accepts and f.context == context]
    for f in same:
        if f.token_type == exc.token.type and f.token_value == str(exc.token):
            return f.label
    for f in same:
        if f.token_type == exc.token.type:
            return f.label
    return same[0].label if same else None


# ------------------------------------------------ mistakes seen in tokens

# Words that start a condition in other languages; fitn7 writes `when`.
_IF_WORDS = frozenset({"if", "si", "quand", "lorsque"})

# A number of one to three digits then a space, just before the unexpected token.
_NUMBER_BEFORE = re.compile(r"(?<![\w.])\d{1,3} +$")


def _previous_token(exc: UnexpectedToken) -> Token | None:
    if exc.state is None or not exc.state.value_stack:
        return None
    last = exc.state.value_stack[-1]
    return last if isinstance(last, Token) else None


def _mistake(label: str, span: Span) -> Diagnostic:
    entry = CATALOGUE.entries[label]
    return Diagnostic(entry.code, entry.message, span, entry.help)


def _space_in_number(line: str, span: Span) -> Diagnostic:
    """E013 with the user's own number in the hint: `write 10_000 … instead of 10 000`."""
    diagnostic = _mistake("space-in-number", span)
    # The number as written: digit groups separated by single spaces, ending here.
    found = re.search(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?$", _number_around(line, span.column - 1))
    if found is None:
        return diagnostic
    written = found.group(0)
    joined = written.replace(" ", "")
    grouped = written.replace(" ", "_")
    return attrs.evolve(diagnostic, help=f"write `{grouped}` or `{joined}` instead of `{written}`")


def _number_around(line: str, start: int) -> str:
    """The line up to the end of the number whose digit group starts at `start`: the
    groups after it too (`1 188 000`), and its decimals."""
    rest = re.match(r"\d{3}(?: \d{3}(?!\d))*(?:[.,]\d+)?", line[start:])
    return line[: start + (rest.end() if rest else 0)]


def _recognise_by_token(exc: UnexpectedToken, src: SourceText, span: Span) -> Diagnostic | None:
    """Mistakes told by the token met (and the one before), whatever the parser state."""
    token = exc.token
    accepts = exc.accepts or set()
    line = src.line(span.line)
    before = line[: span.column - 1]
    previous = _previous_token(exc)
    if (
        token.type in ("INT", "DECIMAL")
        and re.match(r"\d{3}(?!\d)", str(token))
        and _NUMBER_BEFORE.search(before)
    ):
        return _space_in_number(line, span)
    if token.type == "EQUAL" and "COMP_OP" in accepts:
        return _mistake("assign-for-equal", span)
    if (
        token.type == "ADD_OP"
        and str(token) == "-"
        and "ADD_OP" not in accepts
        and previous is not None
        and previous.type == "NAME"
        and previous.end_pos == token.start_pos
        and previous.line == span.line
        and previous.column is not None
    ):
        word = re.match(r"[^\W\d]\w*(?:-\w+)+", line[previous.column - 1:])
        if word is not None:
            fixed = word[0].replace("-", "_")
            return Diagnostic(
                "E023",
                "an id cannot contain `-`",
                Span(src.name, span.line, previous.column, span.line,
                     previous.column + len(word[0])),
                f"join its words with `_`: `{fixed}`",
            )
    if_word = None
    if token.type == "NAME" and str(token) in _IF_WORDS and "WHEN" in accepts:
        if_word = token
    elif (
        previous is not None
        and previous.type == "NAME"
        and str(previous) in _IF_WORDS
        and accepts == {"COLON"}
        and _block(exc) == "SCORE"
    ):
        # In a score block `+2 if …` reads as `+2`, then a criterion named `if`.
        if_word = previous
    if if_word is not None:
        return Diagnostic(
            "E024",
            f"conditions start with `when`, not `{if_word}`",
            _token_span(src.name, if_word),
            "write `when` before the condition: `zrr: +2 when applicant.zrr`",
        )
    return None


_BLOCKS = frozenset({"AMOUNT", "SCORE", "LIMIT", "INVARIANT", "PARAM", "LET", "SESSION",
                     "EXPENSES", "POLICY"})


def _block(exc: UnexpectedToken) -> str:
    """The keyword of the declaration being read (`SCORE`, `AMOUNT`…), "RULE" for a rule."""
    if exc.state is None:
        return ""
    for value in reversed(exc.state.value_stack):
        if isinstance(value, Token) and value.type in _BLOCKS:
            return value.type
        if isinstance(value, Tree) and value.data == "rule_kind":
            return "RULE"
    return ""


# ------------------------------------------------------------ diagnose


_CHARACTER_HINTS = {
    "≤": ("E019", "`≤` is not an operator", "write `<=`"),
    "≥": ("E019", "`≥` is not an operator", "write `>=`"),
    "≠": ("E019", "`≠` is not an operator", "write `!=`"),
    "'": ("E020", "strings use double quotes", "write `\"texte\"` instead of `'texte'`"),
    "=": (
        "E012",
        "`=` is not a comparison",
        "to test equality write `==`: `applicant.kind == commune`",
    ),
    "\"": ("E016", "unterminated string", "close the text with `\"` on the same line"),
}


@functools.cache
def _spellings() -> dict[str, str]:
    """The text of each keyword and punctuation terminal (`EUR`, `€`, `amount`)."""
    return {
        t.name: t.pattern.value for t in _lark().terminals if isinstance(t.pattern, PatternStr)
    }


def _expected(terminals: Any) -> str:
    return describe_expected(terminals or set(), _spellings())


def _diagnose(exc: UnexpectedInput, src: SourceText) -> Diagnostic:
    line = exc.line if exc.line and exc.line > 0 else 1
    column = exc.column if exc.column and exc.column > 0 else 1
    if isinstance(exc, UnexpectedCharacters):
        # The lexer stopped on a character: what it is says more than the state.
        pos = exc.pos_in_stream if exc.pos_in_stream is not None else len(src.text)
        char = src.text[pos] if pos < len(src.text) else ""
        span = Span(src.name, line, column, line, column + 1)
        if char in _CHARACTER_HINTS:
            code, message, hint = _CHARACTER_HINTS[char]
            return Diagnostic(code, message, span, hint)
        # What the parser accepts there: the lexer's `allowed` is every terminal
        # of an LALR state shared by several contexts (`)` after `param p = 5`).
        parser = getattr(exc, "interactive_parser", None)
        allowed = parser.accepts() if parser is not None else exc.allowed
        return Diagnostic(
            "E002",
            f"unexpected character `{char}`",
            span,
            f"expected {_expected(allowed)}",
        )
    width = 1
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        found = f"`{exc.token}`"
        width = max(len(str(exc.token)), 1)
        expected = _expected(exc.accepts or exc.expected)
    else:
        found = "end of file"
        line, column = _end_position(src.text)
        accepted = (
            exc.accepts if isinstance(exc, UnexpectedToken) else getattr(exc, "expected", None)
        )
        expected = _expected(accepted)
    span = Span(src.name, line, column, line, column + width)
    if isinstance(exc, UnexpectedToken):
        recognised = _recognise_by_token(exc, src, span)
        if recognised is not None:
            return recognised
    label = _match_catalogue(exc)
    if label is not None:
        return _mistake(label, span)
    return Diagnostic("E001", f"unexpected {found}", span, f"expected {expected}")


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1
