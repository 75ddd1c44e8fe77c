"""CSV exports: the demandeur inline, expense lines only from the block saved beside it."""

from __future__ import annotations

from pathlib import Path

from fitn7.loading import Failed, Loaded

from fake_ds import write_csv
from fitn7_demarches_simplifiees import load_demarche
from gers_demarche import GERS


def test_a_csv_export_with_its_repetition_csv(folder: Path) -> None:
    write_csv(GERS, folder / "gers.csv", folder / "gers-depenses.csv")
    results = list(load_demarche(folder / "gers.csv"))
    assert all(isinstance(r, Loaded) for r in results)
    assert results[0].path == "row 2"


def test_without_the_repetition_csv_the_message_says_how_to_get_lines(folder: Path) -> None:
    write_csv(GERS, folder / "gers.csv")
    mapping = folder / "gers.mapping.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        'file = "gers-depenses.csv"\n', ""), encoding="utf-8")
    (result,) = load_demarche(folder / "gers.csv")
    assert isinstance(result, Failed)
    message = str(result.error)
    assert "a CSV export carries no repetition block" in message
    assert "`Dépenses` (champ 2380010)" in message and "xlsx or ods" in message


def test_the_expenses_option_names_another_file(folder: Path) -> None:
    write_csv(GERS, folder / "gers.csv", folder / "lignes.csv")
    results = list(load_demarche(folder / "gers.csv", {"expenses": str(folder / "lignes.csv")}))
    assert sum(isinstance(r, Loaded) for r in results) == 5


def test_a_bad_cell_of_the_csv_is_reported_at_row_and_column(folder: Path) -> None:
    write_csv(GERS, folder / "gers.csv", folder / "gers-depenses.csv")
    path = folder / "gers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",9783,", ",9 783 hab,"),
                    encoding="utf-8")
    failed = [r for r in load_demarche(path) if isinstance(r, Failed)]
    assert [f.path for f in failed] == [
        "row 3, column `Population municipale de la structure`"]
