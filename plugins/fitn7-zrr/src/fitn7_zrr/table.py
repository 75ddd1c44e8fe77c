"""The ZRR table: code INSEE → classement, with the date of the arrêté, read from a CSV file.

The prefecture gives the table as a CSV file named by `FITN7_ZRR_TABLE`;
without it the plugin reads the sample shipped in the package, which is
labelled as a sample everywhere it shows (file name, first line, source of
every value). A missing or malformed table is a `ZrrTableError` naming the
file and the line, never a half-read table.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import enum
import functools
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import attrs
from fitn7.errors import PluginError

#: The environment variable naming the prefecture's table.
TABLE_ENV = "FITN7_ZRR_TABLE"
#: The file name of the sample shipped in the package.
SAMPLE_NAME = "zrr-sample.csv"
#: What the sample is, in every source string that quotes it.
SAMPLE_LABEL = "échantillon, non officiel"
#: The columns a table must have (others, such as `nom`, are kept for the reader).
COLUMNS = ("code_insee", "classement", "arrete")

# Corsican codes have A or B in second place (2A004).
_INSEE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ZrrTableError(PluginError):
    """The ZRR table cannot be read: missing file, missing column, bad row."""


class Classement(enum.Enum):
    """How a commune is classified in the table."""

    CLASSEE = "classée"
    PARTIELLE = "partiellement classée"
    NON_CLASSEE = "non classée"

    @property
    def zrr(self) -> bool | None:
        """True when classified, False when not, None (unknown) when partially classified.

        A partially classified commune is classified for part of its territory
        only (a commune nouvelle whose communes déléguées differ): whether that
        counts is for the policy to say, with `zrr_classement(...)`, not for
        this plugin to guess.
        """
        if self is Classement.PARTIELLE:
            return None
        return self is Classement.CLASSEE


#: Spellings read as each classement, lowercased: the words, and the letters of
#: the official lists (C, P, NC).
_CLASSEMENT_WORDS: Mapping[str, Classement] = {
    "classée": Classement.CLASSEE,
    "c": Classement.CLASSEE,
    "partiellement classée": Classement.PARTIELLE,
    "p": Classement.PARTIELLE,
    "non classée": Classement.NON_CLASSEE,
    "nc": Classement.NON_CLASSEE,
}


@attrs.frozen
class ZrrEntry:
    """One row of the table: a commune, its classement and the date of the arrêté."""

    code: str
    classement: Classement
    arrete: datetime.date


@attrs.frozen
class ZrrTable:
    """A ZRR table read from a file, by code INSEE."""

    #: The file as named to the user (the path given, or `zrr-sample.csv`).
    file: str
    #: Whether this is the sample shipped with the plugin.
    sample: bool
    entries: Mapping[str, ZrrEntry]

    def lookup(self, code: str) -> ZrrEntry | None:
        """The row of a code INSEE, or None when the table does not list it."""
        return self.entries.get(code)

    def source(self, entry: ZrrEntry) -> str:
        """Where a value comes from, as the decision's trace shows it."""
        label = f" ({SAMPLE_LABEL})" if self.sample else ""
        return f"ZRR table {self.file}{label} (arrêté du {entry.arrete.isoformat()})"


def sample_path() -> Path:
    """The sample table shipped in the package."""
    return Path(str(resources.files("fitn7_zrr") / "data" / SAMPLE_NAME))


def current_table() -> ZrrTable:
    """The table named by `FITN7_ZRR_TABLE`, or the shipped sample when it is unset.

    The variable is read at each call so that one process can switch tables;
    the file itself is read once for as long as it does not change.
    """
    given = os.environ.get(TABLE_ENV, "").strip()
    if not given:
        return _read_cached(str(sample_path()), SAMPLE_NAME, True, _stamp(sample_path()))
    path = Path(given)
    if not path.is_file():
        what = "is a directory, not a CSV file" if path.is_dir() else "does not exist"
        raise ZrrTableError(
            f"the ZRR table `{given}` named by {TABLE_ENV} {what}; "
            f"unset {TABLE_ENV} to use the shipped sample"
        )
    return _read_cached(str(path), given, False, _stamp(path))


