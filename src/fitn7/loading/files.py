"""Reading dossier files: TOML or JSON, one dossier or many per file, or a directory of them.

A batch never stops on one bad dossier: `load_dossiers` yields a `Loaded` or a
`Failed` for each dossier (or for a whole file that cannot be read), so a
committee run reports every broken file and still evaluates the others.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from fitn7.bulk import no_cycle_collection
from fitn7.dossier import Dossier
from fitn7.errors import DossierError
from fitn7.input_file import is_regular_file, read_input_bytes
from fitn7.loading.mapping import dossier_from_mapping
from fitn7.loading.values import JSON_INT_DIGITS, exact_number, json_int
from fitn7.loading.where import dossier_error
from fitn7.vocabulary import Vocabulary

#: File suffixes read as dossiers; in a directory, other files are skipped.
SUFFIXES = (".toml", ".json")

#: The largest dossier file read, in bytes. A dossier of 100 000 expense lines
#: takes 6 MB and loads in about a second; a committee's batch, a few MB.
#: Larger files are refused before they are read.
MAX_FILE_BYTES = 20_000_000

#: Tables of a policy's example dossiers that belong to `fitn7 test` (see
#: `fitn7.examples`), not to the dossier: the file loader skips them so
#: `fitn7 eval` runs on the examples as they are. `dossier_from_mapping`
#: itself still refuses them.
ANNOTATION_KEYS = frozenset({"example", "expected"})


@attrs.frozen
class Loaded:
    """A dossier read without error, with where it came from."""

    dossier: Dossier
    #: The file it was read from, as given (or joined to the directory given).
    file: str
    #: Its place in the file: `$` for a one-dossier file, `$.dossier[3]` or `$[3]` otherwise.
    path: str = "$"
    #: The plugin whose loader read it (`fitn7_csv`); None for TOML and JSON.
    loader: str | None = None


@attrs.frozen
class Failed:
    """A dossier, or a whole file, that could not be read; the rest of the batch goes on."""

    error: DossierError

    @property
    def file(self) -> str:
        """The file the error is about."""
        return self.error.file

    @property
    def path(self) -> str:
        """The path of the field at fault (empty when the file itself cannot be parsed)."""
        return self.error.path


class DuplicateDossierId(DossierError):
    """A dossier whose id an earlier dossier of the batch has: `ident`, and the file of
    the first (`first`), for a command that must leave both out (`fitn7 allocate`)."""

    def __init__(self, file: str, path: str, message: str, *, ident: str, first: str) -> None:
        super().__init__(file, path, message)
        self.ident = ident
        self.first = first


#: What `load_dossiers` yields for each dossier or unreadable file.
LoadResult = Loaded | Failed


class _DuplicateKey(Exception):
    """A JSON object repeats a key (JSON parsers silently keep the last one; we refuse)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing repeated keys as TOML does."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _lower_first(text: str) -> str:
    """`Invalid value` → `invalid value`: our messages start lowercase."""
    return text[:1].lower() + text[1:]


