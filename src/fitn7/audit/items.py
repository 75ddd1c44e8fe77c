"""The parts of a policy a diff matches and compares, and their comparable fields.

`identified` lists everything named by a rule id (rules, amount steps, score
criteria, limits, invariants) as `Item`s under their diff path; `named` does
the same for params, lets and sessions; `fields` gives the comparable fields
of two nodes of one type, as syntax (the diff compares them with
`fitn7.audit.canonical.comparable` and shows them in canonical text). Kept
apart from `fitn7.audit.diff`, which holds the records and the matching.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from fitn7.audit.canonical import node_text
from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, sections


@attrs.frozen
class Item:
    """One thing that can be added, removed or changed as a whole, under its path."""

    path: str
    kind: str
    node: Any
    #: Within the id namespace: 0 rules, 1 amount, 2 score, 3 limits, 4 invariants.
    group: int = 0
    anonymous: bool = False
    #: For an amount step: the part it belongs to, `total` after the `total` line,
    #: None in a single pipeline. A step moved to another part changes the amount.
    section: str | None = None

    @property
    def label(self) -> str | None:
        """The message of the node: the French label applicants read."""
        return getattr(self.node, "message", None)

    @property
    def source(self) -> str | None:
        """The citation of the text the node comes from."""
        return getattr(self.node, "source", None)

    @property
    def where(self) -> str | None:
        """`file:line` of the node, the parent's file for an inherited one."""
        span = getattr(self.node, "span", None)
        return f"{span.file}:{span.line}" if span is not None else None

    def text(self) -> str:
        """The node's canonical text, message and source included."""
        return node_text(self.node)


def kind_of(node: Any) -> str:
    """What a node is, in one word of the language: `require`, `cap`, `forfait`, `score`…"""
    match node:
        case ast.Rule(kind=kind) | ast.Adjustment(kind=kind):
            return kind
        case ast.Forfait() | ast.ForfaitBands():
            return "forfait"
        case ast.Rate():
            return "rate"
        case ast.Base():
            return "base"
        case ast.Part():
            return "part"
        case ast.Total():
            return "total"
        case ast.Ceiling():
            return "ceiling"
        case ast.Minimum():
            return "minimum"
        case ast.Criterion():
            return "score"
        case ast.Limit():
            return "limit"
        case ast.Invariant():
            return "invariant"
        case ast.Param():
            return "param"
        case ast.Let():
            return "let"
        case ast.Session():
            return "session"
    raise TypeError(f"no kind for {type(node).__name__}")  # pragma: no cover


def unique(items: list[Item]) -> list[Item]:
    """Paths made unique: a second `rule.x` (only in a policy that does not check) is `rule.x~2`."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        n = seen[item.path] = seen.get(item.path, 0) + 1
        out.append(item if n == 1 else attrs.evolve(item, path=f"{item.path}~{n}"))
    return out


def identified(policy: ast.Policy) -> tuple[list[Item], ast.Base | None]:
    """Everything named by a rule id, in file order, and the effective `base` step of
    the single pipeline. A part's own `base` is the item `rule.PART.base`."""
    items: list[Item] = []
    base: ast.Base | None = None
    for decl in policy.declarations:
        match decl:
            case ast.Rule() | ast.Limit() | ast.Invariant():
                group = 0 if isinstance(decl, ast.Rule) else 3 if isinstance(decl, ast.Limit) else 4
                items.append(Item(f"rule.{decl.id}", kind_of(decl), decl, group))
            case ast.Amount(steps=steps):
                found, last = _amount_items(steps)
                items.extend(found)
                base = last or base
            case ast.Score(criteria=criteria):
                items.extend(Item(f"rule.{c.id}", "score", c, 2) for c in criteria)
    return unique(items), base


def _amount_items(steps: tuple[ast.AmountStep, ...]) -> tuple[list[Item], ast.Base | None]:
    """The items of an `amount` block, each with its section, and the single pipeline's
    (or the total's) `base`; steps misplaced before the first part count in none."""
    grouped = sections(steps)
    items: list[Item] = []
    base: ast.Base | None = None
    placed: list[tuple[Section, str | None, tuple[tuple[int, ast.AmountStep], ...]]] = [
        (grouped.main, None, grouped.leading)]
    for section in grouped.parts:
        assert section.part is not None
        placed.append((section, section.part.id, section.indexed))
    placed.append((grouped.main, "total" if grouped.has_parts else None, grouped.main.indexed))
    for section, where, indexed in placed[1:] if not grouped.leading else placed:
        if section.part is not None:
            items.append(Item(f"rule.{section.part.id}", "part", section.part, 1))
        for index, step in indexed:
            if isinstance(step, ast.Base):
                if section.part is None:
                    base = step  # the evaluator keeps the last one
                else:
                    items.append(Item(f"rule.{section.part.id}.base", "base", step, 1,
                                      section=where))
                continue
            if isinstance(step, ast.Total | ast.Part):
                continue
            anonymous = step.id is None
            # The trace names a step without id `forfait#N` / `taux#N`.
            word = "taux" if isinstance(step, ast.Rate) else "forfait"
            ident = step.id if step.id is not None else f"{word}#{index}"
            items.append(Item(f"rule.{ident}", kind_of(step), step, 1, anonymous, where))
    return items, base


