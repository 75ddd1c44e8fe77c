"""The per-dossier evaluation environment: the dossier, params, caches and what was read.

One `Env` lives for the evaluation of one dossier and is never shared, which
keeps evaluation pure from the outside: same policy, dossier and params, same
decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs

from fitn7.dossier import Dossier

_ZERO = Decimal(0)
_CENT = Decimal("0.01")

#: A value read from the dossier, with the path it was read at (`applicant.population`).
Read = tuple[str, Any]


class NotAField(str):
    """The key of a read that is no field of the dossier: a plugin function's answer
    (`zrr("29195")`), a param, a `let`.

    It shows in the trace beside the fields, so an auditor sees every value a
    rule used; an unknown value there is not something the applicant can
    supply, so it never goes to `missing`.
    """

    __slots__ = ()


def absent_paths(reads: Sequence[Read]) -> tuple[str, ...]:
    """The fields read absent, in order: what an unknown step adds to `missing`."""
    return tuple(path for path, value in reads
                 if value is None and not isinstance(path, NotAField))


@attrs.frozen
class Basis:
    """Which figure of each expense line a policy funds (`expenses basis`).

    `amount` (no declaration): the line's `amount`, as always. `ht` and `ttc`:
    `amount_ht` or `amount_ttc`; with `excluding_recovered_vat`, a line whose VAT
    is recovered (`vat_recovered = true`, FCTVA included) counts without it.
    A line never falls back on another figure: HT and TTC are never mixed.
    """

    kind: str = "amount"
    excluding_recovered_vat: bool = False

    def figure(self, line: Any) -> tuple[Decimal | None, str]:
        """The line's figure on this basis, and the field it comes from (or the field
        whose absence leaves it unknown)."""
        if self.kind == "amount":
            return line.amount, "amount"
        if self.kind == "ht" or (self.excluding_recovered_vat and line.vat_recovered):
            return line.amount_ht, "amount_ht"
        if self.excluding_recovered_vat and line.vat_recovered is None:
            return None, "vat_recovered"
        return line.amount_ttc, "amount_ttc"


#: A policy without `expenses basis`: each line's `amount`.
AMOUNT_BASIS = Basis()


class Env:
    """Mutable state of a single evaluation (see the module docstring)."""

    __slots__ = (
        "_derived",
        "basis",
        "decision",
        "dossier",
        "elements",
        "eligible_categories",
        "let_cache",
        "lets",
        "params",
        "reads",
        "sessions",
        "trace",
    )

    def __init__(
        self,
        dossier: Dossier,
        params: Mapping[str, Any],
        lets: Mapping[str, Callable[[Env], Any]],
        eligible_categories: frozenset[str],
        sessions: tuple[tuple[str, datetime.date], ...],
        trace: bool,
        basis: Basis = AMOUNT_BASIS,
    ) -> None:
        self.dossier = dossier
        self.basis = basis
        self.params = params
        self.lets = lets
        self.let_cache: dict[str, tuple[Any, list[Read]]] = {}
        self.eligible_categories = eligible_categories
        self.sessions = sessions
        self.trace = trace
        #: Reads of the rule being evaluated: every absent value, and in trace
        #: mode every value. Reset by the caller for each rule.
        self.reads: list[Read] = []
        #: (list path, index, element) for each enclosing filter or quantifier.
        self.elements: list[tuple[str, int, Any]] = []
        self.decision: dict[str, Any] = {}
        self._derived: dict[str, tuple[Any, str | None]] = {}

    def record(self, path: str, value: Any) -> None:
        """Note a read: always when the value is absent, else only when tracing."""
        if value is None or self.trace:
            self.reads.append((path, value))

    def derived(self, name: str) -> Any:
        """A derived value of the dossier (`joint`, `total_expenses`, ...), computed once.

        The read is recorded under the derived name; when it is unknown, under
        the precise path that was absent (`expenses[2].amount`).
        """
        try:
            value, absent = self._derived[name]
        except KeyError:
            value, absent = self._compute(name)
            self._derived[name] = (value, absent)
        if value is None:
            self.reads.append((absent or name, None))
        elif self.trace:
            self.reads.append((name, value))
        return value

    def _compute(self, name: str) -> tuple[Any, str | None]:
        d = self.dossier
        if name == "joint":
            return len(d.members) > 0, None
        if name == "total_expenses":
            if d.expenses is None:
                return None, "expenses"
            return sum_amounts(d.expenses, None, self.basis)
        if name == "eligible_expenses":
            if d.expenses is None:
                return None, "expenses"
            return sum_amounts(d.expenses, self.eligible_categories, self.basis)
        if name == "session":
            if d.submitted is None:
                return None, "submitted"
            for session_name, closes in self.sessions:
                if d.submitted <= closes:
                    return session_name, None
            return "", None
        raise KeyError(name)  # pragma: no cover - the checker knows every derived name


def sum_amounts(
    expenses: Any, categories: frozenset[str] | None, basis: Basis = AMOUNT_BASIS,
    positions: Sequence[int] | None = None,
) -> tuple[Decimal | None, str | None]:
    """The sum of the expense figures on `basis` (of the lines of these categories), or
    None and the absent path. `positions` are the lines' places in the dossier's
    `expenses`, to name an absent field (default: their places in `expenses`)."""
    total = Decimal(0)
    for index, line in enumerate(expenses):
        if categories is not None:
            if line.category is None:
                where = positions[index] if positions is not None else index
                return None, f"expenses[{where}].category"
            if line.category not in categories:
                continue
        figure, field = basis.figure(line)
        if figure is None:
            where = positions[index] if positions is not None else index
            return None, f"expenses[{where}].{field}"
        total += figure
    return total, None


def claim_lines(
    selected: Sequence[Any], expenses: Sequence[Any], taken: set[int]
) -> tuple[list[Any], list[int]]:
    """The lines a part selects that no part before it took, and their places in the
    dossier's `expenses`; they are added to `taken`. A line counts in the first part
    that selects it only, so no line is funded twice.

    A selection is a filter of `expenses`, so its lines come in the dossier's
    order: each is found by identity from where the previous one was.
    """
    lines: list[Any] = []
    places: list[int] = []
    cursor = 0
    for line in selected:
        place = next((i for i in range(cursor, len(expenses)) if expenses[i] is line), None)
        if place is None:  # not a line of `expenses` as such (a hand-built dossier)
            place = next((i for i, e in enumerate(expenses) if e == line), -1)
        else:
            cursor = place + 1
        if place not in taken:
            lines.append(line)
            places.append(place)
    taken.update(places)
    return lines, places


#: How the limit a `ceiling` computed shows among the values it read.
CEILING_READ = NotAField("ceiling")


def ceiling_limit(share: Any, cost: Any, other: Any) -> Decimal:
    """The limit of a `ceiling`: SHARE × COST − OTHER, at least 0, rounded down to the
    cent, so that rounding the amount at the end never lifts it above the limit."""
    limit = Decimal(share) * Decimal(cost) - Decimal(other)
    return max(limit, _ZERO).quantize(_CENT, rounding=ROUND_FLOOR)


#: The dossier fields that are computed rather than read.
DERIVED = frozenset({"joint", "total_expenses", "eligible_expenses", "session"})
