"""Helpers of the report and notice tests: the shipped batches, and an HTML reader.

The reader is the standard library's `html.parser`: what the tests find is
what a browser's parser would see as elements, attributes and text, not what
a regular expression would guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs

from fitn7 import load_policy
from fitn7.allocation import Allocation, allocate
from fitn7.dossier import Dossier
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.loading import Loaded, load_dossiers
from fitn7.plugins import PluginHost
from fitn7.report.view import Report, build_report, has_committee
from fitn7.runner import Runner

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"

#: Each shipped policy and the folders of its example dossiers and allocation batches.
SHIPPED = {
    name: tuple(p for p in (POLICIES / name, POLICIES / name / "allocation") if p.is_dir())
    for name in ("bretagne", "gers", "national-3a", "paca", "seine-maritime")
}


@attrs.frozen
class Batch:
    """A shipped policy's examples, decided and allocated independently of the report."""

    program: CompiledPolicy
    dossiers: tuple[Dossier, ...]
    #: Each dossier's decision, computed by the policy without the report's code.
    decisions: dict[str, Decision]
    #: The allocation, None when the policy has no session nor limit.
    allocation: Allocation | None
    report: Report


def shipped_batch(name: str) -> Batch:
    """The examples of `policies/NAME.fitn7`, their decisions, allocation and report."""
    host = PluginHost.load()
    program = compile_policy(load_policy(POLICIES / f"{name}.fitn7", plugins=host),
                             plugins=host)
    runner = Runner(program, host)
    dossiers = []
    traced = []
    for result in load_dossiers(*SHIPPED[name], vocabulary=program.vocabulary):
        assert isinstance(result, Loaded), result
        outcome = runner.decide(result.dossier, trace=True)
        dossiers.append(outcome.dossier)
        traced.append((outcome.dossier, outcome.decision, str(result.file)))
    allocation = allocate(program, dossiers) if has_committee(program) else None
    return Batch(
        program=program,
        dossiers=tuple(dossiers),
        decisions={d.id: program.evaluate(d, trace=False) for d in dossiers},
        allocation=allocation,
        report=build_report(program, traced, allocation),
    )


@attrs.frozen
class Element:
    """An element as the parser saw it: tag, attributes, and the text inside it."""

    tag: str
    attrs: dict[str, str | None]
    text: list[str] = attrs.field(factory=list)
    children: list[Element] = attrs.field(factory=list)

    @property
    def classes(self) -> set[str]:
        """The element's classes."""
        return set((self.attrs.get("class") or "").split())

    def all_text(self) -> str:
        """Its text and its descendants', in document order, a space between the texts of
        two elements, spaces collapsed."""
        return " ".join(" ".join(self._texts()).split())

    def _texts(self) -> Iterator[str]:
        yield from self.text
        for child in self.children:
            yield from child._texts()

    def find_all(self, tag: str, cls: str | None = None) -> Iterator[Element]:
        """Descendants of `tag` (with class `cls`), in document order."""
        for child in self.children:
            if child.tag == tag and (cls is None or cls in child.classes):
                yield child
            yield from child.find_all(tag, cls)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr", "rect", "line", "path", "circle"}


class Page(HTMLParser):
    """A whole page as a tree of `Element`s, with every start tag kept in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.tags: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.tags.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.tags.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def table_rows(table: Element) -> list[list[Element]]:
    """The cells of each row of a table's body."""
    bodies = list(table.find_all("tbody"))
    return [list(row.find_all("td")) for body in bodies for row in body.find_all("tr")]


def cells_by_header(table: Element) -> list[dict[str, Element]]:
    """Each body row of `table` as {header text: cell}."""
    head = next(table.find_all("thead"))
    names = [th.all_text() for th in head.find_all("th")]
    return [dict(zip(names, cells, strict=True)) for cells in table_rows(table)]


def first(elements: Iterator[Any]) -> Any:
    """The first of an iterator (the test fails when there is none)."""
    return next(elements)
