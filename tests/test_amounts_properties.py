"""Amounts on generated dossiers: both evaluation paths alike, and the promises of issue 12.

- the fast path decides every amount construct as the closures do;
- every part's amount is within its cap and floor, and never above its base;
- the sum of the parts is the total before the steps on the total;
- the ceiling on public aid is never exceeded: grant + other aid <= share x cost
  whenever the grant is positive;
- HT and TTC are never mixed: the eligible base is the sum of one figure per line,
  the one the basis names.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.api import check
from fitn7.diagnostics import Severity
from fitn7.dossier import Category, Dossier
from fitn7.evaluation import CompiledPolicy, compile_policy
from fitn7.evaluation.env import Basis
from tests.budget import examples
from tests.test_evaluation_equivalence import assert_same, dossiers_for

PARTS = """
policy "equivalence-parts"
  version "1"
param autres_aides = 4_000 €
param part_publique = 80%
let licences = sum(expenses[category == licence].amount_ht)
expenses ineligible {personnel}
expenses basis {basis}
amount
  part etudes: expenses[category in {etude, conseil}]
    source "s"
    rate taux_etudes: 50% when applicant.kind == commune
      source "s"
    forfait forfait_etudes: by applicant.population
      below 5_000 : 5_000 €
      otherwise   : 12_000 €
      source "s"
    bonus bonus_zrr: 10% when applicant.zrr
      source "s"
    cap plafond_etudes: 20_000 €
      source "s"
    floor plancher_etudes: 1_000 € when joint
      source "s"
  part investissement: expenses[category in {materiel, developpement} or provider.region == "53"]
    source "s"
    base min(eligible_expenses, 60_000 €)
      source "s"
    rate taux_investissement: 40%
      source "s"
    cap plafond_investissement: 25_000 €
      source "s"
  part autres: expenses
    source "s"
    rate taux_autres: 30% when project.open_source
      source "s"
  total
    "Somme des parts"
    bonus bonus_libre: 500 € when project.open_source
      source "s"
    cap plafond_total: 40_000 €
      source "s"
    ceiling aides_publiques: part_publique of eligible_expenses minus autres_aides + licences
      when applicant.kind != region
      source "s"
    minimum aide_minimale: 1_500 €
      source "s"
    minimum aide_minimale_commune: 2_000 € when applicant.kind == commune and not joint
      source "s"
"""

SINGLE = """
policy "equivalence-plafond"
  version "1"
expenses basis {basis}
amount
  base eligible_expenses
    "Assiette"
    source "s"
  rate taux: 70%
    source "s"
  ceiling aides_publiques: 80% of total_expenses minus requested - eligible_expenses * 10%
    source "s"
  minimum aide_minimale: 1_000 € when not joint
    source "s"
"""

BASES = ("ht", "ttc", "ttc excluding recovered_vat")


def fill(text: str, **values: str) -> str:
    """The policy text with `{basis}`, `{rate}` filled in (sets keep their braces)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@functools.cache
def compiled(text: str) -> CompiledPolicy:
    """The policy checked and compiled, once per text: the property tests below compile
    theirs at each example (a parse, a check and the fast path's code each time)."""
    policy = parse_policy(text, "equivalence.fitn7")
    errors = [d for d in check(policy) if d.severity is Severity.ERROR]
    assert not errors, errors
    return compile_policy(policy)


SETTINGS = settings(max_examples=examples(200))


@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("text", [PARTS, SINGLE], ids=["parts", "single"])
def test_every_path_decides_amounts_alike(text: str, basis: str) -> None:
    program = compiled(fill(text, basis=basis))
    assert program.fast is not None

    @SETTINGS
    @given(dossiers_for(program))
    def run(dossier: Dossier) -> None:
        assert_same(program, dossier)

    run()


# ----------------------------------------------------------- the promises


def _entries(decision: Any) -> dict[str, Any]:
    return {e.rule: e for e in decision.trace}


@given(dossiers_for(compiled(fill(PARTS, basis="ht"))))
@SETTINGS
def test_parts_stay_within_their_caps_and_floors_and_add_up(dossier: Dossier) -> None:
    program = compiled(fill(PARTS, basis="ht"))
    decision = program.evaluate(dossier, trace=True)
    steps = _entries(decision)
    if "total" not in steps:
        return  # ineligible, or a part could not be decided
    parts = {"etudes": (Decimal(20_000), None), "investissement": (Decimal(25_000), None),
             "autres": (None, None)}
    total = Decimal(0)
    for name, (cap, _) in parts.items():
        base = steps[name].amount
        if base is None:
            base = steps[f"{name}.base"].amount
        final = steps[f"{name}.assiette"].amount
        assert final is not None and base is not None
        assert Decimal(0) <= final <= base
        if cap is not None:
            assert final <= cap
        if name == "etudes" and dossier.members and steps["plancher_etudes"].outcome != "skipped":
            # the floor lifts the part, then its base caps it again
            assert final == min(max(steps["plafond_etudes"].amount, Decimal(1000)), base)
        total += final
    assert steps["total"].amount == total
    assert dict(steps["total"].read) == {
        name: steps[f"{name}.assiette"].amount for name in parts}


