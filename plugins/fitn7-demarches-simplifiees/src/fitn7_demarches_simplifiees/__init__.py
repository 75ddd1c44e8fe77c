"""fitn7-demarches-simplifiees: dossiers from Démarches Simplifiées, without retyping.

A démarche's xlsx, ods or csv export, or a snapshot of its GraphQL API
(`fitn7 ds pull DEMARCHE --out snapshot.json`), read through one TOML
mapping per démarche (fitn7-csv's design: column header = dossier field):

    for result in load_demarche("gers.xlsx"):      # gers.mapping.toml beside it
        ...   # fitn7.loading.Loaded, or Failed naming sheet, row and column
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.lazy import exports

if TYPE_CHECKING:
    from fitn7_demarches_simplifiees.loader import OPTIONS, claims, load_demarche
    from fitn7_demarches_simplifiees.mapping import DsMapping, Repetition, load_mapping

#: Public name -> the module defining it, imported on first use (PEP 562): fitn7
#: imports this package with every plugin on each command.
_HOMES = {
    name: f"{__name__}.{module}"
    for module, names in {
        "loader": ("OPTIONS", "claims", "load_demarche"),
        "mapping": ("DsMapping", "Repetition", "load_mapping"),
    }.items()
    for name in names
}

__getattr__ = exports(__name__, _HOMES)

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
