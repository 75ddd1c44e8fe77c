"""Loading dossiers from TOML and JSON files, and writing them back as tables.

The format is described for prefecture agents in `docs/dossiers.md`. In short:
one dossier per file (top-level `id`) or many (`[[dossier]]` tables, or a
JSON array); money as `Decimal` (never float); every error names the file
and the field, e.g. ``BZH-014.toml: expected a date @ $.submitted``.

    for result in load_dossiers("dossiers/"):
        match result:
            case Loaded(dossier=d):
                ...
            case Failed(error=e):
                print(e)
"""

from __future__ import annotations

from fitn7.loading.canonical import canonical_dossier_json, dossier_to_mapping
from fitn7.loading.files import (
    ANNOTATION_KEYS,
    SUFFIXES,
    Failed,
    Loaded,
    LoadResult,
    load_dossier,
    load_dossiers,
    unique_ids,
)
from fitn7.loading.mapping import dossier_from_mapping
from fitn7.loading.where import error_hint

__all__ = [
    "ANNOTATION_KEYS",
    "SUFFIXES",
    "Failed",
    "LoadResult",
    "Loaded",
    "canonical_dossier_json",
    "dossier_from_mapping",
    "dossier_to_mapping",
    "error_hint",
    "load_dossier",
    "load_dossiers",
    "unique_ids",
]
