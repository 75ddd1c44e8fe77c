"""A policy compiled once, then applied to any number of dossiers.

`compile_policy` walks the AST one time and gives two compiled forms of the
same policy: closures over an `Env` (`fitn7.evaluation.compiler`), which
record what every rule read and build the trace, and two generated Python
functions (`fitn7.evaluation.fastpath`), for decisions without the trace and
with it. `CompiledPolicy.evaluate` picks the generated one; the closures stay
the reference, and a generated function hands back to them whatever it does
not decide alone (see `fitn7.evaluation.fastpath`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, sections
from fitn7.errors import EvaluationError
from fitn7.evaluation.applicability import with_not_applicable
from fitn7.evaluation.compiler import NOT_CONSTANT, Compiler, Fn, constant_value
from fitn7.evaluation.decision import Decision, PolicyRef
from fitn7.evaluation.env import AMOUNT_BASIS, Basis, Env
from fitn7.evaluation.fastpath import FastPath, generate
from fitn7.evaluation.params import merge_params
from fitn7.evaluation.reference import Run
from fitn7.evaluation.steps import (
    BASE,
    TOTAL,
    CompiledAdjustment,
    CompiledBand,
    CompiledCeiling,
    CompiledCriterion,
    CompiledDocument,
    CompiledInput,
    CompiledInvariant,
    CompiledLimit,
    CompiledMinimum,
    CompiledPart,
    CompiledRule,
    Computation,
    Meta,
    Pipeline,
)
from fitn7.functions import FunctionRegistry, builtin_registry
from fitn7.scope import Scope
from fitn7.vocabulary import Vocabulary, scope_names

if TYPE_CHECKING:
    from fitn7.plugins import PluginHost

__all__ = [
    "CompiledAdjustment",
    "CompiledBand",
    "CompiledCeiling",
    "CompiledCriterion",
    "CompiledInvariant",
    "CompiledLimit",
    "CompiledMinimum",
    "CompiledPart",
    "CompiledPolicy",
    "CompiledRule",
    "Computation",
    "Meta",
    "Pipeline",
    "compile_policy",
]


def _meta(kind: str, node: Any, default_id: str) -> Meta:
    return Meta(
        getattr(node, "id", None) or default_id,
        kind,
        getattr(node, "message", None),
        getattr(node, "source", None),
        node.span,
    )


def is_percent_bonus(node: ast.Expr, params: Mapping[str, ast.Param]) -> bool:
    """Whether a bonus's value is a share of the amount (`10%`, a percent param), not euros."""
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
    eligible_categories: frozenset[str]
    sessions: tuple[tuple[str, datetime.date], ...]
    envelope: Decimal | None
    rules: tuple[CompiledRule, ...]
    #: The single pipeline of the amount, or (with parts) the steps on their total.
    base: Fn | None
    computations: tuple[Computation, ...]
    adjustments: tuple[CompiledAdjustment | CompiledCeiling, ...]
    criteria: tuple[CompiledCriterion, ...]
    limits: tuple[CompiledLimit, ...]
    invariants: tuple[CompiledInvariant, ...]
    #: What a dossier may name under this policy: categories, inputs, documents.
    vocabulary: Vocabulary = attrs.field(factory=Vocabulary)
    #: The inputs a dossier must give, and the documents it must list (when their
    #: condition holds), or the decision is incomplete.
    required_inputs: tuple[CompiledInput, ...] = ()
    documents: tuple[CompiledDocument, ...] = ()
    #: The generated decision function, or None when the policy keeps its closures only.
    fast: FastPath | None = attrs.field(default=None, eq=False, repr=False)
    #: The generated function building the trace too, or None (the closures build it).
    traced: FastPath | None = attrs.field(default=None, eq=False, repr=False)
    #: The trace entry of the base: the `base` step's message and source when written.
    base_meta: Meta = BASE
    #: The parts of the grant, in order (none: a single pipeline).
    parts: tuple[CompiledPart, ...] = ()
    #: The trace entry of the sum of the parts (the `total` line when written).
    total_meta: Meta = TOTAL
    minimums: tuple[CompiledMinimum, ...] = ()
    #: Which figure of each expense line is funded (`expenses basis`).
    basis: Basis = AMOUNT_BASIS

    @property
    def main(self) -> Pipeline:
        """The single pipeline, or the steps on the total of the parts."""
        return Pipeline(self.base, self.base_meta, self.computations, self.adjustments)

    def env(self, dossier: Dossier, params: Mapping[str, Any] | None, trace: bool) -> Env:
        """A fresh environment for one dossier (params already validated or not)."""
        values = merge_params(self.param_defaults, self.param_nodes, params) if params else (
            self.param_defaults
        )
        return Env(dossier, values, self.lets, self.eligible_categories, self.sessions, trace,
                   self.basis)

    def evaluate(
        self, dossier: Dossier, params: Mapping[str, Any] | None = None, *, trace: bool = True
    ) -> Decision:
        """The decision on one dossier. Pure: same inputs, same decision.

        A generated function decides: the fast one without the trace, the traced
        one with it. When the policy has none, or it gives up on this dossier,
        the closures do. All give the same decision.
        """
        generated = self.traced if trace else self.fast
        if generated is None:
            return self.evaluate_reference(dossier, params, trace=trace)
        values = merge_params(self.param_defaults, self.param_nodes, params) if params else (
            self.param_defaults
        )
        try:
            decision = generated.function(dossier, values)
        except Exception:
            # Any failure (a division by zero, a plugin error, an odd dossier):
            # the closures evaluate again, and raise the error with its policy
            # file, line and column if there is one.
            return self.evaluate_reference(dossier, params, trace=trace)
        return with_not_applicable(decision, dossier)

    def evaluate_reference(
        self, dossier: Dossier, params: Mapping[str, Any] | None = None, *, trace: bool = True
    ) -> Decision:
        """The decision computed by the closures only: the reference for the fast path."""
        try:
            decision = Run(self, self.env(dossier, params, trace)).decide()
        except ArithmeticError as exc:
            # decimal.Overflow and the like: only a policy multiplying large numbers
            # again and again gets past the Decimal context, never a real one.
            raise EvaluationError(
                f"a value the policy computes is too large ({type(exc).__name__}): check the "
                "arithmetic of its rules and lets"
            ) from None
        return with_not_applicable(decision, dossier)

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


