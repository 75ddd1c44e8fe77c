"""The CSV loader: rows to dossiers through a mapping, and every bad row named by row and column."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fitn7.dossier import Category, Kind
from fitn7.loading import Failed, Loaded, LoadResult
from fitn7.vocabulary import Vocabulary

from fitn7_csv import load_csv
from fitn7_csv.table import detect_delimiter, ends_in_open_quote

MAPPING = """
[columns]
"Numéro" = "id"
"Dépôt" = { field = "submitted", format = "%d/%m/%Y" }
"Commune" = "applicant.name"
"Nature" = { field = "applicant.kind", values = { "Commune" = "commune", "CC" = "cc" } }
"Code" = "applicant.code"
"Population" = "applicant.population"
"ZRR" = "applicant.zrr"
"Mots-clés" = { field = "project.tags", split = "," }
"Demandé" = { field = "requested", decimal_comma = true }
"Poste 1" = { field = "expenses[0].amount", decimal_comma = true }
"Catégorie 1" = "expenses[0].category"
"Poste 2" = { field = "expenses[1].amount", decimal_comma = true }
"Catégorie 2" = "expenses[1].category"
"""
HEADER = "Numéro;Dépôt;Commune;Nature;Code;Population;ZRR;Mots-clés;Demandé;Poste 1;Catégorie 1;" \
    "Poste 2;Catégorie 2;Commentaire"
GOOD = "D-1;10/06/2021;Plouguerneau;Commune;29195;6 755;Non;inclusion, agents;20 000,50;" \
    "18 000,00;accompagnement;;;ok"


def export(tmp_path: Path, *rows: str, mapping: str = MAPPING, header: str = HEADER,
           name: str = "export.csv", encoding: str = "utf-8") -> Path:
    """An export and its mapping beside it (found without option)."""
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    path.with_suffix(".mapping.toml").write_text(mapping, encoding="utf-8")
    return path


def results(path: Path, **options: str) -> list[LoadResult]:
    return list(load_csv(path, options))


def errors(found: list[LoadResult]) -> list[str]:
    return [str(r.error) for r in found if isinstance(r, Failed)]


def test_row_becomes_a_dossier(tmp_path: Path) -> None:
    """Each cell is converted as the mapping says and the dossier is checked by fitn7."""
    (loaded,) = results(export(tmp_path, GOOD))
    assert isinstance(loaded, Loaded)
    assert (loaded.file, loaded.path) == (str(tmp_path / "export.csv"), "row 2")
    d = loaded.dossier
    assert d.id == "D-1"
    assert d.submitted == datetime.date(2021, 6, 10)
    assert d.applicant is not None
    assert (d.applicant.name, d.applicant.kind, d.applicant.code) == (
        "Plouguerneau", Kind.COMMUNE, "29195"
    )
    assert (d.applicant.population, d.applicant.zrr) == (6755, False)
    assert d.project is not None and d.project.tags == ("inclusion", "agents")
    assert d.requested == Decimal("20000.50")
    assert d.expenses is not None
    assert [(e.amount, e.category) for e in d.expenses] == [
        (Decimal("18000.00"), Category.ACCOMPAGNEMENT)
    ]


def test_empty_cells_are_absent_fields(tmp_path: Path) -> None:
    """An empty cell leaves the field absent (unknown), never an empty text or false."""
    (loaded,) = results(export(tmp_path, "D-1;;;;;;;;;;;;;"))
    assert isinstance(loaded, Loaded)
    d = loaded.dossier
    assert (d.submitted, d.applicant, d.project, d.expenses, d.requested) == (
        None, None, None, None, None
    )


def test_empty_rows_are_skipped(tmp_path: Path) -> None:
    """Rows with no mapped value (trailing rows of a sheet) are not dossiers."""
    found = results(export(tmp_path, GOOD, ";;;;;;;;;;;;;", ";;;;;;;;;;;;;note seule"))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-1"]
    assert errors(found) == []


def test_repeated_columns_with_a_gap(tmp_path: Path) -> None:
    """An empty first group of expense columns is dropped; the second becomes line 0."""
    row = "D-1;10/06/2021;;;;;;;;;;5 000,00;formation;"
    (loaded,) = results(export(tmp_path, row))
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.expenses is not None
    assert [(e.amount, e.category) for e in loaded.dossier.expenses] == [
        (Decimal("5000.00"), Category.FORMATION)
    ]


def test_error_in_renumbered_line_names_its_column(tmp_path: Path) -> None:
    """After renumbering, an error in the second group still names its own column."""
    row = "D-1;10/06/2021;;;;;;;;;;5 000,00;formatoin;"
    (failed,) = results(export(tmp_path, row))
    assert isinstance(failed, Failed)
    assert failed.path == "row 2, column `Catégorie 2`"
    assert failed.error.message == "unknown expense category `formatoin`"
    assert str(failed.error) == (
        f"{tmp_path / 'export.csv'}: unknown expense category `formatoin` @ row 2, "
        "column `Catégorie 2` (did you mean `formation`?)"
    )


@pytest.mark.parametrize(
    ("row", "column", "message", "hint"),
    [
        (GOOD.replace("10/06/2021", "31/06/2021"), "Dépôt",
         "expected a date written like `10/06/2021`, got `31/06/2021`",
         "the mapping gives the format `%d/%m/%Y`"),
        (GOOD.replace("6 755", "6755 hab."), "Population",
         "expected an integer", "write digits only, e.g. `6643`"),
        (GOOD.replace(";Non;", ";Peut-être;"), "ZRR",
         "expected yes or no, got `Peut-être`",
         "yes is one of `oui`, `true`, `vrai`, `1`, `x`, no one of `non`, `false`, `faux`, `0`; "
         "list other words under `yes` or `no` for this column in the mapping"),
        (GOOD.replace("20 000,50", "20.000,50"), "Demandé",
         "expected a number with a decimal comma, got `20.000,50`",
         "write e.g. `12 000,50`, or drop `decimal_comma` for this column"),
        (GOOD.replace(";Commune;29195", ";Commune nouvelle;29195"), "Nature",
         "unknown applicant kind `Commune nouvelle`", "did you mean `commune`?"),
        (GOOD.replace("18 000,00", "18 000,005"), "Poste 1",
         "amount `18000.005` is finer than a cent", "write at most two decimals"),
        (GOOD.replace("accompagnement", "Accompagnement"), "Catégorie 1",
         "unknown expense category `Accompagnement`", "did you mean `accompagnement`?"),
    ],
)
def test_bad_cell_names_row_and_column(
    tmp_path: Path, row: str, column: str, message: str, hint: str
) -> None:
    """A bad cell fails its dossier with the row number and the column header; others load."""
    found = results(export(tmp_path, GOOD.replace("D-1", "D-0"), row))
    assert isinstance(found[0], Loaded)
    failed = found[1]
    assert isinstance(failed, Failed)
    assert (failed.file, failed.path, failed.error.message) == (
        str(tmp_path / "export.csv"), f"row 3, column `{column}`", message
    )
    assert str(failed.error) == (
        f"{tmp_path / 'export.csv'}: {message} @ row 3, column `{column}` ({hint})"
    )


def test_missing_id(tmp_path: Path) -> None:
    """A row without id fails alone, at the id column."""
    found = results(export(tmp_path, GOOD, GOOD.replace("D-1", "")))
    assert isinstance(found[0], Loaded)
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: missing dossier id @ row 3, column `Numéro` (every row "
        "needs one; delete the row if it is not a dossier)",
    ]


def test_quoted_cells_and_row_numbers(tmp_path: Path) -> None:
    """Quoted cells may hold the delimiter and line breaks; rows keep the sheet's numbers."""
    first = GOOD.replace("Plouguerneau", '"Plouguerneau; Finistère\nnord"')
    second = GOOD.replace("D-1", "D-2").replace("31", "3x").replace("10/06/2021", "99/99/2021")
    found = results(export(tmp_path, first, second))
    assert isinstance(found[0], Loaded)
    assert found[0].dossier.applicant is not None
    assert found[0].dossier.applicant.name == "Plouguerneau; Finistère\nnord"
    assert isinstance(found[1], Failed) and found[1].path == "row 3, column `Dépôt`"


