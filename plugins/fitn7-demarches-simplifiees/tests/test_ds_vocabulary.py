"""A démarche read for its policy: the policy's inputs, documents and expense categories.

The LEADER démarche (leader_demarche.py) is not a FITN7 call: its champs fill
LEADER's inputs and its document, its expense lines use LEADER's categories.
Read with the policy's vocabulary (as `fitn7 eval` reads it), each source
decides as the same dossiers written in TOML; without one, the loader reads
as it always did (the built-in FITN7 categories).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fitn7 import load_policy
from fitn7.cli import main
from fitn7.evaluation import compile_policy
from fitn7.loading import Failed, Loaded
from fitn7.plugins import PluginHost
from fitn7.vocabulary import Vocabulary

import fitn7_demarches_simplifiees.plugin
from fake_ds import sheet_name, sheets, write_csv, write_ods, write_snapshot, write_xlsx
from fitn7_demarches_simplifiees import load_demarche
from gers_demarche import EXAMPLES
from leader_demarche import DEPENSES, EXPECTED, LEADER, MAPPING, POLICY, toml_of

if not POLICY.is_file():
    pytest.skip("the shipped policies are not beside the plugin", allow_module_level=True)

WRITERS: dict[str, Callable[[Path], None]] = {
    "xlsx": lambda path: write_xlsx(LEADER, path),
    "ods": lambda path: write_ods(LEADER, path),
    "csv": lambda path: write_csv(LEADER, path, path.parent / "leader-depenses.csv"),
    "json": lambda path: write_snapshot(LEADER, path),
}
LINES = sheet_name(DEPENSES)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A temporary folder holding the LEADER mapping as `leader.mapping.toml`."""
    (tmp_path / "leader.mapping.toml").write_text(MAPPING, encoding="utf-8")
    return tmp_path


def vocabulary() -> Vocabulary:
    return compile_policy(load_policy(POLICY)).vocabulary


