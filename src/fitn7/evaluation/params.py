"""Policy params: their defaults, and overrides given at run time (`--param NAME=VALUE`)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fitn7.diagnostics import did_you_mean
from fitn7.dsl import ast
from fitn7.errors import EvaluationError


def describe(default: Any) -> str:
    """The kind of value a param holds, as a user says it."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, Decimal):
        return "a number"
    if isinstance(default, datetime.date):
        return "a date (YYYY-MM-DD)"
    if isinstance(default, frozenset):
        return "a set"
    return "a text"


def coerce(name: str, default: Any, value: Any, node: ast.Param | None = None) -> Any:
    """An override converted to the type of the param's default.

    Strings (from the command line) are parsed: `3`, `40_000`, `40000 €`,
    `80%`, `2021-10-15`, `true`. A value of the wrong type is an
    `EvaluationError` naming the param.
    """
    if not isinstance(value, str):
        if isinstance(default, bool) != isinstance(value, bool):
            raise EvaluationError(f"param `{name}` expects {describe(default)}, got `{value}`")
        if isinstance(default, Decimal) and isinstance(value, int | Decimal):
            return Decimal(value)
        if type(value) is type(default) or (
            isinstance(default, frozenset) and isinstance(value, frozenset)
        ):
            return value
        raise EvaluationError(f"param `{name}` expects {describe(default)}, got `{value}`")
    text = value.strip()
    try:
        if isinstance(default, bool):
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise ValueError
        if isinstance(default, int):
            return int(text.replace("_", ""))
        if isinstance(default, Decimal):
            is_percent = isinstance(node.default, ast.PercentLit) if node else False
            cleaned = text.replace("_", "").removesuffix("€").removesuffix("EUR")
            cleaned = cleaned.removesuffix("%").strip()
            number = Decimal(cleaned)
            if not number.is_finite():
                raise ValueError
            return number / 100 if is_percent else number
        if isinstance(default, datetime.date):
            return datetime.date.fromisoformat(text)
        if isinstance(default, str):
            return text
    except (ValueError, InvalidOperation):
        pass
    raise EvaluationError(f"param `{name}` expects {describe(default)}, got `{value}`")


def merge_params(
    defaults: Mapping[str, Any],
    nodes: Mapping[str, ast.Param],
    overrides: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Defaults with the overrides applied; an unknown name is an error with a hint."""
    values = dict(defaults)
    for name, value in (overrides or {}).items():
        if name not in defaults:
            hint = did_you_mean(name, defaults)
            known = ", ".join(f"`{n}`" for n in sorted(defaults)) or "none"
            raise EvaluationError(
                f"unknown param `{name}`" + (f" ({hint})" if hint else f"; this policy has {known}")
            )
        values[name] = coerce(name, defaults[name], value, nodes.get(name))
    return values


def param_text(value: Any, node: ast.Param | None = None) -> str:
    """A param value as text that `coerce` reads back to the same value.

    This is how a decision records the overrides it was made with: `3`,
    `40000`, `80%`, `2021-10-15`, `true`.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if node is not None and isinstance(node.default, ast.PercentLit):
            return f"{_plain(value * 100)}%"
        return _plain(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(str(getattr(v, "value", v)) for v in value)) + "}"
    return str(value)


def _plain(number: Decimal) -> str:
    """`40000`, `12.5`: no exponent, no trailing zeros after the point."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def override_texts(
    defaults: Mapping[str, Any],
    nodes: Mapping[str, ast.Param],
    overrides: Mapping[str, Any] | None,
) -> dict[str, str]:
    """The overrides as a decision records them: name -> `param_text`, sorted by name.

    Only the params given are recorded, each as the value it was converted
    to, so `--param plafond=40_000` and `--param "plafond=40000 €"` record
    the same `40000`. Raises `EvaluationError` as `merge_params` does.
    """
    values = merge_params(defaults, nodes, overrides)
    return {name: param_text(values[name], nodes.get(name)) for name in sorted(overrides or {})}
