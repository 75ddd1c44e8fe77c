"""fitn7-csv: load dossiers from a spreadsheet export through a TOML mapping of its columns.

A prefecture feeds its tracking spreadsheet or a Démarches Simplifiées export
to fitn7 without code: a mapping file says which column fills which dossier
field (`"Date de dépôt" = { field = "submitted", format = "%d/%m/%Y" }`), and
bad rows are reported with their row number and column.

    for result in load_csv("export.csv", {"mapping": "export.mapping.toml"}):
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.lazy import exports

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
    name: f"{__name__}.{module}"
    for module, names in {
        "fields": ("FieldPath", "FieldPathError", "parse_field"),
        "loader": ("MAPPING_SUFFIX", "OPTIONS", "load_csv", "mapping_path"),
        "mapping": ("Column", "CsvMapping", "ExpenseFile", "load_mapping", "parse_columns",
                    "parse_mapping"),
    }.items()
    for name in names
}

__getattr__ = exports(__name__, _HOMES)

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
