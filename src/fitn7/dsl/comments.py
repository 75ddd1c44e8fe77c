"""Finds the `#` comments of a policy text so the formatter can keep them."""

from __future__ import annotations

from fitn7.dsl import ast


def scan_comments(text: str) -> tuple[ast.Comment, ...]:
    """Every comment outside a string, with its position and whether code precedes it."""
    found: list[ast.Comment] = []
    # Lines as lark counts them: only `\n` ends a line (splitlines would also
    # break on form feeds and other separators and shift every later comment).
    for number, line in enumerate(text.split("\n"), start=1):
        in_string = False
        escaped = False
        for index, ch in enumerate(line):
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#":
                trailing = bool(line[:index].strip())
                found.append(ast.Comment(number, index + 1, line[index:].rstrip(), trailing))
                break
    return tuple(found)
