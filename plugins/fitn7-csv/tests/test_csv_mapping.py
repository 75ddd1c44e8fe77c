"""The mapping file of fitn7-csv: field paths, options, and every mistake named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fitn7 import types as t
from fitn7.errors import DossierError

from fitn7_csv import FieldPathError, load_mapping, parse_field, parse_mapping


@pytest.mark.parametrize(
    ("path", "parts", "type_"),
    [
        ("id", ("id",), t.STRING),
        ("submitted", ("submitted",), t.DATE),
        ("applicant.population", ("applicant", "population"), t.INT),
        ("applicant.kind", ("applicant", "kind"), t.KIND),
        ("members[2].code", ("members", 2, "code"), t.STRING),
        ("expenses[0].provider.region", ("expenses", 0, "provider", "region"), t.STRING),
        ("expenses[1].amount", ("expenses", 1, "amount"), t.MONEY),
        ("project.tags", ("project", "tags"), t.ListOf(t.STRING)),
        ("applicant.extra.epci", ("applicant", "extra", "epci"), t.STRING),
        ("extra.note", ("extra", "note"), t.STRING),
    ],
)
def test_field_paths_are_typed_from_the_schema(
    path: str, parts: tuple[object, ...], type_: t.Type
) -> None:
    """A path names a dossier field; its type comes from fitn7's schema."""
    field = parse_field(path)
    assert (field.parts, field.type, str(field)) == (parts, type_, path)


def test_extra_type() -> None:
    """An `extra` field takes the mapping's type."""
    assert parse_field("applicant.extra.zrr_arrete", extra_type="date").type == t.DATE


def test_expense_root() -> None:
    """In [expenses.columns] paths start at the expense line."""
    field = parse_field("provider.siret", root="expense")
    assert (field.parts, field.type) == (("provider", "siret"), t.STRING)


@pytest.mark.parametrize(
    ("path", "extra_type", "message"),
    [
        ("aplicant.code", None,
         "`aplicant.code`: no field `aplicant` in a dossier (did you mean `applicant`?)"),
        ("total_expenses", None,
         "`total_expenses`: no field `total_expenses` in a dossier (`total_expenses` is "
         "computed by fitn7, not read from a column)"),
        ("members.code", None,
         "`members.code`: `members` is a list: give the position of the element, e.g. "
         "`members[0].code` (one set of columns per element)"),
        ("expenses[0]", None,
         "`expenses[0]` names a whole element: name one of its fields, e.g. "
         "`expenses[0].amount`"),
        ("applicant", None,
         "`applicant` names a whole table: name one of its fields, e.g. `applicant.code`"),
        ("applicant.code[1]", None, "`applicant.code[1]`: `code` is not a list of elements, "
         "drop `[1]`"),
        ("applicant.code.x", None, "`applicant.code.x`: `code` has no fields"),
        ("requested", "money",
         "`requested` is of type money, fixed by fitn7: `type` is only for `extra` fields "
         "and inputs"),
        ("extra.note", "strin", "unknown type `strin` (did you mean `string`?)"),
        ("applicant.extra", None,
         "`applicant.extra`: `extra` is followed by the name of one local field, e.g. "
         "`applicant.extra.zrr_arrete`"),
        ("applicant code", None, "`applicant code` is not a field path (e.g. `applicant.code`)"),
    ],
)
def test_bad_field_paths(path: str, extra_type: str | None, message: str) -> None:
    """A path that names no writable field is refused with what to write instead."""
    with pytest.raises(FieldPathError) as info:
        parse_field(path, extra_type=extra_type)
    assert str(info.value) == message


def parse_error(text: str) -> tuple[str, str]:
    """The path and the rendered message of the error a mapping text raises."""
    import tomllib

    with pytest.raises(DossierError) as info:
        parse_mapping(tomllib.loads(text), "m.toml")
    return info.value.path, str(info.value)


