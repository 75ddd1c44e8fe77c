"""fitn7's own functions, registered through the same hook as any plugin's."""

from __future__ import annotations

from collections.abc import Sequence

from fitn7.functions import BUILTINS, FunctionDecl
from fitn7.hookspecs import hookimpl


@hookimpl
def fitn7_register_functions() -> Sequence[FunctionDecl]:
    """min, max, count, sum, any, all, floor."""
    return BUILTINS
