"""Diagnostics are data: a code, a message, a span, a hint; rendered like rustc.

Messages follow Cedar's style: lowercase, no final period, user input in
backticks, extra detail in `help`.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Mapping

import attrs

from fitn7.dsl.source import SourceText, Span, render_caret

#: How many diagnostics a run reports before it stops listing (OPA does this):
#: past a few dozen, the rest are usually consequences of the first ones.
MAX_DIAGNOSTICS = 50


class Severity(enum.Enum):
    """How bad a diagnostic is: errors fail `fitn7 check`, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Diagnostic:
    """One problem found in a policy, with a stable code (`E101`) users can look up."""

    code: str
    message: str
    span: Span | None
    help: str | None = None
    severity: Severity = Severity.ERROR
    #: Other places the diagnostic is about, each with what it is (`the earlier
    #: rate`), quoted under the help: a step shadowed by another points at both.
    related: tuple[tuple[Span, str], ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position, then code, so output is stable."""
        if self.span is None:
            return ("", 0, 0, self.code)
        return (self.span.file, self.span.line, self.span.column, self.code)

    def render(self, source: SourceText | None = None) -> str:
        """`file:line:col: error[code]: message`, the quoted line, a caret, the help."""
        where = f"{self.span}: " if self.span is not None else ""
        lines = [f"{where}{self.severity.value}[{self.code}]: {self.message}"]
        if self.span is not None:
            lines.extend(render_caret(source, self.span))
        if self.help:
            indent = " " * (len(str(self.span.line)) + 1) if self.span else ""
            lines.append(f"{indent}= help: {self.help}")
        for span, what in self.related:
            lines.append(f"{span}: note: {what}")
            same_file = source is not None and source.name == span.file
            lines.extend(render_caret(source if same_file else None, span))
        return "\n".join(lines)


#: The code of the last diagnostic of a capped list, saying how many were left out.
MORE_CODE = "E099"


def sort_and_cap(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by location, duplicates dropped, at most MAX_DIAGNOSTICS, errors first.

    Errors are kept before warnings, so a policy with many warnings never
    hides an error (and never passes for valid). When some are left out, a
    last diagnostic says how many, an error if any error was left out.
    """
    unique = sorted(set(diagnostics), key=Diagnostic.sort_key)
    if len(unique) <= MAX_DIAGNOSTICS:
        return unique
    ranked = sorted(unique, key=lambda d: d.severity is not Severity.ERROR)  # stable
    kept = sorted(ranked[: MAX_DIAGNOSTICS - 1], key=Diagnostic.sort_key)
    dropped = ranked[MAX_DIAGNOSTICS - 1:]
    errors = sum(d.severity is Severity.ERROR for d in dropped)
    warnings = len(dropped) - errors
    counts = ", ".join(
        f"{n} {word}{'s' if n > 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning")) if n
    )
    kept.append(Diagnostic(
        MORE_CODE,
        f"{counts} more not shown",
        None,
        "fix the problems above and check again: many of the others often follow from them",
        Severity.ERROR if errors else Severity.WARNING,
    ))
    return kept


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceText]) -> str:
    """Render every diagnostic, separated by blank lines."""
    parts = []
    for diag in diagnostics:
        source = sources.get(diag.span.file) if diag.span else None
        parts.append(diag.render(source))
    return "\n\n".join(parts)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A `did you mean` hint for the closest candidate, or None when none is close.

    A candidate that differs only in case wins (`ZRR` → `zrr`): names are in
    lowercase, and a capital is the likeliest slip.
    """
    pool = sorted(set(candidates))
    same = [c for c in pool if c.lower() == word.lower() and c != word]
    if same:
        return f"did you mean `{same[0]}`?"
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if matches:
        return f"did you mean `{matches[0]}`?"
    return None
