"""The reference evaluation of a dossier, by the closures: with the trace, and as the oracle.

`Run` evaluates every rule, the amount pipeline and the score of one dossier
with the closures of `fitn7.evaluation.compiler`, recording what each rule
read. It serves `evaluate(..., trace=True)`, any dossier the generated fast
path hands back, and the tests that hold the fast path to it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fitn7.evaluation.compiler import Fn, document_path, input_path
from fitn7.evaluation.decision import Decision, Reason, Status, TraceEntry
from fitn7.evaluation.env import (
    CEILING_READ,
    Env,
    NotAField,
    absent_paths,
    ceiling_limit,
    claim_lines,
    sum_amounts,
)
from fitn7.evaluation.steps import (
    ELIGIBLE_BASE,
    REQUESTED,
    CompiledAdjustment,
    CompiledCeiling,
    Computation,
    Meta,
    Pipeline,
    Steps,
    missing_document_reason,
    missing_input_reason,
    unsure_document_reason,
)

_CENT = Decimal("0.01")
_ZERO = Decimal(0)

class Run:
    """The reference evaluation of one dossier by the closures (mutable, one per dossier)."""

    def __init__(self, program: Steps, env: Env) -> None:
        self.p = program
        self.env = env
        self.trace: list[TraceEntry] = []
        self.missing: dict[str, None] = {}
        #: The `minimum` steps the final amount is below (each makes it ineligible).
        self.below_minimum: list[Reason] = []

    def note(self, meta: Meta, outcome: str, amount: Decimal | None = None) -> None:
        """Close a step: its missing fields when unknown; its trace entry when tracing."""
        reads = self.env.reads
        if outcome == "unknown":
            for path in absent_paths(reads):
                self.missing[path] = None
        if self.env.trace:
            span = meta.span
            self.trace.append(TraceEntry(
                meta.id, meta.kind, outcome, tuple(reads), amount, meta.source,
                span.file if span else None, span.line if span else None,
            ))

    def holds(self, fn: Fn | None) -> bool | None:
        """A `when` condition: true when absent, unknown or a truth value."""
        if fn is None:
            return True
        value = fn(self.env)
        return value if value is None else bool(value)

    def decide(self) -> Decision:
        """Every rule, the amount and the score: the decision."""
        env = self.env
        failing: list[Reason] = []
        reviews: list[Reason] = []
        undecided: list[Reason] = []
        for rule in self.p.rules:
            env.reads = []
            value = rule.condition(env)
            meta = rule.meta
            if value is None:
                outcome = "unknown"
                undecided.append(Reason(meta.id, "incomplete", meta.message, meta.source))
            elif meta.kind == "require":
                outcome = "pass" if value else "fail"
                if not value:
                    failing.append(Reason(meta.id, "ineligible", meta.message, meta.source))
            elif meta.kind == "exclude":
                outcome = "fail" if value else "pass"
                if value:
                    failing.append(Reason(meta.id, "ineligible", meta.message, meta.source))
            else:
                outcome = "review" if value else "pass"
                if value:
                    reviews.append(Reason(meta.id, "review", meta.message, meta.source))
            if outcome == "unknown" or env.trace:
                self.note(meta, outcome)

        undecided.extend(self._completeness())

        amount: Decimal | None = None
        amount_unknown = False
        if not failing:
            amount, amount_unknown = self._amount()
            if self.below_minimum:
                failing, amount = self.below_minimum, None
        score = self._score()

        if failing:
            status, reasons = Status.INELIGIBLE, failing
        elif undecided or amount_unknown:
            status, reasons = Status.INCOMPLETE, undecided
        elif reviews:
            status, reasons = Status.REVIEW, reviews
        else:
            status, reasons = Status.ELIGIBLE, []
        return Decision(
            dossier=env.dossier.id,
            policy=self.p.ref,
            status=status,
            amount=None if amount_unknown else amount,
            score=score,
            reasons=tuple(reasons),
            missing=tuple(self.missing),
            trace=tuple(self.trace),
        )

    # --------------------------------------------------------- completeness

    def _completeness(self) -> list[Reason]:
        """The required inputs the dossier lacks, and the documents it does not list though
        their condition holds (or is unknown): each a reason to call it incomplete."""
        env = self.env
        dossier = env.dossier
        reasons: list[Reason] = []
        for required in self.p.required_inputs:
            env.reads = []
            if dossier.inputs.get(required.name) is not None:
                if env.trace:
                    self.note(required.meta, "provided")
                continue
            reasons.append(missing_input_reason(required.meta))
            self.missing[input_path(required.name)] = None
            self.note(required.meta, "missing")
        for document in self.p.documents:
            env.reads = []
            if document.name in dossier.documents:
                if env.trace:
                    self.note(document.meta, "provided")
                continue
            when = self.holds(document.when)
            if when is None:
                reasons.append(unsure_document_reason(document.meta))
                self.note(document.meta, "unknown")
            elif when:
                reasons.append(missing_document_reason(document.meta))
                self.missing[document_path(document.name)] = None
                self.note(document.meta, "missing")
            elif env.trace:
                self.note(document.meta, "not required")
        return reasons

    # --------------------------------------------------------------- amount

    def _amount(self) -> tuple[Decimal | None, bool]:
        """The amount pipeline; returns (amount, unknown). A final amount below a
        `minimum` is kept in `below_minimum`, for the status."""
        env = self.env
        p = self.p
        if p.parts:
            amount, unknown = self._parts()
            if amount is None:
                return None, unknown
            amount, unknown = self._steps(p.main, amount, in_part=False)
        else:
            env.reads = []
            base = p.base(env) if p.base is not None else env.derived("eligible_expenses")
            self.note(p.base_meta, "unknown" if base is None else "applied", base)
            amount, unknown = self._steps(p.main, base, in_part=False)
        if amount is None:
            return None, unknown

        env.reads = []
        eligible = env.derived("eligible_expenses")
        if eligible is None:
            self.note(ELIGIBLE_BASE, "unknown")
            return None, True
        capped = min(amount, eligible)
        self.note(ELIGIBLE_BASE, "applied" if capped != amount else "not binding", capped)
        amount = capped

        requested = env.dossier.requested
        if requested is not None:
            env.reads = [("requested", requested)] if env.trace else []
            capped = min(amount, requested)
            self.note(REQUESTED, "applied" if capped != amount else "not binding", capped)
            amount = capped
        amount = max(amount, _ZERO).quantize(_CENT, rounding=ROUND_HALF_UP)
        return self._minimums(amount)

    def _steps(self, pipe: Pipeline, base: Decimal | None, *, in_part: bool
               ) -> tuple[Decimal | None, bool]:
        """The first forfait or rate that applies to `base`, then bonuses, then caps,
        floors and ceilings in order; returns (amount, unknown).

        When forfaits or rates are written and none applies, there is no amount
        (None, not unknown); in a part, the part gives nothing (0).
        """
        env = self.env
        amount: Decimal | None
        if not pipe.computations:
            if base is None:
                return None, True
            amount = base
        else:
            amount = None
            for comp in pipe.computations:
                env.reads = []
                when = self.holds(comp.when)
                if when is None:
                    self.note(comp.meta, "unknown")
                    return None, True
                if not when:
                    self.note(comp.meta, "skipped")
                    continue
                amount = self.compute(comp, base)
                self.note(comp.meta, "unknown" if amount is None else "applied", amount)
                if amount is None:
                    return None, True
                break
            if amount is None:
                if not in_part:
                    return None, False  # no forfait or rate applies: nobody set an amount
                amount = _ZERO

        bonuses = [a for a in pipe.adjustments if a.meta.kind == "bonus"]
        bounds = [a for a in pipe.adjustments if a.meta.kind != "bonus"]
        for adj in (*bonuses, *bounds):
            env.reads = []
            when = self.holds(adj.when)
            if when is None:
                self.note(adj.meta, "unknown")
                return None, True
            if not when:
                self.note(adj.meta, "skipped")
                continue
            value = self._ceiling(adj) if isinstance(adj, CompiledCeiling) else adj.value(env)
            if value is None:
                self.note(adj.meta, "unknown")
                return None, True
            before = amount
            if adj.meta.kind == "bonus":
                assert isinstance(adj, CompiledAdjustment)
                amount = amount + (amount * value if adj.percent else value)
            elif adj.meta.kind in ("cap", "ceiling"):
                amount = min(amount, value)
            else:
                amount = max(amount, value)
            self.note(adj.meta, "applied" if amount != before else "not binding", amount)
        return amount, False

    def _ceiling(self, ceiling: CompiledCeiling) -> Decimal | None:
        """SHARE × COST − OTHER, never below 0, rounded down to the cent (so rounding
        the amount at the end cannot lift it above); None when unknown."""
        env = self.env
        share = ceiling.share(env)
        cost = ceiling.cost(env)
        other = ceiling.other(env) if ceiling.other is not None else _ZERO
        if share is None or cost is None or other is None:
            return None
        limit = ceiling_limit(share, cost, other)
        if env.trace:
            env.reads.append((CEILING_READ, limit))
        return limit

    def _parts(self) -> tuple[Decimal | None, bool]:
        """Each part on its own lines, then their sum (the `total` entry)."""
        env = self.env
        expenses = env.dossier.expenses
        taken: set[int] = set()
        amounts: list[tuple[str, Decimal]] = []
        for part in self.p.parts:
            env.reads = []
            selected = part.lines(env)
            if selected is None or expenses is None:
                self.note(part.meta, "unknown")
                return None, True
            lines, places = claim_lines(selected, expenses, taken)
            pipe = part.pipeline
            own: Decimal | None = None
            if pipe.base is None:
                own, absent = sum_amounts(lines, env.eligible_categories, env.basis, places)
                if own is None:
                    env.reads.append((absent or "expenses", None))
                    self.note(part.meta, "unknown")
                    return None, True
            self.note(part.meta, "applied", own)
            base = own
            if pipe.base is not None:
                env.reads = []
                base = pipe.base(env)
                self.note(pipe.base_meta, "unknown" if base is None else "applied", base)
            amount, _ = self._steps(pipe, base, in_part=True)
            if amount is None or base is None:
                return None, True
            env.reads = []
            capped = min(amount, base)
            self.note(part.assiette, "applied" if capped != amount else "not binding", capped)
            amounts.append((part.meta.id, capped))
        total = sum((a for _, a in amounts), _ZERO)
        env.reads = [(NotAField(name), value) for name, value in amounts] if env.trace else []
        self.note(self.p.total_meta, "applied", total)
        return total, False

    def _minimums(self, amount: Decimal) -> tuple[Decimal | None, bool]:
        """Each `minimum` that applies: an amount below it is noted in `below_minimum`.

        Like rules, every minimum is evaluated: one that cannot be decided leaves
        the amount unknown, and one that fails still makes the dossier ineligible.
        """
        env = self.env
        unknown = False
        for minimum in self.p.minimums:
            env.reads = []
            meta = minimum.meta
            when = self.holds(minimum.when)
            if not when:
                self.note(meta, "skipped" if when is False else "unknown")
                unknown = unknown or when is None
                continue
            value = minimum.value(env)
            if value is None:
                self.note(meta, "unknown")
                unknown = True
            elif amount < value:
                self.below_minimum.append(Reason(meta.id, "ineligible", meta.message,
                                                 meta.source))
                self.note(meta, "fail", amount)
            else:
                self.note(meta, "pass", amount)
        return (None, True) if unknown else (amount, False)

    def compute(self, comp: Computation, base: Decimal | None) -> Decimal | None:
        """The amount a forfait, banded forfait or rate gives (None when unknown)."""
        env = self.env
        if comp.meta.kind == "rate":
            rate = comp.value(env) if comp.value is not None else None
            if rate is None or base is None:
                return None
            return Decimal(base) * Decimal(rate)
        if comp.by is None:
            flat = comp.value(env) if comp.value is not None else None
            return None if flat is None else Decimal(flat)
        x = comp.by(env)
        if x is None:
            return None
        for band in comp.bands:
            low = band.low(env) if band.low is not None else None
            high = band.high(env) if band.high is not None else None
            if (band.low is None or (low is not None and x >= low)) and (
                band.high is None or (high is not None and x < high)
            ):
                value = band.value(env)
                return None if value is None else Decimal(value)
        return None

    # ---------------------------------------------------------------- score

    def _score(self) -> int:
        env = self.env
        total: Any = 0
        for criterion in self.p.criteria:
            env.reads = []
            when = self.holds(criterion.when)
            if when is None:
                self.note(criterion.meta, "unknown")
                continue
            if not when:
                self.note(criterion.meta, "skipped")
                continue
            value = criterion.value(env)
            if value is None:
                self.note(criterion.meta, "unknown")
                continue
            total += value
            self.note(criterion.meta, f"{value:+}")
        return int(total)

