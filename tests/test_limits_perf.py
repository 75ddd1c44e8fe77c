"""Fast start and big inputs: the committed parser tables, one parse per file, lazy
imports, and the limits that refuse inputs no real policy or dossier comes near.

Speed itself is measured by `benchmarks/bench_cold_start.py`, never here: these
tests check that the shortcuts give the same results and that limits are clean
errors.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fitn7.dsl import build_tables
from fitn7.dsl.parser import _lark, parse_policy

ROOT = Path(__file__).resolve().parents[1]
POLICIES = sorted((ROOT / "policies").glob("*.fitn7"))


# ------------------------------------------------------------- parser tables


def test_parse_tables_are_up_to_date():
    """The committed tables are those of grammar.lark, the options and the lark installed."""
    assert build_tables.tables_path().read_text(encoding="utf-8") == build_tables.render(), (
        "grammar.lark, the parser options or lark changed: run "
        "`python -m fitn7.dsl.build_tables` and commit parse_tables.json"
    )


def test_the_parser_comes_from_the_tables():
    """With tables that fit, the parser is loaded, not built from the grammar."""
    assert build_tables.load(build_tables.grammar_text()) is not None
    assert _lark().source_path == "<deserialized>"


def test_tables_for_another_grammar_are_not_used():
    """Tables built from another grammar are refused; the parser is then built."""
    assert build_tables.load(build_tables.grammar_text() + "\n// edited\n") is None


def test_loaded_and_built_parsers_give_the_same_trees():
    """The tables parse every shipped policy to the tree the grammar gives."""
    built = build_tables.build(build_tables.grammar_text())
    loaded = build_tables.load(build_tables.grammar_text())
    assert loaded is not None
    for path in POLICIES:
        text = path.read_text(encoding="utf-8")
        assert loaded.parse(text) == built.parse(text), path.name


# ------------------------------------------------------------- fast start


def _imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout
    return set(out.split())


def test_import_fitn7_loads_no_subsystem():
    """`import fitn7` imports none of parser, compiler, allocation, audit or plugins."""
    loaded = _imported_after("import fitn7")
    for heavy in ("lark", "fitn7.dsl.parser", "fitn7.evaluation.program", "fitn7.allocation",
                  "fitn7.audit", "fitn7.plugins", "fitn7.api"):
        assert heavy not in loaded, heavy


def test_facade_names_are_the_same_objects():
    """A name read from the facade is the object of its module."""
    import fitn7
    from fitn7.audit import diff
    from fitn7.evaluation.program import compile_policy

    assert fitn7.diff is diff
    assert fitn7.compile_policy is compile_policy
    assert fitn7.parse_policy is parse_policy
    assert set(fitn7.__all__) <= set(dir(fitn7))
    with pytest.raises(AttributeError):
        _ = fitn7.no_such_name  # type: ignore[attr-defined]


def test_cli_check_loads_neither_evaluation_nor_allocation():
    """`fitn7 check` imports the checker, not the compiler, allocation or audit."""
    loaded = _imported_after(
        "import contextlib, io\n"
        "from fitn7.cli import main\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        f"    assert main(['check', {str(ROOT / 'policies')!r}]) == 0"
    )
    assert "fitn7.checker" in loaded
    for heavy in ("fitn7.evaluation.program", "fitn7.allocation.engine", "fitn7.audit"):
        assert heavy not in loaded, heavy


def test_check_parses_each_policy_once(monkeypatch, capsys):
    """`fitn7 check policies/` parses each file once, parents included."""
    from fitn7 import resolve
    from fitn7.cli import main

    parsed: list[str] = []
    real = resolve.load_policy_file

    def counting(path):
        parsed.append(str(path))
        return real(path)

    monkeypatch.setattr(resolve, "load_policy_file", counting)
    assert main(["check", str(ROOT / "policies")]) == 0
    assert sorted(parsed) == sorted(set(parsed))
    assert len(parsed) == len(POLICIES)