def test_comma_delimiter_and_bom_detected(tmp_path: Path) -> None:
    """A `,` export saved with a byte-order mark reads like the `;` one."""
    mapping = '[columns]\n"Numéro" = "id"\n"Code" = "applicant.code"\n'
    path = export(tmp_path, "D-1,29195", mapping=mapping, header="Numéro,Code",
                  encoding="utf-8-sig")
    (loaded,) = results(path)
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.applicant is not None
    assert loaded.dossier.applicant.code == "29195"


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"), ('"a;b",c', ","), ("seule", ",")],
)
def test_detect_delimiter(line: str, expected: str) -> None:
    """The delimiter is the one the header uses most outside quotes."""
    assert detect_delimiter(line) == expected


def test_cp1252_export(tmp_path: Path) -> None:
    """An old Excel export is refused with the fix, and read once the mapping names it."""
    path = export(tmp_path, "D-1;Plougonvelin", header="Numéro;Commune", encoding="cp1252",
                  mapping='[columns]\n"Numéro" = "id"\n"Commune" = "applicant.name"\n')
    path.write_bytes("Numéro;Commune\nD-1;Pléhédel\n".encode("cp1252"))
    assert errors(results(path)) == [
        f"{path}: the file is not UTF-8 text (save it as \"CSV UTF-8\", or set "
        '`encoding = "cp1252"` under [csv] in the mapping)'
    ]
    path.with_suffix(".mapping.toml").write_text(
        '[csv]\nencoding = "cp1252"\n[columns]\n"Numéro" = "id"\n"Commune" = "applicant.name"\n',
        encoding="utf-8",
    )
    (loaded,) = results(path)
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.applicant is not None
    assert loaded.dossier.applicant.name == "Pléhédel"


