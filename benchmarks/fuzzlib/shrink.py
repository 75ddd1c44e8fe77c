"""Delta debugging: the smallest input (as far as the budget allows) that still fails alike.

Removes chunks of lines, then of tokens, then of characters, halving the
chunk size each round (the `ddmin` scheme, complement steps only), and keeps
a removal whenever `still_fails` says the smaller input still fails the same
way. Bytes that are not UTF-8 are kept through the round trip
(`surrogateescape`), so an invalid byte can be part of a reproducer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

_TOKENS = re.compile(r"\s+|\w+|.", re.S)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _chars(text: str) -> list[str]:
    return list(text)


class _Budget:
    """The tests left: a deadline and a number of calls."""

    def __init__(self, seconds: float, tests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.tests = tests

    def spent(self) -> bool:
        return self.tests <= 0 or time.monotonic() > self.deadline


def _ddmin(units: list[str], test: Callable[[list[str]], bool], budget: _Budget) -> list[str]:
    """Units without the chunks whose removal keeps the failure."""
    chunk = max(1, len(units) // 2)
    while not budget.spent():
        i = 0
        removed = False
        while i < len(units) and not budget.spent():
            candidate = units[:i] + units[i + chunk:]
            if test(candidate):
                units = candidate
                removed = True
            else:
                i += chunk
        if chunk > 1:
            chunk //= 2
        elif not removed:
            break
    return units


def shrink(data: bytes, still_fails: Callable[[bytes], bool], *, seconds: float = 60.0,
           max_tests: int = 5000,
           levels: Sequence[Callable[[str], list[str]]] = (_lines, _tokens, _chars)) -> bytes:
    """The smallest input found that `still_fails`, starting from `data` (which must fail).

    Stops when a whole pass removes nothing, or when the budget (`seconds`,
    `max_tests` calls of `still_fails`) is spent: the result is then smaller,
    not minimal.
    """
    budget = _Budget(seconds, max_tests)
    seen: dict[bytes, bool] = {}

    def test(candidate: bytes) -> bool:
        if candidate not in seen:
            budget.tests -= 1
            seen[candidate] = still_fails(candidate)
        return seen[candidate]

    text = data.decode("utf-8", "surrogateescape")
    changed = True
    while changed and not budget.spent():
        changed = False
        for split in levels:
            units = split(text)
            kept = _ddmin(units, lambda u: test("".join(u).encode("utf-8", "surrogateescape")),
                          budget)
            smaller = "".join(kept)
            if len(smaller) < len(text):
                text = smaller
                changed = True
    return text.encode("utf-8", "surrogateescape")
