"""Amounts by parts, the ceiling on public aid, the minimum grant and the HT/TTC basis.

The call these tests follow is the one of issue 12: a département's aid for
tiers-lieux funding two families of expenses each at 50 % with its own cap,
public aid limited to 80 % of the cost, amounts HT, a minimum grant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fitn7 import parse_policy
from fitn7 import types as t
from fitn7.api import check
from fitn7.diagnostics import Severity
from fitn7.dossier import Category, Dossier, Expense
from fitn7.dsl.formatter import format_policy
from fitn7.evaluation import CompiledPolicy, compile_policy
from fitn7.testing import assert_decision

#: The other public aid a dossier declares, as a local field until typed inputs land.
SCHEMA = t.DEFAULT_SCHEMA.with_extra("dossier", {"autres_aides_publiques": t.MONEY})

TIERS_LIEUX = """
policy "tiers-lieux"
  version "2024"

expenses ineligible {personnel}
expenses basis ht

amount
  part fonctionnement: expenses[category in {etude, conseil, formation, accompagnement}]
    "Dépenses de fonctionnement"
    source "AAP tiers-lieux, art. 4.1"
    rate taux_fonctionnement: 50%
      source "AAP tiers-lieux, art. 4.1"
    cap plafond_fonctionnement: 20_000 €
      "Aide au fonctionnement plafonnée à 20 000 €"
      source "AAP tiers-lieux, art. 4.1"
  part investissement: expenses[category in {materiel, developpement}]
    "Dépenses d'investissement"
    source "AAP tiers-lieux, art. 4.2"
    rate taux_investissement: 50%
      source "AAP tiers-lieux, art. 4.2"
    cap plafond_investissement: 25_000 €
      source "AAP tiers-lieux, art. 4.2"
  total
    ceiling aides_publiques: 80% of eligible_expenses minus extra.autres_aides_publiques
      "Les aides publiques ne dépassent pas 80 % du coût éligible"
      source "CGCT, art. L1111-10"
    minimum aide_minimale: 2_500 €
      "L'aide ne peut être inférieure à 2 500 €"
      source "AAP tiers-lieux, art. 5"
"""


def compiled(text: str) -> CompiledPolicy:
    policy = parse_policy(text, "tiers-lieux.fitn7")
    errors = [d for d in check(policy, schema=SCHEMA) if d.severity is Severity.ERROR]
    assert not errors, errors
    return compile_policy(policy, schema=SCHEMA)


def line(category: str, ht: str | None = None, ttc: str | None = None, *,
         amount: str | None = None, recovered: bool | None = None) -> Expense:
    return Expense(
        f"ligne {category}", Category(category),
        Decimal(amount) if amount is not None else None,
        amount_ht=Decimal(ht) if ht is not None else None,
        amount_ttc=Decimal(ttc) if ttc is not None else None,
        vat_recovered=recovered,
    )


def dossier(*lines: Expense, other: str | None = "0", requested: str | None = None) -> Dossier:
    extra: dict[str, Any] = {} if other is None else {"autres_aides_publiques": Decimal(other)}
    return Dossier("TL-1", expenses=tuple(lines), extra=extra,
                   requested=Decimal(requested) if requested is not None else None)


def decide(program: CompiledPolicy, d: Dossier) -> Any:
    """The reference decision, after checking the fast path gives the same."""
    reference = program.evaluate_reference(d, trace=True)
    fast = program.evaluate(d, trace=False)
    assert fast == program.evaluate_reference(d, trace=False)
    assert fast.to_dict(trace=False) == reference.to_dict(trace=False)
    return reference


def trace(decision: Any) -> dict[str, tuple[str, str | None]]:
    return {e.rule: (e.outcome, None if e.amount is None else f"{e.amount:.2f}")
            for e in decision.trace}


# ------------------------------------------------------------------ parts


def test_each_part_has_its_rate_and_cap_then_the_parts_add_up() -> None:
    """50 % of 50 000 € capped at 20 000, plus 50 % of 40 000 € (20 000, under its
    25 000 cap): 40 000 €, the issue's "two rates" case computed right."""
    d = decide(compiled(TIERS_LIEUX), dossier(
        line("etude", "30000"), line("formation", "20000"),
        line("materiel", "40000", "48000"), line("personnel", "9000")))
    assert_decision(d, "eligible", amount="40000.00", reasons=[], missing=[])
    steps = trace(d)
    assert steps["fonctionnement"] == ("applied", "50000.00")
    assert steps["taux_fonctionnement"] == ("applied", "25000.00")
    assert steps["plafond_fonctionnement"] == ("applied", "20000.00")
    assert steps["investissement"] == ("applied", "40000.00")
    assert steps["plafond_investissement"] == ("not binding", "20000.00")
    assert steps["total"] == ("applied", "40000.00")
    assert steps["aides_publiques"] == ("not binding", "40000.00")
    assert steps["aide_minimale"] == ("pass", "40000.00")