def load_table(path: str | os.PathLike[str], *, sample: bool = False) -> ZrrTable:
    """Read a ZRR table from a CSV file; raises `ZrrTableError` naming the file and line."""
    p = Path(path)
    if not p.is_file():
        raise ZrrTableError(f"the ZRR table `{p}` does not exist")
    return _read(p, str(path), sample)


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a changed file from the one already read: modification time and size."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=8)
def _read_cached(path: str, shown: str, sample: bool, stamp: tuple[int, int]) -> ZrrTable:
    """`_read`, once per file version (`stamp` is only part of the cache key)."""
    return _read(Path(path), shown, sample)


def _read(path: Path, shown: str, sample: bool) -> ZrrTable:
    try:
        # utf-8-sig: spreadsheets saved as "CSV UTF-8" start with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ZrrTableError(
            f"{shown}: the ZRR table is not UTF-8 text: save it as CSV UTF-8"
        ) from None
    except OSError as exc:
        raise ZrrTableError(f"{shown}: cannot read the ZRR table: {exc.strerror}") from None
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise ZrrTableError(
            f"{shown}: the ZRR table is empty; expected a header line "
            f"`{','.join(COLUMNS)}` and one line per commune"
        )
    header_line, header_text = lines[0]
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = [h.strip() for h in _split(header_text, delimiter)]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        if column not in header:
            hint = difflib.get_close_matches(column, header, n=1)
            found = f" (did you mean `{hint[0]}`?)" if hint else ""
            raise ZrrTableError(
                f"{shown}:{header_line}: missing column `{column}`{found}; "
                f"the columns are {', '.join(f'`{c}`' for c in COLUMNS)}"
            )
        positions[column] = header.index(column)
    entries: dict[str, ZrrEntry] = {}
    first_line: dict[str, int] = {}
    for number, text_line in lines[1:]:
        cells = [c.strip() for c in _split(text_line, delimiter)]
        if len(cells) < len(header):
            raise ZrrTableError(
                f"{shown}:{number}: expected {len(header)} cells, found {len(cells)}"
            )
        entry = _entry(cells, positions, f"{shown}:{number}")
        if entry.code in entries:
            raise ZrrTableError(
                f"{shown}:{number}: code `{entry.code}` is listed twice "
                f"(first at line {first_line[entry.code]})"
            )
        entries[entry.code] = entry
        first_line[entry.code] = number
    if not entries:
        raise ZrrTableError(f"{shown}: the ZRR table has a header but no commune")
    return ZrrTable(shown, sample, entries)


def _split(line: str, delimiter: str) -> list[str]:
    """The cells of one line (quotes allowed, as spreadsheets write them)."""
    return next(csv.reader([line], delimiter=delimiter))


def _entry(cells: list[str], positions: Mapping[str, int], where: str) -> ZrrEntry:
    code = cells[positions["code_insee"]]
    if not _INSEE.fullmatch(code):
        raise ZrrTableError(
            f"{where}: `{code}` is not a code INSEE of commune (five characters, e.g. `32013`)"
        )
    word = cells[positions["classement"]]
    classement = _CLASSEMENT_WORDS.get(word.lower())
    if classement is None:
        names = [c.value for c in Classement]
        close = difflib.get_close_matches(word.lower(), names, n=1)
        hint = f"did you mean `{close[0]}`?" if close else (
            "expected " + ", ".join(f"`{n}`" for n in names)
        )
        raise ZrrTableError(f"{where}: unknown classement `{word}` ({hint})")
    raw_date = cells[positions["arrete"]]
    try:
        if not _ISO_DATE.fullmatch(raw_date):
            raise ValueError(raw_date)
        arrete = datetime.date.fromisoformat(raw_date)
    except ValueError:
        raise ZrrTableError(
            f"{where}: `{raw_date}` in column `arrete` is not a date; write it YYYY-MM-DD, "
            "e.g. 2017-03-16"
        ) from None
    return ZrrEntry(code, classement, arrete)
