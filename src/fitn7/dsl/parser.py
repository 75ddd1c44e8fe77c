"""The parser facade: text in, `ast.Policy` or `PolicySyntaxError` out.

The LALR parser is built once per process from `grammar.lark`. Every lark
exception is turned into a `Diagnostic`; common mistakes are recognised with
lark's `match_examples` and get a labelled message and a hint.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
from lark import Lark, Token, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from fitn7.diagnostics import Diagnostic
from fitn7.dsl import ast
from fitn7.dsl.comments import scan_comments
from fitn7.dsl.source import SourceText, Span
from fitn7.dsl.syntax_errors import CATALOGUE, describe_expected
from fitn7.dsl.transformer import MalformedLiteral, ToAst
from fitn7.errors import PolicyFileError, PolicySyntaxError


@functools.cache
def _lark() -> Lark:
    grammar = resources.files("fitn7.dsl").joinpath("grammar.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        strict=True,
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse_policy(text: str, source: str = "<policy>") -> ast.Policy:
    """Parse the text of a policy; `source` names it in diagnostics (a file path).

    Raises `PolicySyntaxError` for any text that is not a policy, never another
    exception.
    """
    src = SourceText(source, text)
    try:
        tree = _lark().parse(text)
        policy = ToAst(source).transform(tree)
    except UnexpectedInput as exc:
        raise PolicySyntaxError([_diagnose(exc, src)], [src]) from None
    except VisitError as exc:
        bad = exc.orig_exc
        if isinstance(bad, MalformedLiteral):
            span = _token_span(source, bad.token)
            if bad.width is not None and span.line == span.end_line:
                start = span.column + bad.offset
                span = attrs.evolve(span, column=start, end_column=start + bad.width)
            raise PolicySyntaxError([Diagnostic(bad.code, str(bad), span, bad.hint)],
                                    [src]) from None
        raise
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
    `PolicySyntaxError` when it is not a policy.
    """
    return parse_policy(read_policy_text(path), source=str(path))


def read_policy_text(path: str | Path) -> str:
    """The text of a policy file; `PolicyFileError` saying why when it cannot be read."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
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


@attrs.frozen
class _Fingerprint:
    """Where a catalogue example fails: parser state, acceptable tokens, the token met."""

    position: Any
    accepts: frozenset[str]
    token_type: str
    token_value: str
    label: str


@functools.cache
def _fingerprints() -> tuple[_Fingerprint, ...]:
    # Parsed once per process. lark's own `match_examples` is not used: it
    # compares parser states including the stack depth (so `{` nested one
    # level deeper never matches) and re-parses every example per error.
    out = []
    for label, examples in CATALOGUE.examples.items():
        for text in examples:
            try:
                _lark().parse(text)
            except UnexpectedToken as exc:
                out.append(_Fingerprint(
                    exc.state.position if exc.state is not None else None,
                    frozenset(exc.accepts or ()),
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
        # and another to the next ones; the tokens expected are what matter.
        same = [f for f in _fingerprints() if f.accepts == accepts]
    for f in same:
        if f.token_type == exc.token.type and f.token_value == str(exc.token):
            return f.label
    for f in same:
        if f.token_type == exc.token.type:
            return f.label
    return same[0].label if same else None


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
        return Diagnostic(
            "E002",
            f"unexpected character `{char}`",
            span,
            f"expected {describe_expected(exc.allowed or set())}",
        )
    label = _match_catalogue(exc)
    width = 1
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        found = f"`{exc.token}`"
        width = max(len(str(exc.token)), 1)
        expected = describe_expected(exc.accepts or exc.expected)
    else:
        found = "end of file"
        line, column = _end_position(src.text)
        accepted = (
            exc.accepts if isinstance(exc, UnexpectedToken) else getattr(exc, "expected", None)
        )
        expected = describe_expected(accepted or set())
    span = Span(src.name, line, column, line, column + width)
    if label is not None:
        entry = CATALOGUE.entries[label]
        return Diagnostic(entry.code, entry.message, span, entry.help)
    return Diagnostic("E001", f"unexpected {found}", span, f"expected {expected}")


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1