def test_parts_show_in_the_trace_with_their_citation() -> None:
    """A part's entry carries its source and line; the total reads each part."""
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", "10000"), line("materiel", "8000")))
    entries = {e.rule: e for e in d.trace}
    part = entries["fonctionnement"]
    assert (part.kind, part.source, part.line) == ("part", "AAP tiers-lieux, art. 4.1", 9)
    total = entries["total"]
    assert dict(total.read) == {"fonctionnement": Decimal("5000.0"),
                                "investissement": Decimal("4000.0")}
    ceiling = entries["aides_publiques"]
    assert ceiling.source == "CGCT, art. L1111-10"
    assert dict(ceiling.read)["ceiling"] == Decimal("14400.00")


def test_a_line_counts_in_the_first_part_that_selects_it() -> None:
    """`etude` in both parts: funded once, by the first."""
    text = TIERS_LIEUX.replace("{materiel, developpement}", "{materiel, developpement, etude}")
    d = decide(compiled(text), dossier(line("etude", "10000"), line("materiel", "6000")))
    steps = trace(d)
    assert steps["fonctionnement"] == ("applied", "10000.00")
    assert steps["investissement"] == ("applied", "6000.00")
    assert d.amount == Decimal("8000.00")


def test_a_last_part_over_every_line_takes_what_the_others_left() -> None:
    text = TIERS_LIEUX.replace("part investissement: expenses[category in {materiel, "
                               "developpement}]", "part autres: expenses")
    d = decide(compiled(text), dossier(line("etude", "10000"), line("licence", "3000"),
                                       line("personnel", "5000")))
    steps = trace(d)
    # `personnel` is selected but ineligible: it adds nothing to the part's base.
    assert steps["autres"] == ("applied", "3000.00")
    assert d.amount == Decimal("6500.00")


def test_a_part_without_lines_gives_nothing() -> None:
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", "10000")))
    assert trace(d)["investissement"] == ("applied", "0.00")
    assert d.amount == Decimal("5000.00")


def test_a_part_whose_lines_cannot_be_classified_is_unknown() -> None:
    """A line without category: which part it belongs to is unknown; never guessed."""
    unclassified = Expense("ligne", None, amount_ht=Decimal("1000"))
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", "10000"), unclassified))
    assert_decision(d, "incomplete", amount=None, missing=["expenses[1].category"])


def test_a_part_with_a_forfait_or_rate_that_does_not_apply_gives_nothing() -> None:
    text = TIERS_LIEUX.replace("rate taux_investissement: 50%",
                               "rate taux_investissement: 50% when joint")
    d = decide(compiled(text), dossier(line("etude", "10000"), line("materiel", "8000")))
    steps = trace(d)
    assert steps["taux_investissement"] == ("skipped", None)
    assert steps["investissement.assiette"] == ("not binding", "0.00")
    assert d.amount == Decimal("5000.00")


def test_a_part_is_never_above_its_base() -> None:
    """A forfait of 10 000 € on 4 000 € of lines gives 4 000 €."""
    text = TIERS_LIEUX.replace("rate taux_investissement: 50%",
                               "forfait forfait_investissement: 10_000 €")
    d = decide(compiled(text), dossier(line("etude", "10000"), line("materiel", "4000")))
    assert trace(d)["investissement.assiette"] == ("applied", "4000.00")
    assert d.amount == Decimal("9000.00")


def test_a_part_base_takes_a_message_and_source() -> None:
    text = TIERS_LIEUX.replace(
        "    rate taux_investissement: 50%",
        '    base min(eligible_expenses, 30_000 €)\n'
        '      "Assiette plafonnée à 30 000 €"\n'
        '      source "AAP, art. 4.2"\n'
        "    rate taux_investissement: 50%")
    d = decide(compiled(text), dossier(line("materiel", "70000")))
    base = next(e for e in d.trace if e.rule == "investissement.base")
    assert (base.kind, base.outcome, base.amount, base.source) == (
        "base", "applied", Decimal("30000.00"), "AAP, art. 4.2")
    assert d.amount == Decimal("15000.00")


