"""Properties of evaluation, over generated dossiers: determinism, bounds, monotonicity, logic."""

from __future__ import annotations

import itertools

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.dossier import Dossier, Kind
from fitn7.evaluation import Status, compile_policy
from fitn7.testing import make_dossier
from tests.budget import examples
from tests.strategies_dossier import dossiers

POLICY = compile_policy(parse_policy("""
policy "proprietes"
  version "1"
let bretagne = {"22", "29", "35", "56"}
expenses ineligible {personnel, materiel}
require territoire: applicant.departement in bretagne or applicant.region == "93"
require porteur: applicant.kind != ept
exclude urbanisme: "urbanisme" in project.tags
exclude materiel_finalite: sum(expenses[category == materiel].amount) > total_expenses / 2
review participatif: not project.participatory
amount
  forfait petite: by applicant.population when applicant.kind == commune
    below 5_000 : 5_000 €
    otherwise   : 10_000 €
  rate 90%
  bonus zrr: +10% when applicant.zrr
  cap plafond_commune: 8_000 € when applicant.kind == commune and not joint
  cap plafond_general: 25_000 €
score
  inclusion: +2 when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr
  prestataire_local: +1 when any(expenses, provider.region == applicant.region)
""", "proprietes.fitn7"))


@settings(max_examples=examples(300))
@given(dossiers())
def test_evaluation_is_deterministic(dossier):
    """The same dossier gives the same decision, trace included."""
    assert POLICY.evaluate(dossier) == POLICY.evaluate(dossier)
    assert POLICY.evaluate(dossier).to_dict() == POLICY.evaluate(dossier).to_dict()


@settings(max_examples=examples(300))
@given(dossiers())
def test_amount_never_above_caps_base_or_requested_and_never_negative(dossier):
    """Whatever the dossier, the amount respects every applicable cap and bound."""
    d = POLICY.evaluate(dossier, trace=False)
    if d.amount is None:
        return
    assert d.amount >= 0
    assert d.amount <= 25_000
    a = dossier.applicant
    if a is not None and a.kind is Kind.COMMUNE and not dossier.members:
        assert d.amount <= 8_000
    counted = [
        e.amount for e in dossier.expenses or ()
        if e.category.value not in ("personnel", "materiel")
    ]
    eligible = sum(counted, start=0)
    assert d.amount <= eligible
    if dossier.requested is not None:
        assert d.amount <= dossier.requested
    assert d.amount == d.amount.quantize(d.amount.__class__("0.01"))


def _removals(dossier: Dossier) -> list[Dossier]:
    """The dossier with one optional field made absent, for each such field."""
    out = []
    for name in ("submitted", "applicant", "project", "expenses", "requested"):
        if getattr(dossier, name) is not None:
            out.append(attrs.evolve(dossier, **{name: None}))
    for part in ("applicant", "project"):
        value = getattr(dossier, part)
        if value is None:
            continue
        for field in attrs.fields(type(value)):
            if field.name != "extra" and getattr(value, field.name) is not None:
                changed = attrs.evolve(value, **{field.name: None})
                out.append(attrs.evolve(dossier, **{part: changed}))
    return out


@settings(max_examples=examples(200))
@given(dossiers())
def test_removing_a_field_never_makes_an_ineligible_dossier_eligible(dossier):
    """Missing data can leave a decision open, never turn a refusal into an acceptance."""
    before = POLICY.evaluate(dossier, trace=False).status
    if before is not Status.INELIGIBLE:
        return
    for smaller in _removals(dossier):
        assert POLICY.evaluate(smaller, trace=False).status is not Status.ELIGIBLE


TRI = (True, False, None)

LOGIC = compile_policy(parse_policy("""
policy "logique"
review and_: applicant.zrr and applicant.qpv
review or_: applicant.zrr or applicant.qpv
review not_: not applicant.zrr
review implies_: applicant.zrr implies applicant.qpv
review morgan_and_left: not (applicant.zrr and applicant.qpv)
review morgan_and_right: not applicant.zrr or not applicant.qpv
review morgan_or_left: not (applicant.zrr or applicant.qpv)
review morgan_or_right: not applicant.zrr and not applicant.qpv
review double_negation: not not applicant.zrr
""", "logique.fitn7"))


def _outcomes(zrr, qpv) -> dict[str, str]:
    dossier = make_dossier(applicant_zrr=zrr, applicant_qpv=qpv)
    decision = LOGIC.evaluate(dossier)
    return {e.rule: e.outcome for e in decision.trace if e.kind == "review"}


def _truth(outcome: str):
    return {"review": True, "pass": False, "unknown": None}[outcome]


def test_kleene_truth_tables():
    """and, or, not and implies follow Kleene's strong three-valued tables."""
    and_table = {True: {True: True, False: False, None: None},
                 False: {True: False, False: False, None: False},
                 None: {True: None, False: False, None: None}}
    or_table = {True: {True: True, False: True, None: True},
                False: {True: True, False: False, None: None},
                None: {True: True, False: None, None: None}}
    not_table = {True: False, False: True, None: None}
    for a, b in itertools.product(TRI, TRI):
        got = {rule: _truth(o) for rule, o in _outcomes(a, b).items()}
        assert got["and_"] is and_table[a][b], (a, b)
        assert got["or_"] is or_table[a][b], (a, b)
        assert got["not_"] is not_table[a], (a, b)
        assert got["implies_"] is or_table[not_table[a]][b], (a, b)


@given(st.sampled_from(TRI), st.sampled_from(TRI))
def test_de_morgan_and_double_negation_hold(a, b):
    """De Morgan's laws and double negation hold in the evaluator for every truth value."""
    got = _outcomes(a, b)
    assert got["morgan_and_left"] == got["morgan_and_right"]
    assert got["morgan_or_left"] == got["morgan_or_right"]
    assert _truth(got["double_negation"]) is a
