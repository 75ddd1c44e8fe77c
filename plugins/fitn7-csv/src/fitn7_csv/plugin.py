"""The fitn7 hook of fitn7-csv: the `csv` dossier loader.

Vocabulary only: it reads dossiers, it decides nothing; every row goes
through fitn7's own dossier reader, as a TOML file would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fitn7.hookspecs import LoaderDecl, hookimpl


def _load_csv(path: Path, options: Mapping[str, str], vocabulary: Any = None) -> Iterator[Any]:
    # Imported on first use: every fitn7 command loads the plugins, and `fitn7
    # check` should not pay for the dossier reader it never runs.
    from fitn7_csv.loader import load_csv

    return load_csv(path, options, vocabulary)


LOADER = LoaderDecl(
    format="csv",
    suffixes=(".csv",),
    doc="A spreadsheet export (Démarches Simplifiées, a tracking sheet): one dossier per row, "
    "expense lines in a second file or in repeated columns, read through a TOML mapping of "
    "column headers to dossier fields (--loader-option mapping=FILE, or EXPORT.mapping.toml "
    "beside the export).",
    load=_load_csv,
    # The policy's vocabulary: its categories, and the inputs and documents columns fill.
    load_with_vocabulary=_load_csv,
)


@hookimpl
def fitn7_register_loaders() -> Sequence[LoaderDecl]:
    """The `csv` loader."""
    return (LOADER,)
