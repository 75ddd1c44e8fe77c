"""The dossier fields a column may fill, and their types, from fitn7's own dossier schema.

A mapping names a field as a path (`applicant.code`, `expenses[0].amount`,
`applicant.extra.zrr_arrete`); this module checks the path against the
dossier's classes and tells the loader the type of the value to build, so a
column is converted once and reported against its header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs
from fitn7 import types as t
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider

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
    text: str, *, root: str = "dossier", extra_type: str | None = None
) -> FieldPath:
    """Check `text` as a path from `root` (`dossier` or `expense`) and type it.

    Lists of collectivités and expenses need an index (`members[0].code`: one
    column per member); lists of text (`project.tags`) do not. `extra_type`
    types an `extra` field (text when absent) and is refused elsewhere.
    """
    steps = text.split(".")
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
                f"`{text}` is of type {ftype}, fixed by fitn7: `type` is only for `extra` fields"
            )
        return FieldPath(tuple(parts), ftype)
    raise FieldPathError(f"`{text}` is not a field path")  # pragma: no cover - loop returns


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
