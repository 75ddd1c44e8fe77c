"""`fitn7 diff --symbolic OLD NEW`: for every possible dossier, where the decisions of two
versions differ, which way, by how much at most, with a witness dossier for each region.

Both versions read one symbolic dossier. The solver is asked for a dossier
decided differently; its direction (newly ineligible, amount lower...) and the
outcomes of the steps and rules that changed between the versions make a
region; the region is excluded and the solver asked again, until none is left
(then the list is complete) or the time is up (then it says so). Regions of one
direction are merged on the outcomes they share, and the largest difference in
each is found with z3's optimizer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import z3

from fitn7.dsl import ast
from fitn7.dsl.formatter import format_expression
from fitn7.proofs import witness
from fitn7.proofs.inputs import Inputs
from fitn7.proofs.model import STATUS, PolicyModel, StepTerm, build
from fitn7.proofs.solve import ask
from fitn7.proofs.values import holds

_INELIGIBLE = STATUS["ineligible"]
_STATUS_NAMES = {code: name for name, code in STATUS.items()}
#: How many regions are looked for before the answer says the list may go on.
MAX_REGIONS = 12


@attrs.frozen
class Atom:
    """One condition a region can be described by: a term and how it reads."""

    term: Any
    text: str


@attrs.frozen
class Region:
    """Dossiers whose decision differs one way, described by shared conditions."""

    direction: str
    conditions: tuple[str, ...]
    largest: Decimal | None
    unbounded: bool
    witness: dict[str, Any] | None
    old: str
    new: str
    confirmed: bool | None = None
    confirmation: str = ""
    #: The optimizer could not find the largest difference in time.
    largest_unknown: bool = False


@attrs.frozen
class SymbolicDiff:
    """`equivalent` (proved), `different` (with regions) or `unknown` (with why)."""

    verdict: str
    regions: tuple[Region, ...] = ()
    complete: bool = True
    reason: str | None = None
    unmodelled: tuple[str, ...] = ()


def directions(old: PolicyModel, new: PolicyModel) -> list[tuple[str, Any, Any]]:
    """Each direction a decision can change in: name, condition, difference in €."""
    assert old.amount is not None and new.amount is not None
    so, sn = old.status, new.status
    same = so == sn
    both = z3.And(old.amount.known, new.amount.known)
    return [
        ("newly ineligible", z3.And(so != _INELIGIBLE, sn == _INELIGIBLE),
         z3.If(old.amount.known, old.amount.value, z3.RealVal(0))),
        ("newly eligible", z3.And(so == _INELIGIBLE, sn != _INELIGIBLE),
         z3.If(new.amount.known, new.amount.value, z3.RealVal(0))),
        ("status changes", z3.And(so != sn, so != _INELIGIBLE, sn != _INELIGIBLE), None),
        ("amount lower", z3.And(same, both, new.amount.value < old.amount.value),
         old.amount.value - new.amount.value),
        ("amount higher", z3.And(same, both, new.amount.value > old.amount.value),
         new.amount.value - old.amount.value),
        ("amount withdrawn", z3.And(same, old.amount.known, z3.Not(new.amount.known)), None),
        ("amount given", z3.And(same, z3.Not(old.amount.known), new.amount.known), None),
        ("score changes", z3.And(same, z3.Or(z3.Not(both),
                                             old.amount.value == new.amount.value),
                                 old.amount.known == new.amount.known,
                                 old.score != new.score), None),
    ]


def symbolic_diff(old_policy: ast.Policy, new_policy: ast.Policy, *,
                  timeout_s: float = 10.0,
                  confirm: Callable[[dict[str, Any]], tuple[str, Decimal | None,
                                                             str, Decimal | None]] | None = None,
                  ) -> SymbolicDiff:
    """Compare two resolved policies for every dossier (see the module docstring).

    `confirm`, when given, evaluates a witness under both versions and returns
    (old status, old amount, new status, new amount) to check it.
    """
    deadline = time.monotonic() + timeout_s
    inputs = Inputs.of(old_policy, new_policy)
    old, new = build(old_policy, inputs), build(new_policy, inputs)
    unmodelled = tuple(dict.fromkeys(str(u) for u in (*old.unmodelled, *new.unmodelled)))
    dirs = directions(old, new)
    differ = z3.Or([cond for _, cond, _ in dirs])
    atoms = _atoms(old, new)

    def left() -> float:
        return max(0.05, deadline - time.monotonic())

    found: list[tuple[str, tuple[bool, ...]]] = []
    blocked: list[Any] = []
    complete = True
    reason: str | None = None
    while True:
        if len(found) >= MAX_REGIONS * 4 or time.monotonic() >= deadline:
            complete, reason = False, f"more regions may exist (stopped after {timeout_s:g} s)"
            break
        goal = z3.And(differ, *[z3.Not(b) for b in blocked])
        answer = ask(inputs.constraints, goal, left())
        if answer.verdict == "unsat":
            break
        if answer.verdict == "unknown":
            if not found:
                return SymbolicDiff("unknown", reason=answer.reason, unmodelled=unmodelled)
            complete, reason = False, answer.reason
            break
        assert answer.model is not None
        model = answer.model
        direction, cond = next((name, c) for name, c, _ in dirs
                               if z3.is_true(model.eval(c, model_completion=True)))
        values = tuple(z3.is_true(model.eval(a.term, model_completion=True)) for a in atoms)
        found.append((direction, values))
        blocked.append(z3.And(cond, *_literals(atoms, values)))
    if not found:
        return SymbolicDiff("equivalent", unmodelled=unmodelled)
    regions = []
    for direction, cond, gap in dirs:
        signatures = [v for d, v in found if d == direction]
        if not signatures:
            continue
        kept = [i for i in range(len(atoms)) if len({s[i] for s in signatures}) == 1]
        lits = [atoms[i].term if signatures[0][i] else z3.Not(atoms[i].term) for i in kept]
        texts = tuple(dict.fromkeys(
            atoms[i].text if signatures[0][i] else f"not ({atoms[i].text})" for i in kept))
        region = _largest(inputs, old, new, direction, z3.And(cond, *lits), gap, texts,
                          left())
        if confirm is not None and region.witness is not None:
            region = _confirmed(region, confirm)
        regions.append(region)
    return SymbolicDiff("different", tuple(regions), complete, reason, unmodelled)


def _literals(atoms: list[Atom], values: tuple[bool, ...]) -> list[Any]:
    return [a.term if v else z3.Not(a.term) for a, v in zip(atoms, values, strict=True)]


def _largest(inputs: Inputs, old: PolicyModel, new: PolicyModel, direction: str,
             region: Any, gap: Any, texts: tuple[str, ...], timeout_s: float) -> Region:
    """The largest difference in the region, and a witness at it."""

    def optimizer(maximize: bool) -> tuple[Any, Any]:
        opt = z3.Optimize()
        opt.set("timeout", max(1, int(timeout_s * 1000)))
        opt.add(inputs.constraints)
        opt.add(region)
        handle = opt.maximize(gap) if maximize and gap is not None else None
        # Then, at the same difference, a complete dossier reads best: decided by
        # both versions (not incomplete), every field given.
        incomplete = STATUS["incomplete"]
        opt.add_soft(z3.And(old.status != incomplete, new.status != incomplete), 100)
        for term in inputs.readable():
            opt.add_soft(term)
        return opt, handle

    opt, handle = optimizer(True)
    result = opt.check()
    gap_unknown = False
    largest: Decimal | None = None
    unbounded = False
    table = None
    old_status = new_status = "?"
    model: Any = None
    if result == z3.sat:
        model = opt.model()
    else:
        # The optimizer gave up (rounding to the cent makes it mixed integer): a
        # witness is still found by the plain solver, the largest difference is not.
        answer = ask([*inputs.constraints], region, timeout_s)
        model = answer.model
        handle = None
        gap_unknown = gap is not None
    if model is not None:
        if handle is not None:
            upper = opt.upper(handle)
            if z3.is_rational_value(upper) or z3.is_int_value(upper):
                largest = witness.number(model, gap)
            else:
                # No largest difference: the witness is then chosen for readability only.
                unbounded = True
                again, _ = optimizer(False)
                if again.check() == z3.sat:
                    model = again.model()
        table = witness.dossier(model, inputs, "TEMOIN-" + direction.replace(" ", "-"))
        old_status = _STATUS_NAMES[model.eval(old.status, model_completion=True).as_long()]
        new_status = _STATUS_NAMES[model.eval(new.status, model_completion=True).as_long()]
        old_amount = _amount(model, old)
        new_amount = _amount(model, new)
        table = {**table, "_expected": (old_status, old_amount, new_status, new_amount)}
    return Region(direction, texts, largest, unbounded, table, old_status, new_status,
                  largest_unknown=gap_unknown)


def _amount(model: z3.ModelRef, m: PolicyModel) -> Decimal | None:
    assert m.amount is not None
    if not z3.is_true(model.eval(m.amount.known, model_completion=True)):
        return None
    return witness.number(model, m.amount.value)


def _confirmed(region: Region, confirm: Callable[[dict[str, Any]], tuple[
        str, Decimal | None, str, Decimal | None]]) -> Region:
    assert region.witness is not None
    table = {k: v for k, v in region.witness.items() if k != "_expected"}
    expected = region.witness["_expected"]
    try:
        got = confirm(table)
    except Exception as exc:  # a witness the evaluator refuses: said, not raised
        return attrs.evolve(region, witness=table, confirmed=False,
                            confirmation=f"the evaluator refused it: {exc}")
    same = tuple(got) == tuple(expected)
    said = (f"old {got[0]} {_money(got[1])}, new {got[2]} {_money(got[3])}")
    return attrs.evolve(region, witness=table, confirmed=same,
                        confirmation=said if same else
                        f"{said}; the model expected old {expected[0]} "
                        f"{_money(expected[1])}, new {expected[2]} {_money(expected[3])}")


def _money(value: Decimal | None) -> str:
    from fitn7.render.formats import money

    return money(value, "fr")


def _atoms(old: PolicyModel, new: PolicyModel) -> list[Atom]:
    """The conditions that describe regions: the `when` and the binding of every amount
    step and the condition of every rule that differs between the versions."""
    atoms: list[Atom] = []
    changed_rules = _changed({r.rule.id: r.rule for r in old.rules},
                             {r.rule.id: r.rule for r in new.rules})
    for m, version in ((old, "old"), (new, "new")):
        for term in m.rules:
            if term.rule.id in changed_rules:
                atoms.append(Atom(holds(term.condition),
                                  f"{format_expression(term.rule.condition)} "
                                  f"[{version} {term.rule.kind} {term.rule.id}]"))
    steps_old = {(s.kind, s.id): s for s in old.steps}
    steps_new = {(s.kind, s.id): s for s in new.steps}
    changed = _changed({k: s.node for k, s in steps_old.items()},
                       {k: s.node for k, s in steps_new.items()})
    for steps, version, m in ((steps_old, "old", old), (steps_new, "new", new)):
        for key, step in steps.items():
            if key in changed:
                atoms += _step_atoms(step, version, m)
    return atoms


def _changed(old: dict[Any, Any], new: dict[Any, Any]) -> set[Any]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def _step_atoms(step: StepTerm, version: str, m: PolicyModel) -> list[Atom]:
    node = step.node
    when = getattr(node, "when", None)
    out = []
    if when is not None:
        out.append(Atom(step.applies, format_expression(when)))
    if step.kind in ("cap", "ceiling"):
        out.append(Atom(step.binds, f"amount before {step.id} above "
                                    f"{_value_text(node)} [{version}]"))
    elif step.kind == "floor":
        out.append(Atom(step.binds, f"amount before {step.id} below "
                                    f"{_value_text(node)} [{version}]"))
    elif step.kind in ("forfait", "rate") and step.id in m.chosen:
        out.append(Atom(m.chosen[step.id], f"{step.kind} {step.id} gives the amount "
                                           f"[{version}]"))
    elif step.kind == "minimum":
        out.append(Atom(step.binds, f"amount below minimum {step.id} [{version}]"))
    elif step.kind == "band":
        out.append(Atom(step.applies, f"band {step.id} [{version}]"))
    return out


def _value_text(node: Any) -> str:
    if isinstance(node, ast.Ceiling):
        text = f"{format_expression(node.share)} of {format_expression(node.cost)}"
        return text + (f" minus {format_expression(node.other)}" if node.other else "")
    return format_expression(node.value)
