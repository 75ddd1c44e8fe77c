"""The decision of a policy as solver terms: rule outcomes, the amount pipeline, the
score and the status, mirroring `fitn7.evaluation.reference.Run` step for step."""

from __future__ import annotations

from typing import Any

import attrs
import z3

from fitn7.dsl import ast
from fitn7.dsl.amounts import Section, sections
from fitn7.evaluation.program import is_percent_bonus
from fitn7.proofs.expressions import Translator, Unmodelled
from fitn7.proofs.inputs import DOCUMENT, ENUMS, INPUT, Inputs
from fitn7.proofs.values import (
    FALSE,
    TRUE,
    Sym,
    fails,
    floor_cents,
    holds,
    round_cents_half_up,
    zmax,
    zmin,
)
from fitn7.vocabulary import effective_categories

STATUS = {name: i for i, name in enumerate(ENUMS["status"])}


@attrs.frozen
class State:
    """The amount between two steps: its value, or unknown, or none (no forfait applies)."""

    value: Any
    unknown: Any
    none: Any

    def ite(self, cond: Any, other: State) -> State:
        """This state when `cond`, else `other`."""
        return State(z3.If(cond, self.value, other.value), z3.If(cond, self.unknown, other.unknown),
                     z3.If(cond, self.none, other.none))

    @property
    def live(self) -> Any:
        """There is a known amount to go on with."""
        return z3.And(z3.Not(self.unknown), z3.Not(self.none))


@attrs.frozen
class StepTerm:
    """One amount step: where it is, whether it applies, whether it changes the amount,
    and the amount it receives (for findings and diff regions)."""

    kind: str
    id: str
    node: Any
    applies: Any
    binds: Any
    before: Any
    value: Any = None
    #: For a band: the id of its forfait.
    parent: str | None = None


@attrs.frozen
class RuleTerm:
    """One rule and its condition."""

    rule: ast.Rule
    condition: Sym


@attrs.define
class PolicyModel:
    """The symbolic decision of one policy over `inputs`."""

    policy: ast.Policy
    inputs: Inputs
    translator: Translator
    rules: list[RuleTerm] = attrs.field(factory=list)
    steps: list[StepTerm] = attrs.field(factory=list)
    status: Any = None
    amount: Sym | None = None
    #: The amount before the rules' verdict (meaningful when eligible): for findings.
    computed: State | None = None
    score: Any = None
    failing: Any = FALSE
    #: Some rule turns the dossier away (the amount is then not computed).
    rules_fail: Any = FALSE
    #: For each forfait and rate: the dossiers for which it gives the amount.
    chosen: dict[str, Any] = attrs.field(factory=dict)

    @property
    def unmodelled(self) -> list[Unmodelled]:
        """What this policy's model reads as free values."""
        return self.translator.unmodelled

    def decision_field(self, name: str) -> Sym:
        """`status`, `amount` or `score`, as invariants read them."""
        if name == "status":
            return Sym("code", TRUE, self.status)
        if name == "amount":
            assert self.amount is not None
            return self.amount
        return Sym("num", TRUE, self.score)


