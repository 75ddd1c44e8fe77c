"""Reading the history of a call: the awards of earlier committees.

Two kinds of file are read, TOML or JSON alike:

* a file of prior awards written by hand (or exported from another tool)::

      policy = "fitn7-bretagne"          # optional: refused if it names another policy

      [[award]]
      dossier = "BZH-2021-003"
      applicant = "29195"                # applicant.code (INSEE or SIREN)
      name = "Commune de Plouguerneau"   # optional
      amount = "15000.00"                # or 15000, 15000.00
      session = "comité T2 2021"         # optional
      joint = false                      # optional, false when left out

* the JSON or TOML output of an earlier `fitn7 allocate`, as it is: its
  awarded dossiers and the history it had itself been given, so one run's
  output feeds the next.

Every error names the file and the field (`juin.toml: expected money @
$.award[2].amount`), as dossier errors do.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from fitn7.allocation.engine import merge_history
from fitn7.allocation.model import Outcome, PriorAward
from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError, EvaluationError, HistoryError
from fitn7.input_file import read_input_bytes
from fitn7.loading import error_hint
from fitn7.loading.values import exact_number, json_int, read_bool, read_money, read_str
from fitn7.loading.where import Where

_T = TypeVar("_T")

#: The keys of an `[[award]]` table (and of an entry of an output's `history`).
AWARD_KEYS = ("dossier", "applicant", "name", "amount", "session", "joint")
_FILE_KEYS = ("policy", "award")
_WHY_REQUIRED = {"applicant": "the applicant's code (INSEE or SIREN): limits count awards by it"}



def _error(at: Where, message: str, hint: str | None = None) -> HistoryError:
    return HistoryError(at.file, at.path, message, hint)


def _read(read: Callable[[Any, Where], _T], value: Any, at: Where) -> _T:
    """A value read by a dossier reader, its errors turned into history errors."""
    try:
        return read(value, at)
    except DossierError as e:
        raise HistoryError(e.file, e.path, e.message, error_hint(e)) from None


def _text(value: Any, at: Where) -> str:
    return _read(lambda v, w: read_str(v, w, field="code"), value, at)


def _table(value: Any, at: Where) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _error(at, "expected a table")
    return value


def _tables(value: Any, at: Where, key: str) -> Sequence[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value
    raise _error(at, "expected a list of tables", f"write each one as a `[[{key}]]` table")


def _award(data: Mapping[str, Any], at: Where, *, need_applicant: bool, strict: bool) -> PriorAward:
    """One prior award from a table; `strict` refuses keys that are not award fields."""
    if strict:
        for key in data:
            if key not in AWARD_KEYS:
                known = "known keys: " + ", ".join(f"`{k}`" for k in AWARD_KEYS)
                hint = did_you_mean(str(key), AWARD_KEYS) or known
                raise _error(at.key(str(key)), f"unknown key `{key}`", hint)
    for key in ("dossier", "amount", *(("applicant",) if need_applicant else ())):
        if data.get(key) is None:
            why = _WHY_REQUIRED.get(key)
            raise _error(at.key(key), f"missing `{key}`", why)

    def optional(key: str, read: Callable[[Any, Where], _T]) -> _T | None:
        value = data.get(key)
        return None if value is None else read(value, at.key(key))

    joint = optional("joint", lambda v, w: _read(read_bool, v, w))
    return PriorAward(
        dossier=_text(data["dossier"], at.key("dossier")),
        applicant=optional("applicant", _text),
        amount=_read(read_money, data["amount"], at.key("amount")),
        session=optional("session", _text),
        joint=bool(joint),
        name=optional("name", _text),
    )


def _policy_id(value: Any, at: Where) -> str:
    """The policy a history names: a string, or the `policy` table of an allocate output."""
    if isinstance(value, Mapping):
        return _text(value.get("id"), at.key("id"))
    return _text(value, at)


def history_from_mapping(
    document: Any, *, file: str, policy_id: str | None = None
) -> tuple[PriorAward, ...]:
    """The prior awards of an already-parsed history document (see the module docstring).

    With `policy_id`, a document that names another policy is refused.
    """
    root = Where(file)
    if isinstance(document, list):
        document = {"award": document}
    data = _table(document, root)
    if policy_id is not None and data.get("policy") is not None:
        named = _policy_id(data["policy"], root.key("policy"))
        if named != policy_id:
            raise _error(
                root.key("policy"),
                f"this history is of policy `{named}`, not `{policy_id}`",
                "give the history of the same call",
            )
    awards: list[PriorAward] = []
    if "dossiers" in data:
        # The output of `fitn7 allocate`: its awards and the history it carried.
        at = root.key("dossiers")
        for i, row in enumerate(_tables(data["dossiers"], at, "dossiers")):
            row_at = at.index(i)
            table = _table(row, row_at)
            if table.get("outcome") == Outcome.AWARDED.value:
                awards.append(_award(
                    {k: table.get(k) for k in ("dossier", "applicant", "amount", "session",
                                                "joint")}
                    | {"name": table.get("applicant_name")},
                    row_at, need_applicant=False, strict=False,
                ))
        at = root.key("history")
        for i, entry in enumerate(_tables(data.get("history", []), at, "history")):
            awards.append(_award(_table(entry, at.index(i)), at.index(i),
                                 need_applicant=False, strict=False))
    else:
        for key in data:
            if key not in _FILE_KEYS:
                hint = did_you_mean(str(key), (*_FILE_KEYS, "dossiers")) or (
                    "a history file holds `[[award]]` tables, or is the output of "
                    "`fitn7 allocate`"
                )
                raise _error(root.key(str(key)), f"unknown key `{key}`", hint)
        at = root.key("award")
        for i, entry in enumerate(_tables(data.get("award", []), at, "award")):
            awards.append(_award(_table(entry, at.index(i)), at.index(i),
                                 need_applicant=True, strict=True))
    try:
        return merge_history(awards)
    except EvaluationError as e:
        raise HistoryError(file, "", str(e)) from None


def _parse(path: Path, file: str) -> Any:
    """The parsed document, decimals as `Decimal` (never float).

    `-` is standard input, so one run's output can be piped into the next
    (`fitn7 allocate … --format json | fitn7 allocate … --history -`). A file
    named `.toml` or `.json` is read as such; a name without a suffix (stdin,
    `/dev/fd/63` of a process substitution) as JSON, else TOML.
    """
    suffix = path.suffix.lower() if file != "-" else ""
    if suffix not in ("", ".toml", ".json"):
        raise HistoryError(file, "", f"unsupported file type `{path.suffix}`",
                           "a history is a .toml or .json file, or `-` for standard input")
    try:
        if file == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
            if not text.strip():
                # A pipe whose first command failed: no history is not what was meant.
                raise HistoryError(file, "", "standard input is empty",
                                   "the command before the pipe wrote no allocation")
        else:
            text = read_input_bytes(path).decode("utf-8-sig")  # never a named pipe
    except FileNotFoundError:
        raise HistoryError(file, "", "no such file or directory") from None
    except IsADirectoryError:
        raise HistoryError(file, "", "this is a directory", "name a .toml or .json file") from None
    except OSError as e:
        raise HistoryError(file, "", f"cannot read the file: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise HistoryError(file, "", "the file is not UTF-8 text", "save it as UTF-8") from None
    if suffix == ".toml":
        return _toml(text, file)
    if suffix == ".json":
        return _json(text, file)
    # No telling suffix: a JSON document starts with `{` or `[`; so may a TOML
    # one (`[[award]]`), which is why `[` is tried both ways.
    start = text.lstrip()[:1]
    if start == "{":
        return _json(text, file)
    if start == "[":
        try:
            return _json(text, file)
        except HistoryError:
            pass
    return _toml(text, file)


def _toml(text: str, file: str) -> Any:
    try:
        return tomllib.loads(text, parse_float=exact_number)
    except tomllib.TOMLDecodeError as e:
        raise HistoryError(file, "", f"invalid TOML: {e}") from None
    except ValueError:  # an integer of more than 4 300 digits, which Python will not read
        raise HistoryError(file, "", "invalid TOML: a number is too large") from None


def _json(text: str, file: str) -> Any:
    try:
        return json.loads(text, parse_float=exact_number, parse_constant=Decimal,
                          parse_int=json_int)
    except json.JSONDecodeError as e:
        raise HistoryError(
            file, "", f"invalid JSON: {e.msg} (at line {e.lineno}, column {e.colno})"
        ) from None


def read_history(
    *paths: str | os.PathLike[str], policy_id: str | None = None
) -> tuple[PriorAward, ...]:
    """The prior awards of history files, merged by dossier id.

    Each file is a file of `[[award]]` tables or the output of an earlier
    `fitn7 allocate` (TOML or JSON). The same award in two files counts once;
    two different awards for one dossier raise `HistoryError`, as does a file
    naming another policy than `policy_id`.
    """
    awards: list[PriorAward] = []
    for given in paths:
        file = str(given)
        awards.extend(history_from_mapping(_parse(Path(given), file), file=file,
                                           policy_id=policy_id))
    try:
        return merge_history(awards)
    except EvaluationError as e:
        names = ", ".join(str(p) for p in paths)
        raise HistoryError(names, "", str(e)) from None
