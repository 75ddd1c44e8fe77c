"""JSON-like data made ready for TOML, which has no null."""

from __future__ import annotations

from typing import Any


def toml_ready(value: Any) -> Any:
    """A JSON-like value TOML can hold: keys with null values are left out, a null in a
    list is written `"null"`."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_ready(v) if v is not None else "null" for v in value]
    return value
