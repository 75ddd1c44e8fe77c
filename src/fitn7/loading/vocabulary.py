"""A dossier read with the vocabulary of the policy that decides it.

What a dossier may name depends on the policy: its expense categories, the
inputs it declares (each read with its type, as other fields are: money to
the cent, never float) and the documents it lists. Loading without a policy
knows only the built-in FITN7 categories and keeps `inputs` and `documents`
as written; `apply_vocabulary` (run by `fitn7.runner.Runner` before every
decision, and by `load_dossiers(..., vocabulary=...)`) reads them again
with the policy's vocabulary, each mistake a `DossierError` with the file and
the path of the field: `unknown input `autre_aides` @ $.inputs.autre_aides`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Category, Dossier, Expense
from fitn7.loading import values as v
from fitn7.loading.extra import read_decimal, read_percent
from fitn7.loading.where import Where
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary

_Reader = Callable[[Any, Where], Any]

_SCALARS: Mapping[t.Type, _Reader] = {
    t.STRING: v.read_str,
    t.INT: v.read_int,
    t.BOOL: v.read_bool,
    t.MONEY: v.read_money,
    t.DATE: v.read_date,
    t.DECIMAL: read_decimal,
    t.PERCENT: read_percent,
}


def category_value(name: str) -> str:
    """A category as a dossier holds it: the `Category` member for a built-in one, so a
    dossier reads the same whatever the policy; the name itself otherwise."""
    return Category(name) if name in DEFAULT_CATEGORIES else name


def read_category(value: Any, at: Where, categories: Mapping[str, str]) -> str:
    """An expense category among `categories` (name -> label), by name."""
    if not isinstance(value, str):
        first = next(iter(categories), "etude")
        raise at.error("expected a string", f'write a name in quotes, e.g. "{first}"')
    if value in categories:
        return category_value(value)
    names = list(categories)
    hint = did_you_mean(value, names) or did_you_mean(value.lower(), names)
    if hint is None:
        hint = "one of " + ", ".join(f"`{n}`" for n in names)
        if categories is not DEFAULT_CATEGORIES:
            hint = "the policy declares " + hint.removeprefix("one of ")
    raise at.error(f"unknown expense category `{value}`", hint)


def _set_reader(element: _Reader, type_: t.Type) -> _Reader:
    def read_set(value: Any, at: Where) -> frozenset[Any]:
        if isinstance(value, str) or not isinstance(value, list | tuple | frozenset | set):
            example = '["…", "…"]' if type_ == t.SetOf(t.STRING) else "[…]"
            raise at.error(f"expected a list ({type_})", f"write a list: {example}")
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return frozenset(element(item, at.index(i)) for i, item in enumerate(items))

    return read_set


def input_reader(type_: t.Type) -> _Reader | None:
    """How a dossier's value of an input of this type is read (None: not a readable type)."""
    if isinstance(type_, t.SetOf):
        element = _SCALARS.get(type_.element)
        return _set_reader(element, type_) if element is not None else None
    return _SCALARS.get(type_)


def read_inputs(value: Any, at: Where, vocabulary: Vocabulary) -> dict[str, Any]:
    """The `[inputs]` table, each value read with its declared type; a key the policy
    does not declare is an error, with the closest declared name."""
    if not isinstance(value, Mapping):
        raise at.error("expected a table", "write `[inputs]`, one `name = value` per line")
    declared = vocabulary.inputs
    out: dict[str, Any] = {}
    for key, raw in value.items():
        name = str(key)
        spec = declared.get(name)
        if spec is None:
            hint = did_you_mean(name, declared) or (
                "the policy declares " + ", ".join(f"`{n}`" for n in declared)
                if declared else "the policy declares no input"
            )
            raise at.key(name).error(f"unknown input `{name}`", hint)
        if raw is None:
            continue
        read = input_reader(spec.type) if spec.type is not None else None
        out[name] = read(raw, at.key(name)) if read is not None else raw
    return out


def read_documents(value: Any, at: Where, vocabulary: Vocabulary | None) -> tuple[str, ...]:
    """The names of the documents a dossier provides; with a vocabulary, each one must be
    a document the policy declares."""
    if isinstance(value, str):
        raise at.error("expected a list of document names", f'write a list: ["{value}"]')
    if not isinstance(value, Sequence):
        raise at.error("expected a list of document names")
    names = tuple(v.read_str(item, at.index(i)) for i, item in enumerate(value))
    if vocabulary is not None:
        declared = vocabulary.documents
        for index, name in enumerate(names):
            if name not in declared:
                hint = did_you_mean(name, declared) or (
                    "the policy declares " + ", ".join(f"`{n}`" for n in declared)
                    if declared else "the policy asks for no document"
                )
                raise at.index(index).error(f"unknown document `{name}`", hint)
    return names


def apply_vocabulary(dossier: Dossier, vocabulary: Vocabulary, file: str | None = None) -> Dossier:
    """The dossier read again with a policy's vocabulary: its categories declared, its
    inputs declared and of their types, its documents declared. The same object when
    nothing changes; a `DossierError` at the first mistake (`file` names the dossier's
    file, by default the one it was read from)."""
    root = Where(file or dossier.origin or "<dossier>", "$")
    changes: dict[str, Any] = {}
    if dossier.expenses:
        expenses = _categories(dossier.expenses, root.key("expenses"), vocabulary.categories)
        if expenses is not dossier.expenses:
            changes["expenses"] = expenses
    if dossier.inputs or vocabulary.inputs:
        inputs = read_inputs(dossier.inputs, root.key("inputs"), vocabulary)
        if inputs != dossier.inputs:
            changes["inputs"] = inputs
    if dossier.documents:
        read_documents(dossier.documents, root.key("documents"), vocabulary)
    return attrs.evolve(dossier, **changes) if changes else dossier


def _categories(lines: tuple[Expense, ...], at: Where,
                categories: Mapping[str, str]) -> tuple[Expense, ...]:
    out = list(lines)
    changed = False
    for index, line in enumerate(lines):
        if line.category is None:
            continue
        value = read_category(line.category, at.index(index).key("category"), categories)
        if type(value) is not type(line.category):
            out[index] = attrs.evolve(line, category=value)
            changed = True
    return tuple(out) if changed else lines
