"""The mapping file: which column of the spreadsheet fills which dossier field, and how.

A TOML file the prefecture writes once per export format; no code:

    [columns]
    "Numéro de dossier" = "id"
    "Date de dépôt" = { field = "submitted", format = "%d/%m/%Y" }
    "Montant demandé" = { field = "requested", decimal_comma = true }

    [expenses]                       # optional: expense lines in a second file
    file = "lignes.csv"
    dossier = "Numéro de dossier"
    [expenses.columns]
    "Montant HT" = { field = "amount", decimal_comma = true }

Read for a policy (`load_mapping(path, vocabulary)`), a column may also fill
one of the policy's inputs (`inputs.NAME`, of the type the policy declares)
or say which documents the dossier provides (`documents`, `documents.NAME`).

Every mistake in it is a `DossierError` naming the mapping file and the key.
"""

from __future__ import annotations

import codecs
import datetime
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from fitn7 import types as t
from fitn7.diagnostics import did_you_mean
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary

from fitn7_csv.fields import FieldPath, FieldPathError, parse_field

#: Words read as true / false in a yes-no column unless the mapping lists its own.
DEFAULT_YES = ("oui", "true", "vrai", "1", "x")
DEFAULT_NO = ("non", "false", "faux", "0")
DELIMITERS = (",", ";", "\t")

_TOP_KEYS = ("csv", "columns", "expenses")
_CSV_KEYS = ("delimiter", "encoding")
_EXPENSES_KEYS = ("file", "dossier", "columns")
_COLUMN_KEYS = ("field", "type", "format", "decimal_comma", "split", "values", "yes", "no")


@attrs.frozen
class Column:
    """One column of the export and how its cells become a field's value."""

    header: str
    field: FieldPath
    #: `strptime` format of a date column (`%d/%m/%Y`); ISO dates when None.
    format: str | None = None
    #: Amounts written `12 000,50`.
    decimal_comma: bool = False
    #: What separates the items of a list cell (`project.tags`).
    split: str = ","
    #: Cell text → the word fitn7 expects (`"Communauté de communes" = "cc"`).
    values: Mapping[str, str] = attrs.field(factory=dict)
    yes: tuple[str, ...] = DEFAULT_YES
    no: tuple[str, ...] = DEFAULT_NO


@attrs.frozen
class ExpenseFile:
    """Expense lines in a second export, one row per line, joined on the dossier id."""

    #: The file as the mapping writes it, relative to the dossiers file.
    file: str
    #: The header of the column holding the dossier id.
    dossier: str
    columns: tuple[Column, ...]


@attrs.frozen
class CsvMapping:
    """A whole mapping file."""

    file: str
    columns: tuple[Column, ...]
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    expenses: ExpenseFile | None = None

    @property
    def id_column(self) -> Column:
        """The column holding the dossier id (the parser made sure there is one)."""
        return next(c for c in self.columns if c.field.parts == ("id",))


