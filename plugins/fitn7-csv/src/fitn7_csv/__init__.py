"""fitn7-csv: load dossiers from a spreadsheet export through a TOML mapping of its columns.

A prefecture feeds its tracking spreadsheet or a Démarches Simplifiées export
to fitn7 without code: a mapping file says which column fills which dossier
field (`"Date de dépôt" = { field = "submitted", format = "%d/%m/%Y" }`), and
bad rows are reported with their row number and column.

    for result in load_csv("export.csv", {"mapping": "export.mapping.toml"}):
        ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fitn7_csv.fields import FieldPath, FieldPathError, parse_field
    from fitn7_csv.loader import MAPPING_SUFFIX, OPTIONS, load_csv, mapping_path
    from fitn7_csv.mapping import (
        Column,
        CsvMapping,
        ExpenseFile,
        load_mapping,
        parse_columns,
        parse_mapping,
    )

#: Public name -> the module defining it. The modules are imported on first use
#: (PEP 562): fitn7 imports this package with every plugin on each command, and
#: `fitn7 check` must not pay for a dossier reader it does not run.
_HOMES = {
    "FieldPath": "fields", "FieldPathError": "fields", "parse_field": "fields",
    "MAPPING_SUFFIX": "loader", "OPTIONS": "loader", "load_csv": "loader",
    "mapping_path": "loader",
    "Column": "mapping", "CsvMapping": "mapping", "ExpenseFile": "mapping",
    "load_mapping": "mapping", "parse_columns": "mapping", "parse_mapping": "mapping",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__version__ = "0.1.0"

__all__ = [
    "MAPPING_SUFFIX",
    "OPTIONS",
    "Column",
    "CsvMapping",
    "ExpenseFile",
    "FieldPath",
    "FieldPathError",
    "__version__",
    "load_csv",
    "load_mapping",
    "mapping_path",
    "parse_columns",
    "parse_field",
    "parse_mapping",
]
