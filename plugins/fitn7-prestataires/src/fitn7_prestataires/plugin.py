"""The fitn7 hook of fitn7-prestataires: `local_share` and `local_amount`.

Vocabulary only: the functions measure; the threshold, the points and which
lines count (`expenses[eligible]`, `expenses`) are written in the policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from fitn7 import types as t
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import hookimpl

from fitn7_prestataires.share import local_amount, local_share

_LINES = t.ListOf(t.EXPENSE)

FUNCTIONS = (
    FunctionDecl(
        "local_share",
        (("lines", _LINES), ("region", t.STRING)),
        t.PERCENT,
        "The share of the lines' amount paid to providers whose `region` is this INSEE "
        "code, e.g. `local_share(expenses[eligible], \"53\") >= 50%`. A line without a "
        "provider or a provider region counts as not local; 0 for no lines; unknown when "
        "an amount is unknown.",
        local_share,
    ),
    FunctionDecl(
        "local_amount",
        (("lines", _LINES), ("region", t.STRING)),
        t.MONEY,
        "The amount of the lines paid to providers whose `region` is this INSEE code "
        "(same rules as `local_share`).",
        local_amount,
    ),
)


@hookimpl
def fitn7_register_functions() -> Sequence[FunctionDecl]:
    """`local_share(lines, region)` and `local_amount(lines, region)`."""
    return FUNCTIONS