def load_mapping(path: str | Path, vocabulary: Vocabulary | None = None) -> CsvMapping:
    """Read and check a mapping file for the policy of `vocabulary` (its inputs and
    documents; None: no policy known); raises `DossierError` naming the file and the key."""
    return parse_mapping(read_toml(path), str(path), vocabulary)


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed TOML of a mapping file; raises `DossierError` naming the file."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise dossier_error(file, "", "no such mapping file") from None
    except UnicodeDecodeError:
        raise dossier_error(file, "", "the mapping file is not UTF-8 text") from None
    except OSError as exc:
        raise dossier_error(file, "", f"cannot read the mapping file: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        raise dossier_error(file, "", f"invalid TOML: {message[:1].lower()}{message[1:]}") from None
    return data


def parse_mapping(
    data: Mapping[str, Any], file: str, vocabulary: Vocabulary | None = None
) -> CsvMapping:
    """A `CsvMapping` from the parsed TOML of `file` (which only locates errors), for the
    policy of `vocabulary` when one is known."""
    check_keys(data, _TOP_KEYS, file, "")
    settings = as_table(data.get("csv", {}), file, "csv")
    check_keys(settings, _CSV_KEYS, file, "csv")
    delimiter = settings.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise dossier_error(
            file, "csv.delimiter", f"unsupported delimiter `{delimiter}`",
            'write "," or ";" or "\\t"; leave it out to detect it',
        )
    encoding = settings.get("encoding", "utf-8-sig")
    if not isinstance(encoding, str) or not _codec(encoding):
        raise dossier_error(
            file, "csv.encoding", f"unknown encoding `{encoding}`",
            'e.g. "utf-8", or "cp1252" for an old Excel export',
        )
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # the same, also when the file starts with a byte-order mark
    if "columns" not in data:
        raise dossier_error(file, "", "no [columns] table", 'e.g. "Numéro de dossier" = "id"')
    columns = parse_columns(as_table(data["columns"], file, "columns"), file, "columns", "dossier",
                            vocabulary)
    if not any(c.field.parts == ("id",) for c in columns):
        raise dossier_error(
            file, "columns", "no column is mapped to `id`",
            'every dossier needs one: e.g. "Numéro de dossier" = "id"',
        )
    documents_one_way(columns, file)
    expenses = None
    if "expenses" in data:
        expenses = _expense_file(as_table(data["expenses"], file, "expenses"), file)
        inline = [c for c in columns if c.field.parts[0] == "expenses"]
        if inline:
            raise dossier_error(
                file, toml_key("columns", inline[0].header),
                "expense lines come from [expenses] `file`: a column cannot also fill them",
            )
    return CsvMapping(file, columns, delimiter, encoding, expenses)


def documents_one_way(columns: tuple[Column, ...], file: str) -> None:
    """A list of documents in one column, or one column per document: not both (which
    cells would say what the dossier provides?)."""
    listed = next((c for c in columns if c.field.parts == ("documents",)), None)
    single = next((c for c in columns if c.field.is_document), None)
    if listed is not None and single is not None:
        raise dossier_error(
            file, toml_key("columns", single.header),
            f"the documents provided are listed in column `{listed.header}`: a column "
            "cannot also fill one of them",
            "map the documents either to `documents` (one cell listing them) or each to "
            "`documents.NAME` (one column per document)",
        )


def _expense_file(data: Mapping[str, Any], file: str) -> ExpenseFile:
    check_keys(data, _EXPENSES_KEYS, file, "expenses")
    for key in _EXPENSES_KEYS:
        if key not in data:
            raise dossier_error(
                file, "expenses", f"missing `{key}`",
                'e.g. file = "lignes.csv", dossier = "Numéro de dossier", and [expenses.columns]',
            )
    for key in ("file", "dossier"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise dossier_error(file, f"expenses.{key}", "expected a non-empty string")
    columns = parse_columns(
        as_table(data["columns"], file, "expenses.columns"), file, "expenses.columns", "expense"
    )
    return ExpenseFile(data["file"], data["dossier"].strip(), columns)


def parse_columns(
    data: Mapping[str, Any], file: str, where: str, root: str,
    vocabulary: Vocabulary | None = None,
) -> tuple[Column, ...]:
    """The columns of a `[columns]`-like table at `where`, fields read from `root`
    (`dossier`, or `expense` for expense lines); one field filled by one column only.
    `vocabulary` is the policy's (its inputs and documents), when known."""
    columns: list[Column] = []
    seen: dict[str, str] = {}
    for header, spec in data.items():
        at = toml_key(where, header)
        column = parse_column(header.strip(), spec, file, at, root, vocabulary)
        shown = str(column.field)
        if shown in seen:
            raise dossier_error(
                file, at, f"`{shown}` is already filled by column `{seen[shown]}`",
                "map each field from one column",
            )
        seen[shown] = column.header
        columns.append(column)
    return tuple(columns)


def parse_column(
    header: str, spec: Any, file: str, at: str, root: str,
    vocabulary: Vocabulary | None = None,
) -> Column:
    """One `"Header" = "field"` or `"Header" = { field = ..., ... }` entry, at the TOML
    key `at` of `file`; raises `DossierError` naming it."""
    if isinstance(spec, str):
        spec = {"field": spec}
    if not isinstance(spec, Mapping):
        raise dossier_error(
            file, at, "expected a field path or a table",
            'e.g. "applicant.code", or { field = "submitted", format = "%d/%m/%Y" }',
        )
    check_keys(spec, _COLUMN_KEYS, file, at)
    if "field" not in spec or not isinstance(spec["field"], str):
        raise dossier_error(file, at, "missing `field`", 'e.g. field = "applicant.code"')
    extra_type = spec.get("type")
    if extra_type is not None and not isinstance(extra_type, str):
        raise dossier_error(file, f"{at}.type", "expected a string")
    try:
        field = parse_field(spec["field"], root=root, extra_type=extra_type,
                            vocabulary=vocabulary)
    except FieldPathError as exc:
        raise dossier_error(file, f"{at}.field", str(exc)) from None
    _options_fit(spec, field, file, at)
    values = spec.get("values", {})
    if not isinstance(values, Mapping) or not all(isinstance(v, str) for v in values.values()):
        raise dossier_error(
            file, f"{at}.values", "expected a table of texts",
            'e.g. values = { "Communauté de communes" = "cc" }',
        )
    date_format = _opt_str(spec, "format", file, at)
    if date_format is not None:
        _check_format(date_format, file, f"{at}.format")
    return Column(
        header=header,
        field=field,
        format=date_format,
        decimal_comma=_opt_bool(spec, "decimal_comma", file, at),
        split=_opt_str(spec, "split", file, at) or ",",
        values={str(k).strip(): v for k, v in values.items()},
        yes=_words(spec, "yes", DEFAULT_YES, file, at),
        no=_words(spec, "no", DEFAULT_NO, file, at),
    )


def _is_list(field: FieldPath) -> bool:
    return field.type == t.ListOf(t.STRING) or isinstance(field.type, t.SetOf)


def _element(field: FieldPath) -> t.Type:
    return field.type.element if isinstance(field.type, t.SetOf) else field.type


#: Which options make sense for which fields (a set input's by its element type).
_OPTION_FITS: Mapping[str, Callable[[FieldPath], bool]] = {
    "format": lambda f: _element(f) == t.DATE,
    "decimal_comma": lambda f: _element(f) in (t.MONEY, t.DECIMAL, t.PERCENT),
    "split": _is_list,
    # A document's column is provided unless it says no: `yes` has no use there.
    "yes": lambda f: _element(f) == t.BOOL and not f.is_document,
    "no": lambda f: _element(f) == t.BOOL,
}


def _options_fit(spec: Mapping[str, Any], field: FieldPath, file: str, at: str) -> None:
    """Refuse an option the field's type does not use: it is a mistake, not a no-op."""
    for option, fits in _OPTION_FITS.items():
        if option in spec and not fits(field):
            raise dossier_error(
                file, f"{at}.{option}",
                f"`{option}` does not apply to `{field}`, of type {field.type}",
            )


#: The day a date format must read back whole to be a format of dates.
_SAMPLE_DAY = datetime.datetime(2021, 6, 10, 14, 30, 15)


def _check_format(date_format: str, file: str, at: str) -> None:
    """Refuse a `strptime` format that cannot read a day back (`%d/%m`: the year would be 1900)."""
    try:
        written = _SAMPLE_DAY.strftime(date_format)
        read = datetime.datetime.strptime(written, date_format).date()
    except ValueError as exc:
        raise dossier_error(
            file, at, f"`{date_format}` is not a date format: {exc}",
            'e.g. "%d/%m/%Y" for 10/06/2021, "%Y-%m-%d %H:%M:%S" for 2021-06-10 14:30:15',
        ) from None
    if read != _SAMPLE_DAY.date():
        raise dossier_error(
            file, at, f"the format `{date_format}` does not give the day, month and year",
            f"it writes 10 June 2021 as `{written}`, read back as {read.isoformat()}; "
            'e.g. "%d/%m/%Y"',
        )


def check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], file: str, at: str) -> None:
    """Refuse a key of the table at `at` that is not `allowed`, with a did-you-mean."""
    for key in data:
        if key not in allowed:
            hint = did_you_mean(str(key), allowed) or "known keys: " + ", ".join(
                f"`{k}`" for k in allowed
            )
            raise dossier_error(file, at, f"unknown key `{key}`", hint)


def as_table(value: Any, file: str, at: str) -> Mapping[str, Any]:
    """`value` if it is a TOML table, else a `DossierError` at `at`."""
    if not isinstance(value, Mapping):
        raise dossier_error(file, at, "expected a table")
    return value


def _opt_str(spec: Mapping[str, Any], key: str, file: str, at: str) -> str | None:
    value = spec.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise dossier_error(file, f"{at}.{key}", "expected a non-empty string")
    return value


def _opt_bool(spec: Mapping[str, Any], key: str, file: str, at: str) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        raise dossier_error(file, f"{at}.{key}", "expected true or false")
    return value


def _words(
    spec: Mapping[str, Any], key: str, default: tuple[str, ...], file: str, at: str
) -> tuple[str, ...]:
    value = spec.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value) or not value:
        raise dossier_error(file, f"{at}.{key}", "expected a list of texts", 'e.g. ["Oui", "X"]')
    return tuple(w.strip().casefold() for w in value)


def _codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def toml_key(where: str, header: str) -> str:
    """The TOML key of a column, as the user wrote it: `columns."Date de dépôt"`."""
    quoted = header.replace("\\", "\\\\").replace('"', '\\"')
    return f'{where}."{quoted}"'