def test_the_base_of_a_single_pipeline_takes_a_message_and_source() -> None:
    text = ('policy "p"\namount\n  base eligible_expenses\n    "Assiette éligible"\n'
            '    source "AAP, art. 3"\n  rate taux: 50%\n    source "AAP, art. 3"\n')
    d = decide(compiled(text), dossier(Expense("l", Category.ETUDE, Decimal("1000"))))
    base = d.trace[0]
    assert (base.rule, base.kind, base.source, base.line) == ("base", "base", "AAP, art. 3", 3)
    assert d.amount == Decimal("500.00")


# ------------------------------------------------------------- co-funding


def test_the_ceiling_binds_with_the_other_public_aid() -> None:
    """80 % of 50 000 € is 40 000 €; 25 000 € of other aid leaves 15 000 €."""
    d = decide(compiled(TIERS_LIEUX), dossier(
        line("etude", "30000"), line("materiel", "20000"), other="25000"))
    steps = trace(d)
    assert steps["total"] == ("applied", "25000.00")
    assert steps["aides_publiques"] == ("applied", "15000.00")
    assert_decision(d, "eligible", amount="15000.00")
    ceiling = next(e for e in d.trace if e.rule == "aides_publiques")
    assert dict(ceiling.read) == {
        "eligible_expenses": Decimal("50000.00"),
        "extra.autres_aides_publiques": Decimal("25000"),
        "ceiling": Decimal("15000.00"),
    }


def test_other_aid_at_the_ceiling_is_ineligible_with_the_minimum_not_eligible_at_zero() -> None:
    """The issue's « eligible 0,00 € »: the minimum makes it ineligible, with its reason."""
    d = decide(compiled(TIERS_LIEUX), dossier(
        line("etude", "30000"), line("materiel", "20000"), other="40000"))
    assert_decision(d, "ineligible", amount=None, reasons=["aide_minimale"])
    assert d.reasons[0].message == "L'aide ne peut être inférieure à 2 500 €"
    assert d.reasons[0].source == "AAP tiers-lieux, art. 5"
    assert trace(d)["aide_minimale"] == ("fail", "0.00")


def test_a_grant_just_at_the_minimum_is_eligible_and_a_cent_below_is_not() -> None:
    at = decide(compiled(TIERS_LIEUX), dossier(line("etude", "5000")))
    assert_decision(at, "eligible", amount="2500.00")
    below = decide(compiled(TIERS_LIEUX), dossier(line("etude", "4999.98")))
    assert_decision(below, "ineligible", amount=None, reasons=["aide_minimale"])


def test_the_minimum_compares_the_amount_after_the_requested_cap() -> None:
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", "30000"), requested="2000"))
    assert_decision(d, "ineligible", reasons=["aide_minimale"])


def test_unknown_other_aid_leaves_the_amount_unknown() -> None:
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", "30000"), other=None))
    assert_decision(d, "incomplete", amount=None, missing=["extra.autres_aides_publiques"])


def test_a_ceiling_is_rounded_down_to_the_cent() -> None:
    """80 % of 333.33 € is 266.664 €: the grant is at most 266.66 €, never 266.67 €."""
    text = ('policy "p"\namount\n  rate taux: 100%\n'
            '  ceiling plafond: 80% of eligible_expenses\n')
    d = decide(compiled(text), dossier(Expense("l", Category.ETUDE, Decimal("333.33"))))
    assert d.amount == Decimal("266.66")


def test_a_failing_minimum_wins_over_one_that_cannot_be_decided() -> None:
    """Every minimum is evaluated, as rules are: a known failure is ineligible."""
    text = ('policy "p"\namount\n  rate taux: 10%\n'
            '  minimum m_inconnu: 100 € when applicant.zrr\n'
            '  minimum m_general: 500 €\n')
    d = decide(compiled(text), dossier(Expense("l", Category.ETUDE, Decimal("1000"))))
    assert_decision(d, "ineligible", amount=None, reasons=["m_general"],
                    missing=["applicant"])