def test_extra_fields_typed_by_the_mapping(tmp_path: Path) -> None:
    """`extra` columns take the mapping's `type` (text by default)."""
    mapping = """
[columns]
"Numéro" = "id"
"Arrêté ZRR" = { field = "applicant.extra.zrr_arrete", type = "date", format = "%d/%m/%Y" }
"Part locale" = { field = "project.extra.part_locale", type = "decimal", decimal_comma = true }
"Note" = "extra.note"
"""
    path = export(tmp_path, "D-1;16/03/2017;0,45;à revoir", mapping=mapping,
                  header="Numéro;Arrêté ZRR;Part locale;Note")
    (loaded,) = results(path)
    assert isinstance(loaded, Loaded)
    d = loaded.dossier
    assert d.applicant is not None and d.project is not None
    assert d.applicant.extra == {"zrr_arrete": datetime.date(2017, 3, 16)}
    assert d.project.extra == {"part_locale": Decimal("0.45")}
    assert d.extra == {"note": "à revoir"}


def test_options(tmp_path: Path) -> None:
    """`mapping=` names the mapping; an unknown option or no mapping at all is one Failed."""
    path = export(tmp_path, GOOD)
    moved = tmp_path / "ailleurs.toml"
    path.with_suffix(".mapping.toml").rename(moved)
    assert errors(results(path)) == [
        f"{path}: no mapping for this export (pass --loader-option mapping=FILE, or put the "
        "mapping in `export.mapping.toml` beside it)"
    ]
    (loaded,) = results(path, mapping=str(moved))
    assert isinstance(loaded, Loaded)
    assert errors(results(path, maping=str(moved))) == [
        f"{path}: unknown loader option `maping` (did you mean `mapping`?)"
    ]


