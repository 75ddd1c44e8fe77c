"""Reading the ZRR table: the shipped sample, the prefecture's file, every way it can be wrong."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from fitn7.errors import PluginError

from fitn7_zrr import (
    SAMPLE_LABEL,
    TABLE_ENV,
    Classement,
    ZrrTableError,
    current_table,
    load_table,
    sample_path,
)

HEADER = "code_insee,classement,arrete\n"


def write(tmp_path: Path, text: str, name: str = "zrr.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_sample_is_labelled_as_a_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without FITN7_ZRR_TABLE the sample is read, and its name, first line and sources say so."""
    monkeypatch.delenv(TABLE_ENV, raising=False)
    table = current_table()
    assert table.sample is True
    assert table.file == "zrr-sample.csv"
    first_line = sample_path().read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# ÉCHANTILLON NON OFFICIEL")
    entry = table.lookup("32233")
    assert entry is not None
    assert table.source(entry) == (
        "ZRR table zrr-sample.csv (échantillon, non officiel) (arrêté du 2017-03-16)"
    )
    assert SAMPLE_LABEL in table.source(entry)


def test_sample_rows_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each classement of the sample reads as its enum, with the date of its arrêté."""
    monkeypatch.delenv(TABLE_ENV, raising=False)
    table = current_table()
    assert len(table.entries) == 14
    assert table.entries["32233"].classement is Classement.CLASSEE
    assert table.entries["29195"].classement is Classement.NON_CLASSEE
    assert table.entries["22055"].classement is Classement.PARTIELLE
    assert table.entries["22055"].arrete == datetime.date(2018, 2, 22)
    assert table.lookup("75056") is None


def test_classement_to_boolean() -> None:
    """Classée is true, non classée false, partiellement classée unknown (the policy decides)."""
    assert Classement.CLASSEE.zrr is True
    assert Classement.NON_CLASSEE.zrr is False
    assert Classement.PARTIELLE.zrr is None


def test_prefecture_table_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """FITN7_ZRR_TABLE names the table; its source names the file, not the sample label."""
    path = write(tmp_path, HEADER + "32013,classée,2021-01-01\n")
    monkeypatch.setenv(TABLE_ENV, str(path))
    table = current_table()
    assert table.sample is False
    assert table.file == str(path)
    entry = table.lookup("32013")
    assert entry is not None
    assert entry.classement is Classement.CLASSEE
    assert table.source(entry) == f"ZRR table {path} (arrêté du 2021-01-01)"


def test_changed_table_is_read_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A table rewritten with other content is read again, not served from the cache."""
    path = write(tmp_path, HEADER + "32013,classée,2021-01-01\n")
    monkeypatch.setenv(TABLE_ENV, str(path))
    assert current_table().entries["32013"].classement is Classement.CLASSEE
    write(tmp_path, HEADER + "32013,non classée,2021-01-01\n32233,classée,2021-01-01\n")
    assert current_table().entries["32013"].classement is Classement.NON_CLASSEE


def test_semicolons_bom_comments_and_official_letters(tmp_path: Path) -> None:
    """A French export (`;`, BOM, comment lines, extra columns, C/P/NC letters) reads the same."""
    text = (
        "# table de la préfecture du Gers\n"
        "code_insee;nom;classement;arrete\n"
        "32233;Marciac;C;2017-03-16\n"
        "\n"
        "22055;Binic-Étables-sur-Mer;P;2018-02-22\n"
        "32013;Auch;NC;2017-03-16\n"
    )
    path = write(tmp_path, text, encoding="utf-8-sig")
    table = load_table(path)
    assert {code: e.classement.value for code, e in table.entries.items()} == {
        "32233": "classée",
        "22055": "partiellement classée",
        "32013": "non classée",
    }


def test_missing_table_named_by_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A FITN7_ZRR_TABLE that names no file is an error naming the file and the variable."""
    missing = tmp_path / "absent.csv"
    monkeypatch.setenv(TABLE_ENV, str(missing))
    with pytest.raises(ZrrTableError) as info:
        current_table()
    assert str(info.value) == (
        f"the ZRR table `{missing}` named by FITN7_ZRR_TABLE does not exist; "
        "unset FITN7_ZRR_TABLE to use the shipped sample"
    )
    assert isinstance(info.value, PluginError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "code_insee,classement,date\n32013,classée,2017-03-16\n",
            ":1: missing column `arrete` (did you mean `date`?); the columns are `code_insee`, "
            "`classement`, `arrete`",
        ),
        (
            "code_inse,classement,arrete\n32013,classée,2017-03-16\n",
            ":1: missing column `code_insee` (did you mean `code_inse`?); the columns are "
            "`code_insee`, `classement`, `arrete`",
        ),
        (
            HEADER + "32013,classée,2017-03-16\n32233,classé,2017-03-16\n",
            ":3: unknown classement `classé` (did you mean `classée`?)",
        ),
        (
            HEADER + "32013,classée,16/03/2017\n",
            ":2: `16/03/2017` in column `arrete` is not a date; write it YYYY-MM-DD, "
            "e.g. 2017-03-16",
        ),
        (
            HEADER + "3201,classée,2017-03-16\n",
            ":2: `3201` is not a code INSEE of commune (five characters, e.g. `32013`)",
        ),
        (
            HEADER + "32013,classée,2017-03-16\n32013,non classée,2017-03-16\n",
            ":3: code `32013` is listed twice (first at line 2)",
        ),
        (HEADER + "32013,classée\n", ":2: expected 3 cells, found 2"),
        (HEADER, ": the ZRR table has a header but no commune"),
        ("# rien\n", ": the ZRR table is empty; expected a header line "
         "`code_insee,classement,arrete` and one line per commune"),
    ],
)
def test_malformed_table_errors(tmp_path: Path, text: str, message: str) -> None:
    """Each kind of malformed table is an error naming the file, the line and the fix."""
    path = write(tmp_path, text)
    with pytest.raises(ZrrTableError) as info:
        load_table(path)
    assert str(info.value) == f"{path}{message}"


def test_table_not_utf8(tmp_path: Path) -> None:
    """A table saved in another encoding is refused with the way to fix it."""
    path = write(tmp_path, HEADER + "32233,classée,2017-03-16\n", encoding="cp1252")
    with pytest.raises(ZrrTableError) as info:
        load_table(path)
    assert str(info.value) == f"{path}: the ZRR table is not UTF-8 text: save it as CSV UTF-8"
