"""fitn7-demarches-simplifiees: dossiers from Démarches Simplifiées, without retyping.

A démarche's xlsx, ods or csv export, or a snapshot of its GraphQL API
(`fitn7 ds pull DEMARCHE --out snapshot.json`), read through one TOML
mapping per démarche (fitn7-csv's design: column header = dossier field):

    for result in load_demarche("gers.xlsx"):      # gers.mapping.toml beside it
        ...   # fitn7.loading.Loaded, or Failed naming sheet, row and column
"""

from __future__ import annotations

from fitn7_demarches_simplifiees.loader import OPTIONS, claims, load_demarche
from fitn7_demarches_simplifiees.mapping import DsMapping, Repetition, load_mapping

__version__ = "0.1.0"

__all__ = [
    "OPTIONS",
    "DsMapping",
    "Repetition",
    "__version__",
    "claims",
    "load_demarche",
    "load_mapping",
]
