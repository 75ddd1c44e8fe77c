"""Committee allocation: a batch of dossiers, the envelope, the limits and the history.

    from fitn7.allocation import allocate, read_history, render

    result = allocate(policy, dossiers, history=read_history("juin.json"))
    print(render(result, "text"))

See docs/allocation.md for the semantics.
"""

from __future__ import annotations

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
from fitn7.allocation.render import FORMATS, render
from fitn7.errors import HistoryError

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
