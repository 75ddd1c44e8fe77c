"""The categories of a dossier's expense lines: which categories it has lines of, for
`any(expenses, …)` and `all(expenses, …)` whose condition reads only a line's category.

The model abstracts the lines to two sums (`eligible_expenses`, `total_expenses`);
a condition on the categories needs one more fact per category: whether the
dossier has a line of it. Lines of one category decide such a condition alike,
so `any` and `all` are exact over these flags, and the flags are tied to the
sums as the evaluator adds lines up (`fitn7.evaluation.env.sum_amounts`): a
positive eligible sum needs a line of a counted category, a line without a
category leaves a sum over some categories unknown, and so on.
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from fitn7.proofs.values import TRUE, Sym


@attrs.frozen
class LineCategories:
    """Whether the dossier gives its lines, and of which categories it has some."""

    present: Any
    #: Category name -> the dossier has a line of it.
    has: dict[str, Any]
    #: The dossier has a line without a category.
    uncategorised: Any

    @classmethod
    def fresh(cls, categories: tuple[str, ...]) -> LineCategories:
        """New flags for these categories."""
        return cls(z3.Bool("expenses!"), {c: z3.Bool(f"expenses:{c}") for c in categories},
                   z3.Bool("expenses:?"))

    def own(self) -> list[Any]:
        """Without lines, no line of any kind."""
        return [z3.Implies(z3.Not(self.present),
                           z3.Not(z3.Or(self.uncategorised, *self.has.values())))]

    def tie(self, eligible: Sym, total: Sym, counted: frozenset[str]) -> list[Any]:
        """The flags as a pair of sums over the same lines allows them."""
        some = z3.Or(self.uncategorised, *self.has.values())
        inside = z3.Or([f for c, f in self.has.items() if c in counted])
        outside = z3.Or([f for c, f in self.has.items() if c not in counted])
        out = [
            z3.Implies(z3.Not(self.present), z3.And(z3.Not(total.known),
                                                    z3.Not(eligible.known))),
            # A positive total, or a figure missing, needs a line.
            z3.Implies(z3.And(total.known, total.value > 0), some),
            z3.Implies(z3.And(self.present, z3.Not(total.known)), some),
        ]
        both = z3.And(total.known, eligible.known)
        return [
            *out,
            # The evaluator sums the lines of the categories counted: a line without a
            # category leaves the sum unknown, even when every category counts.
            z3.Implies(self.uncategorised, z3.Not(eligible.known)),
            z3.Implies(z3.And(eligible.known, eligible.value > 0), inside),
            z3.Implies(z3.And(both, total.value > eligible.value), outside),
            # The total unknown and the eligible sum known: an uncounted line lacks its
            # figure; the other way round, only a line without a category does it.
            z3.Implies(z3.And(eligible.known, z3.Not(total.known)), outside),
            z3.Implies(z3.And(total.known, z3.Not(eligible.known)), self.uncategorised),
            z3.Implies(z3.And(self.present, z3.Not(eligible.known)),
                       z3.Or(self.uncategorised, inside)),
        ]

    def quantified(self, condition: dict[str | None, Sym], *, every: bool) -> Sym:
        """`any` (or `all` when `every`) over the lines, `condition[c]` being the condition
        on a line of category `c` (None: a line without one), in Kleene's logic: unknown
        without lines, or when no line decides it and one is unknown."""
        lines = [(self.has[c], s) for c, s in condition.items() if c is not None]
        if None in condition:
            lines.append((self.uncategorised, condition[None]))
        decisive = z3.Or([z3.And(flag, s.known, z3.Not(s.as_bool()) if every else s.as_bool())
                          for flag, s in lines])
        all_known = z3.And([z3.Implies(flag, s.known) for flag, s in lines]) if lines else TRUE
        known = z3.And(self.present, z3.Or(decisive, all_known))
        return Sym("bool", known, z3.Not(decisive) if every else decisive)
