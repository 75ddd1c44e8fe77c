"""Policy params: their defaults, and overrides given at run time (`--param NAME=VALUE`)."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fitn7.diagnostics import did_you_mean
from fitn7.dsl import ast
from fitn7.errors import EvaluationError
from fitn7.limits import Quantity, value_problem


def describe(default: Any, node: ast.Param | None = None) -> str:
    """The kind of value a param holds, as a user says it."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, Decimal):
        if _is_percent(node):
            return "a percent (e.g. 80%)"
        if node is not None and isinstance(node.default, ast.MoneyLit):
            return "an amount in euros (e.g. 40_000 €)"
        return "a number"
    if isinstance(default, datetime.date):
        return "a date (YYYY-MM-DD)"
    if isinstance(default, frozenset):
        return "a set"
    return "a text"


def coerce(name: str, default: Any, value: Any, node: ast.Param | None = None) -> Any:
    """An override converted to the type of the param's default.

    Strings (from the command line) are parsed: `3`, `40_000`, `40000 €`,
    `80%`, `2021-10-15`, `true`, `{"29", "35"}`. A percent param takes its
    value in percent, given as text or as a number: `80`, `"80"` and `"80%"`
    are all 80 %. Money is at least 0 and to the cent; a unit that is not the
    param's (`5%` for an amount, `80 €` for a percent) is refused. Anything
    else is an `EvaluationError` naming the param.
    """
    def wrong(detail: str = "") -> EvaluationError:
        return EvaluationError(
            f"param `{name}` expects {describe(default, node)}, got `{value}`{detail}"
        )

    if isinstance(default, bool) or isinstance(value, bool):
        if isinstance(default, bool) and isinstance(value, bool):
            return value
        if (isinstance(default, bool) and isinstance(value, str)
                and value.strip().lower() in ("true", "false")):
            return value.strip().lower() == "true"
        raise wrong()
    if isinstance(default, int):
        number = value
        if isinstance(value, str):
            try:
                number = int(value.strip().replace("_", ""))
            except ValueError:
                raise wrong() from None
        if not isinstance(number, int):
            raise wrong()
        _within_limits(number, Quantity.WHOLE, wrong)
        return number
    if isinstance(default, Decimal):
        percent = _is_percent(node)
        money = node is not None and isinstance(node.default, ast.MoneyLit)
        quantity = Quantity.PERCENT if percent else Quantity.EUROS if money else Quantity.DECIMAL
        return _number(value, percent, wrong, quantity)
    if isinstance(default, datetime.date):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise wrong() from None
        raise wrong()
    if isinstance(default, frozenset):
        return _set(default, value, wrong, _names_kinds(node))
    if isinstance(default, str) and isinstance(value, str):
        return value.strip()
    raise wrong()


def _is_percent(node: ast.Param | None) -> bool:
    return node is not None and isinstance(node.default, ast.PercentLit)


def _within_limits(
    number: int | Decimal, quantity: Quantity, wrong: Callable[[str], EvaluationError]
) -> None:
    """Refuse a number past the limits of `fitn7.limits`, as a literal of a policy is."""
    problem = value_problem(number, quantity)
    if problem is not None:
        raise wrong(f": {problem}")


def _number(
    value: Any, percent: bool, wrong: Callable[[str], EvaluationError],
    quantity: Quantity = Quantity.DECIMAL,
) -> Decimal:
    """An amount in euros, or a share given in percent, from text or a number."""
    if isinstance(value, float):
        raise wrong(": pass a Decimal or a string, fitn7 never reads numbers as float")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "").replace("\u202f", "").replace("\u00a0", "")
        has_percent = text.endswith("%")
        has_euro = text.endswith(("€", "EUR"))
        if (has_percent and not percent) or (has_euro and percent):
            unit = "%" if has_percent else "€"
            raise wrong(f": `{unit}` is not the unit of this param")
        text = text.removesuffix("%").removesuffix("€").removesuffix("EUR").strip()
        try:
            number = Decimal(text.replace(" ", ""))
        except InvalidOperation:
            raise wrong("") from None
    else:
        raise wrong("")
    if not number.is_finite() or number < 0:
        raise wrong("")
    _within_limits(number, quantity, wrong)
    if percent:
        return number / 100
    if number != number.quantize(Decimal("0.01")):
        raise wrong(": an amount is to the cent at most")
    return number


def _names_kinds(node: ast.Param | None) -> bool:
    """Whether a param's default is a set written as legal form names (`{commune,
    association}`): its overrides are legal forms too, by name or code."""
    if node is None or not isinstance(node.default, ast.SetLit) or not node.default.items:
        return False
    from fitn7.legal_forms import READABLE_NAMES  # the nomenclature, only when needed

    return all(isinstance(i, ast.Name) and i.name in READABLE_NAMES for i in node.default.items)


def _kinds(items: list[Any], wrong: Callable[[str], EvaluationError]) -> frozenset[Any]:
    """Legal forms by name or catégorie juridique code, as a dossier's kind reads them."""
    from fitn7.applicants import kind_value
    from fitn7.legal_forms import LegalFormError

    converted = []
    for item in items:
        raw = str(item.value if isinstance(item, enum.Enum) else item)
        try:
            converted.append(kind_value(raw))
        except LegalFormError as exc:
            raise wrong(f": `{raw}` is not one of them ({exc.hint})") from None
    return frozenset(converted)


def _set(
    default: frozenset[Any], value: Any, wrong: Callable[[str], EvaluationError],
    kinds: bool = False,
) -> frozenset[Any]:
    """A set: a Python set, or text `{"29", "35"}` / `{commune, cc}` / `29, 35`; with
    `kinds`, a set of legal forms (`{commune, association}`, `{"9220"}`)."""
    if isinstance(value, frozenset | set | tuple | list):
        items: list[Any] = list(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("{") != text.endswith("}"):
            raise wrong(": write a set in braces, e.g. {\"29\", \"35\"}")
        text = text.removeprefix("{").removesuffix("}").strip()
        items = [part.strip().strip('"').strip() for part in text.split(",")] if text else []
        if any(not item for item in items):
            raise wrong(": an element of the set is empty")
    else:
        raise wrong("")
    if kinds:
        return _kinds(items, wrong)
    # The elements take the kind of the default's: kinds and categories are
    # names (`commune`, `etude`), départements and codes are text.
    sample = next(iter(default), None)
    if isinstance(sample, enum.Enum):
        enum_type = type(sample)
        converted = []
        for item in items:
            raw = item.value if isinstance(item, enum.Enum) else item
            try:
                converted.append(enum_type(raw))
            except ValueError:
                known = [m.value for m in enum_type]
                hint = did_you_mean(str(raw), known)
                raise wrong(f": `{raw}` is not one of them" + (f" ({hint})" if hint else "")) \
                    from None
        return frozenset(converted)
    return frozenset(str(i.value if isinstance(i, enum.Enum) else i) for i in items)


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
        if _is_percent(node):
            return f"{_plain(value * 100)}%"
        return _plain(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        names = _names_kinds(node)
        return "{" + ", ".join(sorted(
            v.value if isinstance(v, enum.Enum) else str(v) if names else f'"{v}"'
            for v in value)) + "}"
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