def test_expenses_option_needs_an_expenses_table(tmp_path: Path) -> None:
    """`expenses=FILE` with a mapping of repeated columns is a mistake, reported."""
    path = export(tmp_path, GOOD)
    assert errors(results(path, expenses="lignes.csv")) == [
        f"{path.with_suffix('.mapping.toml')}: the option `expenses` needs an [expenses] table "
        "here (it names the file of expense lines and its columns)"
    ]


def test_missing_export(tmp_path: Path) -> None:
    """An export that does not exist is one Failed naming it."""
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    assert errors(results(tmp_path / "absent.csv", mapping=str(mapping))) == [
        f"{tmp_path / 'absent.csv'}: no such file"
    ]


def test_column_of_the_mapping_missing_from_the_export(tmp_path: Path) -> None:
    """A column the mapping reads but the export lacks is reported with the closest header."""
    path = export(tmp_path, GOOD.replace(";ok", ""),
                  header=HEADER.replace("Population", "Population municipale")
                  .replace(";Commentaire", ""))
    assert errors(results(path)) == [
        f"{path}: no column `Population`, which the mapping reads @ row 1 (did you mean "
        "`Population municipale`?)"
    ]


def test_wrong_delimiter_is_explained(tmp_path: Path) -> None:
    """When the header reads as one column, the message asks about the delimiter."""
    path = export(tmp_path, "D-1|29195", header="Numéro|Code",
                  mapping='[columns]\n"Numéro" = "id"\n')
    assert errors(results(path)) == [
        f"{path}: no column `Numéro`, which the mapping reads @ row 1 (the header has one "
        "column: is the delimiter `,` right?)"
    ]


# --- Bad rows: each fails alone, naming file, row and column; the others load ---------------


def test_duplicate_id_fails_every_row_with_it(tmp_path: Path) -> None:
    """Which of two rows sharing an id is right cannot be told: both fail, naming the rows;
    the rows around them load."""
    other = GOOD.replace("D-1", "D-2").replace("Plouguerneau", "Lannilis")
    found = results(export(tmp_path, GOOD.replace("D-1", "D-0"), GOOD, other,
                           GOOD.replace("D-1", "D-3"), GOOD))
    assert [(r.path, r.dossier.id) for r in found if isinstance(r, Loaded)] == [
        ("row 2", "D-0"), ("row 4", "D-2"), ("row 5", "D-3")
    ]
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: dossier id `D-1` is on rows 3 and 6 @ row {n}, column "
        "`Numéro` (an id names one dossier: none of these rows is evaluated until the wrong "
        "id is corrected)"
        for n in (3, 6)
    ]
    three = results(export(tmp_path, GOOD, GOOD, GOOD))
    assert [r.error.message for r in three if isinstance(r, Failed)] == [
        "dossier id `D-1` is on rows 2, 3 and 4"
    ] * 3


def test_row_with_too_many_cells_fails_alone(tmp_path: Path) -> None:
    """A row longer than the header (an unquoted `;` in a cell) fails alone, not shifted,
    and the rows before and after it load, in file order."""
    found = results(export(tmp_path, GOOD.replace("D-1", "D-0"), GOOD + ";de trop",
                           GOOD.replace("D-1", "D-2")))
    assert [type(r).__name__ for r in found] == ["Loaded", "Failed", "Loaded"]
    assert [(r.path, r.dossier.id) for r in found if isinstance(r, Loaded)] == [
        ("row 2", "D-0"), ("row 4", "D-2")
    ]
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: 15 cells for 14 columns @ row 3 (a cell may hold an "
        "unquoted `;`: quote it, or check the export)"
    ]


def test_too_many_cells_and_a_duplicate_id(tmp_path: Path) -> None:
    """A row too long for the header still holds its id: a good row with the same id is not
    taken for that dossier."""
    found = results(export(tmp_path, GOOD + ";de trop", GOOD))
    assert not [r for r in found if isinstance(r, Loaded)]
    assert [r.error.message for r in found if isinstance(r, Failed)] == [
        "15 cells for 14 columns", "dossier id `D-1` is on rows 2 and 3"
    ]


