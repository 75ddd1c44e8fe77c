"""The sections of an `amount` block: its parts and the steps on their total.

An `amount` block is written as one flat list of steps. Without any `part`,
it is one pipeline (today's). With parts, each `part` starts a section whose
steps follow it until the next `part` or `total`, and the steps after `total`
apply to the sum of the parts. `sections` groups the steps once, for the
evaluator, the checker and the diff alike.
"""

from __future__ import annotations

import attrs

from fitn7.dsl import ast


@attrs.frozen
class Section:
    """One pipeline: a part's steps, or the steps of the single pipeline or of the total.

    `indexed` keeps each step's 1-based position in the block (the trace names
    a step without id `forfait#N` by it).
    """

    part: ast.Part | None
    indexed: tuple[tuple[int, ast.AmountStep], ...]

    @property
    def steps(self) -> tuple[ast.AmountStep, ...]:
        """The steps of the section, in order."""
        return tuple(step for _, step in self.indexed)


@attrs.frozen
class Sections:
    """An `amount` block grouped: its parts (none for a single pipeline), the main
    section (the single pipeline, or the steps after `total`), and what is misplaced."""

    parts: tuple[Section, ...]
    main: Section
    total: ast.Total | None
    #: Steps written before the first `part` of a block that has parts (an error).
    leading: tuple[tuple[int, ast.AmountStep], ...] = ()
    #: `total` markers after the first one, or in a block without parts (errors).
    extra_totals: tuple[ast.Total, ...] = ()
    #: Parts written after `total` (an error: the total sums the parts above it).
    late_parts: tuple[ast.Part, ...] = ()

    @property
    def has_parts(self) -> bool:
        """Whether the block splits the grant into parts."""
        return bool(self.parts)


def sections(steps: tuple[ast.AmountStep, ...]) -> Sections:
    """Group the steps of an `amount` block (see the module docstring).

    Lenient, for policies that do not check: every step lands somewhere and
    what is misplaced is listed for the checker to report.
    """
    has_parts = any(isinstance(s, ast.Part) for s in steps)
    if not has_parts:
        totals = tuple(s for s in steps if isinstance(s, ast.Total))
        plain = tuple((i, s) for i, s in enumerate(steps, start=1) if not isinstance(s, ast.Total))
        return Sections((), Section(None, plain), None, (), totals)
    parts: list[Section] = []
    leading: list[tuple[int, ast.AmountStep]] = []
    current: list[tuple[int, ast.AmountStep]] | None = None
    part: ast.Part | None = None
    total: ast.Total | None = None
    extra: list[ast.Total] = []
    late: list[ast.Part] = []
    after_total: list[tuple[int, ast.AmountStep]] = []
    for index, step in enumerate(steps, start=1):
        if isinstance(step, ast.Part):
            if part is not None and current is not None:
                parts.append(Section(part, tuple(current)))
            part, current = step, []
            if total is not None:
                late.append(step)
        elif isinstance(step, ast.Total):
            if total is not None:
                extra.append(step)
                continue
            if part is not None and current is not None:
                parts.append(Section(part, tuple(current)))
            total, part, current = step, None, None
        elif current is not None:
            current.append((index, step))
        elif total is not None:
            after_total.append((index, step))
        else:
            leading.append((index, step))
    if part is not None and current is not None:
        parts.append(Section(part, tuple(current)))
    return Sections(tuple(parts), Section(None, tuple(after_total)), total, tuple(leading),
                    tuple(extra), tuple(late))