def compile_policy(
    policy: ast.Policy,
    *,
    functions: FunctionRegistry | None = None,
    schema: t.Schema | None = None,
    plugins: PluginHost | None = None,
) -> CompiledPolicy:
    """Compile a (resolved, checked) policy once, for many evaluations.

    The functions and `extra` fields come from `plugins` when given (those
    of the plugins the policy names in `uses` only), else from `functions` /
    `schema`, else the built-ins. Raises
    `EvaluationError` when the policy uses something the evaluator does not
    know; a checked policy never does.
    """
    from fitn7.hashing import policy_hash

    if policy.header.extends is not None and not policy.resolved:
        # Compiling the child alone would silently drop every rule it inherits.
        raise EvaluationError(
            f"policy `{policy.id}` extends `{policy.header.extends}`, which is not merged "
            "in: load it with `fitn7.load_policy` (or `fitn7.resolve.resolve_extends`)"
        )

    if plugins is not None:
        # Only the vocabulary of the plugins the policy names, as the checker.
        functions = functions or plugins.functions_for(policy.header.uses)
        schema = schema or plugins.schema_for(policy.header.uses)
    schema = schema or t.DEFAULT_SCHEMA
    registry = functions or builtin_registry()
    params = {p.name: p for p in policy.of_type(ast.Param)}
    lets = {let.name: let.value for let in policy.of_type(ast.Let)}
    inputs, constants = scope_names(policy)
    scope = Scope(lets=set(lets), params=set(params), schema=schema, inputs=inputs,
                  constants=constants)
    bare = Compiler(scope, registry, lets)
    input_defaults = {
        i.name: bare.constant(i.default) for i in policy.of_type(ast.Input)
        if i.default is not None and bare.constant(i.default) is not NOT_CONSTANT
    }
    compiler = attrs.evolve(bare, input_defaults=input_defaults)
    vocabulary = Vocabulary.of(policy)

    defaults: dict[str, Any] = {}
    for name, node in params.items():
        value = compiler.constant(node.default)
        if value is None or value is NOT_CONSTANT:
            raise EvaluationError(f"param `{name}` needs a literal default at {node.span}")
        defaults[name] = value

    every = frozenset(constant_value(c) for c in vocabulary.categories)
    categories = every
    for decl in policy.of_type(ast.Expenses):
        named = frozenset(constant_value(c) for c in decl.categories) & every
        categories = named if decl.mode == "eligible" else every - named

    sessions = []
    for session in policy.of_type(ast.Session):
        closes = compiler.constant(session.closes)
        if not isinstance(closes, datetime.date):
            raise EvaluationError(f"session `{session.name}` needs a date at {session.span}")
        sessions.append((session.name, closes))
    sessions.sort(key=lambda s: s[1])

    def opt(node: ast.Expr | None) -> Fn | None:
        return compiler.compile(node) if node is not None else None

    def pipeline(section: Section, base_name: str) -> Pipeline:
        base: Fn | None = None
        base_meta = BASE if base_name == "base" else attrs.evolve(BASE, id=base_name)
        computations: list[Computation] = []
        adjustments: list[CompiledAdjustment | CompiledCeiling] = []
        for index, step in section.indexed:
            match step:
                case ast.Base(value=value):
                    base = compiler.compile(value)
                    base_meta = Meta(base_name, "base", step.message, step.source, step.span)
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
                        compiler.compile(step.value), is_percent_bonus(step.value, params)))
                case ast.Ceiling():
                    adjustments.append(CompiledCeiling(
                        _meta("ceiling", step, step.id), opt(step.when),
                        compiler.compile(step.share), compiler.compile(step.cost),
                        opt(step.other)))
                case ast.Minimum():
                    minimums.append(CompiledMinimum(
                        _meta("minimum", step, step.id), opt(step.when),
                        compiler.compile(step.value)))
        return Pipeline(base, base_meta, tuple(computations), tuple(adjustments))

    parts: list[CompiledPart] = []
    minimums: list[CompiledMinimum] = []
    # One `amount` block in a policy that checks; the steps of several are read as
    # one, as the fast path does.
    grouped = sections(tuple(s for block in policy.of_type(ast.Amount) for s in block.steps))
    for section in grouped.parts:
        assert section.part is not None
        part = section.part
        parts.append(CompiledPart(
            _meta("part", part, part.id),
            compiler.compile(part.lines),
            pipeline(section, f"{part.id}.base"),
            Meta(f"{part.id}.assiette", "cap", None, None, None),
        ))
    main = pipeline(grouped.main, "base")
    total_meta = _meta("total", grouped.total, "total") if grouped.total is not None else TOTAL

    basis = AMOUNT_BASIS
    for declared in policy.of_type(ast.ExpensesBasis):
        basis = Basis(declared.basis, declared.excluding_recovered_vat)

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
    program = CompiledPolicy(
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
        base=main.base,
        computations=main.computations,
        adjustments=main.adjustments,
        criteria=criteria,
        limits=limits,
        invariants=invariants,
        vocabulary=vocabulary,
        required_inputs=tuple(
            CompiledInput(Meta(i.name, "input", i.label or i.name, i.source, i.span), i.name)
            for i in policy.of_type(ast.Input) if i.required
        ),
        documents=tuple(
            CompiledDocument(Meta(d.name, "document", d.label, d.source, d.span), d.name,
                             opt(d.when))
            for d in policy.of_type(ast.Document)
        ),
        base_meta=main.base_meta,
        parts=tuple(parts),
        total_meta=total_meta,
        minimums=tuple(minimums),
        basis=basis,
    )
    return attrs.evolve(program, fast=generate(policy, compiler, program),
                        traced=generate(policy, compiler, program, traced=True))
