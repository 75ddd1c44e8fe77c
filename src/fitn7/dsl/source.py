"""Source locations: spans in policy files and the caret rendering of a line."""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A region of a source file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@attrs.frozen
class SourceText:
    """The text of one policy file, kept so diagnostics can quote it."""

    name: str
    text: str

    def line(self, number: int) -> str:
        """Return line `number` (1-based) without its newline, or "" past the end."""
        lines = self.text.split("\n")
        if 1 <= number <= len(lines):
            return lines[number - 1].removesuffix("\r")
        return ""


def render_caret(source: SourceText | None, span: Span) -> list[str]:
    """Quote the first line of `span` with a caret run under the spanned columns.

    Returns the lines to print (without newlines); nothing when the line is not
    available, so a diagnostic without source text still renders its header.
    """
    if source is None:
        return []
    text = source.line(span.line)
    if not text and span.line > len(source.text.split("\n")):
        return []
    gutter = str(span.line)
    pad = " " * len(gutter)
    start = max(span.column - 1, 0)
    if span.end_line == span.line:
        width = max(span.end_column - span.column, 1)
    else:
        width = max(len(text.rstrip()) - start, 1)
    # Tabs keep their width in the marker line so the caret lines up.
    prefix = "".join("\t" if ch == "\t" else " " for ch in text[:start])
    return [
        f"{pad} |",
        f"{gutter} | {text}",
        f"{pad} | {prefix}{'^' * width}",
    ]
