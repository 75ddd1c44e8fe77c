"""The keys a dossier table may hold, by record: what both dossier readers accept.

`fitn7.loading.mapping` (the full reader, which says what is wrong) and
`fitn7.loading.fast` (the reader of the common shape) take them from here.
"""

from __future__ import annotations

from typing import Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider

#: The keys a table may write, and the derived names it must not write.
Keys = tuple[tuple[str, ...], frozenset[str]]


def _keys(cls: type[Any], record: t.Record) -> Keys:
    """The keys a dossier may write for `cls`, and the derived names it must not write."""
    written = tuple(f.name for f in attrs.fields(cls) if f.name != "origin")
    derived = frozenset(t.DEFAULT_SCHEMA.fields(record)) - set(written)
    return written, derived


DOSSIER_KEYS = _keys(Dossier, t.DOSSIER)
# `categorie_juridique` is written as `kind` (the code itself, `7345`).
COLLECTIVITE_KEYS: Keys = (
    tuple(k for k in _keys(Collectivite, t.COLLECTIVITE)[0] if k != "categorie_juridique"),
    _keys(Collectivite, t.COLLECTIVITE)[1],
)
PROJECT_KEYS = _keys(Project, t.PROJECT)
EXPENSE_KEYS = _keys(Expense, t.EXPENSE)
PROVIDER_KEYS = _keys(Provider, t.PROVIDER)