def build(policy: ast.Policy, inputs: Inputs) -> PolicyModel:
    """The model of a resolved policy's decision over `inputs`."""
    tr = Translator(policy, inputs)
    m = PolicyModel(policy, inputs, tr)
    tr.decision = m.decision_field
    for decl in policy.declarations:
        # Declarations added to the language later degrade to "unmodelled", reported.
        if type(decl).__name__ not in _MODELLED:
            tr.unmodelled.append(Unmodelled(type(decl).__name__, "this declaration is not "
                                            "modelled", getattr(decl, "span", None)))
    for name in policy.header.uses:
        tr.unmodelled.append(Unmodelled(
            f'uses "{name}"', "its enrichers may fill fields and its functions are free "
            "values; fields are read as the dossier gives them", policy.header.place(
                f"uses:{name}")))
    categories, basis = expense_basis(policy)
    eligible, total = inputs.expenses(basis, categories)
    tr.derived = {"eligible_expenses": eligible, "total_expenses": total}

    failing, undecided, reviews = [], [], []
    for rule in policy.of_type(ast.Rule):
        cond = tr.expr(rule.condition)
        m.rules.append(RuleTerm(rule, cond))
        undecided.append(z3.Not(cond.known))
        if rule.kind == "require":
            failing.append(fails(cond))
        elif rule.kind == "exclude":
            failing.append(holds(cond))
        else:
            reviews.append(holds(cond))
    undecided += _incompleteness(policy, tr)
    rules_fail = z3.Or(failing) if failing else FALSE
    m.rules_fail = rules_fail

    state, below = _amount(m, tr, eligible)
    m.computed = state
    m.failing = z3.Or(rules_fail, z3.And(z3.Not(rules_fail), below))
    unknown = z3.And(z3.Not(rules_fail), state.unknown)
    none = z3.And(z3.Not(rules_fail), state.none)
    m.status = z3.If(
        m.failing, STATUS["ineligible"],
        z3.If(z3.Or(z3.Or(undecided) if undecided else FALSE, unknown), STATUS["incomplete"],
              z3.If(z3.Or(reviews) if reviews else FALSE, STATUS["review"],
                    STATUS["eligible"])))
    m.amount = Sym("num", z3.Not(z3.Or(m.failing, unknown, none)), state.value)
    m.score = _score(policy, tr)
    return m


def _incompleteness(policy: ast.Policy, tr: Translator) -> list[Any]:
    """What makes a dossier incomplete besides its undecided rules, as the evaluator's
    completeness check: a required input it lacks, a document it does not list whose
    condition holds or is unknown."""
    out: list[Any] = []
    for declared in policy.of_type(ast.Input):
        if not declared.required:
            continue
        path = f"{INPUT}{declared.name}"
        # The dossier's own value, not a default: an input of a type the model does not
        # read is the free value its reads are.
        given = tr.inputs.field(path) if path in tr.inputs.declared else tr.expr(
            ast.Name(declared.name, span=declared.span))
        out.append(z3.Not(given.known))
    for document in policy.of_type(ast.Document):
        provided = tr.inputs.field(f"{DOCUMENT}{document.name}").value
        when = tr.expr(document.when) if document.when is not None else None
        out.append(z3.And(z3.Not(provided), z3.Not(fails(when)) if when is not None
                          else TRUE))
    return out


# A `category` only names the lines an `expenses` declaration counts, and the model
# already abstracts the lines to an eligible total within the total: it adds nothing
# to model. An input is read where a rule names it, a document in `_incompleteness`.
_MODELLED = frozenset({"Param", "Let", "Session", "Rule", "Expenses", "ExpensesBasis",
                       "Amount", "Score", "Limit", "Invariant", "ExpenseCategory",
                       "Input", "Document"})


def expense_basis(policy: ast.Policy) -> tuple[frozenset[str], str]:
    """The categories the eligible base counts, and the figure of a line it reads
    (`amount`, `ht`, `ttc` or `ttc-vat`)."""
    categories = frozenset(c.name for c in effective_categories(policy))
    for decl in policy.of_type(ast.Expenses):
        named = frozenset(c for c in decl.categories if c in categories)
        categories = named if decl.mode == "eligible" else categories - named
    basis = "amount"
    for declared in policy.of_type(ast.ExpensesBasis):
        basis = declared.basis + ("-vat" if declared.excluding_recovered_vat else "")
    return categories, basis