def test_trailing_empty_cells_are_no_extra_cells(tmp_path: Path) -> None:
    """Empty cells past the header (trailing `;;`) and missing trailing cells are fine."""
    found = results(export(tmp_path, GOOD + ";;;", "D-2;10/06/2021"))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-1", "D-2"]
    assert errors(found) == []


def test_quote_never_closed(tmp_path: Path) -> None:
    """A quote opened and never closed swallows the rest of the file: that row fails, saying
    so, instead of loading with the following rows as its text."""
    broken = GOOD.replace(";ok", ';"Relancé le 3/06')
    found = results(export(tmp_path, GOOD.replace("D-1", "D-0"), broken,
                           GOOD.replace("D-1", "D-2")))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-0"]
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: the quoted cell of column `Commentaire` is never closed: "
        'every line after it is read as its text @ row 3 (close the quote `"` (a quote '
        'inside a cell is written twice: `""`))'
    ]


def test_quote_never_closed_in_the_header(tmp_path: Path) -> None:
    """In the header, it is an error for the whole file."""
    path = export(tmp_path, GOOD, header=HEADER.replace("Commentaire", '"Commentaire'))
    assert errors(results(path)) == [
        f'{path}: a quoted cell of the header is never closed @ row 1 (close the quote `"` '
        '(a quote inside a cell is written twice: `""`))'
    ]


def test_closed_quotes_are_not_taken_for_open_ones(tmp_path: Path) -> None:
    """Doubled quotes inside a quoted cell, and a quote inside an unquoted one, are text."""
    found = results(export(tmp_path, GOOD.replace("Plouguerneau", '"La ""Cité"" ; nord"'),
                           GOOD.replace("D-1", "D-2").replace(";ok", ';dit "bien'),
                           GOOD.replace("D-1", "D-3")))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-1", "D-2", "D-3"]
    first = found[0]
    assert isinstance(first, Loaded) and first.dossier.applicant is not None
    assert first.dossier.applicant.name == 'La "Cité" ; nord'


@pytest.mark.parametrize(
    ("text", "expected"),
    [('a;"b', True), ('a;"b""', True), ('a;"b"\n"c', True), ('a;"b"""', False),
     ('a;b"c', False), ('"a\nb";c', False), ('a;"b"x;"c"', False)],
)
def test_ends_in_open_quote(text: str, expected: bool) -> None:
    """Only a quote opening a cell opens it; `""` inside is a quote, not the end."""
    assert ends_in_open_quote(text, ";") is expected


def test_unreadable_row_stops_with_what_came_before(tmp_path: Path) -> None:
    """A row the csv reader cannot read (a cell past its size limit) fails with the reason;
    the rows before it load, and the failure says the rows after it are not read."""
    huge = GOOD.replace("D-1", "D-2").replace(";ok", ';"' + "x" * 200_000 + '"')
    found = results(export(tmp_path, GOOD, huge, GOOD.replace("D-1", "D-3")))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-1"]
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: cannot read this row or the ones after it: field larger "
        "than field limit (131072) @ row 3"
    ]


# --- Cells a spreadsheet writes its own way ------------------------------------------------

SMALL = """
[columns]
"Numéro" = "id"
"Demandé" = "requested"
"Demandé FR" = { field = "project.extra.cofinancement", type = "money", decimal_comma = true }
"Dépôt" = "submitted"
"""


def small(tmp_path: Path, *rows: str) -> list[LoadResult]:
    return results(export(tmp_path, *rows, mapping=SMALL,
                          header="Numéro;Demandé;Demandé FR;Dépôt"))


