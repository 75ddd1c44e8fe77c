"""A policy compiled once into closures, then applied to any number of dossiers.

`compile_policy` walks the AST one time; `CompiledPolicy.evaluate` runs the
closures for a dossier and assembles the `Decision`: statuses by precedence
(ineligible, incomplete, review, eligible), every failing rule in `reasons`,
the missing field paths, the amount pipeline and the score, with a trace entry
per rule and per amount step.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Category, Dossier
from fitn7.dsl import ast
from fitn7.dsl.source import Span
from fitn7.errors import EvaluationError
from fitn7.evaluation.compiler import Compiler, Fn
from fitn7.evaluation.decision import Decision, PolicyRef, Reason, Status, TraceEntry
from fitn7.evaluation.env import Env
from fitn7.evaluation.params import merge_params
from fitn7.functions import FunctionRegistry, builtin_registry
from fitn7.scope import Scope

if TYPE_CHECKING:
    from fitn7.plugins import PluginHost

_CENT = Decimal("0.01")
_ZERO = Decimal(0)


@attrs.frozen
class Meta:
    """Where a rule or step comes from: id, message, citation, file and line."""

    id: str
    kind: str
    message: str | None
    source: str | None
    span: Span | None

    @property
    def file(self) -> str | None:
        """The policy file that declared it (the parent's, under `extends`)."""
        return self.span.file if self.span else None

    @property
    def line(self) -> int | None:
        """The line of the declaration in that file."""
        return self.span.line if self.span else None


@attrs.frozen
class CompiledRule:
    """A `require`, `exclude` or `review` rule and its compiled condition."""

    meta: Meta
    condition: Fn


@attrs.frozen
class CompiledBand:
    """One band: `low <= x < high` (either bound may be open)."""

    low: Fn | None
    high: Fn | None
    value: Fn


@attrs.frozen
class Computation:
    """A forfait, banded forfait or rate: the first one whose `when` holds gives the amount."""

    meta: Meta
    when: Fn | None
    value: Fn | None
    by: Fn | None = None
    bands: tuple[CompiledBand, ...] = ()


@attrs.frozen
class CompiledAdjustment:
    """A bonus, cap or floor on the computed amount."""

    meta: Meta
    when: Fn | None
    value: Fn
    percent: bool


@attrs.frozen
class CompiledCriterion:
    """A score criterion: points when its condition holds."""

    meta: Meta
    when: Fn | None
    value: Fn


@attrs.frozen
class CompiledLimit:
    """A cross-dossier limit, applied by allocation: at most `count` awards per key."""

    meta: Meta
    count: Fn
    per: Fn
    where: Fn | None


@attrs.frozen
class CompiledInvariant:
    """A property the policy promises; read by property tests, not by decisions."""

    meta: Meta
    condition: Fn


#: The implicit steps of every amount pipeline, as the trace names them.
_BASE = Meta("base", "base", None, None, None)
_ELIGIBLE_BASE = Meta("assiette_eligible", "cap", None, None, None)
_REQUESTED = Meta("montant_demande", "cap", None, None, None)


def _meta(kind: str, node: Any, default_id: str) -> Meta:
    return Meta(
        getattr(node, "id", None) or default_id,
        kind,
        getattr(node, "message", None),
        getattr(node, "source", None),
        node.span,
    )


def _is_percent(node: ast.Expr, params: Mapping[str, ast.Param]) -> bool:
    while isinstance(node, ast.Unary):
        node = node.operand
    if isinstance(node, ast.PercentLit):
        return True
    if isinstance(node, ast.Name) and node.name in params:
        return isinstance(params[node.name].default, ast.PercentLit)
    return False


@attrs.frozen
class CompiledPolicy:
    """A policy ready to evaluate dossiers; build it with `compile_policy`."""

    policy: ast.Policy
    ref: PolicyRef
    param_defaults: Mapping[str, Any]
    param_nodes: Mapping[str, ast.Param]
    lets: Mapping[str, Fn]
    eligible_categories: frozenset[Category]
    sessions: tuple[tuple[str, datetime.date], ...]
    envelope: Decimal | None
    rules: tuple[CompiledRule, ...]
    base: Fn | None
    computations: tuple[Computation, ...]
    adjustments: tuple[CompiledAdjustment, ...]
    criteria: tuple[CompiledCriterion, ...]
    limits: tuple[CompiledLimit, ...]
    invariants: tuple[CompiledInvariant, ...]

    def env(self, dossier: Dossier, params: Mapping[str, Any] | None, trace: bool) -> Env:
        """A fresh environment for one dossier (params already validated or not)."""
        values = merge_params(self.param_defaults, self.param_nodes, params) if params else (
            self.param_defaults
        )
        return Env(dossier, values, self.lets, self.eligible_categories, self.sessions, trace)

    def evaluate(
        self, dossier: Dossier, params: Mapping[str, Any] | None = None, *, trace: bool = True
    ) -> Decision:
        """The decision on one dossier. Pure: same inputs, same decision."""
        env = self.env(dossier, params, trace)
        return _Run(self, env).decide()

    def check_invariants(
        self, dossier: Dossier, decision: Decision, params: Mapping[str, Any] | None = None
    ) -> list[tuple[CompiledInvariant, bool | None]]:
        """Each invariant with its value for this dossier and its decision (False = broken)."""
        env = self.env(dossier, params, trace=False)
        env.decision = {
            "status": decision.status,
            "amount": decision.amount,
            "score": decision.score,
        }
        return [(inv, inv.condition(env)) for inv in self.invariants]


class _Run:
    """The evaluation of one dossier (mutable, local to `CompiledPolicy.evaluate`)."""

    def __init__(self, program: CompiledPolicy, env: Env) -> None:
        self.p = program
        self.env = env
        self.trace: list[TraceEntry] = []
        self.missing: dict[str, None] = {}

    def _note(self, meta: Meta, outcome: str, amount: Decimal | None = None) -> None:
        reads = self.env.reads
        if outcome == "unknown":
            for path, value in reads:
                if value is None:
                    self.missing[path] = None
        if self.env.trace:
            self.trace.append(
                TraceEntry(meta.id, meta.kind, outcome, tuple(reads), amount, meta.source,
                           meta.file, meta.line)
            )

    def _holds(self, fn: Fn | None) -> bool | None:
        if fn is None:
            return True
        value = fn(self.env)
        return value if value is None else bool(value)

    def decide(self) -> Decision:
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
                self._note(meta, outcome)

        amount: Decimal | None = None
        amount_unknown = False
        if not failing:
            amount, amount_unknown = self._amount()
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

    # --------------------------------------------------------------- amount

    def _amount(self) -> tuple[Decimal | None, bool]:
        """The amount pipeline; returns (amount, unknown)."""
        env = self.env
        env.reads = []
        base = self.p.base(env) if self.p.base is not None else env.derived("eligible_expenses")
        self._note(_BASE, "unknown" if base is None else "applied", base)

        amount: Decimal | None
        if not self.p.computations:
            amount = base
            if base is None:
                return None, True
        else:
            amount = None
            for comp in self.p.computations:
                env.reads = []
                when = self._holds(comp.when)
                if when is None:
                    self._note(comp.meta, "unknown")
                    return None, True
                if not when:
                    self._note(comp.meta, "skipped")
                    continue
                amount = self._compute(comp, base)
                self._note(comp.meta, "unknown" if amount is None else "applied", amount)
                if amount is None:
                    return None, True
                break
            if amount is None:
                return None, False  # no forfait or rate applies: nobody set an amount

        bonuses = [a for a in self.p.adjustments if a.meta.kind == "bonus"]
        bounds = [a for a in self.p.adjustments if a.meta.kind != "bonus"]
        for adj in (*bonuses, *bounds):
            env.reads = []
            when = self._holds(adj.when)
            if when is None:
                self._note(adj.meta, "unknown")
                return None, True
            if not when:
                self._note(adj.meta, "skipped")
                continue
            value = adj.value(env)
            if value is None:
                self._note(adj.meta, "unknown")
                return None, True
            before = amount
            if adj.meta.kind == "bonus":
                amount = amount + (amount * value if adj.percent else value)
            elif adj.meta.kind == "cap":
                amount = min(amount, value)
            else:
                amount = max(amount, value)
            self._note(adj.meta, "applied" if amount != before else "not binding", amount)

        env.reads = []
        eligible = env.derived("eligible_expenses")
        if eligible is None:
            self._note(_ELIGIBLE_BASE, "unknown")
            return None, True
        capped = min(amount, eligible)
        self._note(_ELIGIBLE_BASE, "applied" if capped != amount else "not binding", capped)
        amount = capped

        requested = env.dossier.requested
        if requested is not None:
            env.reads = [("requested", requested)] if env.trace else []
            capped = min(amount, requested)
            self._note(_REQUESTED, "applied" if capped != amount else "not binding", capped)
            amount = capped
        amount = max(amount, _ZERO).quantize(_CENT, rounding=ROUND_HALF_UP)
        return amount, False

    def _compute(self, comp: Computation, base: Decimal | None) -> Decimal | None:
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
            when = self._holds(criterion.when)
            if when is None:
                self._note(criterion.meta, "unknown")
                continue
            if not when:
                self._note(criterion.meta, "skipped")
                continue
            value = criterion.value(env)
            if value is None:
                self._note(criterion.meta, "unknown")
                continue
            total += value
            self._note(criterion.meta, f"{value:+}")
        return int(total)


def compile_policy(
    policy: ast.Policy,
    *,
    functions: FunctionRegistry | None = None,
    schema: t.Schema | None = None,
    plugins: PluginHost | None = None,
) -> CompiledPolicy:
    """Compile a (resolved, checked) policy once, for many evaluations.

    The functions and `extra` fields come from `plugins` when given (else
    from `functions` / `schema`, else the built-ins). Raises
    `EvaluationError` when the policy uses something the evaluator does not
    know; a checked policy never does.
    """
    from fitn7.hashing import policy_hash

    if plugins is not None:
        functions = functions or plugins.functions
        schema = schema or plugins.schema
    schema = schema or t.DEFAULT_SCHEMA
    registry = functions or builtin_registry()
    params = {p.name: p for p in policy.of_type(ast.Param)}
    lets = {let.name: let.value for let in policy.of_type(ast.Let)}
    scope = Scope(lets=set(lets), params=set(params), schema=schema)
    compiler = Compiler(scope, registry, lets)

    defaults: dict[str, Any] = {}
    for name, node in params.items():
        value = compiler.constant(node.default)
        if value is None or type(value).__name__ == "_NotConstant":
            raise EvaluationError(f"param `{name}` needs a literal default at {node.span}")
        defaults[name] = value

    categories = frozenset(Category)
    for decl in policy.of_type(ast.Expenses):
        named = frozenset(Category(c) for c in decl.categories if c in Category._value2member_map_)
        categories = named if decl.mode == "eligible" else frozenset(Category) - named

    sessions = []
    for session in policy.of_type(ast.Session):
        closes = compiler.constant(session.closes)
        if not isinstance(closes, datetime.date):
            raise EvaluationError(f"session `{session.name}` needs a date at {session.span}")
        sessions.append((session.name, closes))
    sessions.sort(key=lambda s: s[1])

    def opt(node: ast.Expr | None) -> Fn | None:
        return compiler.compile(node) if node is not None else None

    base: Fn | None = None
    computations: list[Computation] = []
    adjustments: list[CompiledAdjustment] = []
    for block in policy.of_type(ast.Amount):
        for index, step in enumerate(block.steps, start=1):
            match step:
                case ast.Base(value=value):
                    base = compiler.compile(value)
                case ast.Forfait():
                    computations.append(Computation(
                        _meta("forfait", step, f"forfait#{index}"), opt(step.when),
                        compiler.compile(step.value)))
                case ast.Rate():
                    computations.append(Computation(
                        _meta("rate", step, f"taux#{index}"), opt(step.when),
                        compiler.compile(step.value)))
                case ast.ForfaitBands():
                    bands = tuple(
                        CompiledBand(opt(b.low), opt(b.high), compiler.compile(b.value))
                        for b in step.bands
                    )
                    computations.append(Computation(
                        _meta("forfait", step, f"forfait#{index}"), opt(step.when), None,
                        compiler.compile(step.by), bands))
                case ast.Adjustment():
                    adjustments.append(CompiledAdjustment(
                        _meta(step.kind, step, step.id), opt(step.when),
                        compiler.compile(step.value), _is_percent(step.value, params)))

    criteria = tuple(
        CompiledCriterion(_meta("score", c, c.id), opt(c.when), compiler.compile(c.value))
        for block in policy.of_type(ast.Score)
        for c in block.criteria
    )
    limits = tuple(
        CompiledLimit(_meta("limit", lim, lim.id), compiler.compile(lim.count),
                      compiler.compile(lim.per), opt(lim.where))
        for lim in policy.of_type(ast.Limit)
    )
    inv_compiler = compiler.for_invariants()
    invariants = tuple(
        CompiledInvariant(_meta("invariant", inv, inv.id), inv_compiler.compile(inv.condition))
        for inv in policy.of_type(ast.Invariant)
    )
    envelope = compiler.constant(policy.header.envelope) if policy.header.envelope else None
    return CompiledPolicy(
        policy=policy,
        ref=PolicyRef(policy.id, policy.header.version, policy_hash(policy)),
        param_defaults=defaults,
        param_nodes=params,
        lets={name: compiler.compile(ast.Name(name)) for name in lets},
        eligible_categories=categories,
        sessions=tuple(sessions),
        envelope=envelope if isinstance(envelope, Decimal) else None,
        rules=tuple(
            CompiledRule(_meta(r.kind, r, r.id), compiler.compile(r.condition))
            for r in policy.of_type(ast.Rule)
        ),
        base=base,
        computations=tuple(computations),
        adjustments=tuple(adjustments),
        criteria=criteria,
        limits=limits,
        invariants=invariants,
    )
