"""The per-dossier evaluation environment: the dossier, params, caches and what was read.

One `Env` lives for the evaluation of one dossier and is never shared, which
keeps evaluation pure from the outside: same policy, dossier and params, same
decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from fitn7.dossier import Dossier

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


class Env:
    """Mutable state of a single evaluation (see the module docstring)."""

    __slots__ = (
        "_derived",
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
    ) -> None:
        self.dossier = dossier
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
            return sum_amounts(d.expenses, None)
        if name == "eligible_expenses":
            if d.expenses is None:
                return None, "expenses"
            return sum_amounts(d.expenses, self.eligible_categories)
        if name == "session":
            if d.submitted is None:
                return None, "submitted"
            for session_name, closes in self.sessions:
                if d.submitted <= closes:
                    return session_name, None
            return "", None
        raise KeyError(name)  # pragma: no cover - the checker knows every derived name


def sum_amounts(
    expenses: Any, categories: frozenset[str] | None
) -> tuple[Decimal | None, str | None]:
    """The sum of the expense amounts (of these categories), or None and the absent path."""
    total = Decimal(0)
    for index, line in enumerate(expenses):
        if categories is not None:
            if line.category is None:
                return None, f"expenses[{index}].category"
            if line.category not in categories:
                continue
        if line.amount is None:
            return None, f"expenses[{index}].amount"
        total += line.amount
    return total, None


#: The dossier fields that are computed rather than read.
DERIVED = frozenset({"joint", "total_expenses", "eligible_expenses", "session"})
