"""xlsx and ods exports: joins, ordering, and every way a workbook goes wrong, reported."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fitn7.loading import Failed, Loaded

from fake_ds import sheets, write_ods, write_xlsx
from fitn7_demarches_simplifiees import load_demarche
from gers_demarche import GERS

WRITERS = {"xlsx": write_xlsx, "ods": write_ods}


def _write(folder: Path, suffix: str, tables: dict[str, Any]) -> Path:
    path = folder / f"gers.{suffix}"
    WRITERS[suffix](GERS, path, tables=tables)
    return path


def _tables() -> dict[str, list[list[Any]]]:
    return copy.deepcopy(sheets(GERS))


def _column(table: list[list[Any]], header: str) -> int:
    return table[0].index(header)


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_bad_cell_fails_its_dossier_at_sheet_row_and_column(folder: Path, suffix: str) -> None:
    tables = _tables()
    dossiers = tables["Dossiers"]
    dossiers[3][_column(dossiers, "Nombre de communes couvertes")] = "une vingtaine"
    results = list(load_demarche(_write(folder, suffix, tables)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert len(failed) == 1
    assert failed[0].path == "sheet `Dossiers`, row 4, column `Nombre de communes couvertes`"
    assert "expected an integer" in str(failed[0].error)
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == [
        "4821337", "4821402", "4822315", "4822790"]


def test_a_bad_expense_line_is_reported_on_its_repetition_sheet(folder: Path) -> None:
    tables = _tables()
    lines = tables["(2380010) Depenses"]
    lines[2][_column(lines, "Catégorie")] = "Formations"
    results = list(load_demarche(_write(folder, "xlsx", tables)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed] == ["sheet `(2380010) Depenses`, row 3, column `Catégorie`"]
    assert "formation" in str(failed[0].error)  # did you mean


def test_the_demandeur_comes_from_the_etablissements_sheet(folder: Path) -> None:
    tables = _tables()
    etab = tables["Etablissements"]
    etab[1][_column(etab, "Entreprise forme juridique code")] = "9999"
    results = list(load_demarche(_write(folder, "xlsx", tables)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed] == [
        "sheet `Etablissements`, row 2, column `Entreprise forme juridique code`"]
    assert "9999" in str(failed[0].error)


def test_expense_lines_are_ordered_by_ligne_not_by_row(folder: Path) -> None:
    tables = _tables()
    lines = tables["(2380010) Depenses"]
    lines[1], lines[3] = lines[3], lines[1]  # dossier 4821337's lines 3, 2, 1
    results = list(load_demarche(_write(folder, "xlsx", tables)))
    first = results[0]
    assert isinstance(first, Loaded) and first.dossier.expenses is not None
    assert [e.label for e in first.dossier.expenses] == [
        "Diagnostic des besoins des 41 communes", "Développement du bouquet de services",
        "Formation des secrétaires de mairie"]


def test_a_dossier_without_lines_has_its_expenses_absent(folder: Path) -> None:
    tables = _tables()
    lines = tables["(2380010) Depenses"]
    tables["(2380010) Depenses"] = [row for row in lines if row[0] != 4821402]
    results = {r.dossier.id: r.dossier for r in load_demarche(_write(folder, "xlsx", tables))
               if isinstance(r, Loaded)}
    assert results["4821402"].expenses is None
    assert results["4821337"].expenses is not None


def test_a_line_of_an_unknown_dossier_is_reported_and_the_others_load(folder: Path) -> None:
    tables = _tables()
    tables["(2380010) Depenses"].append([999, 1, "Perdue", "Formation", 10.0, None, None, None])
    results = list(load_demarche(_write(folder, "xlsx", tables)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert len(failed) == 1
    assert "dossier `999` is not on the sheet `Dossiers`" in str(failed[0].error)
    assert failed[0].path == "sheet `(2380010) Depenses`, row 16, column `Dossier ID`"
    assert sum(isinstance(r, Loaded) for r in results) == 5


def test_a_number_on_two_rows_fails_both(folder: Path) -> None:
    tables = _tables()
    dossiers = tables["Dossiers"]
    dossiers[2][0] = dossiers[1][0]
    results = list(load_demarche(_write(folder, "xlsx", tables)))
    failed = [r for r in results if isinstance(r, Failed)]
    assert [f.path for f in failed][:2] == ["sheet `Dossiers`, row 2, column `ID`",
                                            "sheet `Dossiers`, row 3, column `ID`"]
    # 4821402 is gone: its three lines name a dossier the sheet does not have.
    assert len(failed) == 5
    assert "is on rows 2, 3" in str(failed[0].error)


def test_a_renamed_label_names_the_champ_and_the_labels_found(folder: Path) -> None:
    tables = _tables()
    dossiers = tables["Dossiers"]
    dossiers[0][_column(dossiers, "Nombre de communes couvertes")] = "Nombre de communes concernées"
    (result,) = load_demarche(_write(folder, "xlsx", tables))
    assert isinstance(result, Failed)
    message = str(result.error)
    assert "no column `Nombre de communes couvertes` (champ 2380003) in sheet `Dossiers`" in message
    assert "renamed" in message and "Nombre de communes concernées" in message


def test_a_missing_dossiers_sheet_lists_the_sheets(folder: Path) -> None:
    tables = _tables()
    tables["Feuil1"] = tables.pop("Dossiers")
    (result,) = load_demarche(_write(folder, "xlsx", tables))
    assert isinstance(result, Failed)
    assert "no sheet `Dossiers`" in str(result.error) and "`Feuil1`" in str(result.error)


def test_a_missing_repetition_sheet_says_which_block(folder: Path) -> None:
    tables = _tables()
    del tables["(2380010) Depenses"]
    (result,) = load_demarche(_write(folder, "ods", tables))
    assert isinstance(result, Failed)
    assert "no sheet for the repetition block `Dépenses` (champ 2380010)" in str(result.error)


def test_the_repetition_sheet_is_found_by_label_without_an_id(folder: Path) -> None:
    text = (folder / "gers.mapping.toml").read_text(encoding="utf-8")
    (folder / "gers.mapping.toml").write_text(text.replace("champ = 2380010\n", ""),
                                              encoding="utf-8")
    results = list(load_demarche(_write(folder, "xlsx", _tables())))
    assert all(isinstance(r, Loaded) for r in results)


def test_a_damaged_workbook_is_one_clear_failure(folder: Path) -> None:
    path = folder / "gers.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    (result,) = load_demarche(path)
    assert isinstance(result, Failed)
    assert "not a readable xlsx workbook" in str(result.error)
    assert "download the export again" in str(result.error)


def test_a_password_protected_workbook_says_so(folder: Path) -> None:
    path = folder / "gers.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (result,) = load_demarche(path)
    assert isinstance(result, Failed)
    assert "password-protected" in str(result.error)


def test_a_state_filter_keeps_only_those_dossiers(folder: Path) -> None:
    path = _write(folder, "xlsx", _tables())
    kept = [r.dossier.id for r in load_demarche(path, {"state": "en_construction"})
            if isinstance(r, Loaded)]
    assert kept == ["4822315"]
    (bad,) = load_demarche(path, {"state": "en_instuction"})
    assert isinstance(bad, Failed) and "did you mean `en_instruction`" in str(bad.error)
