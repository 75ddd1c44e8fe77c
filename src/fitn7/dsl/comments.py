"""Finds the `#` comments of a policy text so the formatter can keep them."""

from __future__ import annotations

import re

from fitn7.dsl import ast

# A string (closed, or running to the end of the line) or a `#`: the first `#`
# met outside a string starts the comment. A backslash in a string escapes the
# next character, as in the grammar's STRING.
_STRING_OR_HASH = re.compile(r'"(?:[^"\\]|\\.)*"?|#')


def scan_comments(text: str) -> tuple[ast.Comment, ...]:
    """Every comment outside a string, with its position and whether code precedes it."""
    found: list[ast.Comment] = []
    # Lines as lark counts them: only `\n` ends a line (splitlines would also
    # break on form feeds and other separators and shift every later comment).
    for number, line in enumerate(text.split("\n"), start=1):
        if "#" not in line:
            continue  # most lines: no scan at all
        for match in _STRING_OR_HASH.finditer(line):
            if match.group() == "#":
                index = match.start()
                trailing = bool(line[:index].strip())
                found.append(ast.Comment(number, index + 1, line[index:].rstrip(), trailing))
                break
    return tuple(found)
