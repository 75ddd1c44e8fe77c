"""The fast path: one generated Python function per policy, for decisions without a trace.

`generate` writes the whole decision procedure of a policy (every rule, the
amount pipeline, the score) as the source of one function, with the rules
inlined and each dossier path read once, and compiles it with `compile()`
under a filename naming the policy; a comment above each rule gives the file
and line it was declared at. The function evaluates what the closures of
`fitn7.evaluation.compiler` evaluate, in the same order (see
`fitn7.evaluation.exprgen` for the two exceptions, invisible in a decision),
and records only what a decision without trace keeps: the paths it found
absent, gathered per rule or step in the tuple `RD`, which goes to `missing`
when the step turns out unknown. No `Env`, no trace entry, no `Reason` built
per dossier (they are constants of the function).

On any exception the dossier goes back to the closures, which stay the
reference: they evaluate it again and raise the error a user reads
("division by zero at FILE:LINE:COL"). A policy the generator cannot express
(`Unsupported`) keeps the closures only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, Sections, sections
from fitn7.evaluation.codegen import (
    Atom,
    Emitter,
    Shared,
    Test,
    Unsupported,
    decimal_of,
    no_block,
    none_test,
)
from fitn7.evaluation.compiler import NOT_CONSTANT, Compiler, document_path, input_path
from fitn7.evaluation.decision import Decision, Reason, Status
from fitn7.evaluation.env import ceiling_limit, claim_lines, sum_amounts
from fitn7.evaluation.exprgen import ExprGen
from fitn7.evaluation.packed import value_setter
from fitn7.evaluation.steps import (
    CompiledAdjustment,
    CompiledCeiling,
    Steps,
    missing_document_reason,
    missing_input_reason,
    unsure_document_reason,
)

#: The generated function: (dossier, params with their defaults) -> decision.
FastFn = Callable[[Dossier, Mapping[str, Any]], Decision]


class FastPathFailed(Exception):
    """Raised by generated code to hand a dossier back to the closures, which know how
    to report it (a division by zero) or to read it (a projection of a non-list)."""


@attrs.frozen
class FastPath:
    """A policy's generated decision function and its source (for reading, not running)."""

    function: FastFn = attrs.field(repr=False)
    source: str = attrs.field(repr=False)
    filename: str


#: A rule is settled by any truth value; a `when` only by false (see `ExprGen.expr`).
_SETTLED_BY_ANY = frozenset({True, False})
_SETTLED_BY_FALSE = frozenset({False})


class _Unset:
    """Marker: a let or derived value not computed yet for this dossier."""


def _where(node: Any) -> str:
    span = getattr(node, "span", None)
    return f"{span.file}:{span.line}" if span is not None else "?"


def _comment(text: str) -> str:
    # A message or id is user text: keep it on one line of the comment.
    return text.replace("\n", " ").replace("\r", " ")


