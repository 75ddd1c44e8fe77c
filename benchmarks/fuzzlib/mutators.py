"""Mutations of policy and dossier texts, each reproducible from a `random.Random`.

Text mutations work on any file: characters flipped, inserted or deleted,
spans duplicated, lines swapped, a splice with another file, extreme tokens
(`tokens`) inserted or put in place of a token of the text, line endings and
byte-order marks. Structure-aware mutations read a dossier (TOML or JSON),
change its data (a value of another type, a key deleted or added, expense
lines repeated, dates out of range) and write it back.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
import re
import tomllib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import tomli_w

from fuzzlib import tokens
from fuzzlib.corpus import dump_json

#: A text mutation: (random, text, other texts of the same kind) -> new text.
TextMutator = Callable[[random.Random, str, Sequence[str]], str]

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\d[\d_]*(?:\.\d+)?|[^\W\d]\w*|[^\s\w]')
_PRINTABLE = "".join(chr(c) for c in range(32, 127))
_ODD_CHARS = "".join(t for t in tokens.UNICODE if len(t) == 1)


def _pos(rng: random.Random, text: str) -> int:
    return rng.randint(0, len(text))


def _span(rng: random.Random, text: str) -> tuple[int, int]:
    """A span of the text, short ones likelier (lengths 1 to 256, log-uniform)."""
    if not text:
        return 0, 0
    length = min(len(text), int(2 ** rng.uniform(0, 8)))
    start = rng.randint(0, len(text) - length)
    return start, start + length


def flip_char(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """One character replaced by another (ASCII mostly, sometimes an odd one)."""
    if not text:
        return rng.choice(_PRINTABLE)
    i = rng.randrange(len(text))
    pool = _ODD_CHARS if rng.random() < 0.2 else _PRINTABLE
    return text[:i] + rng.choice(pool) + text[i + 1:]


def insert_char(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """One character inserted."""
    i = _pos(rng, text)
    pool = _ODD_CHARS if rng.random() < 0.3 else _PRINTABLE
    return text[:i] + rng.choice(pool) + text[i:]


def delete_span(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """A span deleted."""
    a, b = _span(rng, text)
    return text[:a] + text[b:]


def duplicate_span(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """A span copied elsewhere, sometimes many times over."""
    a, b = _span(rng, text)
    times = 1 if rng.random() < 0.8 else rng.choice((2, 10, 100, 1000))
    i = _pos(rng, text)
    return text[:i] + text[a:b] * times + text[i:]


def swap_lines(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """Two lines swapped, or one line deleted or repeated."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    move = rng.randrange(3)
    if move == 0:
        lines[i], lines[j] = lines[j], lines[i]
    elif move == 1:
        del lines[i]
    else:
        lines.insert(j, lines[i])
    return "".join(lines)


