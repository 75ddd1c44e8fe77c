"""The way back: a dossier as plain tables (`dossier_to_mapping`) and its canonical JSON.

`dossier_from_mapping(dossier_to_mapping(d), file=...) == d` for every dossier;
the tests check it with hypothesis. The canonical JSON is what a dossier's
hash is computed over, so it depends on the dossier's values only, never on
how the file was written.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider

_CENT = Decimal("0.01")


def _money(amount: Decimal) -> Decimal:
    """Money in plain positional notation (`1E+3` → `1000`) so it reads back from any format."""
    plain = Decimal(format(amount, "f"))
    # `-0.00` is zero: the sign would make the text differ for no value.
    return plain.copy_abs() if plain.is_zero() else plain


def _copy(value: Any) -> Any:
    """A deep copy of an `extra` value (tables and lists), so the result can be edited freely."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):  # a plugin's tuple stays a tuple, so the round trip is equal
        return tuple(_copy(v) for v in value)
    return value


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` without the absent ones: an absent key is how a dossier says absent."""
    return {k: v for k, v in fields.items() if v is not None}


def _collectivite(c: Collectivite) -> dict[str, Any]:
    """The table of the applicant or a member."""
    return _present(
        {
            "name": c.name,
            # An alias code (`7345` for `syndicat_intercommunal`) is written as it came.
            "kind": c.categorie_juridique or (str(c.kind) if c.kind is not None else None),
            "code": c.code,
            "population": c.population,
            "departement": c.departement,
            "region": c.region,
            "zrr": c.zrr,
            "qpv": c.qpv,
            "extra": _copy(c.extra) if c.extra else None,
            "siret": c.siret,
            # derived from the SIRET when it is its first 9 digits: written only otherwise
            "siren": c.siren if c.siret is None or c.siret[:9] != c.siren else None,
        }
    )


def _project(p: Project) -> dict[str, Any]:
    """The table of the project."""
    return _present(
        {
            "title": p.title,
            "themes": list(p.themes) if p.themes is not None else None,
            "tags": list(p.tags) if p.tags is not None else None,
            "started": p.started,
            "duration_months": p.duration_months,
            "participatory": p.participatory,
            "open_source": p.open_source,
            "communes_covered": p.communes_covered,
            "extra": _copy(p.extra) if p.extra else None,
        }
    )


def _provider(p: Provider) -> dict[str, Any]:
    """The table of an expense's provider."""
    return _present({"name": p.name, "siret": p.siret, "region": p.region})


def _expense(e: Expense) -> dict[str, Any]:
    """The table of one budget line."""
    return _present(
        {
            "label": e.label,
            "category": str(e.category) if e.category is not None else None,
            "amount": _money(e.amount) if e.amount is not None else None,
            "provider": _provider(e.provider) if e.provider is not None else None,
            "amount_ht": _money(e.amount_ht) if e.amount_ht is not None else None,
            "amount_ttc": _money(e.amount_ttc) if e.amount_ttc is not None else None,
            "vat_recovered": e.vat_recovered,
        }
    )


def dossier_to_mapping(dossier: Dossier) -> dict[str, Any]:
    """The dossier as the tables of its file: the inverse of `dossier_from_mapping`.

    Absent fields are left out; `members` is left out when empty (the same
    thing when read back), `expenses` is written even empty (an empty budget
    is not a missing one). Values are Python's: `Decimal` money, `date`,
    enum names as strings, `extra` as loaded. `tomli_w.dumps` writes it as is;
    for JSON use `json.dumps(m, default=str)` (decimals of `extra` then come
    back as strings) or `canonical_dossier_json`.
    """
    return _present(
        {
            "id": dossier.id,
            "submitted": dossier.submitted,
            "applicant": _collectivite(dossier.applicant)
            if dossier.applicant is not None
            else None,
            "members": [_collectivite(m) for m in dossier.members] or None,
            "project": _project(dossier.project) if dossier.project is not None else None,
            "expenses": (
                [_expense(e) for e in dossier.expenses] if dossier.expenses is not None else None
            ),
            "requested": _money(dossier.requested) if dossier.requested is not None else None,
            "extra": _copy(dossier.extra) if dossier.extra else None,
            "inputs": {k: _input(v) for k, v in dossier.inputs.items()} or None,
            "documents": list(dossier.documents) or None,
        }
    )


def _input(value: Any) -> Any:
    """An input's value as a file writes it: money in plain notation, a set as a sorted list."""
    if isinstance(value, frozenset):
        return sorted(value, key=str)
    if isinstance(value, Decimal):
        return _money(value)
    return _copy(value)


def _cents(amount: Decimal) -> str:
    """Money as a string with exactly two decimals, `18000.00`."""
    cents = amount.quantize(_CENT)
    return str(cents.copy_abs() if cents.is_zero() else cents)


def _json_default(value: Any) -> Any:
    """JSON for what `json` cannot write: decimals of `extra` as strings, dates in ISO form."""
    if isinstance(value, Decimal):
        # normalize: `1.50` and `1.5` are the same value, so the same text.
        return "0" if value.is_zero() else format(value.normalize(), "f")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} in a dossier")


def canonical_dossier_json(dossier: Dossier) -> str:
    """The canonical JSON text of a dossier, for hashing: equal dossiers, equal text.

    Sorted keys, no whitespace, UTF-8 characters unescaped, money as strings
    with two decimals (`"18000.00"`), dates as `YYYY-MM-DD`, absent fields
    left out. Hash its UTF-8 encoding.
    """
    mapping = dossier_to_mapping(dossier)
    if dossier.requested is not None:
        mapping["requested"] = _cents(dossier.requested)
    if dossier.expenses is not None:
        for line, expense in zip(mapping["expenses"], dossier.expenses, strict=True):
            for key in ("amount", "amount_ht", "amount_ttc"):
                figure = getattr(expense, key)
                if figure is not None:
                    line[key] = _cents(figure)
    return json.dumps(
        mapping,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_default,
    )
