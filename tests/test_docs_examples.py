"""The committee report and the notice under docs/examples/ are what the commands make now."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_examples_under_docs_are_up_to_date():
    """`docs/examples/make.py` finds nothing to regenerate: the Bretagne report and notice
    match the policy and its dossiers. The workbook is left to `.ci/run`, which runs
    `make.py --check` on every file: it is the slow one to compare, and is made by the
    same report as the HTML."""
    make = runpy.run_path(str(ROOT / "docs" / "examples" / "make.py"))
    assert make["stale"](
        ["bretagne-report.html", "bretagne-notice.md", "bretagne-notice.html"]) == []