def test_french_money_read_when_the_mapping_says_so(tmp_path: Path) -> None:
    """`12 000,50` and `12 000,50 €` are read in a `decimal_comma` column; spaces between
    thousands are dropped in any column."""
    found = small(tmp_path, "D-1;12 000.50;12 000,50 €;2021-06-10", "D-2;12\u202f000;7,5;")
    assert errors(found) == []
    assert [(r.dossier.requested, r.dossier.project and r.dossier.project.extra)
            for r in found if isinstance(r, Loaded)] == [
        (Decimal("12000.50"), {"cofinancement": Decimal("12000.50")}),
        (Decimal("12000"), {"cofinancement": Decimal("7.5")}),
    ]


@pytest.mark.parametrize(
    ("row", "column", "rendered"),
    [
        ("D-9;12 000,50;;", "Demandé",
         "expected a number with a decimal point, got `12 000,50` @ row 3, column `Demandé` "
         "(set `decimal_comma = true` for this column in the mapping)"),
        ("D-9;12.000;;", "Demandé",
         "ambiguous amount `12.000`: three digits after the `.` @ row 3, column `Demandé` "
         "(write `12000` for thousands (or with a space: `12 000`), or two decimals for cents)"),
        ("D-9;;1,500;", "Demandé FR",
         "ambiguous amount `1,500`: three digits after the `,` @ row 3, column `Demandé FR` "
         "(write `1500` for thousands (or with a space: `1 500`), or two decimals for cents)"),
        ("D-9;;1,2E+07;", "Demandé FR",
         "expected a number, got `1,2E+07` @ row 3, column `Demandé FR` (write it in "
         "digits, e.g. `12 000,50`)"),
        ("D-9;;-100;", "Demandé FR",
         "negative amount `-100` @ row 3, column `Demandé FR`"),
        ("D-9;;;10/06/2021", "Dépôt",
         "expected a date written YYYY-MM-DD, got `10/06/2021` @ row 3, column `Dépôt` (give "
         'the column its format in the mapping: { field = "submitted", format = "%d/%m/%Y" })'),
        ("D-9;;;10.06.21", "Dépôt",
         "expected a date written YYYY-MM-DD, got `10.06.21` @ row 3, column `Dépôt` (give "
         'the column its format in the mapping: { field = "submitted", format = "%d.%m.%y" })'),
    ],
)
def test_spreadsheet_cells_that_cannot_be_read_as_written(
    tmp_path: Path, row: str, column: str, rendered: str
) -> None:
    """A cell that would be misread (twelve euros for 12.000) or not read fails its row at its
    column; the row before loads."""
    found = small(tmp_path, "D-1;100;;2021-06-10", row)
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-1"]
    assert errors(found) == [f"{tmp_path / 'export.csv'}: {rendered}"]


def test_integer_with_a_non_ascii_digit(tmp_path: Path) -> None:
    """`²` is a digit to `str.isdigit`, not to `int`: the row fails, the batch goes on."""
    found = results(export(tmp_path, GOOD.replace("6 755", "6 755²"), GOOD.replace("D-1", "D-2")))
    assert [r.dossier.id for r in found if isinstance(r, Loaded)] == ["D-2"]
    assert errors(found) == [
        f"{tmp_path / 'export.csv'}: expected an integer @ row 2, column `Population` (write "
        "digits only, e.g. `6643`)"
    ]


# --- Delimiter and encoding ----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding_line", ["", '[csv]\nencoding = "utf-8"\n'])
def test_bom_and_delimiter(tmp_path: Path, delimiter: str, encoding_line: str) -> None:
    """A byte-order mark never ends up in the first header, whatever the delimiter."""
    mapping = encoding_line + '[columns]\n"Numéro" = "id"\n"Commune" = "applicant.name"\n'
    path = export(tmp_path, delimiter.join(["D-1", "Pléhédel"]), mapping=mapping,
                  header=delimiter.join(["Numéro", "Commune"]), encoding="utf-8-sig")
    (loaded,) = results(path)
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.applicant is not None
    assert loaded.dossier.applicant.name == "Pléhédel"


