"""API snapshots read through the mapping: champs by stable id or label, typed values, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fitn7.cli import main
from fitn7.loading import Failed, Loaded

from fake_ds import snapshot
from fitn7_demarches_simplifiees import claims, load_demarche
from gers_demarche import GERS

POLICY = Path(__file__).resolve().parents[3] / "policies" / "gers.fitn7"


def _write(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "gers.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _champ(node: dict[str, Any], label: str) -> dict[str, Any]:
    return next(c for c in node["champs"] + node.get("annotations", []) if c["label"] == label)


def test_a_champ_is_found_by_its_stable_id_when_its_label_changed(folder: Path) -> None:
    document = snapshot(GERS)
    for node in document["dossiers"]:
        _champ(node, "Nombre de communes couvertes")["label"] = "Communes concernées"
    results = [r for r in load_demarche(_write(folder, document)) if isinstance(r, Loaded)]
    assert [r.dossier.project.communes_covered for r in results if r.dossier.project] == [
        41, 42, 1, 25, 34]


def test_without_an_id_a_changed_label_is_reported(folder: Path) -> None:
    mapping = folder / "gers.mapping.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        '{ field = "project.communes_covered", champ = 2380003 }',
        '"project.communes_covered"'), encoding="utf-8")
    document = snapshot(GERS)
    for node in document["dossiers"]:
        _champ(node, "Nombre de communes couvertes")["label"] = "Communes concernées"
    (result,) = load_demarche(_write(folder, document))
    assert isinstance(result, Failed)
    assert "no column `Nombre de communes couvertes`" in str(result.error)
    assert "`Communes concernées`" in str(result.error)


def test_a_bad_value_names_the_dossier_number_and_the_champ(folder: Path) -> None:
    document = snapshot(GERS)
    _champ(document["dossiers"][1], "Montant demandé (€)")["decimalNumber"] = -5.0
    results = list(load_demarche(_write(folder, document)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed] == ["dossier 4821402, champ `Montant demandé (€)`"]
    assert "negative" in str(failed[0].error)
    assert sum(isinstance(r, Loaded) for r in results) == 4


def test_a_number_beyond_any_decimal_fails_its_dossier_only(folder: Path) -> None:
    """An exponent no `Decimal` holds (found by fuzzing) is a bad value at its champ, not
    an internal error of the whole snapshot."""
    document = snapshot(GERS)
    _champ(document["dossiers"][1], "Montant demandé (€)")["decimalNumber"] = 0.0
    path = _write(folder, document)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"decimalNumber": 0.0', '"decimalNumber": 2e99999999999999999999',
                                 1), encoding="utf-8")
    results = list(load_demarche(path))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed] == ["dossier 4821402, champ `Montant demandé (€)`"]
    assert "expected a number, got `2e99999999999999999999`" in str(failed[0].error)
    assert sum(isinstance(r, Loaded) for r in results) == 4


def test_a_bad_repetition_row_names_its_row_and_champ(folder: Path) -> None:
    document = snapshot(GERS)
    block = _champ(document["dossiers"][0], "Dépenses")
    _champ(block["rows"][1], "Catégorie")["stringValue"] = "Logiciel"
    failed = [r for r in load_demarche(_write(folder, document)) if isinstance(r, Failed)]
    assert [f.path for f in failed] == ["dossier 4821337, `Dépenses` row 2, champ `Catégorie`"]


def test_the_demandeur_forme_juridique_is_the_kind(folder: Path) -> None:
    document = snapshot(GERS)
    document["dossiers"][0]["demandeur"]["entreprise"]["formeJuridiqueCode"] = "7355"
    first = next(iter(load_demarche(_write(folder, document))))
    assert isinstance(first, Loaded) and first.dossier.applicant is not None
    assert first.dossier.applicant.kind is not None
    assert first.dossier.applicant.kind.value == "syndicat_mixte"


def test_champs_flattened_to_text_still_read(folder: Path) -> None:
    """A query without the typed fragments gets a TextChamp with a stringValue only."""
    document = snapshot(GERS)
    for node in document["dossiers"]:
        for champ in node["champs"]:
            if champ["__typename"] in ("IntegerNumberChamp", "YesNoChamp"):
                champ["__typename"] = "TextChamp"
                champ.pop("integerNumber", None)
                champ.pop("selected", None)
    results = [r for r in load_demarche(_write(folder, document)) if isinstance(r, Loaded)]
    assert [r.dossier.project.communes_covered for r in results if r.dossier.project] == [
        41, 42, 1, 25, 34]
    assert all(r.dossier.project and r.dossier.project.started is False for r in results)


def test_a_snapshot_of_another_demarche_is_refused(folder: Path) -> None:
    document = snapshot(GERS)
    document["demarche"]["number"] = 999
    (result,) = load_demarche(_write(folder, document))
    assert isinstance(result, Failed)
    assert "démarche 999" in str(result.error) and "41234" in str(result.error)


def test_a_damaged_snapshot_is_one_clear_failure(folder: Path) -> None:
    path = folder / "gers.json"
    text = json.dumps(snapshot(GERS))
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    (result,) = load_demarche(path)
    assert isinstance(result, Failed)
    assert "invalid JSON" in str(result.error) and "pull it again" in str(result.error)


def test_only_snapshots_and_demarche_csvs_are_claimed(folder: Path) -> None:
    snap = _write(folder, snapshot(GERS))
    plain = folder / "dossier.json"
    plain.write_text('{"id": "X"}', encoding="utf-8")
    assert claims(snap, {}) and not claims(plain, {})
    export = folder / "gers.csv"
    export.write_text("ID\n1\n", encoding="utf-8")
    other = folder / "suivi.csv"
    other.write_text("ID\n1\n", encoding="utf-8")
    (folder / "suivi.mapping.toml").write_text('[columns]\n"ID" = "id"\n', encoding="utf-8")
    assert claims(export, {}) and not claims(other, {})


def test_allocate_and_diff_impact_read_a_snapshot(folder: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(folder, snapshot(GERS))
    assert main(["allocate", str(POLICY), str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "4821337" in out and "4821402" in out
    code = main(["diff", str(POLICY), str(POLICY), "--impact", str(path),
                 "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "impact on 5 dossiers: 0 decisions change" in captured.out


def test_the_state_filter_of_the_mapping(folder: Path) -> None:
    mapping = folder / "gers.mapping.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        '# states = ["en_instruction"]', 'states = ["en_instruction"]'), encoding="utf-8")
    ids = [r.dossier.id for r in load_demarche(_write(folder, snapshot(GERS)))
           if isinstance(r, Loaded)]
    assert ids == ["4821337", "4821402", "4822019", "4822790"]
