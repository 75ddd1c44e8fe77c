"""The `extra` fields plugins declare, read with the type they declare.

A dossier's `extra` tables are loaded as written (see `read_extra`): fitn7
does not know, when it reads a file, which plugins will run. Before a policy
evaluates a dossier, the fields a plugin declared (`fitn7_register_fields`)
are read again with their declared type, so that `zrr_arrete = "2017-03-16"`
in a JSON file becomes a date, and `zrr_arrete = "pas une date"` is an error
naming the dossier's file and the field (`@ $.applicant.extra.zrr_arrete`)
rather than a comparison that fails in the middle of a rule. Undeclared
fields are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Collectivite, Dossier
from fitn7.limits import Quantity
from fitn7.loading import values as v
from fitn7.loading.where import Where

_Reader = Callable[[Any, Where], Any]


def _read_decimal(value: Any, at: Where, quantity: Quantity = Quantity.DECIMAL) -> Decimal:
    """A number that is not money: an integer, a Decimal or a dot-decimal string, within
    the limits of `quantity`."""
    if isinstance(value, bool | float):
        raise at.error("expected a number")
    v.check_size(value, at, quantity)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            raise at.error("expected a number", "write it like `0.4` or `12`") from None
        if number.is_finite():
            v.check_size(number, at, quantity)
            return number
    raise at.error("expected a number")


def _read_percent(value: Any, at: Where) -> Decimal:
    """A share: `0.4`, or `"40%"` as a spreadsheet writes it."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return _read_decimal(value.strip().removesuffix("%"), at, Quantity.PERCENT) / 100
    return _read_decimal(value, at)


def _reader(type_: t.Type) -> _Reader | None:
    """How to read a value of this declared type; None for a type kept as written."""
    if isinstance(type_, t.ListOf):
        element = _reader(type_.element)
        if element is None:
            return None
        read_one = element

        def read_list(value: Any, at: Where) -> tuple[Any, ...]:
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise at.error(f"expected a list ({type_})")
            return tuple(read_one(item, at.index(i)) for i, item in enumerate(value))

        return read_list
    readers: Mapping[t.Type, _Reader] = {
        t.STRING: v.read_str,
        t.INT: v.read_int,
        t.BOOL: v.read_bool,
        t.MONEY: v.read_money,
        t.DATE: v.read_date,
        t.DECIMAL: _read_decimal,
        t.PERCENT: _read_percent,
    }
    return readers.get(type_)


def _typed(
    extra: Mapping[str, Any], fields: Mapping[str, t.Type], at: Where
) -> Mapping[str, Any]:
    """`extra` with each declared field read with its type; the same object if none is."""
    if not extra or not fields:
        return extra
    out = dict(extra)
    for name, type_ in fields.items():
        if name not in extra or extra[name] is None:
            continue
        read = _reader(type_)
        if read is not None:
            out[name] = read(extra[name], at.key(name))
    return out if out != extra else extra


def _collectivite(c: Collectivite, fields: Mapping[str, t.Type], at: Where) -> Collectivite:
    extra = _typed(c.extra, fields, at.key("extra"))
    return c if extra is c.extra else attrs.evolve(c, extra=extra)


def typed_extra(dossier: Dossier, schema: t.Schema, file: str | None = None) -> Dossier:
    """The dossier with the plugin-declared `extra` fields read with their types.

    Raises `DossierError` naming `file` (by default the file the dossier was
    read from) and the field's path for a value that is not of its type.
    """
    records = schema.records
    on_collectivite = records.get("extra:collectivite", {})
    on_project = records.get("extra:project", {})
    on_dossier = records.get("extra:dossier", {})
    if not (on_collectivite or on_project or on_dossier):
        return dossier
    root = Where(file or dossier.origin or "<dossier>", "$")
    changes: dict[str, Any] = {}
    if dossier.applicant is not None:
        applicant = _collectivite(dossier.applicant, on_collectivite, root.key("applicant"))
        if applicant is not dossier.applicant:
            changes["applicant"] = applicant
    members = tuple(
        _collectivite(m, on_collectivite, root.key("members").index(i))
        for i, m in enumerate(dossier.members)
    )
    if any(a is not b for a, b in zip(members, dossier.members, strict=True)):
        changes["members"] = members
    if dossier.project is not None:
        extra = _typed(dossier.project.extra, on_project, root.key("project").key("extra"))
        if extra is not dossier.project.extra:
            changes["project"] = attrs.evolve(dossier.project, extra=extra)
    extra = _typed(dossier.extra, on_dossier, root.key("extra"))
    if extra is not dossier.extra:
        changes["extra"] = extra
    return attrs.evolve(dossier, **changes) if changes else dossier


#: The readers of numbers that are not money, shared with the inputs a policy declares
#: (`fitn7.loading.vocabulary`).
read_decimal = _read_decimal
read_percent = _read_percent