def test_delimiter_chosen_by_the_columns_it_gives(tmp_path: Path) -> None:
    """A `;` header with more `,` than `;` in its names is still read with `;`."""
    mapping = '[columns]\n"N°" = "id"\n"Montant" = "requested"\n'
    path = export(tmp_path, "D-1;Durand, Jean, maire;1000", mapping=mapping,
                  header="N°;Nom, prénom, fonction;Montant")
    (loaded,) = results(path)
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.requested == Decimal("1000")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_export_under_a_cp1252_mapping(tmp_path: Path, encoding: str) -> None:
    """Read as cp1252, a UTF-8 export would load `PlÃ©hÃ©del`: the file is refused."""
    path = export(tmp_path, "D-1;Pléhédel", header="Numéro;Commune", encoding=encoding,
                  mapping='[csv]\nencoding = "cp1252"\n[columns]\n"Numéro" = "id"\n'
                  '"Commune" = "applicant.name"\n')
    assert errors(results(path)) == [
        f"{path}: the file is UTF-8 text, not CP1252 as the mapping says (leave `encoding` out "
        "of [csv] in the mapping: UTF-8 is the default)"
    ]


def test_not_cp1252_either(tmp_path: Path) -> None:
    """A byte cp1252 does not have: the message names it and its line."""
    path = export(tmp_path, "D-1", header="Numéro", mapping='[csv]\nencoding = "cp1252"\n'
                  '[columns]\n"Numéro" = "id"\n')
    path.write_bytes(b"Num\xe9ro\nD-1\nD-\x81\n")
    assert errors(results(path)) == [
        f"{path}: the file is not CP1252 text (byte 0x81 on line 3: check `encoding` under "
        '[csv] in the mapping, or save the file as "CSV UTF-8")'
    ]


# ------------------------------------------------ the policy's inputs and documents

TIERS_LIEUX = """
policy "tiers-lieux"
  version "2024"

input autres_aides_publiques: money "Autres financements publics" optional default 0 €
input taux_occupation: percent "Taux d'occupation prévu"
input publics: set of string "Publics accueillis" optional
input ouverture: date "Date d'ouverture"

document statuts: "Statuts"
document rib: "RIB"
"""
VOCAB_MAPPING = """
[columns]
"Numéro" = "id"
"Autres aides" = { field = "inputs.autres_aides_publiques", decimal_comma = true }
"Occupation" = { field = "inputs.taux_occupation", decimal_comma = true }
"Publics" = { field = "inputs.publics", split = ";" }
"Ouverture" = { field = "inputs.ouverture", format = "%d/%m/%Y" }
"Pièces" = { field = "documents", split = "," }
"""
VOCAB_HEADER = "Numéro,Autres aides,Occupation,Publics,Ouverture,Pièces"


def vocabulary() -> Vocabulary:
    from fitn7 import parse_policy

    return Vocabulary.of(parse_policy(TIERS_LIEUX, "tiers-lieux.fitn7"))


def test_inputs_are_read_with_the_type_the_policy_declares(tmp_path: Path) -> None:
    """Money with a decimal comma, `12,5 %`, a list in one cell, a French date, and the
    documents listed in one cell: each value as the policy's input types say."""
    path = export(tmp_path, 'T-1,"1 200,50","12,5 %",jeunes; familles,01/09/2024,"statuts, rib"',
                  mapping=VOCAB_MAPPING, header=VOCAB_HEADER)
    (loaded,) = load_csv(path, {}, vocabulary())
    assert isinstance(loaded, Loaded)
    assert dict(loaded.dossier.inputs) == {
        "autres_aides_publiques": Decimal("1200.50"),
        "taux_occupation": Decimal("0.125"),
        "publics": frozenset({"jeunes", "familles"}),
        "ouverture": datetime.date(2024, 9, 1),
    }
    assert loaded.dossier.documents == ("statuts", "rib")


