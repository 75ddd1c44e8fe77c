"""The amount pipeline of a generated decision function, as `Run._amount` computes it.

The base (or the parts, each on its own lines, then their total), the first
forfait or rate that applies, bonuses, caps, floors and ceilings, the eligible
base and the amount requested, the rounding, then the minimums. The code runs
in a `while True:` loop that `break` leaves early (unknown, or no forfait
applies). The traced function writes, after each step, the entry
`fitn7.evaluation.reference.Run` notes, with the same outcome and amount.
"""

from __future__ import annotations

from decimal import Decimal

from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, Sections, sections
from fitn7.evaluation.codegen import Atom, decimal_of, no_block, none_test
from fitn7.evaluation.decision import Reason
from fitn7.evaluation.env import CEILING_READ, NotAField
from fitn7.evaluation.stepgen import StepWriter, where
from fitn7.evaluation.steps import ELIGIBLE_BASE, REQUESTED, CompiledAdjustment, Meta, Pipeline


class AmountWriter(StepWriter):
    """Writes the amount pipeline of one policy's decision function."""

    def amount(self) -> None:
        """The amount pipeline, as `Run._amount`; `break` leaves it early."""
        out = self.out
        out.emit("amount = None")
        out.emit("unknown = False")
        out.emit("below = ()")
        steps = tuple(s for block in self.policy.of_type(ast.Amount) for s in block.steps)
        grouped = sections(steps)
        program = self.program
        with out.block("if not failing:"), out.block("while True:"):
            if grouped.has_parts:
                self.parts(grouped)
                base = Atom(out.temp("t"))
                out.emit(f"{base.code} = amount")
            else:
                self.start_step("base")
                base_node = last_base(grouped.main)
                base = self.gen.expr(base_node if base_node is not None
                                     else ast.Name("eligible_expenses"))
                with out.block(f"if {base.code} is None:"):
                    self.flush()
                self.entry(program.base_meta, amount=base.code,
                           code=f"('unknown' if {base.code} is None else 'applied')")
            self.section(grouped.main, base, program.main, in_part=False)
            self.start_step("assiette_eligible, montant_demande")
            eligible = self.gen.expr(ast.Name("eligible_expenses"))
            with out.block(f"if {eligible.code} is None:"):
                self.unknown_step(ELIGIBLE_BASE)
            self.bound(ELIGIBLE_BASE, f"{eligible.code} < amount", eligible.code)
            requested = self.shared.path(("requested",))
            if self.traced:
                with out.block(f"if {requested} is not None:"):
                    out.emit(f"RD = (('requested', {requested}),)")
                    self.bound(REQUESTED, f"{requested} < amount", requested)
            else:
                self.bound(REQUESTED, f"{requested} is not None and {requested} < amount",
                           requested)
            out.emit("amount = (_ZERO if _ZERO > amount else amount)"
                     ".quantize(_CENT, rounding=_HALF_UP)")
            # Where the closures find them: in the parts (an error), then the total.
            self.minimums(tuple(step for section in (*grouped.parts, grouped.main)
                                for step in section.steps))
            out.emit("break")
        out.emit("if below: failing = below; amount = None")

    def bound(self, meta: Meta, test: str, value: str) -> None:
        """`amount = value` when `test` holds: a bound that binds or not (traced: says so)."""
        if not self.traced:
            self.out.emit(f"if {test}: amount = {value}")
            return
        with self.out.block(f"if {test}:"):
            self.out.emit(f"amount = {value}")
            self.entry(meta, "applied", amount="amount")
        with self.out.block("else:"):
            self.entry(meta, "not binding", amount="amount")

    def section(self, section: Section, base: Atom, pipeline: Pipeline, *,
                in_part: bool) -> None:
        """The forfaits and rates of one section (the first that applies), then its
        bonuses, caps, floors and ceilings: sets `amount`, as `Run._steps`."""
        out = self.out
        computations = [s for s in section.steps
                        if isinstance(s, ast.Forfait | ast.Rate | ast.ForfaitBands)]
        bounded = [s for s in section.steps if isinstance(s, ast.Adjustment | ast.Ceiling)]
        if not computations:
            out.emit(f"amount = {base.code}")
            with out.block("if amount is None:"):
                out.emit("unknown = True")
                out.emit("break")
        else:
            out.emit("amount = None")
            for index, (comp, compiled) in enumerate(
                    zip(computations, pipeline.computations, strict=True)):
                guard = out.block("if amount is None:") if index else no_block()
                with guard:
                    self.computation(comp, compiled.meta, base)
            if in_part:
                out.emit("if amount is None: amount = _ZERO  # no forfait or rate: nothing")
            else:
                out.emit("if amount is None: break  # no forfait or rate applies")
        paired = list(zip(bounded, pipeline.adjustments, strict=True))
        for step, done in [*[(s, c) for s, c in paired if c.meta.kind == "bonus"],
                           *[(s, c) for s, c in paired if c.meta.kind != "bonus"]]:
            if isinstance(step, ast.Ceiling):
                self.ceiling(step, done.meta)
            else:
                assert isinstance(done, CompiledAdjustment)
                self.adjustment(step, done.meta, done.percent)

    def parts(self, grouped: Sections) -> None:
        """Each part on the lines no part before took, then their sum in `amount`,
        as `Run._parts`."""
        out = self.out
        expenses = self.shared.path(("expenses",))
        taken = out.temp("T")
        out.emit(f"{taken} = set()")
        totals: list[tuple[str, str]] = []
        for section, compiled in zip(grouped.parts, self.program.parts, strict=True):
            part = section.part
            assert part is not None
            self.start_step(f"part {part.id} ({where(part)})")
            selected = self.gen.expr(part.lines)
            with out.block(f"if {selected.code} is None or {expenses} is None:"):
                self.unknown_step(compiled.meta)
            lines, places = out.temp("L"), out.temp("P")
            out.emit(f"{lines}, {places} = _claim({selected.code}, {expenses}, {taken})")
            base_node = last_base(section)
            base = Atom(out.temp("b"))
            if base_node is None:
                absent = out.temp("r")
                out.emit(f"{base.code}, {absent} = _sum_amounts({lines}, _CATEGORIES, _BASIS, "
                         f"{places})")
                with out.block(f"if {base.code} is None:"):
                    seen = f"(({absent} or 'expenses'), None)" if self.traced else (
                        f"({absent} or 'expenses')")
                    out.emit(f"RD += ({seen},)")
                    self.unknown_step(compiled.meta)
                self.entry(compiled.meta, "applied", amount=base.code)
            else:
                self.entry(compiled.meta, "applied")
                self.start_step(f"base of part {part.id}")
                value = self.gen.expr(base_node)
                out.emit(f"{base.code} = {value.code}")
                with out.block(f"if {base.code} is None:"):
                    self.flush()
                self.entry(compiled.pipeline.base_meta, amount=base.code,
                           code=f"('unknown' if {base.code} is None else 'applied')")
            self.section(section, base, compiled.pipeline, in_part=True)
            with out.block(f"if {base.code} is None:"):
                out.emit("unknown = True")
                out.emit("break")
            if self.traced:
                out.emit("RD = ()")
            self.bound(compiled.assiette, f"{base.code} < amount", base.code)
            total = out.temp("p")
            out.emit(f"{total} = amount")
            totals.append((part.id, total))
        out.emit(f"amount = {' + '.join(['_ZERO', *(local for _, local in totals)])}")
        if self.traced:
            shown = ", ".join(f"({out.const(NotAField(name)).code}, {local})"
                              for name, local in totals)
            out.emit(f"RD = ({shown},)" if totals else "RD = ()")
            self.entry(self.program.total_meta, "applied", amount="amount")

    def ceiling(self, step: ast.Ceiling, meta: Meta) -> None:
        """The ceiling on public aid: the amount is at most SHARE × COST − OTHER."""
        out = self.out
        self.start_step(f"ceiling {step.id} ({where(step)})")
        when = self.holds(step.when)
        if when.none:
            with out.block(f"if {when.none}:"):
                self.unknown_step(meta)
        with out.block(f"if {when.value}:"):
            share = self.gen.expr(step.share)
            cost = self.gen.expr(step.cost)
            other = self.gen.expr(step.other) if step.other is not None else out.const(
                Decimal(0))
            test = none_test(share, cost, other)
            if test:
                with out.block(f"if {test}:"):
                    self.unknown_step(meta)
            limit = out.temp("c")
            out.emit(f"{limit} = _ceiling_limit({share.code}, {cost.code}, {other.code})")
            if self.traced:
                out.emit(f"RD += (({out.const(CEILING_READ).code}, {limit}),)")
            self.bound(meta, f"{limit} < amount", limit)
        self.skipped(meta)

    def skipped(self, meta: Meta) -> None:
        """Traced only: the `else:` of a `when` that does not hold."""
        if self.traced:
            with self.out.block("else:"):
                self.entry(meta, "skipped")

    def minimums(self, steps: tuple[ast.AmountStep, ...]) -> None:
        """Every `minimum`: below it, its reason goes to `below`; one that cannot be
        decided leaves the amount unknown (the others are still evaluated)."""
        out = self.out
        compiled = iter(self.program.minimums)
        for step in steps:
            if not isinstance(step, ast.Minimum):
                continue
            meta = next(compiled).meta
            self.start_step(f"minimum {step.id} ({where(step)})")
            reason = out.bind("_r", Reason(step.id, "ineligible", step.message, step.source))
            when = self.holds(step.when)
            if when.none:
                with out.block(f"if {when.none}:"):
                    self.flush()
                    out.emit("unknown = True")
                    self.entry(meta, "unknown")
            with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
                value = self.gen.expr(step.value)
                if maybe_none(value):
                    with out.block(f"if {value.code} is None:"):
                        self.flush()
                        out.emit("unknown = True")
                        self.entry(meta, "unknown")
                with out.block(f"{'elif' if maybe_none(value) else 'if'} "
                               f"amount < {value.code}:"):
                    out.emit(f"below += ({reason},)")
                    self.entry(meta, "fail", amount="amount")
                if self.traced:
                    with out.block("else:"):
                        self.entry(meta, "pass", amount="amount")
            self.skipped(meta)
        out.emit("if unknown: break")

    def computation(self, comp: ast.Forfait | ast.Rate | ast.ForfaitBands, meta: Meta,
                    base: Atom) -> None:
        """A forfait or rate: sets `amount` when its `when` holds."""
        out = self.out
        self.start_step(f"{type(comp).__name__.lower()} {comp.id or ''} ({where(comp)})")
        when = self.holds(comp.when, comp.value if isinstance(comp, ast.Forfait) else None)
        if when.none:
            with out.block(f"if {when.none}:"):
                self.unknown_step(meta)
        with out.block(f"if {when.value}:"):
            result = out.temp("a")
            if isinstance(comp, ast.Rate):
                rate = self.gen.expr(comp.value)
                out.emit(f"{result} = None if {none_test(rate, base) or 'False'} else "
                         f"{decimal_of(base)} * {decimal_of(rate)}")
            elif isinstance(comp, ast.Forfait):
                flat = self.gen.expr(comp.value)
                out.emit(f"{result} = None if {none_test(flat) or 'False'} else {decimal_of(flat)}")
            else:
                self.bands(comp, result)
            with out.block(f"if {result} is None:"):
                self.unknown_step(meta)
            out.emit(f"amount = {result}")
            self.entry(meta, "applied", amount="amount")
        self.skipped(meta)

    def bands(self, comp: ast.ForfaitBands, result: str) -> None:
        """The first band holding the `by` value gives the forfait; no band, unknown."""
        out = self.out
        x = self.gen.expr(comp.by)
        matched = out.temp("m")
        out.emit(f"{result} = None")
        with out.block(f"if {x.code} is not None:"):
            out.emit(f"{matched} = False")
            for index, band in enumerate(comp.bands):
                with out.block(f"if not {matched}:") if index else no_block():
                    tests = []
                    low = self.gen.expr(band.low) if band.low is not None else None
                    high = self.gen.expr(band.high) if band.high is not None else None
                    if low is not None:
                        tests.append(_bound(x, ">=", low))
                    if high is not None:
                        tests.append(_bound(x, "<", high))
                    with out.block(f"if {' and '.join(tests) or 'True'}:"):
                        value = self.gen.expr(band.value)
                        out.emit(f"{result} = None if {none_test(value) or 'False'} else "
                                 f"{decimal_of(value)}")
                        out.emit(f"{matched} = True")

    def adjustment(self, adj: ast.Adjustment, meta: Meta, percent: bool) -> None:
        """A bonus (in percent of the amount or not), cap or floor."""
        out = self.out
        self.start_step(f"{adj.kind} {adj.id} ({where(adj)})")
        when = self.holds(adj.when, adj.value)
        if when.none:
            with out.block(f"if {when.none}:"):
                self.unknown_step(meta)
        with out.block(f"if {when.value}:"):
            value = self.gen.expr(adj.value)
            if maybe_none(value):
                with out.block(f"if {value.code} is None:"):
                    self.unknown_step(meta)
            v = value.code
            if adj.kind == "bonus":
                before = out.temp("w")
                if self.traced:
                    out.emit(f"{before} = amount")
                out.emit(f"amount = amount + ({'amount * ' if percent else ''}{v})")
                self.entry(meta, amount="amount",
                           code=f"('applied' if amount != {before} else 'not binding')")
            elif adj.kind == "cap":
                self.bound(meta, f"{v} < amount", v)
            else:
                self.bound(meta, f"{v} > amount", v)
        self.skipped(meta)


def last_base(section: Section) -> ast.Expr | None:
    """The value of the section's `base` step (the last one, as the closures keep)."""
    bases = [s for s in section.steps if isinstance(s, ast.Base)]
    return bases[-1].value if bases else None


def maybe_none(atom: Atom) -> bool:
    """Whether the atom may hold None (a constant is known not to, unless it is None)."""
    return not atom.known or atom.const is None


def _bound(x: Atom, op: str, bound: Atom) -> str:
    """Python testing `x` against a band bound (an unknown bound never holds)."""
    test = none_test(bound)
    if test == "True":
        return "False"
    compare = f"{x.code} {op} {bound.code}"
    return f"({bound.code} is not None and {compare})" if test else f"({compare})"