def test_a_ceiling_in_a_single_pipeline_runs_among_the_caps() -> None:
    text = ('policy "p"\namount\n  rate taux: 100%\n  cap plafond: 30_000 €\n'
            '  ceiling aides: 80% of eligible_expenses minus extra.autres_aides_publiques\n')
    d = decide(compiled(text), dossier(Expense("l", Category.ETUDE, Decimal("50000")),
                                       other="15000"))
    assert trace(d)["plafond"] == ("applied", "30000.00")
    assert trace(d)["aides"] == ("applied", "25000.00")
    assert d.amount == Decimal("25000.00")


# ------------------------------------------------------------------ HT/TTC


BASIS = 'policy "p"\nexpenses basis {basis}\namount\n  rate taux: 100%\n'


@pytest.mark.parametrize(("basis", "amount"), [
    ("ht", "1500.00"),
    ("ttc", "1800.00"),
    # the second line's VAT is recovered: it counts HT
    ("ttc excluding recovered_vat", "1700.00"),
])
def test_the_basis_says_which_figure_of_each_line_counts(basis: str, amount: str) -> None:
    d = decide(compiled(BASIS.format(basis=basis)), dossier(
        line("etude", "1000", "1200", amount="999", recovered=False),
        line("conseil", "500", "600", amount="999", recovered=True)))
    assert d.amount == Decimal(amount)


def test_without_a_basis_a_line_counts_its_amount_as_always() -> None:
    d = decide(compiled('policy "p"\namount\n  rate taux: 100%\n'),
               dossier(line("etude", "1000", "1200", amount="1100")))
    assert d.amount == Decimal("1100.00")


@pytest.mark.parametrize(("basis", "missing"), [
    ("ht", "expenses[0].amount_ht"),
    ("ttc", "expenses[1].amount_ttc"),
    ("ttc excluding recovered_vat", "expenses[1].vat_recovered"),
])
def test_a_line_without_its_figure_is_unknown_never_another_figure(basis: str,
                                                                   missing: str) -> None:
    d = decide(compiled(BASIS.format(basis=basis)), dossier(
        line("etude", None, "1200", amount="1000", recovered=False),
        line("conseil", "500", None, amount="600")))
    assert_decision(d, "incomplete", amount=None, missing=[missing])


def test_a_part_base_follows_the_basis() -> None:
    d = decide(compiled(TIERS_LIEUX), dossier(line("etude", None, "1200")))
    assert_decision(d, "incomplete", missing=["expenses[0].amount_ht"])


def test_the_formatter_prints_every_amount_construct_and_reads_it_back() -> None:
    policy = parse_policy(TIERS_LIEUX, "t.fitn7")
    text = format_policy(policy)
    assert parse_policy(text, "t.fitn7") == policy
    assert "  total\n    ceiling aides_publiques: 80% of eligible_expenses minus " in text
    assert "expenses basis ht\n" in text


# ------------------------------------------------------ hash and extends


def test_the_hash_ignores_where_the_basis_is_written() -> None:
    from fitn7.hashing import policy_hash

    before = 'policy "p"\nexpenses basis ht\nexpenses ineligible {personnel}\n'
    after = 'policy "p"\nexpenses ineligible {personnel}\nexpenses basis ht\n'
    assert policy_hash(parse_policy(before, "a")) == policy_hash(parse_policy(after, "b"))
    ttc = after.replace("basis ht", "basis ttc")
    assert policy_hash(parse_policy(after, "b")) != policy_hash(parse_policy(ttc, "c"))


def test_a_child_replaces_its_parents_basis_and_amount(tmp_path: Any) -> None:
    from fitn7.dsl import ast
    from fitn7.resolve import load_resolved

    (tmp_path / "base.fitn7").write_text(
        'policy "base"\nexpenses basis ttc\nexpenses ineligible {personnel}\n'
        'amount\n  rate taux: 100%\n', "utf-8")
    (tmp_path / "child.fitn7").write_text(
        'policy "child"\n  extends "base"\n' + TIERS_LIEUX.split('version "2024"\n', 1)[1],
        "utf-8")
    merged = load_resolved(tmp_path / "child.fitn7")
    assert [d.basis for d in merged.of_type(ast.ExpensesBasis)] == ["ht"]
    (amount,) = merged.of_type(ast.Amount)
    assert [s.id for s in amount.steps if isinstance(s, ast.Part)] == [
        "fonctionnement", "investissement"]
    program = compile_policy(merged, schema=SCHEMA)
    d = decide(program, dossier(line("etude", "10000", "12000")))
    assert d.amount == Decimal("5000.00")
