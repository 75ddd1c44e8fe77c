"""fitn7-prestataires: where the providers of a project are, for the "prestataires locaux" criteria.

Install it and write `uses "fitn7_prestataires"` in a policy: it may then
call `local_share(lines, region)` (a percent) and `local_amount(lines,
region)` (an amount), e.g. `local_share(expenses[eligible], "53") >= 50%`.
"""

from __future__ import annotations

from fitn7_prestataires.share import is_local, local_amount, local_share

__version__ = "0.1.0"

__all__ = ["__version__", "is_local", "local_amount", "local_share"]
