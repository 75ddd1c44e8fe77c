"""`fitn7 diff` on the amount constructs of issue 12: parts, total, ceiling, minimum, basis."""

from __future__ import annotations

from fitn7 import parse_policy
from fitn7.audit.diff import Added, Changed, Removed, diff
from fitn7.dsl.formatter import format_policy

BASE = """policy "tiers-lieux"
  version "1"

expenses basis ht

amount
  part fonctionnement: expenses[category in {etude, conseil}]
    "Fonctionnement"
    source "AAP, art. 4.1"
    rate taux_fonctionnement: 50%
    cap plafond_fonctionnement: 20_000 €
  part investissement: expenses[category == materiel]
    base min(eligible_expenses, 50_000 €)
    rate taux_investissement: 50%
    cap plafond_investissement: 25_000 €
  total
    "Total"
    ceiling aides_publiques: 80% of eligible_expenses minus requested
      source "CGCT, art. L1111-10"
"""


def edits(new: str, old: str = BASE) -> list[tuple[str, str, str | None, str | None]]:
    out = []
    for e in diff(parse_policy(old, "old.fitn7"), parse_policy(new, "new.fitn7")):
        if isinstance(e, Changed):
            out.append(("changed", e.path, e.old, e.new))
        elif isinstance(e, Added):
            out.append(("added", e.path, None, e.new))
        elif isinstance(e, Removed):
            out.append(("removed", e.path, e.old, None))
        else:
            out.append(("renamed", e.path, None, e.new_path))
    return out


def swap(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_a_reformatted_policy_has_no_change() -> None:
    assert edits(format_policy(parse_policy(BASE, "x.fitn7"))) == []


def test_a_part_cap_changed() -> None:
    assert edits(swap("cap plafond_fonctionnement: 20_000 €",
                      "cap plafond_fonctionnement: 15_000 €")) == [
        ("changed", "rule.plafond_fonctionnement.cap", "20_000 €", "15_000 €")]


def test_the_lines_of_a_part_changed() -> None:
    assert edits(swap("{etude, conseil}", "{etude, conseil, formation}")) == [
        ("changed", "rule.fonctionnement.lines", "expenses[category in {etude, conseil}]",
         "expenses[category in {etude, conseil, formation}]")]


def test_a_step_moved_to_another_part() -> None:
    text = BASE.replace("    cap plafond_fonctionnement: 20_000 €\n", "")
    text = text.replace("    cap plafond_investissement: 25_000 €\n",
                        "    cap plafond_investissement: 25_000 €\n"
                        "    cap plafond_fonctionnement: 20_000 €\n")
    assert ("changed", "rule.plafond_fonctionnement.part", "fonctionnement",
            "investissement") in edits(text)


def test_a_part_added_and_its_base() -> None:
    text = swap("  total\n", "  part autres: expenses\n    rate taux_autres: 20%\n  total\n")
    assert edits(text) == [
        ("added", "rule.autres", None, "part autres: expenses"),
        ("added", "rule.taux_autres", None, "rate taux_autres: 20%"),
    ]


def test_a_part_base_changed() -> None:
    assert edits(swap("min(eligible_expenses, 50_000 €)", "min(eligible_expenses, 60_000 €)")
                 ) == [("changed", "rule.investissement.base",
                        "min(eligible_expenses, 50_000 €)", "min(eligible_expenses, 60_000 €)")]


def test_the_ceiling_share_and_other_aid_changed() -> None:
    assert edits(swap("80% of eligible_expenses minus requested",
                      "70% of eligible_expenses minus requested - 1_000 €")) == [
        ("changed", "rule.aides_publiques.share", "80%", "70%"),
        ("changed", "rule.aides_publiques.other", "requested", "requested - 1_000 €"),
    ]


def test_a_minimum_added() -> None:
    text = BASE + '    minimum aide_minimale: 2_500 €\n      "Aide minimale"\n'
    assert edits(text) == [
        ("added", "rule.aide_minimale", None,
         'minimum aide_minimale: 2_500 €\n  "Aide minimale"')]


def test_the_basis_changed() -> None:
    assert edits(swap("expenses basis ht", "expenses basis ttc excluding recovered_vat")) == [
        ("changed", "expenses.basis", "expenses basis ht",
         "expenses basis ttc excluding recovered_vat")]
    assert edits(swap("expenses basis ht\n", "")) == [
        ("removed", "expenses.basis", "expenses basis ht", None)]


def test_the_total_message_changed() -> None:
    assert edits(swap('    "Total"\n', '    "Somme des deux parts"\n')) == [
        ("changed", "amount.total.message", "Total", "Somme des deux parts")]


def test_parts_swapped_change_which_part_takes_a_line() -> None:
    first = BASE[BASE.index("  part fonctionnement"):BASE.index("  part investissement")]
    second = BASE[BASE.index("  part investissement"):BASE.index("  total")]
    found = edits(BASE.replace(first + second, second + first))
    assert [path for _, path, _, _ in found] == ["amount.order"]


def test_the_base_message_and_source_of_a_single_pipeline() -> None:
    old = 'policy "p"\namount\n  base eligible_expenses\n  rate taux: 50%\n'
    new = ('policy "p"\namount\n  base eligible_expenses\n    "Assiette"\n'
           '    source "AAP, art. 3"\n  rate taux: 50%\n')
    assert edits(new, old) == [
        ("changed", "amount.base.message", None, "Assiette"),
        ("changed", "amount.base.source", None, "AAP, art. 3"),
    ]
    d = diff(parse_policy(old, "o.fitn7"), parse_policy(new, "n.fitn7"))
    assert d.touched_rules() == frozenset({"base"})