class _PolicyGen:
    """Writes the body of the decision function of one policy."""

    def __init__(self, policy: ast.Policy, compiler: Compiler, program: Steps) -> None:
        self.policy = policy
        self.program = program
        self.ns: dict[str, Any] = {}
        self.out = Emitter(self.ns)
        self.shared = Shared(self.out, compiler.scope.schema)
        self.gen = ExprGen(self.out, self.shared, compiler, basis=program.basis)

    def start_step(self, comment: str) -> None:
        """A new rule or step reads afresh: absent reads of the last one are dropped.

        `RD` is a tuple, so this costs nothing; appending (rare: only an absent
        value is recorded) builds a new one.
        """
        self.out.emit(f"# {_comment(comment)}")
        self.out.emit("RD = ()")

    def flush(self) -> None:
        """The step is unknown: what it read absent goes to `missing`, in order."""
        self.out.emit("M += RD")

    def holds(self, when: ast.Expr | None, value: ast.Expr | None = None) -> Test:
        """A `when`: false settles its step (skipped); true only when the value that
        follows is a constant, which cannot leave the step unknown."""
        if when is None:
            return Test(None, "True")
        fixed = value is not None and self.never_none(value)
        return self.gen.test(when, _SETTLED_BY_ANY if fixed else _SETTLED_BY_FALSE)

    def never_none(self, node: ast.Expr) -> bool:
        """A constant, or a signed constant (`+2`): never unknown."""
        while isinstance(node, ast.Unary):
            node = node.operand
        const = self.gen.compiler.constant(node)
        return const is not NOT_CONSTANT and const is not None

    # ---------------------------------------------------------------- rules

    def rules(self) -> None:
        """Every `require`, `exclude`, `review` in order; their reasons are constants."""
        out = self.out
        out.emit("failing = reviews = undecided = ()")
        out.emit("M = ()")
        for rule in self.policy.of_type(ast.Rule):
            self.start_step(f"{rule.kind} {rule.id} ({_where(rule)})")
            value = self.gen.test(rule.condition, _SETTLED_BY_ANY)
            unknown = self.out.bind("_r", Reason(rule.id, "incomplete", rule.message, rule.source))
            if value.none:
                with out.block(f"if {value.none}:"):
                    out.emit(f"undecided += ({unknown},)")
                    self.flush()
            branch = "elif" if value.none else "if"
            if rule.kind == "require":
                failing = self.out.bind("_r", Reason(rule.id, "ineligible", rule.message,
                                                     rule.source))
                out.emit(f"{branch} not {value.value}: failing += ({failing},)")
            elif rule.kind == "exclude":
                failing = self.out.bind("_r", Reason(rule.id, "ineligible", rule.message,
                                                     rule.source))
                out.emit(f"{branch} {value.value}: failing += ({failing},)")
            else:
                review = self.out.bind("_r", Reason(rule.id, "review", rule.message, rule.source))
                out.emit(f"{branch} {value.value}: reviews += ({review},)")

    # --------------------------------------------------------- completeness

    def completeness(self) -> None:
        """Required inputs and documents, as `Run._completeness`: each one missing is a
        reason for `undecided` (their reasons are constants)."""
        out = self.out
        program = self.program
        if not (program.required_inputs or program.documents):
            return
        inputs, documents = out.temp("ins"), out.temp("docs")
        out.emit(f"{inputs} = D.inputs")
        out.emit(f"{documents} = D.documents")
        for required in program.required_inputs:
            self.out.emit(f"# input {_comment(required.name)} ({_where(required.meta)})")
            reason = out.bind("_r", missing_input_reason(required.meta))
            path = out.const(input_path(required.name))
            with out.block(f"if {inputs}.get({required.name!r}) is None:"):
                out.emit(f"undecided += ({reason},)")
                out.emit(f"M += ({path.code},)")
        for document in self.program.documents:
            node = next(d for d in self.policy.of_type(ast.Document) if d.name == document.name)
            with out.block(f"if {document.name!r} not in {documents}:"):
                self.start_step(f"document {document.name} ({_where(node)})")
                missing = out.bind("_r", missing_document_reason(document.meta))
                path = out.const(document_path(document.name))
                if node.when is None:
                    out.emit(f"undecided += ({missing},)")
                    out.emit(f"M += ({path.code},)")
                    continue
                unsure = out.bind("_r", unsure_document_reason(document.meta))
                when = self.gen.test(node.when, _SETTLED_BY_ANY)
                if when.none:
                    with out.block(f"if {when.none}:"):
                        out.emit(f"undecided += ({unsure},)")
                        self.flush()
                with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
                    out.emit(f"undecided += ({missing},)")
                    out.emit(f"M += ({path.code},)")

    # --------------------------------------------------------------- amount

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
                base_node = _last_base(grouped.main)
                base = self.gen.expr(base_node if base_node is not None
                                     else ast.Name("eligible_expenses"))
                with out.block(f"if {base.code} is None:"):
                    self.flush()
            self.section(grouped.main, base, program.adjustments, in_part=False)
            self.start_step("assiette_eligible, montant_demande")
            eligible = self.gen.expr(ast.Name("eligible_expenses"))
            with out.block(f"if {eligible.code} is None:"):
                self._unknown_step()
            out.emit(f"if {eligible.code} < amount: amount = {eligible.code}")
            requested = self.shared.path(("requested",))
            out.emit(f"if {requested} is not None and {requested} < amount: amount = {requested}")
            out.emit("amount = (_ZERO if _ZERO > amount else amount)"
                     ".quantize(_CENT, rounding=_HALF_UP)")
            # Where the closures find them: in the parts (an error), then the total.
            self.minimums(tuple(step for section in (*grouped.parts, grouped.main)
                                for step in section.steps))
            out.emit("break")
        out.emit("if below: failing = below; amount = None")

    def section(self, section: Section, base: Atom,
                compiled: tuple[CompiledAdjustment | CompiledCeiling, ...], *,
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
            for index, comp in enumerate(computations):
                guard = out.block("if amount is None:") if index else no_block()
                with guard:
                    self.computation(comp, base)
            if in_part:
                out.emit("if amount is None: amount = _ZERO  # no forfait or rate: nothing")
            else:
                out.emit("if amount is None: break  # no forfait or rate applies")
        paired = list(zip(bounded, compiled, strict=True))
        for step, done in [*[(s, c) for s, c in paired if c.meta.kind == "bonus"],
                           *[(s, c) for s, c in paired if c.meta.kind != "bonus"]]:
            if isinstance(step, ast.Ceiling):
                self.ceiling(step)
            else:
                assert isinstance(done, CompiledAdjustment)
                self.adjustment(step, done.percent)

    def parts(self, grouped: Sections) -> None:
        """Each part on the lines no part before took, then their sum in `amount`,
        as `Run._parts`."""
        out = self.out
        expenses = self.shared.path(("expenses",))
        taken = out.temp("T")
        out.emit(f"{taken} = set()")
        totals: list[str] = []
        for section, compiled in zip(grouped.parts, self.program.parts, strict=True):
            part = section.part
            assert part is not None
            self.start_step(f"part {part.id} ({_where(part)})")
            selected = self.gen.expr(part.lines)
            with out.block(f"if {selected.code} is None or {expenses} is None:"):
                self._unknown_step()
            lines, places = out.temp("L"), out.temp("P")
            out.emit(f"{lines}, {places} = _claim({selected.code}, {expenses}, {taken})")
            base_node = _last_base(section)
            base = Atom(out.temp("b"))
            if base_node is None:
                absent = out.temp("r")
                out.emit(f"{base.code}, {absent} = _sum_amounts({lines}, _CATEGORIES, _BASIS, "
                         f"{places})")
                with out.block(f"if {base.code} is None:"):
                    out.emit(f"RD += ({absent} or 'expenses',)")
                    self._unknown_step()
            else:
                self.start_step(f"base of part {part.id}")
                value = self.gen.expr(base_node)
                out.emit(f"{base.code} = {value.code}")
                with out.block(f"if {base.code} is None:"):
                    self.flush()
            self.section(section, base, compiled.pipeline.adjustments, in_part=True)
            with out.block(f"if {base.code} is None:"):
                out.emit("unknown = True")
                out.emit("break")
            out.emit(f"if {base.code} < amount: amount = {base.code}")
            total = out.temp("p")
            out.emit(f"{total} = amount")
            totals.append(total)
        out.emit(f"amount = {' + '.join(['_ZERO', *totals])}")

    def ceiling(self, step: ast.Ceiling) -> None:
        """The ceiling on public aid: the amount is at most SHARE × COST − OTHER."""
        out = self.out
        self.start_step(f"ceiling {step.id} ({_where(step)})")
        when = self.holds(step.when)
        if when.none:
            with out.block(f"if {when.none}:"):
                self._unknown_step()
        with out.block(f"if {when.value}:"):
            share = self.gen.expr(step.share)
            cost = self.gen.expr(step.cost)
            other = self.gen.expr(step.other) if step.other is not None else out.const(
                Decimal(0))
            test = none_test(share, cost, other)
            if test:
                with out.block(f"if {test}:"):
                    self._unknown_step()
            limit = out.temp("c")
            out.emit(f"{limit} = _ceiling_limit({share.code}, {cost.code}, {other.code})")
            out.emit(f"if {limit} < amount: amount = {limit}")

    def minimums(self, steps: tuple[ast.AmountStep, ...]) -> None:
        """Every `minimum`: below it, its reason goes to `below`; one that cannot be
        decided leaves the amount unknown (the others are still evaluated)."""
        out = self.out
        for step in steps:
            if not isinstance(step, ast.Minimum):
                continue
            self.start_step(f"minimum {step.id} ({_where(step)})")
            reason = out.bind("_r", Reason(step.id, "ineligible", step.message, step.source))
            when = self.holds(step.when)
            if when.none:
                with out.block(f"if {when.none}:"):
                    self.flush()
                    out.emit("unknown = True")
            with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
                value = self.gen.expr(step.value)
                if _maybe_none(value):
                    with out.block(f"if {value.code} is None:"):
                        self.flush()
                        out.emit("unknown = True")
                with out.block(f"{'elif' if _maybe_none(value) else 'if'} "
                               f"amount < {value.code}:"):
                    out.emit(f"below += ({reason},)")
        out.emit("if unknown: break")

    def _unknown_step(self) -> None:
        self.out.emit("unknown = True")
        self.flush()
        self.out.emit("break")

    def computation(self, comp: ast.Forfait | ast.Rate | ast.ForfaitBands, base: Atom) -> None:
        """A forfait or rate: sets `amount` when its `when` holds."""
        out = self.out
        self.start_step(f"{type(comp).__name__.lower()} {comp.id or ''} "
                        f"({_where(comp)})")
        when = self.holds(comp.when, comp.value if isinstance(comp, ast.Forfait) else None)
        if when.none:
            with out.block(f"if {when.none}:"):
                self._unknown_step()
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
                self._unknown_step()
            out.emit(f"amount = {result}")

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

    def adjustment(self, adj: ast.Adjustment, percent: bool) -> None:
        """A bonus (in percent of the amount or not), cap or floor."""
        out = self.out
        self.start_step(f"{adj.kind} {adj.id} ({_where(adj)})")
        when = self.holds(adj.when, adj.value)
        if when.none:
            with out.block(f"if {when.none}:"):
                self._unknown_step()
        with out.block(f"if {when.value}:"):
            value = self.gen.expr(adj.value)
            if _maybe_none(value):
                with out.block(f"if {value.code} is None:"):
                    self._unknown_step()
            v = value.code
            if adj.kind == "bonus":
                out.emit(f"amount = amount + ({'amount * ' if percent else ''}{v})")
            elif adj.kind == "cap":
                out.emit(f"if {v} < amount: amount = {v}")
            else:
                out.emit(f"if {v} > amount: amount = {v}")

    # ---------------------------------------------------------------- score

    def score(self) -> None:
        """The criteria that hold, summed; an unknown one counts 0 and notes its fields."""
        out = self.out
        out.emit("score = 0")
        criteria = [c for block in self.policy.of_type(ast.Score) for c in block.criteria]
        all_int = True
        for crit in criteria:
            self.start_step(f"score {crit.id} ({_where(crit)})")
            when = self.holds(crit.when, crit.value)
            if when.none:
                with out.block(f"if {when.none}:"):
                    self.flush()
            with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
                value = self.gen.expr(crit.value)
                all_int = all_int and value.known and type(value.const) is int
                if _maybe_none(value):
                    with out.block(f"if {value.code} is None:"):
                        self.flush()
                with out.block("else:") if _maybe_none(value) else no_block():
                    out.emit(f"score += {value.code}")
        if not all_int:
            out.emit("score = int(score)")

    # ------------------------------------------------------------- decision

    def decision(self) -> None:
        """Status by precedence, then the `Decision`."""
        out = self.out
        out.emit("if failing: status = _INELIGIBLE; reasons = failing")
        out.emit("elif undecided or unknown: status = _INCOMPLETE; reasons = undecided")
        out.emit("elif reviews: status = _REVIEW; reasons = reviews")
        out.emit("else: status = _ELIGIBLE; reasons = ()")
        values = {
            "dossier": "D.id",
            "policy": "_REF",
            "status": "status",
            "amount": "None if unknown else amount",
            "score": "score",
            "reasons": "reasons",
            "missing": "tuple(dict.fromkeys(M)) if M else ()",
            "trace": "()",
            "provenance": "{}",
        }
        if tuple(values) != tuple(field.name for field in attrs.fields(Decision)):
            raise Unsupported("Decision changed shape")  # pragma: no cover
        # Filled at once: the very object `Decision(...)` builds, without its __init__.
        out.emit("o = _new(_Decision)")
        out.emit(f"_store(o, ({', '.join(values.values())}))")
        out.emit("return o")

    def source(self) -> str:
        """The whole function: the prologue (hoisted paths, caches) and the body."""
        self.rules()
        self.completeness()
        self.amount()
        self.score()
        self.decision()
        head = [f"# the decision procedure of policy {self.policy.id!r}",
                "def decide(D, P):"]
        prologue = ["    " + line for line in self.shared.prologue]
        return "\n".join([*head, *prologue, *self.out.lines]) + "\n"


def _last_base(section: Section) -> ast.Expr | None:
    """The value of the section's `base` step (the last one, as the closures keep)."""
    bases = [s for s in section.steps if isinstance(s, ast.Base)]
    return bases[-1].value if bases else None


def _maybe_none(atom: Atom) -> bool:
    """Whether the atom may hold None (a constant is known not to, unless it is None)."""
    return not atom.known or atom.const is None


def _bound(x: Atom, op: str, bound: Atom) -> str:
    """Python testing `x` against a band bound (an unknown bound never holds)."""
    test = none_test(bound)
    if test == "True":
        return "False"
    compare = f"{x.code} {op} {bound.code}"
    return f"({bound.code} is not None and {compare})" if test else f"({compare})"


def generate(policy: ast.Policy, compiler: Compiler, program: Steps) -> FastPath | None:
    """The fast path of a compiled policy, or None when it cannot be generated."""
    gen = _PolicyGen(policy, compiler, program)
    try:
        source = gen.source()
        filename = f"<fitn7 policy {policy.id!r} ({_where(policy.header)})>"
        code = compile(source, filename, "exec")
    except Unsupported:
        return None
    except Exception:  # pragma: no cover - a policy too deep for Python keeps its closures
        return None
    sessions = program.sessions

    def session(submitted: Any) -> str:
        for name, closes in sessions:
            if submitted <= closes:
                return name
        return ""

    namespace = gen.ns
    namespace.update(
        _U=_Unset(),
        _D=Decimal,
        _ZERO=Decimal(0),
        _CENT=Decimal("0.01"),
        _HALF_UP=ROUND_HALF_UP,
        _CATEGORIES=program.eligible_categories,
        _Fail=FastPathFailed,
        _Decision=Decision,
        _new=object.__new__,
        _store=value_setter(Decision),
        _REF=program.ref,
        _ELIGIBLE=Status.ELIGIBLE,
        _REVIEW=Status.REVIEW,
        _INELIGIBLE=Status.INELIGIBLE,
        _INCOMPLETE=Status.INCOMPLETE,
        _session=session,
        _sum_amounts=sum_amounts,
        _BASIS=program.basis,
        _claim=claim_lines,
        _ceiling_limit=ceiling_limit,
    )
    exec(code, namespace)
    return FastPath(namespace["decide"], source, filename)
