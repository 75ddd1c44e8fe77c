"""fitn7-zrr: the ZRR classification of communes, from the prefecture's table.

Install it and write `uses "fitn7_zrr"` in a policy: the policy may then call
`zrr(code)` and `zrr_classement(code)`, read `applicant.extra.zrr_classement`
and `applicant.extra.zrr_arrete`, and the enricher fills `applicant.zrr` (and
each member's) when the dossier leaves it out. The table is the CSV file
named by `FITN7_ZRR_TABLE`; without it, a sample labelled as such.
"""

from __future__ import annotations

from fitn7_zrr.table import (
    SAMPLE_LABEL,
    TABLE_ENV,
    Classement,
    ZrrEntry,
    ZrrTable,
    ZrrTableError,
    current_table,
    load_table,
    sample_path,
)

__version__ = "0.1.0"

__all__ = [
    "SAMPLE_LABEL",
    "TABLE_ENV",
    "Classement",
    "ZrrEntry",
    "ZrrTable",
    "ZrrTableError",
    "__version__",
    "current_table",
    "load_table",
    "sample_path",
]
