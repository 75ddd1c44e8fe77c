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
    # Nor, through the plugins every command loads, the dossier readers.
    for heavy in ("fitn7.evaluation.program", "fitn7.allocation", "fitn7.render.allocation",
                  "fitn7.audit", "fitn7.loading", "fitn7_csv.loader",
                  "fitn7_demarches_simplifiees.loader"):
        assert heavy not in loaded, heavy


@pytest.mark.parametrize("package", ["fitn7_csv", "fitn7_demarches_simplifiees"])
def test_lazy_plugin_packages_give_every_public_name(package):
    """The plugins that import their readers on first use still give each name of their
    `__all__`, the object of the module it comes from."""
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        if name != "__version__":
            home = importlib.import_module(module._HOMES[name])
            assert getattr(home, name) is value, name
    with pytest.raises(AttributeError):
        _ = module.no_such_name


def test_allocate_lists_the_formats_its_renderer_knows():
    """`fitn7 allocate --format` spells out the renderer's formats (so that building the
    parser does not import allocation): the two lists agree."""
    from fitn7.cli import allocate
    from fitn7.render.allocation import FORMATS

    assert allocate.FORMATS == FORMATS


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


# ------------------------------------------------------------------ limits

_HEAD = 'policy "p"\n'


def _syntax_error(text: str, source: str = "big.fitn7"):
    from fitn7.errors import PolicySyntaxError

    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text, source)
    (diag,) = info.value.diagnostics
    return diag


def test_a_policy_past_the_size_limit_is_e027_at_its_start():
    from fitn7.dsl.parser import MAX_POLICY_CHARS

    text = _HEAD + "# " + "x" * MAX_POLICY_CHARS + "\n"
    diag = _syntax_error(text)
    assert diag.code == "E027"
    assert diag.span is not None and (diag.span.file, diag.span.line, diag.span.column) == (
        "big.fitn7", 1, 1)
    assert f"{len(text):_} characters" in diag.message
    assert diag.help is not None and "`extends`" in diag.help


def test_a_policy_at_the_size_limit_parses():
    from fitn7.dsl.parser import MAX_POLICY_CHARS

    text = _HEAD + "let x = 1\n"
    text += "#" * (MAX_POLICY_CHARS - len(text) - 1) + "\n"
    assert len(text) == MAX_POLICY_CHARS
    assert [d.name for d in parse_policy(text).declarations] == ["x"]


def test_a_file_too_big_to_be_a_policy_is_e027_without_being_read(tmp_path, monkeypatch):
    from fitn7.dsl import parser
    from fitn7.errors import PolicySyntaxError

    monkeypatch.setattr(parser, "MAX_POLICY_CHARS", 100)
    path = tmp_path / "huge.fitn7"
    path.write_text(_HEAD + "# " + "x" * 1000 + "\n", encoding="utf-8")
    monkeypatch.setattr(parser, "read_policy_text", lambda p: pytest.fail("read whole"))
    with pytest.raises(PolicySyntaxError) as info:
        parser.load_policy_file(path)
    (diag,) = info.value.diagnostics
    assert diag.code == "E027" and "bytes" in diag.message
    assert diag.span is not None and diag.span.file == str(path)
    assert 'policy "p"' in info.value.render()


