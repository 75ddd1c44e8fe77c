"""Kleene's three-valued logic: `True`, `False` and `None` for unknown.

Missing data makes a condition unknown rather than false: `false and unknown`
is false, `true or unknown` is true, anything else with unknown stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Truth = bool | None


def k_not(value: Truth) -> Truth:
    """Negation: unknown stays unknown."""
    return None if value is None else not value


def k_and(values: Iterable[Truth]) -> Truth:
    """Conjunction: false if any is false, else unknown if any is unknown, else true."""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def k_or(values: Iterable[Truth]) -> Truth:
    """Disjunction: true if any is true, else unknown if any is unknown, else false."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def k_implies(a: Truth, b: Truth) -> Truth:
    """`a implies b` as `not a or b`."""
    return k_or((k_not(a), b))


def k_in(item: Any, collection: Any) -> bool | None:
    """`item in collection` in three-valued logic: true when found; unknown when not
    found but some element of a list is unknown (it could be `item`); else false."""
    if item in collection:
        return True
    if isinstance(collection, tuple) and None in collection:
        return None
    return False
