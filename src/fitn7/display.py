"""How values are shown to people and written as TOML, shared by every report.

The library's reports (evaluation, allocation, audit) and the command line
use these, so an amount reads the same everywhere: `18 000,00 €`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def euros(amount: Decimal | None) -> str:
    """An amount the French way, `18 000,00 €` (`-3 000,00 €` below zero); `—` for none."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):,.2f}".partition(".")
    return f"{sign}{whole.replace(',', ' ')},{cents} €"


def toml_ready(value: Any) -> Any:
    """A JSON-like value TOML can hold: keys with null values are left out."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_ready(v) if v is not None else "null" for v in value]
    return value
