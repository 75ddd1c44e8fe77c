"""docs/plugins.md: every hook documented and tested, every example a working plugin.

Like datasette's `test_docs.py`: adding a hook to `fitn7.hookspecs` without a
`## fitn7_xxx` section in docs/plugins.md, or without a test that names it,
fails here.
"""

from __future__ import annotations

import datetime
import importlib.util
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fitn7 import hookspecs
from fitn7 import types as t
from fitn7.diagnostics import Severity
from fitn7.dossier import Collectivite, Dossier
from fitn7.loading import Failed, Loaded
from fitn7.plugins import PluginHost

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "plugins.md"
THIS = Path(__file__).resolve()

#: Every hook fitn7 defines: the functions of `fitn7.hookspecs` marked as specs.
HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
)

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_FILE_LINE = re.compile(r"# ([\w./-]+\.(?:py|fitn7|toml))\n")


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def doc_files() -> dict[str, str]:
    """The code blocks of the doc that start with `# PATH`, by path."""
    files = {}
    for block in _FENCE.findall(doc_text()):
        match = _FILE_LINE.match(block)
        if match:
            files[match.group(1)] = block
    return files


def test_hooks_are_found() -> None:
    """The hook list is read from fitn7.hookspecs (guards the two tests below)."""
    assert HOOKS == [
        "fitn7_enrich_dossier",
        "fitn7_register_commands",
        "fitn7_register_fields",
        "fitn7_register_functions",
        "fitn7_register_loaders",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    """Each hook has its `## hook` section in docs/plugins.md, with its signature."""
    text = doc_text()
    assert f"\n## {hook}\n" in text
    section = text.split(f"\n## {hook}\n", 1)[1].split("\n## ", 1)[0]
    assert f"def {hook}(" in section
    assert "**When**" in section


def test_no_section_for_an_unknown_hook() -> None:
    """Every `## fitn7_…` section of the doc is a hook fitn7 defines (no stale section)."""
    documented = re.findall(r"^## (fitn7_\w+)$", doc_text(), re.MULTILINE)
    assert sorted(documented) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    """Each hook is named by a test of fitn7 or of a shipped plugin (this file aside)."""
    test_files = [
        *(ROOT / "tests").rglob("test_*.py"),
        *(ROOT / "plugins").glob("*/tests/test_*.py"),
    ]
    naming = [
        f for f in test_files
        if f.resolve() != THIS and hook in f.read_text(encoding="utf-8")
    ]
    assert naming, f"no test names `{hook}`"


def load_example(tmp_path: Path, path: str) -> tuple[PluginHost, str]:
    """A host with only the example plugin `path` of the doc, and the plugin's name."""
    file = tmp_path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(doc_files()[path], encoding="utf-8")
    return PluginHost.load(file.parent, entry_points=False), file.stem


def test_every_example_plugin_loads(tmp_path: Path) -> None:
    """Each example module of the doc loads as a plugin and implements at least one hook."""
    examples = [p for p in doc_files() if p.startswith(("exemples/", "mes_criteres/"))]
    assert len(examples) == 5
    for path in examples:
        host, name = load_example(tmp_path / name_of(path), path)
        (info,) = [i for i in host.info() if i.name == name]
        assert info.hooks, path


def name_of(path: str) -> str:
    return Path(path).stem


def test_function_example(tmp_path: Path) -> None:
    """The `fitn7_register_functions` example declares a typed function that works."""
    host, _ = load_example(tmp_path, "exemples/france_services.py")
    decl = host.functions.get("france_services")
    assert decl is not None
    assert decl.signature() == "france_services(code: string) -> bool"
    assert [decl.impl(c) for c in ("29081", "29195", None)] == [True, False, None]


def test_field_example(tmp_path: Path) -> None:
    """The `fitn7_register_fields` example adds a typed `extra` field to the schema."""
    host, _ = load_example(tmp_path, "exemples/label_numerique.py")
    assert host.schema.fields(t.Record("extra:collectivite")) == {"label_numerique": t.DATE}


def test_loader_example(tmp_path: Path) -> None:
    """The `fitn7_register_loaders` example yields a Loaded per good line, a Failed per bad."""
    host, _ = load_example(tmp_path, "exemples/jsonl.py")
    loader = host.loaders["jsonl"]
    data = tmp_path / "dossiers.jsonl"
    data.write_text(
        '{"id": "J-1", "requested": 1000.50}\n\n{"id": "J-2", "submitted": "hier"}\n{oops\n',
        encoding="utf-8",
    )
    results: list[Any] = list(loader.load(data, {}))
    assert isinstance(results[0], Loaded)
    assert results[0].dossier.requested == Decimal("1000.50")
    assert [(r.path, r.error.message) for r in results[1:]] == [
        ("line 3.submitted", "expected a date"),
        ("line 4", "invalid JSON: Expecting property name enclosed in double quotes"),
    ]
    assert all(isinstance(r, Failed) for r in results[1:])


def test_enricher_example(tmp_path: Path) -> None:
    """The `fitn7_enrich_dossier` example fills `qpv` with its source, and only when absent."""
    host, _ = load_example(tmp_path, "exemples/qpv.py")
    brest = Dossier(id="D-1", applicant=Collectivite(code="29019"))
    enriched = host.enrich(brest)
    assert enriched.dossier.applicant is not None
    assert enriched.dossier.applicant.qpv is True
    (entry,) = enriched.trace
    assert entry.read == (("applicant.qpv", True),)
    assert entry.source == "liste QPV de la préfecture du Finistère (2021-01-01)"
    given = Dossier(id="D-2", applicant=Collectivite(code="29019", qpv=False))
    assert host.enrich(given).dossier == given
    elsewhere = Dossier(id="D-3", applicant=Collectivite(code="32013"))
    assert host.enrich(elsewhere).dossier == elsewhere


def test_tutorial_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial's plugin, policy, dossier and test, written to files, pass as it says."""
    files = doc_files()
    for path in ("mes_criteres/littoral.py", "mon-appel.fitn7", "dossiers/LIT-01.toml",
                 "test_littoral.py"):
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path], encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    spec = importlib.util.spec_from_file_location("tutorial_test_littoral", "test_littoral.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.test_commune_littorale_gets_the_point()

    # What the tutorial says in prose: 8 000 €, and the policy refused without the plugin.
    from fitn7.checker import check
    from fitn7.evaluation import compile_policy
    from fitn7.loading import load_dossier
    from fitn7.resolve import load_resolved

    host = PluginHost.load("mes_criteres", entry_points=False)
    policy = load_resolved(Path("mon-appel.fitn7"), [])
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    decision = program.evaluate(load_dossier("dossiers/LIT-01.toml"))
    assert decision.amount == Decimal("8000.00")
    assert decision.dossier == "LIT-01"
    bare = PluginHost.load(entry_points=False)
    assert [d.message for d in bare.missing_uses(policy)] == [
        "policy needs plugin `littoral`: install it or pass --plugins-dir"
    ]
    errors = [d for d in check(policy, functions=bare.functions, schema=bare.schema)
              if d.severity is Severity.ERROR]
    assert [d.message for d in errors] == ["unknown function `littorale`"]
    littoral = host.functions.get("littorale")
    assert littoral is not None
    assert [littoral.impl(c) for c in ("29195", "29024", "56260")] == [True, False, None]
    assert datetime.date(2021, 6, 10) == load_dossier("dossiers/LIT-01.toml").submitted
