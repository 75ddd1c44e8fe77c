"""Writes `parse_tables.json`: the LALR parser of `grammar.lark`, built once, as data.

Building the parser (the grammar read, the LALR tables computed, every pair
of terminals checked for collisions by `strict`) takes a third of a second,
more than the rest of a `fitn7 check` run. The result is the same for every
run with the same grammar, options and lark version, so it is built here,
when the grammar changes, and committed; `parser.py` loads it in a few
milliseconds (JSON: a Python module of the same literals takes twenty times
longer to import, its dicts being built by bytecode). Run after editing the
grammar (a test fails until then):

    python -m fitn7.dsl.build_tables

Why committed data rather than lark's `cache=` option: nothing is written on
the user's machine (a read-only install, a shared account, a CI sandbox all
start fast), no pickle is read from a writable directory, and the first run
is as fast as the others. `KEY` names the grammar, the options and the lark
version the tables were built with; with another lark, `parser.py` builds the
parser from the grammar as before, slower but the same.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

#: How the parser is built: `parser.py` builds it so when the tables do not fit.
OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    # Refuses terminals that could match the same text (needs interegular).
    "strict": True,
    "propagate_positions": True,
    "maybe_placeholders": True,
}

#: The generated file, beside this module (package data).
TABLES = "parse_tables.json"


def grammar_text() -> str:
    """The text of `grammar.lark`."""
    return resources.files("fitn7.dsl").joinpath("grammar.lark").read_text("utf-8")


def tables_key(grammar: str) -> str:
    """What the tables depend on: the grammar, the options and the lark version."""
    described = grammar + repr(sorted(OPTIONS.items())) + lark.__version__
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


def build(grammar: str) -> Lark:
    """The parser built from the grammar (slow: what the tables spare)."""
    return Lark(grammar, **OPTIONS)


def render() -> str:
    """The text of `parse_tables.json` for the grammar and the lark installed."""
    grammar = grammar_text()
    data, memo = build(grammar).memo_serialize([TerminalDef, Rule])
    data["parser"]["parser"] = _canonical(data["parser"]["parser"])
    document = {
        "key": tables_key(grammar),
        "lark": lark.__version__,
        "data": _encode(data),
        "memo": _encode(memo),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def load(grammar: str) -> Lark | None:
    """The parser from the committed tables, or None when they were built from another
    grammar, other options or another lark."""
    try:
        text = resources.files("fitn7.dsl").joinpath(TABLES).read_text("utf-8")
    except OSError:
        return None  # an install without them: the caller builds the parser
    document = json.loads(text, object_hook=_decode)
    if document.get("key") != tables_key(grammar):
        return None
    # `Lark.load` takes the data `Lark.save` pickles: here read from JSON.
    return Lark.load({"data": document["data"], "memo": document["memo"]})


def _canonical(table: dict[str, Any]) -> dict[str, Any]:
    """The LALR table with its states and symbols numbered in a fixed order.

    lark numbers them in the order its sets give, which changes from one
    build to the next; the table itself, for a grammar without conflicts
    (`strict`), does not. Symbols are numbered by name, states in the order a
    walk from the start states meets them, actions taken by symbol name: the
    same grammar always gives the same file.
    """
    names: dict[int, str] = table["tokens"]
    symbol = {name: i for i, name in enumerate(sorted(names.values()))}
    old_states: dict[int, dict[int, tuple[int, Any]]] = table["states"]
    order: dict[int, int] = {}
    queue = [table["start_states"][name] for name in sorted(table["start_states"])]
    while queue:
        state = queue.pop(0)
        if state in order:
            continue
        order[state] = len(order)
        for _, (action, arg) in sorted(old_states[state].items(), key=lambda a: names[a[0]]):
            if action == 0:  # a shift (or a goto): its target is a state
                queue.append(arg)
    states = {
        order[state]: {
            symbol[names[token]]: (action, order[arg] if action == 0 else arg)
            for token, (action, arg) in sorted(actions.items(), key=lambda a: names[a[0]])
        }
        for state, actions in sorted(old_states.items(), key=lambda s: order[s[0]])
    }
    return {
        "tokens": {i: name for name, i in symbol.items()},
        "states": states,
        "start_states": {k: order[v] for k, v in sorted(table["start_states"].items())},
        "end_states": {k: order[v] for k, v in sorted(table["end_states"].items())},
    }


# JSON has no tuples and no integer keys; lark's data has both (parse actions,
# state numbers). They are written as one-key objects and read back as such.
_ITEMS = "__items__"
_TUPLE = "__tuple__"


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_ITEMS: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    return value


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _ITEMS in obj:
            return {k: v for k, v in obj[_ITEMS]}
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
    return obj


def tables_path() -> Path:
    """Where the generated file lives, beside this module."""
    return Path(__file__).with_name(TABLES)


def main() -> None:
    """Write `parse_tables.json`."""
    tables_path().write_text(render(), encoding="utf-8")
    print(f"wrote {tables_path()}")


if __name__ == "__main__":
    main()