CEILING = """
policy "plafond"
  version "1"
param autres_aides = 0 €
param part_publique = 80%
expenses basis {basis}
amount
  rate taux: {rate}
  ceiling aides_publiques: part_publique of eligible_expenses minus autres_aides
"""


@given(
    dossiers_for(compiled(fill(CEILING, basis="ttc", rate="100%"))),
    st.sampled_from(BASES),
    st.sampled_from(["100%", "90%", "33.3%", "80%"]),
    st.decimals(0, 200_000, places=2),
    st.sampled_from([Decimal("0.8"), Decimal("0.5"), Decimal("0.333"), Decimal("1")]),
)
@SETTINGS
def test_the_ceiling_on_public_aid_is_never_exceeded(
    dossier: Dossier, basis: str, rate: str, other: Decimal, share: Decimal
) -> None:
    program = compiled(fill(CEILING, basis=basis, rate=rate))
    decision = program.evaluate(dossier, {"autres_aides": other, "part_publique": share})
    if decision.amount is None or decision.amount <= 0:
        return
    cost = program.env(dossier, None, False).derived("eligible_expenses")
    assert decision.amount + other <= share * cost


def _figures(dossier: Dossier, basis: Basis) -> list[Decimal | None]:
    eligible = [line for line in dossier.expenses or () if line.category is not Category.PERSONNEL]
    return [basis.figure(line)[0] for line in eligible]


@pytest.mark.parametrize("basis", [*BASES, None])
def test_ht_and_ttc_are_never_mixed(basis: str | None) -> None:
    """The eligible base is the sum of the one figure the basis names, line by line:
    `amount_ht` (HT), `amount_ttc` (TTC), HT exactly where the VAT is recovered (TTC
    excluding recovered VAT), `amount` without a basis; never another one."""
    declared = f"expenses basis {basis}\n" if basis else ""
    program = compiled('policy "p"\nexpenses ineligible {personnel}\n' + declared
                       + "amount\n  rate taux: 100%\n")

    @SETTINGS
    @given(dossiers_for(program))
    def run(dossier: Dossier) -> None:
        env = program.env(dossier, None, False)
        base = env.derived("eligible_expenses")
        if dossier.expenses is None or any(
                line.category is None for line in dossier.expenses):
            assert base is None
            return
        for line in dossier.expenses:
            if line.category is Category.PERSONNEL:
                continue
            if basis == "ht" or (basis and "excluding" in basis and line.vat_recovered):
                expected = line.amount_ht
            elif basis and line.vat_recovered is None and "excluding" in basis:
                expected = None
            elif basis:
                expected = line.amount_ttc
            else:
                expected = line.amount
            assert program.basis.figure(line)[0] == expected
        figures = _figures(dossier, program.basis)
        if None in figures:
            assert base is None
        else:
            assert base == sum(figures, Decimal(0))

    run()


#: Steps that each type-check, to be shuffled into any order, sections misplaced
#: included: whatever the order, every path must read it alike.
_STEPS = (
    "part p_etudes: expenses[category in {etude, conseil}]",
    "part p_tout: expenses",
    'part p_bzh: expenses[provider.region == "53"]',
    "total",
    "base eligible_expenses - 1_000 €",
    "base min(eligible_expenses, 50_000 €)",
    "rate r1: 50% when applicant.zrr",
    "rate r2: 80%",
    "forfait f1: 5_000 € when joint",
    "forfait f2: by applicant.population\n    below 5_000 : 1_000 €\n    otherwise : 3_000 €",
    "bonus b1: 10% when project.open_source",
    "bonus b2: 1_000 €",
    "cap c1: 12_000 €",
    "floor fl1: 2_000 € when applicant.kind == commune",
    "ceiling ce1: 80% of eligible_expenses minus requested - eligible_expenses * 50%",
    "ceiling ce2: 70% of total_expenses when not joint",
    "minimum m1: 1_500 €",
    "minimum m2: 4_000 € when applicant.qpv",
)


@given(st.lists(st.sampled_from(_STEPS), min_size=1, max_size=9), st.sampled_from(BASES),
       st.data())
@settings(max_examples=examples(60))
def test_any_order_of_amount_steps_is_read_alike_on_every_path(
    steps: list[str], basis: str, data: st.DataObject
) -> None:
    ids = set()
    unique = []
    for step in steps:  # ids are unique in a policy
        ident = step.split(":")[0].split()[-1]
        if ident not in ids or step == "total":
            ids.add(ident)
            unique.append(step)
    text = (f'policy "ordre"\nexpenses ineligible {{personnel}}\nexpenses basis {basis}\n'
            "amount\n" + "".join(f"  {s}\n" for s in unique))
    program = compile_policy(parse_policy(text, "ordre.fitn7"))
    assert program.fast is not None
    some_dossiers = dossiers_for(program)
    for _ in range(5):
        assert_same(program, data.draw(some_dossiers))