def _amount(m: PolicyModel, tr: Translator, eligible: Sym) -> tuple[State, Any]:
    """The amount pipeline; returns the final state and "below a minimum"."""
    steps = tuple(s for block in m.policy.of_type(ast.Amount) for s in block.steps)
    grouped = sections(steps)
    params = tr.params
    if grouped.parts:
        total: Any = z3.RealVal(0)
        unknown: Any = FALSE
        for section in grouped.parts:
            assert section.part is not None
            own = tr.opaque(section.part.lines, f"the lines of part `{section.part.id}` "
                            "are a filter of the expense list")
            # Whatever lines it takes, their sum is an amount: never below 0.
            m.inputs.constraints.append(own.as_num() >= 0)
            base = own
            base_nodes = [s for s in section.steps if isinstance(s, ast.Base)]
            if base_nodes:
                base = tr.expr(base_nodes[-1].value)
            start = State(base.as_num(), z3.Not(base.known), FALSE)
            state = _pipeline(m, tr, section, start, params, in_part=True)
            capped = zmin(state.value, base.as_num())
            total = total + capped
            unknown = z3.Or(unknown, z3.Not(own.known), state.unknown, z3.Not(base.known))
        state = _pipeline(m, tr, grouped.main, State(total, unknown, FALSE), params,
                          in_part=False)
    else:
        base_nodes = [s for s in grouped.main.steps if isinstance(s, ast.Base)]
        base = tr.expr(base_nodes[-1].value) if base_nodes else eligible
        start = State(base.as_num(), z3.Not(base.known), FALSE)
        state = _pipeline(m, tr, grouped.main, start, params, in_part=False)

    # The implicit caps: never above the eligible base, nor above the request.
    after = State(zmin(state.value, eligible.value), FALSE, FALSE)
    after = State(after.value, z3.Not(eligible.known), FALSE).ite(state.live, state)
    requested = tr.inputs.field("requested")
    capped = z3.If(requested.known, zmin(after.value, requested.value), after.value)
    final_value = round_cents_half_up(zmax(capped, z3.RealVal(0)))
    final = State(final_value, after.unknown, after.none)

    below: list[Any] = []
    unknown_min: list[Any] = []
    for node in steps:
        if not isinstance(node, ast.Minimum):
            continue
        when = tr.expr(node.when) if node.when is not None else None
        value = tr.expr(node.value)
        applies = holds(when) if when is not None else TRUE
        fails_ = z3.And(final.live, applies, value.known, final.value < value.as_num())
        below.append(fails_)
        unknown_min.append(z3.And(final.live, z3.Or(
            z3.Not(when.known) if when is not None else FALSE,
            z3.And(applies, z3.Not(value.known)))))
        m.steps.append(StepTerm("minimum", node.id, node, z3.And(final.live, applies), fails_,
                                final.value, value.as_num()))
    if unknown_min:
        final = State(final.value, z3.Or(final.unknown, z3.Or(unknown_min)), final.none)
    return final, (z3.Or(below) if below else FALSE)


