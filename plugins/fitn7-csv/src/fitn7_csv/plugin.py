"""The fitn7 hook of fitn7-csv: the `csv` dossier loader.

Vocabulary only: it reads dossiers, it decides nothing; every row goes
through fitn7's own dossier reader, as a TOML file would.
"""

from __future__ import annotations

from collections.abc import Sequence

from fitn7.hookspecs import LoaderDecl, hookimpl

from fitn7_csv.loader import load_csv

LOADER = LoaderDecl(
    format="csv",
    suffixes=(".csv",),
    doc="A spreadsheet export (Démarches Simplifiées, a tracking sheet): one dossier per row, "
    "expense lines in a second file or in repeated columns, read through a TOML mapping of "
    "column headers to dossier fields (--loader-option mapping=FILE, or EXPORT.mapping.toml "
    "beside the export).",
    load=load_csv,
    # The policy's vocabulary: its categories, and the inputs and documents columns fill.
    load_with_vocabulary=load_csv,
)


@hookimpl
def fitn7_register_loaders() -> Sequence[LoaderDecl]:
    """The `csv` loader."""
    return (LOADER,)