def test_an_unknown_document_in_a_cell_is_reported_at_that_cell(tmp_path: Path) -> None:
    """A document name the policy does not declare fails its row at the cell listing it."""
    path = export(tmp_path, 'T-1,0,50 %,jeunes,01/09/2024,"statuts, ribb"',
                  mapping=VOCAB_MAPPING, header=VOCAB_HEADER)
    (failed,) = load_csv(path, {}, vocabulary())
    assert isinstance(failed, Failed)
    assert failed.error.path == "row 2, column `Pièces`"
    assert "unknown document `ribb`" in str(failed.error)


@pytest.mark.parametrize(("column", "message"), [
    ('"Aides" = "inputs.autres_aides"',
     "`inputs.autres_aides`: unknown input `autres_aides` (did you mean "
     "`autres_aides_publiques`?)"),
    ('"Pièce" = "documents.statut"',
     "`documents.statut`: unknown document `statut` (did you mean `statuts`?)"),
    ('"Aides" = { field = "inputs.autres_aides_publiques", type = "date" }',
     "`inputs.autres_aides_publiques` is of type money, as the policy declares it: "
     '`type = "date"` contradicts it'),
    ('"Statuts" = { field = "documents.statuts", yes = ["Joint"] }',
     "`yes` does not apply to `documents.statuts`"),
    ('"Date" = { field = "inputs.ouverture", decimal_comma = true }',
     "`decimal_comma` does not apply to `inputs.ouverture`, of type date"),
    ('"Entrée" = "inputs"',
     "`inputs`: `inputs` is followed by the name the policy declares"),
])
def test_mapping_mistakes_about_the_vocabulary(tmp_path: Path, column: str, message: str) -> None:
    """A mapping naming an input or document the policy does not declare, or typing it
    otherwise, is refused with the mapping key, before any row is read."""
    path = export(tmp_path, "T-1", mapping=f'[columns]\n"Numéro" = "id"\n{column}\n',
                  header="Numéro")
    (failed,) = load_csv(path, {}, vocabulary())
    assert isinstance(failed, Failed)
    assert message in str(failed.error)
    assert str(failed.error).startswith(str(path.with_suffix(".mapping.toml")))


def test_documents_one_way_only(tmp_path: Path) -> None:
    """Documents listed in one cell and a column for one document: refused."""
    mapping = ('[columns]\n"Numéro" = "id"\n"Pièces" = "documents"\n'
               '"Statuts" = "documents.statuts"\n')
    (failed,) = load_csv(export(tmp_path, "T-1", mapping=mapping, header="Numéro"), {},
                         vocabulary())
    assert isinstance(failed, Failed)
    assert "the documents provided are listed in column `Pièces`" in str(failed.error)


def test_one_column_per_document(tmp_path: Path) -> None:
    """A file name or `Oui` is the document provided; an empty cell or `Non` is not."""
    mapping = ('[columns]\n"Numéro" = "id"\n"Statuts" = "documents.statuts"\n'
               '"RIB" = "documents.rib"\n')
    path = export(tmp_path, "T-1,statuts-2023.pdf,Non", "T-2,,Oui", mapping=mapping,
                  header="Numéro,Statuts,RIB")
    first, second = load_csv(path, {}, vocabulary())
    assert isinstance(first, Loaded) and isinstance(second, Loaded)
    assert (first.dossier.documents, second.dossier.documents) == (("statuts",), ("rib",))


def test_without_a_policy_inputs_keep_the_type_the_mapping_gives(tmp_path: Path) -> None:
    """Read for no policy, an input is text unless the mapping types it; the policy that
    later reads the dossier checks it (`fitn7.loading.vocabulary`)."""
    mapping = ('[columns]\n"Numéro" = "id"\n"Note" = "inputs.note"\n'
               '"Aides" = { field = "inputs.aides", type = "money", decimal_comma = true }\n')
    path = export(tmp_path, "T-1,très bien,\"1 000,00\"", mapping=mapping,
                  header="Numéro,Note,Aides")
    (loaded,) = load_csv(path)
    assert isinstance(loaded, Loaded)
    assert dict(loaded.dossier.inputs) == {"note": "très bien", "aides": "1000.00"}