def named(policy: ast.Policy, cls: type[ast.Param] | type[ast.Let] | type[ast.Session],
          prefix: str) -> list[Item]:
    """Params, lets or sessions as items: `param.seuil`, `session."vague 1"`."""
    items = []
    for decl in policy.of_type(cls):
        name = f'"{decl.name}"' if isinstance(decl, ast.Session) else decl.name
        items.append(Item(f"{prefix}.{name}", kind_of(decl), decl))
    return unique(items)


def value_of(node: ast.Param | ast.Let | ast.Session) -> ast.Expr:
    """The one value of a param (its default), a let or a session (its closing date)."""
    if isinstance(node, ast.Param):
        return node.default
    return node.value if isinstance(node, ast.Let) else node.closes


def body(node: Any) -> Any:
    """The node without its id or name: two nodes with equal bodies are a rename."""
    if isinstance(node, ast.Param | ast.Let | ast.Session):
        return attrs.evolve(node, name="")
    if not hasattr(node, "id"):
        return node  # a part's `base`: it follows its part
    return attrs.evolve(node, id="")


def _same(node: Any) -> Any:
    return node


def match_anonymous(
    old: Sequence[Item], new: Sequence[Item], old_key: Callable[[Any], Any] = _same,
    new_key: Callable[[Any], Any] = _same,
) -> tuple[dict[str, Item], set[str], set[str]]:
    """Steps without id paired: (new path -> old item), removed paths, added paths.

    As many on both sides: paired in order. Otherwise aligned by content (the
    nodes' `old_key` and `new_key`, the form they are compared in), so
    inserting a step before the others does not make them all change.
    """
    if len(old) == len(new):
        return {n.path: o for o, n in zip(old, new, strict=True)}, set(), set()
    matcher = difflib.SequenceMatcher(a=[old_key(i.node) for i in old],
                                      b=[new_key(i.node) for i in new], autojunk=False)
    pairs: dict[str, Item] = {}
    gone: set[str] = set()
    came: set[str] = set()
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs.update((new[j].path, old[i]) for i, j in zip(range(i1, i2), range(j1, j2),
                                                               strict=True))
        else:
            gone.update(old[i].path for i in range(i1, i2))
            came.update(new[j].path for j in range(j1, j2))
    return pairs, gone, came


def value_word(node: Any) -> str:
    """What the value of a step or criterion is called in a path: `cap`, `rate`, `points`…"""
    if isinstance(node, ast.Base):
        return ""  # the value of `rule.PART.base` is the path itself
    if isinstance(node, ast.Adjustment):
        return node.kind
    if isinstance(node, ast.Criterion):
        return "points"
    return kind_of(node)


def fields(old: Any, new: Any) -> Iterator[tuple[str, Any, Any]]:
    """(field name, old, new) for every field of two nodes of one type: expressions
    (or None when absent), strings, and the bands of a banded forfait."""
    if isinstance(new, ast.Rule | ast.Invariant):
        yield "condition", old.condition, new.condition
    elif isinstance(new, ast.Limit):
        yield "count", old.count, new.count
        yield "per", old.per, new.per
        yield "where", old.where, new.where
    elif isinstance(new, ast.ForfaitBands):
        yield "by", old.by, new.by
        yield "when", old.when, new.when
        yield "bands", old.bands, new.bands
    elif isinstance(new, ast.Part):
        yield "lines", old.lines, new.lines
    elif isinstance(new, ast.Ceiling):
        yield "share", old.share, new.share
        yield "cost", old.cost, new.cost
        yield "other", old.other, new.other
        yield "when", old.when, new.when
    elif isinstance(new, ast.Base):
        yield "", old.value, new.value
    else:  # Forfait, Rate, Adjustment, Minimum, Criterion
        yield value_word(new), old.value, new.value
        yield "when", old.when, new.when
    yield "message", old.message, new.message
    yield "source", old.source, new.source
