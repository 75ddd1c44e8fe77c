"""Committee allocation: a batch of dossiers, the envelope, the limits and the history.

    from fitn7.allocation import allocate, read_history, render

    result = allocate(policy, dossiers, history=read_history("juin.json"))
    print(render(result, "text"))

See docs/allocation.md for the semantics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.lazy import exports

if TYPE_CHECKING:
    from fitn7.allocation.engine import allocate, session_of
    from fitn7.allocation.history import history_from_mapping, read_history
    from fitn7.allocation.model import (
        ENVELOPE,
        NO_AMOUNT,
        NO_SESSION,
        AllocatedDossier,
        Allocation,
        Outcome,
        PriorAward,
        SessionTotal,
        limit_reason,
        limit_unknown_reason,
    )
    from fitn7.errors import HistoryError
    from fitn7.render.allocation import FORMATS, render

# Imported on first use (see fitn7.lazy): a command that needs one part loads that part.
__getattr__ = exports(
    __name__,
    {
        "allocate": "fitn7.allocation.engine",
        "session_of": "fitn7.allocation.engine",
        "history_from_mapping": "fitn7.allocation.history",
        "read_history": "fitn7.allocation.history",
        "ENVELOPE": "fitn7.allocation.model",
        "NO_AMOUNT": "fitn7.allocation.model",
        "NO_SESSION": "fitn7.allocation.model",
        "AllocatedDossier": "fitn7.allocation.model",
        "Allocation": "fitn7.allocation.model",
        "Outcome": "fitn7.allocation.model",
        "PriorAward": "fitn7.allocation.model",
        "SessionTotal": "fitn7.allocation.model",
        "limit_reason": "fitn7.allocation.model",
        "limit_unknown_reason": "fitn7.allocation.model",
        "HistoryError": "fitn7.errors",
        # The renderings live with the others in fitn7.render (labels and formats shared).
        "FORMATS": "fitn7.render.allocation",
        "render": "fitn7.render.allocation",
    },
)

__all__ = [
    "ENVELOPE",
    "FORMATS",
    "NO_AMOUNT",
    "NO_SESSION",
    "AllocatedDossier",
    "Allocation",
    "HistoryError",
    "Outcome",
    "PriorAward",
    "SessionTotal",
    "allocate",
    "history_from_mapping",
    "limit_reason",
    "limit_unknown_reason",
    "read_history",
    "render",
    "session_of",
]