def _read_document(path: Path, file: str) -> Any:
    """The parsed TOML or JSON document of `path`, decimals as `Decimal`; raises `DossierError`."""
    if not path.exists():
        raise dossier_error(file, "", "no such file or directory")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and is_regular_file(path):
        raise dossier_error(
            file, "", f"unsupported file type `{path.suffix}`", "dossiers are .toml or .json files"
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and path.is_file():
            raise dossier_error(
                file, "", f"file too large: {size:_} bytes, at most {MAX_FILE_BYTES:_}",
                "split its dossiers over several files: a directory of files is read as "
                "one batch",
            )
        # Regular files only: a named pipe or a device would block or never end.
        raw = read_input_bytes(path)
    except IsADirectoryError:
        raise dossier_error(file, "", "cannot read the file: it is a directory") from None
    except OSError as e:
        raise dossier_error(
            file, "", f"cannot read the file: {_lower_first(e.strerror or str(e))}"
        ) from None
    try:
        # utf-8-sig: Windows editors often start a UTF-8 file with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise dossier_error(file, "", "the file is not UTF-8 text", "save it as UTF-8") from None
    if suffix == ".toml":
        try:
            return tomllib.loads(text, parse_float=exact_number)
        except tomllib.TOMLDecodeError as e:
            raise dossier_error(file, "", f"invalid TOML: {_lower_first(str(e))}") from None
        except ValueError:
            # tomllib has no hook for integers: Python refuses to read one of more than
            # 4 300 digits, and tomllib lets that ValueError through.
            raise dossier_error(file, "", f"invalid TOML: {_long_number(text)}",
                                "check the number of digits; docs/dossiers.md lists the "
                                "limits") from None
    try:
        # parse_constant: NaN and Infinity become Decimal too, refused later with a path;
        # parse_int: a very long integer is kept as text, refused later with a path too.
        return json.loads(
            text, parse_float=exact_number, parse_constant=Decimal, parse_int=json_int,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as e:
        raise dossier_error(
            file, "", f"invalid JSON: {_lower_first(e.msg)} (at line {e.lineno}, column {e.colno})"
        ) from None
    except _DuplicateKey as e:
        raise dossier_error(file, "", f"invalid JSON: duplicate key `{e.key}`") from None


def _long_number(text: str) -> str:
    """`a number of 5 000 digits is too large (at line 3, column 14)`: where tomllib
    failed to read an integer."""
    found = re.search(rf"[0-9_]{{{JSON_INT_DIGITS},}}", text)
    if found is None:
        return "a number is too large"
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    digits = sum(ch.isdigit() for ch in found.group(0))
    return f"a number of {digits:_} digits is too large (at line {line}, column {column})".replace(
        "_", " ")


def _entries(document: Any, file: str) -> list[tuple[str, Any]]:
    """The dossiers of a document with their base path: a table, `[[dossier]]` tables or a list."""
    if isinstance(document, list):
        return [(f"$[{i}]", item) for i, item in enumerate(document)]
    if not isinstance(document, Mapping):
        raise dossier_error(file, "$", "expected a dossier table or a list of dossiers")
    if "dossier" not in document:
        return [("$", document)]
    json = file.lower().endswith(".json")
    for key in document:
        if key != "dossier":
            raise dossier_error(
                file,
                "$",
                f"unknown key `{key}`",
                'a file of many dossiers holds only `"dossier": [...]`' if json
                else "a file of many dossiers holds only `[[dossier]]` tables",
            )
    items = document["dossier"]
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise dossier_error(
            file,
            "$.dossier",
            "expected a list of dossiers",
            'write `"dossier": [{...}, {...}]`' if json
            else "write each dossier as a `[[dossier]]` table",
        )
    return [(f"$.dossier[{i}]", item) for i, item in enumerate(items)]


def _load_file(path: Path, vocabulary: Vocabulary | None = None) -> Iterator[LoadResult]:
    """Every dossier of one file; a file that cannot be parsed gives one `Failed`."""
    file = str(path)
    try:
        # Millions of small objects and no cycle: see fitn7.bulk.
        with no_cycle_collection():
            entries = _entries(_read_document(path, file), file)
    except DossierError as e:
        yield Failed(e)
        return
    except RecursionError:
        # Tables or lists nested hundreds deep: no dossier is written that way.
        yield Failed(dossier_error(file, "", _TOO_DEEP))
        return
    for base_path, data in entries:
        if isinstance(data, Mapping):
            data = {k: v for k, v in data.items() if k not in ANNOTATION_KEYS}
        try:
            with no_cycle_collection():
                dossier = dossier_from_mapping(data, file=file, base_path=base_path,
                                               vocabulary=vocabulary)
        except DossierError as e:
            yield Failed(e)
        except RecursionError:
            yield Failed(dossier_error(file, base_path, _TOO_DEEP))
        else:
            yield Loaded(dossier, file, base_path)


_TOO_DEEP = "tables or lists are nested too deeply to be a dossier"


def dossier_files(directory: Path) -> list[Path]:
    """The dossier files directly in `directory`, in name order.

    Not recursive, so a policy's `examples/` can keep expected decisions in a
    sub-directory; hidden files (editor backups, `.#x.toml`) are skipped.
    """
    files = [
        p
        for p in directory.iterdir()
        if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
    ]
    return sorted(files, key=lambda p: p.name)


def load_dossiers(
    *paths: str | os.PathLike[str], vocabulary: Vocabulary | None = None
) -> Iterator[LoadResult]:
    """Every dossier of the given files and directories, in order, as `Loaded` or `Failed`.

    A file holds one dossier (top-level `id`), many (`[[dossier]]` tables, or
    a JSON array), and a directory stands for its `*.toml` and `*.json` files
    in name order (not recursive). A bad dossier yields a `Failed` and the
    others still load; so does a second dossier with an id already seen in
    the batch, whichever argument it comes from (see `unique_ids`).
    `vocabulary` is the policy's (`Vocabulary.of(policy)`): its categories,
    inputs and documents are checked as each dossier loads.
    """
    def every() -> Iterator[LoadResult]:
        for given in paths:
            path = Path(given)
            for file in dossier_files(path) if path.is_dir() else [path]:
                yield from _load_file(file, vocabulary)

    return unique_ids(every())


def unique_ids(results: Iterable[LoadResult]) -> Iterator[LoadResult]:
    """`results` with each dossier whose id was already seen replaced by a `Failed`.

    Every dossier of a batch has its own id (decisions, allocations and
    replays are matched by id): the first keeps it, and the error on the
    second names both places (`duplicate dossier id `A`, first in a.toml`).
    """
    first: dict[str, Loaded] = {}
    for result in results:
        if isinstance(result, Loaded):
            ident = result.dossier.id
            seen = first.get(ident)
            if seen is not None:
                place = seen.file if seen.path == "$" else f"{seen.file} at {seen.path}"
                yield Failed(DuplicateDossierId(
                    result.file, f"{result.path}.id",
                    f"duplicate dossier id `{ident}`, first in {place}", ident=ident,
                    first=seen.file,
                ))
                continue
            first[ident] = result
        yield result


def load_dossier(
    path: str | os.PathLike[str], vocabulary: Vocabulary | None = None
) -> Dossier:
    """The one dossier of a file (read with a policy's `vocabulary` when given); raises
    `DossierError` if it is broken or holds another number."""
    p = Path(path)
    file = str(p)
    if p.is_dir():
        raise dossier_error(file, "", "expected a dossier file, got a directory")
    results = list(_load_file(p, vocabulary))
    for result in results:
        if isinstance(result, Failed):
            raise result.error
    if len(results) != 1:
        raise dossier_error(file, "", f"expected one dossier, found {len(results)}")
    loaded = results[0]
    assert isinstance(loaded, Loaded)  # every Failed was raised above
    return loaded.dossier
