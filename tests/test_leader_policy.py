"""policies/leader.fitn7 against the call it encodes (shared/calls/leader-chataigneraie-limousine).

Its examples (`fitn7 test`) pin the SPEC's cases and every boundary; these
tests hold the rest: every rule and step cites the call and says something
in French, an association's decision explains every rule with its citation,
and on any dossier the FEADER is the SPEC's formula.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7.api import load_policy
from fitn7.dsl import ast
from fitn7.evaluation import CompiledPolicy, compile_policy
from fitn7.loading import dossier_from_mapping, load_dossier
from tests.budget import examples

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "leader.fitn7"
SPEC = "leader-chataigneraie-limousine/SPEC.md, §"
PROGRAM: CompiledPolicy = compile_policy(load_policy(POLICY))
CENT = Decimal("0.01")


def test_every_rule_and_step_cites_the_call_with_a_french_message() -> None:
    """Rules, amount steps (the base included), inputs and the document all cite SPEC.md;
    rules and steps carry a message."""
    policy = PROGRAM.policy
    cited: list[tuple[str, str | None, str | None]] = []
    for rule in policy.of_type(ast.Rule):
        cited.append((rule.id, rule.message, rule.source))
    for block in policy.of_type(ast.Amount):
        for step in block.steps:
            cited.append((getattr(step, "id", None) or "base", step.message, step.source))
    assert len(cited) == 14
    assert [c for c in cited if not (c[1] and c[2] and c[2].startswith(SPEC))] == []
    others = [*policy.of_type(ast.Input), *policy.of_type(ast.Document)]
    assert len(others) == 5
    assert all(d.source is not None and d.source.startswith(SPEC) for d in others)


def test_an_associations_decision_explains_every_rule_with_its_citation() -> None:
    """L2: an association (9220) seated outside the GAL. Its trace has an entry for every
    rule, input, document and amount step of the policy, each with its source."""
    dossier = load_dossier(ROOT / "policies" / "leader" / "LEADER-02-L2-association-etude.toml",
                           vocabulary=PROGRAM.vocabulary)
    assert dossier.applicant is not None and dossier.applicant.legal_form == "9220"
    decision = PROGRAM.evaluate(dossier, trace=True)
    assert (str(decision.status), decision.amount) == ("eligible", Decimal("16000.00"))
    declared = {r.id for r in PROGRAM.policy.of_type(ast.Rule)}
    declared |= {"base", "taux_maximum", "plafond", "plafond_etude", "autofinancement",
                 "montant_minimum", "taux_minimum", "engagement_cofinanceur",
                 "inscription_strategie", "part_territoire", "debut_operation"}
    traced = {e.rule: e for e in decision.trace}
    assert declared <= traced.keys()
    assert [r for r in declared if not (traced[r].source or "").startswith(SPEC)] == []


def test_an_association_failing_every_rule_gets_every_reason() -> None:
    """LEADER-29: each failed rule is a reason with its message and source, none hidden
    by another."""
    dossier = load_dossier(
        ROOT / "policies" / "leader" / "LEADER-29-association-toutes-les-regles.toml",
        vocabulary=PROGRAM.vocabulary)
    decision = PROGRAM.evaluate(dossier)
    assert [(r.rule, r.effect) for r in decision.reasons] == [
        ("strategie", "ineligible"), ("cofinancement", "ineligible"),
        ("non_commencement", "ineligible"), ("territoire", "ineligible")]
    assert all(r.message and r.source and r.source.startswith(SPEC) for r in decision.reasons)


def test_a_missing_document_is_named_in_french() -> None:
    """LEADER-25: the decision names the missing pièce by its label."""
    dossier = load_dossier(ROOT / "policies" / "leader" / "LEADER-25-piece-manquante.toml",
                           vocabulary=PROGRAM.vocabulary)
    decision = PROGRAM.evaluate(dossier)
    assert [(r.rule, r.effect, r.message) for r in decision.reasons] == [(
        "engagement_cofinanceur", "missing_document",
        "Pièce manquante : Lettre d'engagement ou décision d'attribution du cofinanceur public",
    )]


def spec_feader(cost: Decimal, share: Decimal, other: Decimal, requested: Decimal,
                study: bool) -> tuple[str, Decimal | None]:
    """SPEC.md §2: FEADER_max = min(0.64 E, cap, 0.80 E − N, requested), E prorated; under
    2 500 € or under 20 % of E: ineligible. To the cent as fitn7 rounds: the ceiling down,
    the amount half up."""
    e = cost * share
    ceiling = max(Decimal(0), Decimal("0.80") * e - other).quantize(CENT, ROUND_DOWN)
    cap = Decimal(16_000) if study else Decimal(55_000)
    feader = min(Decimal("0.64") * e, cap, ceiling, requested).quantize(CENT, ROUND_HALF_UP)
    if feader < 2_500 or feader < Decimal("0.20") * e:
        return "ineligible", None
    return ("review" if share < 1 else "eligible"), feader


_MONEY = st.decimals(0, 200_000, places=2)


@settings(max_examples=examples(150))
@given(cost=_MONEY, share=st.integers(50, 100), other=st.decimals(0, 100_000, places=2),
       requested=_MONEY, study=st.booleans(), public=st.booleans())
def test_the_feader_is_the_specs_formula(cost: Decimal, share: int, other: Decimal,
                                         requested: Decimal, study: bool, public: bool) -> None:
    """On dossiers that meet every rule, the decision is the SPEC's formula: amount and
    status (review when part of the operation is outside the GAL)."""
    applicant: dict[str, Any] = (
        {"name": "Commune de Châlus", "kind": "commune", "code": "87032", "population": 1683,
         "departement": "87", "region": "75"} if public
        else {"name": "Association", "kind": "9220"})
    data = {
        "id": "L", "submitted": datetime.date(2021, 3, 1), "requested": requested,
        "applicant": applicant,
        "documents": ["engagement_cofinanceur"],
        "expenses": [{"label": "ligne", "category": "etude" if study else "investissement",
                      "amount_ht": cost, "vat_recovered": True}],
        "inputs": {"inscription_strategie": True, "part_territoire": f"{share}%",
                   "debut_operation": datetime.date(2021, 3, 2),
                   # a private applicant needs a public co-financer
                   "cofinancement_public": other if public or other > 0 else Decimal(1)},
    }
    dossier = dossier_from_mapping(data, file="L.toml", vocabulary=PROGRAM.vocabulary)
    given_other = dossier.inputs["cofinancement_public"]
    status, amount = spec_feader(cost, Decimal(share) / 100, given_other, requested, study)
    decision = PROGRAM.evaluate(dossier, trace=False)
    assert (str(decision.status), decision.amount) == (status, amount)
    assert decision == PROGRAM.evaluate_reference(dossier, trace=False)