def test_check_reports_a_too_long_policy_as_a_diagnostic(tmp_path, capsys, monkeypatch):
    from fitn7.cli import main
    from fitn7.dsl import parser

    monkeypatch.setattr(parser, "MAX_POLICY_CHARS", 50)
    path = tmp_path / "long.fitn7"
    path.write_text(_HEAD + "let x = 1\n" * 10, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:1:1: error[E027]" in out


@pytest.mark.parametrize("where", ["let {} = 1\n", "let x = {} + 1\n", "require {}: true\n",
                                   "let x = applicant.{}\n"])
def test_a_name_past_the_length_limit_is_e028_at_the_name(where):
    from fitn7.dsl.parser import MAX_NAME_LENGTH

    name = "a" * (MAX_NAME_LENGTH + 1)
    text = _HEAD + "let ok = 1\n" + where.format(name)
    diag = _syntax_error(text)
    assert diag.code == "E028"
    assert diag.span is not None and diag.span.line == 3
    assert diag.span.column == where.index("{}") + 1
    assert f"{MAX_NAME_LENGTH + 1} characters" in diag.message


def test_a_name_at_the_length_limit_parses():
    from fitn7.dsl.parser import MAX_NAME_LENGTH

    name = "a" * MAX_NAME_LENGTH
    policy = parse_policy(_HEAD + f"let {name} = 1\nlet y = {name} + 1\n")
    assert [d.name for d in policy.declarations] == [name, "y"]


def test_a_dossier_file_past_the_size_limit_fails_alone(tmp_path, monkeypatch):
    from fitn7.loading import Failed, Loaded, files, load_dossiers

    small = tmp_path / "a.toml"
    small.write_text('id = "A"\n', encoding="utf-8")
    big = tmp_path / "b.toml"
    big.write_text('id = "B"\n' + "# filler\n" * 20, encoding="utf-8")
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    results = list(load_dossiers(tmp_path))
    assert [type(r) for r in results] == [Loaded, Failed]
    failed = results[1]
    assert isinstance(failed, Failed)
    assert failed.file == str(big)
    assert f"file too large: {big.stat().st_size:_} bytes, at most 100" in str(failed.error)


# ------------------------------------------------- big inputs, same results


def test_a_long_string_is_read_as_written():
    """Escapes in a long message are read as in a short one (unescape is linear)."""
    body = 'a\\"b\\\\c\\nd\\te' * 20_000
    policy = parse_policy(_HEAD + f'require r: true\n  "{body}"\n')
    assert policy.declarations[0].message == 'a"b\\c\nd\te' * 20_000


def test_a_big_set_parses_checks_and_formats():
    """A set of 5 000 values: every value kept, in order, and the text formats back.

    (Its time is benchmarks/bench_cold_start.py's: a 1 MB policy parsed, checked and
    formatted within 2 s each; 20 000 values here cost 2 s of every test run.)"""
    from fitn7.checker import check, errors
    from fitn7.dsl.formatter import format_policy

    values = [f'"{i:05d}"' for i in range(5_000)]
    text = _HEAD + "let s = {" + ", ".join(values) + "}\nrequire r: applicant.code in s\n"
    policy = parse_policy(text)
    items = policy.declarations[0].value.items
    assert [item.value for item in items] == [f"{i:05d}" for i in range(5_000)]
    assert errors(check(policy)) == []
    formatted = format_policy(policy)
    assert parse_policy(formatted) == policy


def test_many_commented_rules_format_with_every_comment():
    """Thousands of rules with comments keep each comment at its place."""
    from fitn7.dsl.formatter import format_policy

    text = _HEAD + "".join(f"\n# règle {i}\nrequire r{i}: true  # fin {i}\n" for i in range(3000))
    formatted = format_policy(parse_policy(text))
    for i in (0, 1234, 2999):
        assert f"# règle {i}\nrequire r{i}: true  # fin {i}\n" in formatted


def test_a_long_name_in_a_diagnostic_is_pointed_at():
    """The caret of a diagnostic about a long name sits under it (found without a regex)."""
    from fitn7.checker import check, errors
    from fitn7.dsl.parser import MAX_NAME_LENGTH

    name = "é" * (MAX_NAME_LENGTH - 1)
    policy = parse_policy(_HEAD + f"let x{name} = 1\nlet {name} = 1\nlet {name} = 2\n")
    found = [d for d in errors(check(policy)) if d.code == "E102"]
    assert found and found[0].span is not None
    assert (found[0].span.line, found[0].span.column) == (4, 5)


def test_the_cycle_collector_is_resumed_after_a_parse():
    """Parsing pauses Python's cycle collector and leaves it as it found it."""
    import gc

    assert gc.isenabled()
    parse_policy(_HEAD + "let x = 1\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_policy(_HEAD + "let x = 1\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
