"""The dossier fields a column may fill, and their types, from fitn7's own dossier schema.

A mapping names a field as a path (`applicant.code`, `expenses[0].amount`,
`applicant.extra.zrr_arrete`); this module checks the path against the
dossier's classes and tells the loader the type of the value to build, so a
column is converted once and reported against its header.

A policy's own vocabulary adds three kinds of path: `inputs.NAME` (an input
the policy declares, of the type it declares), `documents` (the names of the
documents provided, in one cell) and `documents.NAME` (one column per
document: provided unless the cell is empty or says no).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
from fitn7 import types as t
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider
from fitn7.vocabulary import Vocabulary, input_type, input_type_names

#: The part of a path that names a list element: `expenses[0]`.
Part = str | int

#: The types an `extra` field may be given in a mapping (`type = "date"`).
EXTRA_TYPES: Mapping[str, t.Type] = {
    "string": t.STRING,
    "int": t.INT,
    "decimal": t.DECIMAL,
    "money": t.MONEY,
    "date": t.DATE,
    "bool": t.BOOL,
}

_CLASSES: Mapping[str, type] = {
    "dossier": Dossier,
    "collectivite": Collectivite,
    "project": Project,
    "expense": Expense,
    "provider": Provider,
}
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class FieldPathError(ValueError):
    """A mapping names a field that is not one a column can fill; the message says why."""


@attrs.frozen
class FieldPath:
    """A checked path to a dossier field, with the type of its value."""

    parts: tuple[Part, ...]
    type: t.Type

    def __str__(self) -> str:
        return render(self.parts)

    @property
    def is_extra(self) -> bool:
        """Whether the field is a local one, under `extra`."""
        return "extra" in self.parts

    @property
    def is_document(self) -> bool:
        """Whether the column says if one document is provided (`documents.NAME`)."""
        return len(self.parts) == 2 and self.parts[0] == "documents"


def render(parts: tuple[Part, ...]) -> str:
    """`("expenses", 0, "amount")` → `expenses[0].amount`, as fitn7 writes paths."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _writable(record: str) -> list[str]:
    """The fields a dossier file may write in this record (derived ones are left out)."""
    return [f.name for f in attrs.fields(_CLASSES[record]) if f.name != "origin"]