def _eval(files: list[Path], capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code = main(["eval", str(POLICY), *map(str, files), "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    decisions: list[dict[str, Any]] = json.loads(out.out)
    return decisions


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_each_source_decides_as_the_same_dossiers_in_toml(
    folder: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fitn7 eval policies/leader.fitn7 EXPORT`: yes/no, percent, date and money champs
    fill the policy's inputs, a pièce justificative its document, a drop-down its
    categories; every decision (status, amount, reasons, missing, trace, the dossier's
    hash) is the one of the same dossier written in TOML, and L1, L5, L6, L6b decide as
    the LEADER examples they copy."""
    export = folder / f"leader.{suffix}"
    WRITERS[suffix](export)
    tomls = []
    for dossier in LEADER.dossiers:
        tomls.append(folder / f"{dossier.number}.toml")
        tomls[-1].write_text(toml_of(dossier), encoding="utf-8")
    got = _eval([export], capsys)
    want = _eval(tomls, capsys)
    assert [d.pop("plugins") for d in got] == [{"fitn7_demarches_simplifiees": "0.1.0"}] * 4
    for decision in want:
        decision.pop("plugins")
    assert got == want
    assert {d["dossier"]: (d["status"], d["amount"], [r["rule"] for r in d["reasons"]])
            for d in got} == EXPECTED
    assert got[3]["missing"] == ["inputs.cofinancement_public"]


def _with_cell(folder: Path, sheet: str, row: int, header: str, value: Any) -> Path:
    tables = copy.deepcopy(sheets(LEADER))
    table = tables[sheet]
    table[row - 1][table[0].index(header)] = value
    path = folder / "leader.xlsx"
    write_xlsx(LEADER, path, tables=tables)
    return path


@pytest.mark.parametrize(("category", "hint"), [
    ("Investissements", "did you mean `investissement`?"),
    # A FITN7 category, not one of LEADER's: the policy's categories replace them.
    ("formation", "the policy declares `etude`, `investissement`, `fonctionnement`"),
])
def test_a_category_the_policy_does_not_declare_fails_its_dossier_at_its_cell(
    folder: Path, category: str, hint: str
) -> None:
    export = _with_cell(folder, LINES, 3, "Poste", category)
    results = list(load_demarche(export, {}, vocabulary()))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed] == [f"sheet `{LINES}`, row 3, column `Poste`"]
    assert f"unknown expense category `{category}`" in str(failed[0].error)
    assert hint in str(failed[0].error)
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == [
        "7100001", "7100006", "7100007"]


def test_an_input_cell_the_policy_type_cannot_read_fails_at_its_cell(folder: Path) -> None:
    """The percent input read from a text champ: `beaucoup` is no share."""
    header = "Part sur le territoire du GAL"
    export = _with_cell(folder, "Dossiers", 2, header, "beaucoup")
    first, *others = load_demarche(export, {}, vocabulary())
    assert isinstance(first, Failed)
    assert first.path == f"sheet `Dossiers`, row 2, column `{header}`"
    assert all(isinstance(r, Loaded) for r in others)


@pytest.mark.parametrize(("field", "wrong", "message"), [
    ("inputs.cofinancement_public", "inputs.cofinancement",
     "unknown input `cofinancement` (did you mean `cofinancement_public`?)"),
    ("documents.engagement_cofinanceur", "documents.engagement",
     "unknown document `engagement` (did you mean `engagement_cofinanceur`?)"),
])
def test_a_mapping_naming_what_the_policy_does_not_declare_is_refused(
    folder: Path, field: str, wrong: str, message: str
) -> None:
    """The whole file fails at the mapping's key: no dossier is read half-mapped."""
    WRITERS["xlsx"](folder / "leader.xlsx")
    mapping = folder / "leader.mapping.toml"
    mapping.write_text(MAPPING.replace(f'"{field}"', f'"{wrong}"'), encoding="utf-8")
    (result,) = load_demarche(folder / "leader.xlsx", {}, vocabulary())
    assert isinstance(result, Failed)
    assert message in str(result.error)
    assert result.error.path.endswith(".field")


def test_documents_in_one_champ_or_one_champ_each_not_both(folder: Path) -> None:
    """fitn7-csv's rule, the same check: which champ would say what is provided?"""
    WRITERS["xlsx"](folder / "leader.xlsx")
    (folder / "leader.mapping.toml").write_text(
        MAPPING.replace('"ID" = "id"', '"ID" = "id"\n"Pièces fournies" = "documents"'),
        encoding="utf-8")
    (result,) = load_demarche(folder / "leader.xlsx", {}, vocabulary())
    assert isinstance(result, Failed)
    assert "the documents provided are listed in column `Pièces fournies`" in str(result.error)


def test_without_a_vocabulary_the_fitn7_categories_as_before(folder: Path) -> None:
    """No policy known (`load_demarche(path)`): the built-in FITN7 categories, so
    LEADER's are refused at their cell; the inputs are kept as text."""
    WRITERS["xlsx"](folder / "leader.xlsx")
    results = list(load_demarche(folder / "leader.xlsx"))
    assert all(isinstance(r, Failed) for r in results)
    assert isinstance(results[0], Failed)
    assert results[0].path == f"sheet `{LINES}`, row 2, column `Poste`"
    assert "unknown expense category `investissement`" in str(results[0].error)
    assert "`formation`" in str(results[0].error)


def test_the_loader_takes_the_vocabulary_and_gers_reads_as_before() -> None:
    """The `ds` loader declares `load_with_vocabulary` (its lazy load function): the
    Gers export reads the same dossiers with its policy's vocabulary, without one, and
    through `load_demarche(path)` alone."""
    host = PluginHost.load(entry_points=False, plugins=[
        ("fitn7_demarches_simplifiees", fitn7_demarches_simplifiees.plugin)])
    decl = host.loaders["ds"]
    assert decl.load_with_vocabulary is decl.load
    gers = compile_policy(load_policy(POLICY.parent / "gers.fitn7")).vocabulary
    export = EXAMPLES / "gers.xlsx"
    plain = [r.dossier for r in load_demarche(export) if isinstance(r, Loaded)]
    assert len(plain) == 5
    for given in (None, gers):
        results = list(decl.load_with_vocabulary(export, {}, given))
        assert [r.dossier for r in results if isinstance(r, Loaded)] == plain