def splice(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """The start of this text and the end of another (at line starts, or anywhere)."""
    other = rng.choice(others) if others else text
    if rng.random() < 0.5:
        a = [m.start() for m in re.finditer("^", text, re.M)]
        b = [m.start() for m in re.finditer("^", other, re.M)]
        return text[:rng.choice(a)] + other[rng.choice(b):]
    return text[:_pos(rng, text)] + other[_pos(rng, other):]


def insert_token(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """An extreme token inserted, at a token boundary most of the time."""
    token = rng.choice(rng.choice(tokens.FAMILIES))
    bounds = [m.start() for m in _TOKEN.finditer(text)] or [0]
    i = rng.choice(bounds) if rng.random() < 0.8 else _pos(rng, text)
    pad = " " if rng.random() < 0.7 else ""
    return text[:i] + pad + token + pad + text[i:]


def replace_token(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """One token of the text (a number, a string, a name, a sign) replaced.

    By an extreme token of the same family mostly (a number by a huge one, a
    string by one with escapes), else by a token of the text or anything.
    """
    found = list(_TOKEN.finditer(text))
    if not found:
        return insert_token(rng, text, others)
    m = rng.choice(found)
    old = m.group()
    roll = rng.random()
    if roll < 0.6:
        if old[0].isdigit():
            new = rng.choice(tokens.NUMBERS + tokens.DATES + tokens.MONEY)
        elif old.startswith('"'):
            body = rng.choice(tokens.UNICODE + tokens.IDENTIFIERS + tokens.NUMBERS)
            new = '"' + body.replace('"', '\\"') + '"' if rng.random() < 0.7 else body
        elif old[0].isalpha() or old[0] == "_":
            new = rng.choice(tokens.IDENTIFIERS + tokens.SYNTAX)
        else:
            new = rng.choice(tokens.SYNTAX + tokens.DEEP)
    elif roll < 0.85:
        new = rng.choice(found).group()
    else:
        new = rng.choice(rng.choice(tokens.FAMILIES))
    return text[:m.start()] + new + text[m.end():]


def insert_in_string(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """An odd character or escape (`\\ud800`, NUL, a bidi mark) put inside a string literal."""
    strings = [m for m in _TOKEN.finditer(text) if len(m.group()) > 1 and m.group()[0] == '"']
    if not strings:
        return insert_token(rng, text, others)
    m = rng.choice(strings)
    i = rng.randint(m.start() + 1, m.end() - 1)
    return text[:i] + rng.choice(tokens.UNICODE) + text[i:]


def line_endings(rng: random.Random, text: str, others: Sequence[str]) -> str:
    """Windows or old-Mac line endings, a byte-order mark, a NUL, no final newline."""
    move = rng.randrange(5)
    if move == 0:
        return text.replace("\n", "\r\n")
    if move == 1:
        return text.replace("\n", "\r")
    if move == 2:
        return "\ufeff" + text
    if move == 3:
        i = _pos(rng, text)
        return text[:i] + "\x00" + text[i:]
    return text.rstrip("\n")


TEXT_MUTATORS: tuple[TextMutator, ...] = (
    flip_char,
    insert_char,
    delete_span,
    duplicate_span,
    swap_lines,
    splice,
    insert_token,
    insert_token,
    replace_token,
    replace_token,
    replace_token,
    insert_in_string,
    line_endings,
)


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    """A few bits flipped or bytes set at random: the file may stop being UTF-8."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            break
        i = rng.randrange(len(out))
        out[i] = out[i] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out)


# ------------------------------------------------------------ structure-aware


class _Unwritable(Exception):
    """The mutated data cannot be written in the file's format (`None` in TOML...)."""


def _nested(depth: int) -> list[Any]:
    """An empty list inside `depth` lists."""
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _odd_value(rng: random.Random, json_form: bool) -> Any:
    """A value of any type, extreme ones often."""
    choices: list[Any] = [
        0, -1, 1, 10 ** 30, 10 ** 400, -(10 ** 30), 2 ** 63,
        Decimal("1e30"), Decimal("1E+400"), Decimal("-0.001"), Decimal("0.000001"),
        Decimal("99999999999999999999999999999999.99"), 1.5,
        float("inf"), float("nan"),
        "", "x" * 10000, "12 000", "1e30", "10^30 €", "2021-06-30", "30/06/2021",
        "0001-01-01", "9999-12-31", "2021-02-30", "commune", "\x00", "\ufeff", "\ud800",
        "e\u0301", "true", True, False, [], [1, "a", None], {}, {"a": {"b": []}},
        _nested(30),
        datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
        datetime.datetime(2021, 6, 30, 10, 0),
        datetime.datetime(2021, 6, 30, 10, 0, tzinfo=datetime.UTC),
        datetime.time(12, 30),
    ]
    if json_form:
        choices += [None, None]
    return rng.choice(choices)


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, Any]]:
    """Every (container, key) of the data, tables and arrays, depth first."""
    out: list[tuple[Any, Any]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((data, k))
            out.extend(_containers(v))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append((data, i))
            out.extend(_containers(v))
    return out


def _retype(rng: random.Random, data: Any, json_form: bool) -> None:
    slots = _containers(data)
    if slots:
        container, key = rng.choice(slots)
        container[key] = _odd_value(rng, json_form)


def _delete_key(rng: random.Random, data: Any, json_form: bool) -> None:
    slots = _containers(data)
    if slots:
        container, key = rng.choice(slots)
        del container[key]


def _add_key(rng: random.Random, data: Any, json_form: bool) -> None:
    tables = [c for c, _ in _containers(data) if isinstance(c, dict)] or [data]
    table = rng.choice(tables)
    if isinstance(table, dict):
        name = rng.choice(("extra", "members", "population", "zrr", "id", "expenses",
                           "amount", "provider", "inconnu", "dossier", "expected",
                           "a" * 5000, "é", "", "\x00"))
        table[name] = _odd_value(rng, json_form)


def _expense_lists(data: Any) -> list[list[Any]]:
    return [c[k] for c, k in _containers(data)
            if k == "expenses" and isinstance(c[k], list) and c[k]]


def _repeat_expenses(rng: random.Random, data: Any, json_form: bool) -> None:
    """Expense lines repeated: a few times or thousands of times."""
    lists = _expense_lists(data)
    if lists:
        lines = rng.choice(lists)
        lines.extend(copy.deepcopy(rng.choice(lines)) for _ in range(rng.choice((1, 3, 1000))))


def _dates(rng: random.Random, data: Any, json_form: bool) -> None:
    """A date field set to a date out of range or impossible, or written wrong."""
    slots = [(c, k) for c, k in _containers(data)
             if isinstance(c[k], datetime.date) or k == "submitted"]
    if not slots:
        return
    container, key = rng.choice(slots)
    if json_form or rng.random() < 0.3:
        container[key] = rng.choice(tokens.DATES)
    else:
        container[key] = rng.choice((datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
                                     datetime.datetime(9999, 12, 31, 23, 59)))


def _money(rng: random.Random, data: Any, json_form: bool) -> None:
    """An amount or the request set to a huge, tiny or negative number."""
    slots = [(c, k) for c, k in _containers(data) if k in ("amount", "requested", "population")]
    if slots:
        container, key = rng.choice(slots)
        container[key] = rng.choice((10 ** 30, Decimal("1E+30"), Decimal("1e400"), -5,
                                     Decimal("0.001"), Decimal("1" + "0" * 5000),
                                     Decimal("1E+99999"),
                                     Decimal("-0"), 0, 2 ** 64))


def _strings(rng: random.Random, data: Any, json_form: bool) -> None:
    """An odd character in a text field: a lone surrogate (JSON only), NUL, bidi, BOM…"""
    slots = [(c, k) for c, k in _containers(data) if isinstance(c[k], str)]
    if slots:
        container, key = rng.choice(slots)
        odd = rng.choice(("\ud800", "\udfff", "\x00", "\u202e", "\ufeff", "\u0085",
                          "\u2028", "\U0001f600", "e\u0301", "\x1b[31m"))
        if not json_form and any(0xD800 <= ord(c) <= 0xDFFF for c in odd):
            odd = "\x00"
        value = container[key]
        i = rng.randint(0, len(value))
        container[key] = value[:i] + odd + value[i:]


STRUCTURE_MUTATORS: tuple[Callable[[random.Random, Any, bool], None], ...] = (
    _retype, _retype, _delete_key, _add_key, _repeat_expenses, _dates, _money, _money,
    _strings,
)


def _toml_ready(value: Any) -> Any:
    if value is None:
        raise _Unwritable("TOML has no null")
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value]
    return value


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return _Raw("NaN")
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return _Raw("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        # A lone surrogate can only travel in a JSON file as an escape.
        return _Raw(json.dumps(value, ensure_ascii=True))
    return value


class _Raw(str):
    """JSON text written as is (NaN, an escaped lone surrogate)."""


def _dump_json(value: Any) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_dump_json(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump_json(v) for v in value) + "]"
    return dump_json(value)


def mutate_structure(rng: random.Random, data: bytes, suffix: str) -> bytes | None:
    """The dossier file read, changed one to three times, written back; None if it cannot be."""
    json_form = suffix == ".json"
    try:
        text = data.decode("utf-8")
        doc = json.loads(text, parse_float=Decimal) if json_form else tomllib.loads(
            text, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        return None
    for _ in range(rng.randint(1, 3)):
        rng.choice(STRUCTURE_MUTATORS)(rng, doc, json_form)
    try:
        if json_form:
            out = _dump_json(_json_ready(doc))
        elif isinstance(doc, dict):
            out = tomli_w.dumps(_toml_ready(doc))
        else:
            return None
    except (_Unwritable, TypeError, ValueError, RecursionError):
        return None
    # surrogatepass: a lone surrogate in a TOML string becomes bytes that are not UTF-8.
    return out.encode("utf-8", "surrogatepass")