def parse_field(
    text: str, *, root: str = "dossier", extra_type: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> FieldPath:
    """Check `text` as a path from `root` (`dossier` or `expense`) and type it.

    Lists of collectivités and expenses need an index (`members[0].code`: one
    column per member); lists of text (`project.tags`) do not. `extra_type`
    types an `extra` field (text when absent) or an input read without a
    policy, and is refused elsewhere. `vocabulary` (a
    `fitn7.vocabulary.Vocabulary`) is the policy's: an input then has the type
    it declares, and an input or document it does not declare is an error.
    """
    steps = text.split(".")
    if root == "dossier" and steps[0] in ("inputs", "documents"):
        return _vocabulary_field(text, steps, extra_type, vocabulary)
    record: str = root
    parts: list[Part] = []
    for position, step in enumerate(steps):
        match = _STEP.fullmatch(step)
        if match is None:
            raise FieldPathError(f"`{text}` is not a field path (e.g. `applicant.code`)")
        name, index = match.group(1), match.group(2)
        is_last = position == len(steps) - 1
        if name == "extra":
            if index is not None or position != len(steps) - 2:
                raise FieldPathError(
                    f"`{text}`: `extra` is followed by the name of one local field, "
                    "e.g. `applicant.extra.zrr_arrete`"
                )
            local = steps[-1]
            if not _IDENTIFIER.fullmatch(local):
                raise FieldPathError(
                    f"`{text}`: `{local}` is not a field name (letters, digits, _)"
                )
            if extra_type is not None and extra_type not in EXTRA_TYPES:
                hint = did_you_mean(extra_type, EXTRA_TYPES) or (
                    "one of " + ", ".join(f"`{k}`" for k in EXTRA_TYPES)
                )
                raise FieldPathError(f"unknown type `{extra_type}` ({hint})")
            return FieldPath((*parts, "extra", local), EXTRA_TYPES[extra_type or "string"])
        writable = _writable(record)
        if name not in writable:
            derived = name in t.DEFAULT_SCHEMA.fields(t.Record(record))
            hint = (
                f"`{name}` is computed by fitn7, not read from a column"
                if derived
                else did_you_mean(name, writable)
                or "known fields: " + ", ".join(f"`{w}`" for w in writable)
            )
            raise FieldPathError(f"`{text}`: no field `{name}` in {_article(record)} ({hint})")
        ftype = t.DEFAULT_SCHEMA.fields(t.Record(record))[name]
        parts.append(name)
        if isinstance(ftype, t.ListOf) and isinstance(ftype.element, t.Record):
            if index is None:
                raise FieldPathError(
                    f"`{text}`: `{name}` is a list: give the position of the element, e.g. "
                    f"`{name}[0].{_example(ftype.element.name)}` (one set of columns per element)"
                )
            parts.append(int(index))
            record = ftype.element.name
            if is_last:
                raise FieldPathError(
                    f"`{text}` names a whole element: name one of its fields, e.g. "
                    f"`{render(tuple(parts))}.{_example(record)}`"
                )
            continue
        if index is not None:
            raise FieldPathError(f"`{text}`: `{name}` is not a list of elements, drop `[{index}]`")
        if isinstance(ftype, t.Record):
            if is_last:
                raise FieldPathError(
                    f"`{text}` names a whole table: name one of its fields, e.g. "
                    f"`{render(tuple(parts))}.{_example(ftype.name)}`"
                )
            record = ftype.name
            continue
        if not is_last:
            raise FieldPathError(f"`{text}`: `{name}` has no fields")
        if extra_type is not None:
            raise FieldPathError(
                f"`{text}` is of type {ftype}, fixed by fitn7: `type` is only for `extra` "
                "fields and inputs"
            )
        return FieldPath(tuple(parts), ftype)
    raise FieldPathError(f"`{text}` is not a field path")  # pragma: no cover - loop returns


def _vocabulary_field(
    text: str, steps: list[str], written_type: str | None, vocabulary: Vocabulary | None
) -> FieldPath:
    """`inputs.NAME`, `documents` or `documents.NAME`, checked against the policy's
    vocabulary when there is one."""
    kind = steps[0]
    if kind == "documents" and len(steps) == 1:
        _no_type(text, written_type)
        return FieldPath(("documents",), t.ListOf(t.STRING))
    if len(steps) != 2 or not _IDENTIFIER.fullmatch(steps[1]):
        example = "inputs.autres_aides_publiques" if kind == "inputs" else "documents.deliberation"
        raise FieldPathError(
            f"`{text}`: `{kind}` is followed by the name the policy declares, e.g. `{example}`"
        )
    name = steps[1]
    declared: Mapping[str, Any] | None = None if vocabulary is None else (
        vocabulary.inputs if kind == "inputs" else vocabulary.documents)
    if declared is not None and name not in declared:
        what = "input" if kind == "inputs" else "document"
        hint = did_you_mean(name, declared) or (
            f"the policy declares {_listed(declared)}" if declared
            else f"the policy declares no {what}")
        raise FieldPathError(f"`{text}`: unknown {what} `{name}` ({hint})")
    if kind == "documents":
        _no_type(text, written_type)
        return FieldPath(("documents", name), t.BOOL)
    spec = declared[name] if declared is not None else None
    if spec is not None and spec.type is not None:
        if written_type is not None and input_type(written_type) != spec.type:
            raise FieldPathError(
                f"`{text}` is of type {spec.type}, as the policy declares it: "
                f"`type = \"{written_type}\"` contradicts it"
            )
        return FieldPath(("inputs", name), spec.type)
    ftype = input_type(written_type or "string")
    if ftype is None:
        hint = did_you_mean(str(written_type), input_type_names()) or (
            "one of " + ", ".join(f"`{n}`" for n in input_type_names()))
        raise FieldPathError(f"unknown type `{written_type}` ({hint})")
    return FieldPath(("inputs", name), ftype)


def _no_type(text: str, written_type: str | None) -> None:
    if written_type is not None:
        raise FieldPathError(f"`{text}` is about documents: `type` does not apply to it")


def _listed(names: Any) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _article(record: str) -> str:
    return {
        "dossier": "a dossier",
        "collectivite": "a collectivité",
        "project": "the project",
        "expense": "an expense line",
        "provider": "a provider",
    }[record]


def _example(record: str) -> str:
    return {"collectivite": "code", "expense": "amount", "provider": "name",
            "project": "title"}.get(record, "id")
