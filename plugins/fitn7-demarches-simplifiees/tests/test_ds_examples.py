"""The Gers examples: four sources, one mapping, the same decisions, as the generator makes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import python_calamine as calamine
from fitn7.cli import main
from fitn7.loading import Loaded

from fitn7_demarches_simplifiees import load_demarche
from gers_demarche import EXAMPLES, EXPECTED, GERS

POLICY = Path(__file__).resolve().parents[3] / "policies" / "gers.fitn7"
SOURCES = ("gers.xlsx", "gers.ods", "gers.csv", "gers.json")


def _decisions(file: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, str | None]]:
    code = main(["eval", str(POLICY), str(file), "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    decisions = document["decisions"] if isinstance(document, dict) else document
    return {d["dossier"]: (d["status"], d.get("amount")) for d in decisions}


@pytest.mark.parametrize("name", SOURCES)
def test_each_source_gives_the_expected_decisions(name: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _decisions(EXAMPLES / name, capsys) == EXPECTED


@pytest.mark.parametrize("name", SOURCES)
def test_each_source_gives_the_same_dossiers(name: str) -> None:
    """Not only the decisions: every field read is the same whatever the source."""
    reference = {r.dossier.id: r.dossier for r in load_demarche(EXAMPLES / "gers.xlsx")
                 if isinstance(r, Loaded)}
    results = list(load_demarche(EXAMPLES / name))
    assert all(isinstance(r, Loaded) for r in results), results
    for result in results:
        assert isinstance(result, Loaded)
        got = result.dossier
        want = reference[got.id]
        assert got.applicant == want.applicant
        assert got.project == want.project
        assert got.expenses == want.expenses
        assert (got.submitted, got.requested, got.extra) == (want.submitted, want.requested,
                                                            want.extra)


def test_a_dossier_read_from_the_workbook_has_every_mapped_field() -> None:
    results = [r for r in load_demarche(EXAMPLES / "gers.ods") if isinstance(r, Loaded)]
    first = results[0].dossier
    assert first.id == "4821337"
    assert str(first.submitted) == "2021-06-01"
    assert first.applicant is not None and first.applicant.code == "200034726"
    assert first.applicant.kind is not None and first.applicant.kind.value == "cc"
    assert first.applicant.departement == "32"
    assert first.applicant.population == 11318
    assert first.applicant.extra == {"commune_siege": "32249", "zrr_verifie": True}
    assert first.project is not None and first.project.themes == ("dematerialisation", "securite")
    assert first.project.started is False and first.project.participatory is True
    assert first.extra == {"etat": "en_instruction"}
    assert first.expenses is not None and [str(e.amount) for e in first.expenses] == [
        "8000.00", "12000.00", "4500.50"]
    assert first.expenses[1].provider is not None
    assert first.expenses[1].provider.siret == "12345678900060"
    assert results[0].path == "sheet `Dossiers`, row 2"


def _sheets(path: Path) -> dict[str, list[list[object]]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False)
                for n in book.sheet_names}
    finally:
        book.close()


def test_the_examples_are_what_the_generator_writes(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(EXAMPLES))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(EXAMPLES))
    for path in generate(tmp_path):
        shipped = EXAMPLES / path.name
        if path.suffix in (".xlsx", ".ods"):
            assert _sheets(path) == _sheets(shipped), path.name
        else:
            assert path.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8"), \
                f"{path.name}: run examples/generate.py"


def test_the_workbook_has_the_platform_sheets() -> None:
    names = list(_sheets(EXAMPLES / "gers.xlsx"))
    assert names == ["Dossiers", "Etablissements", "Avis", "(2380010) Depenses"]
    assert len(GERS.dossiers) == 5