@pytest.mark.parametrize(
    ("text", "path", "rendered"),
    [
        ('[colums]\n"N" = "id"\n', "",
         "m.toml: unknown key `colums` (did you mean `columns`?)"),
        ('[csv]\n', "", "m.toml: no [columns] table (e.g. \"Numéro de dossier\" = \"id\")"),
        ('[columns]\n"Code" = "applicant.code"\n', "columns",
         "m.toml: no column is mapped to `id` @ columns (every dossier needs one: e.g. "
         "\"Numéro de dossier\" = \"id\")"),
        ('[columns]\n"N" = "id"\n"Code" = "aplicant.code"\n', 'columns."Code".field',
         "m.toml: `aplicant.code`: no field `aplicant` in a dossier (did you mean `applicant`?) "
         '@ columns."Code".field'),
        ('[columns]\n"N" = "id"\n"D" = { field = "submitted", fromat = "%d/%m/%Y" }\n',
         'columns."D"', 'm.toml: unknown key `fromat` @ columns."D" (did you mean `format`?)'),
        ('[columns]\n"N" = "id"\n"D" = { field = "requested", format = "%d/%m/%Y" }\n',
         'columns."D".format',
         'm.toml: `format` does not apply to `requested`, of type money @ columns."D".format'),
        ('[columns]\n"N" = "id"\n"A" = "applicant.code"\n"B" = "applicant.code"\n',
         'columns."B"', "m.toml: `applicant.code` is already filled by column `A` @ "
         'columns."B" (map each field from one column)'),
        ('[csv]\ndelimiter = "|"\n[columns]\n"N" = "id"\n', "csv.delimiter",
         'm.toml: unsupported delimiter `|` @ csv.delimiter (write "," or ";" or "\\t"; leave '
         "it out to detect it)"),
        ('[csv]\nencoding = "latin-9000"\n[columns]\n"N" = "id"\n', "csv.encoding",
         'm.toml: unknown encoding `latin-9000` @ csv.encoding (e.g. "utf-8", or "cp1252" for '
         "an old Excel export)"),
        ('[columns]\n"N" = "id"\n"M" = "expenses[0].amount"\n[expenses]\nfile = "l.csv"\n'
         'dossier = "N"\n[expenses.columns]\n"Montant" = "amount"\n', 'columns."M"',
         "m.toml: expense lines come from [expenses] `file`: a column cannot also fill them "
         '@ columns."M"'),
        ('[columns]\n"N" = "id"\n[expenses]\nfile = "l.csv"\n', "expenses",
         'm.toml: missing `dossier` @ expenses (e.g. file = "lignes.csv", dossier = '
         '"Numéro de dossier", and [expenses.columns])'),
        ('[columns]\n"N" = "id"\n[expenses]\nfile = "l.csv"\ndossier = "N"\n'
         '[expenses.columns]\n"Montant" = "amount"\n"Code" = "applicant.code"\n',
         'expenses.columns."Code".field',
         "m.toml: `applicant.code`: no field `applicant` in an expense line (known fields: "
         "`label`, `category`, `amount`, `provider`, `amount_ht`, `amount_ttc`, `vat_recovered`) "
         "@ expenses.columns.\"Code\".field"),
        ('[columns]\n"N" = "id"\n"Z" = { field = "applicant.zrr", yes = "Oui" }\n',
         'columns."Z".yes',
         'm.toml: expected a list of texts @ columns."Z".yes (e.g. ["Oui", "X"])'),
        ('[columns]\n"N" = "id"\n"K" = { field = "applicant.kind", values = ["cc"] }\n',
         'columns."K".values',
         'm.toml: expected a table of texts @ columns."K".values (e.g. values = { '
         '"Communauté de communes" = "cc" })'),
        ('[columns]\n"N" = "id"\n"D" = { field = "submitted", format = "%d/%m" }\n',
         'columns."D".format',
         "m.toml: the format `%d/%m` does not give the day, month and year @ "
         'columns."D".format (it writes 10 June 2021 as `10/06`, read back as 1900-06-10; '
         'e.g. "%d/%m/%Y")'),
        ('[columns]\n"N" = "id"\n"D" = { field = "submitted", format = "%d/%Q/%Y" }\n',
         'columns."D".format',
         "m.toml: `%d/%Q/%Y` is not a date format: 'Q' is a bad directive in format "
         "'%d/%Q/%Y' @ columns.\"D\".format (e.g. \"%d/%m/%Y\" for 10/06/2021, "
         '"%Y-%m-%d %H:%M:%S" for 2021-06-10 14:30:15)'),
        ('[columns]\n"N" = 3\n', 'columns."N"',
         'm.toml: expected a field path or a table @ columns."N" (e.g. "applicant.code", or '
         '{ field = "submitted", format = "%d/%m/%Y" })'),
    ],
)
def test_mapping_errors(text: str, path: str, rendered: str) -> None:
    """Each mistake in a mapping is reported at its TOML key, with the fix."""
    assert parse_error(text) == (path, rendered)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    """A mapping that is not TOML, or not there, is an error naming the file."""
    bad = tmp_path / "m.toml"
    bad.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(DossierError) as info:
        load_mapping(bad)
    assert str(info.value).startswith(f"{bad}: invalid TOML: ")
    with pytest.raises(DossierError) as missing:
        load_mapping(tmp_path / "absent.toml")
    assert str(missing.value) == f"{tmp_path / 'absent.toml'}: no such mapping file"


def test_mapping_values() -> None:
    """Options are kept as written; yes/no words compare without case."""
    import tomllib

    mapping = parse_mapping(tomllib.loads(
        '[csv]\ndelimiter = ";"\nencoding = "UTF-8"\n'
        '[columns]\n"N" = "id"\n'
        '"Z" = { field = "applicant.zrr", yes = ["Classée"], no = ["Non classée"] }\n'
    ), "m.toml")
    assert (mapping.delimiter, mapping.encoding) == (";", "utf-8-sig")
    assert mapping.id_column.header == "N"
    zrr = mapping.columns[1]
    assert (zrr.yes, zrr.no) == (("classée",), ("non classée",))
