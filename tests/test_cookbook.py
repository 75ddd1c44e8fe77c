"""docs/cookbook.md cannot rot: every ```fitn7 block is checked, every dossier decided.

The page is read as data. A `fitn7` block is a whole policy (it starts with
`policy "…"`) or a fragment, checked inside a minimal policy header. It must
check without an error and without a warning, except the warning codes an
`<!-- expect: W406 -->` comment right above it names (a recipe showing a
mistake). It must be in the canonical layout (`fitn7 fmt` leaves it as it
is). A `toml` block with an `[expected]` table is a dossier for the last
`fitn7` block above it: it is decided, with that policy's vocabulary, as
`fitn7 test` decides an example file, and must get what it expects.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from fitn7 import parse_policy
from fitn7.api import check
from fitn7.diagnostics import Severity
from fitn7.dsl.formatter import format_policy
from fitn7.evaluation import compile_policy
from fitn7.examples import run_example_table

ROOT = Path(__file__).resolve().parents[1]
COOKBOOK = ROOT / "docs" / "cookbook.md"

#: The header a fragment is checked under.
WRAPPER = 'policy "cookbook"\n  version "1"\n\n'

_FENCE = re.compile(r"^```([a-z0-9]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_EXPECT = re.compile(r"<!-- expect: ([A-Z0-9, ]+) -->\s*\Z")


@attrs.frozen
class Block:
    """One fenced block of the page."""

    lang: str
    text: str
    #: The line of the page where its text starts.
    line: int
    #: The warning codes its `<!-- expect: … -->` comment allows.
    expected: frozenset[str]

    @property
    def is_fragment(self) -> bool:
        """A fragment has no header of its own (comments may come first)."""
        code = [ln for ln in self.text.splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
        return not (code and code[0].startswith("policy "))

    @property
    def policy_text(self) -> str:
        """The policy the block is checked as."""
        return WRAPPER + self.text if self.is_fragment else self.text


def blocks() -> list[Block]:
    """Every fenced block of the page, in order."""
    page = COOKBOOK.read_text(encoding="utf-8")
    out = []
    for match in _FENCE.finditer(page):
        before = page[: match.start()]
        expect = _EXPECT.search(before)
        codes = frozenset(c.strip() for c in expect.group(1).split(",")) if expect else frozenset()
        out.append(Block(match.group(1), match.group(2), before.count("\n") + 2, codes))
    return out


BLOCKS = blocks()
POLICIES = [b for b in BLOCKS if b.lang == "fitn7"]
#: Each dossier with the policy block it is decided by.
DOSSIERS = [
    (block, next(p for p in reversed(POLICIES) if p.line < block.line))
    for block in BLOCKS
    if block.lang == "toml" and "[expected]" in block.text
]


def test_the_page_has_recipes_and_dossiers() -> None:
    """A page that lost its blocks (a fence renamed) would pass every other test."""
    assert len(POLICIES) >= 30
    assert len(DOSSIERS) >= 10
    assert all(p.line < d.line for d, p in DOSSIERS)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to `-`."""
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def test_the_page_links_to_its_own_headings() -> None:
    """Every `(#anchor)` of the page is one of its headings."""
    page = COOKBOOK.read_text(encoding="utf-8")
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", page, re.MULTILINE)}
    links = set(re.findall(r"\]\(#([^)]+)\)", page))
    assert links and links <= anchors, sorted(links - anchors)


@pytest.mark.parametrize("block", POLICIES, ids=lambda b: f"line{b.line}")
def test_every_fitn7_block_checks(block: Block) -> None:
    """No error, no warning but the expected ones, and the canonical layout."""
    policy = parse_policy(block.policy_text, f"docs/cookbook.md:{block.line}")
    found = check(policy)
    errors = [str(d) for d in found if d.severity is Severity.ERROR]
    assert errors == []
    warnings = {d.code for d in found if d.severity is Severity.WARNING}
    assert warnings == block.expected, [str(d) for d in found]
    assert format_policy(policy) == block.policy_text


@pytest.mark.parametrize("dossier", DOSSIERS, ids=lambda d: f"line{d[0].line}")
def test_every_dossier_gets_the_decision_it_shows(dossier: tuple[Block, Block]) -> None:
    """The decision of the page is the decision fitn7 gives."""
    block, policy_block = dossier
    program = compile_policy(parse_policy(policy_block.policy_text, "cookbook.fitn7"))
    table = tomllib.loads(block.text, parse_float=Decimal)
    result = run_example_table(table, program, file=f"docs/cookbook.md:{block.line}")
    assert result.problems == ()