def _pipeline(m: PolicyModel, tr: Translator, section: Section, start: State,
              params: Any, *, in_part: bool) -> State:
    comps = [(i, s) for i, s in section.indexed
             if isinstance(s, ast.Forfait | ast.ForfaitBands | ast.Rate)]
    base = start
    if not comps:
        state = base
    else:
        # The first forfait or rate whose condition holds, built from the last one up.
        state = State(z3.RealVal(0), FALSE, FALSE) if in_part else State(
            z3.RealVal(0), FALSE, TRUE)
        whens: dict[int, Sym | None] = {}
        for index, node in reversed(comps):
            when = tr.expr(node.when) if node.when is not None else None
            whens[index] = when
            gives = _computation(m, tr, index, node, base)
            sid = node.id or f"forfait#{index}"
            applies = holds(when) if when is not None else TRUE
            m.steps.append(StepTerm(_kind(node), sid, node, applies, applies, base.value,
                                    gives.value))
            chosen = gives.ite(applies, state)
            # An undecidable condition stops the choice: the amount is unknown.
            state = State(z3.RealVal(0), TRUE, FALSE).ite(
                z3.Not(when.known), chosen) if when is not None else chosen
        # Which computation is chosen: its condition holds, every earlier one is false.
        earlier: list[Any] = []
        for index, node in comps:
            when = whens[index]
            sid = node.id or f"forfait#{index}"
            m.chosen[sid] = z3.And(start.live, *earlier,
                                   holds(when) if when is not None else TRUE)
            earlier.append(fails(when) if when is not None else FALSE)
    adjustments: list[ast.Adjustment | ast.Ceiling] = [
        s for s in section.steps if isinstance(s, ast.Adjustment | ast.Ceiling)]
    ordered: list[ast.Adjustment | ast.Ceiling] = [
        a for a in adjustments if isinstance(a, ast.Adjustment) and a.kind == "bonus"]
    ordered += [a for a in adjustments if a not in ordered]
    for adj in ordered:
        when = tr.expr(adj.when) if adj.when is not None else None
        if isinstance(adj, ast.Ceiling):
            share, cost = tr.expr(adj.share), tr.expr(adj.cost)
            other = tr.expr(adj.other) if adj.other is not None else None
            parts = [share, cost] + ([other] if other is not None else [])
            known = z3.And([p.known for p in parts])
            limit = share.as_num() * cost.as_num() - (
                other.as_num() if other is not None else 0)
            value = Sym("num", known, floor_cents(zmax(limit, z3.RealVal(0))))
            kind = "ceiling"
        else:
            value = tr.expr(adj.value)
            kind = adj.kind
        x = state.value
        if kind == "bonus":
            percent = isinstance(adj, ast.Adjustment) and is_percent_bonus(adj.value, params)
            new = x + (x * value.as_num() if percent else value.as_num())
        elif kind in ("cap", "ceiling"):
            new = zmin(x, value.as_num())
        else:
            new = zmax(x, value.as_num())
        applies = z3.And(state.live, holds(when) if when is not None else TRUE)
        m.steps.append(StepTerm(kind, adj.id, adj, applies,
                                z3.And(applies, value.known, new != x), x, value.as_num()))
        unknown = z3.And(state.live, z3.Or(
            z3.Not(when.known) if when is not None else FALSE,
            z3.And(applies, z3.Not(value.known))))
        applied = State(new, FALSE, FALSE).ite(z3.And(applies, value.known), state)
        state = State(x, TRUE, FALSE).ite(unknown, applied)
    return state


def _kind(node: Any) -> str:
    return "rate" if isinstance(node, ast.Rate) else "forfait"


def _computation(m: PolicyModel, tr: Translator, index: int, node: Any, base: State) -> State:
    """The amount one forfait, banded forfait or rate gives (a state: it may be unknown)."""
    if isinstance(node, ast.Rate):
        rate = tr.expr(node.value)
        return State(base.value * rate.as_num(), z3.Or(base.unknown, z3.Not(rate.known)), FALSE)
    if isinstance(node, ast.Forfait):
        flat = tr.expr(node.value)
        return State(flat.as_num(), z3.Not(flat.known), FALSE)
    x = tr.expr(node.by)
    # No band matching gives no amount: unknown, as the evaluator says.
    state = State(z3.RealVal(0), TRUE, FALSE)
    sid = node.id or f"forfait#{index}"
    for number, band in reversed(list(enumerate(node.bands, start=1))):
        low = tr.expr(band.low) if band.low is not None else None
        high = tr.expr(band.high) if band.high is not None else None
        conds = [x.known]
        if low is not None:
            conds += [low.known, x.as_num() >= low.as_num()]
        if high is not None:
            conds += [high.known, x.as_num() < high.as_num()]
        inside = z3.And(conds)
        value = tr.expr(band.value)
        m.steps.append(StepTerm("band", f"{sid}[{number}]", band, inside, inside,
                                x.as_num(), value.as_num(), parent=sid))
        state = State(value.as_num(), z3.Not(value.known), FALSE).ite(inside, state)
    return state


def _score(policy: ast.Policy, tr: Translator) -> Any:
    total: Any = z3.RealVal(0)
    for block in policy.of_type(ast.Score):
        for criterion in block.criteria:
            when = tr.expr(criterion.when) if criterion.when is not None else None
            value = tr.expr(criterion.value)
            gives = z3.And(holds(when) if when is not None else TRUE, value.known)
            total = total + z3.If(gives, value.as_num(), z3.RealVal(0))
    return total
