"""What `fitn7 check` says about amounts: sections, types, and the silent mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitn7 import parse_policy
from fitn7.api import load_policy
from fitn7.checker import check

ROOT = Path(__file__).resolve().parents[1]
HEAD = 'policy "p"\n'


def codes(body: str) -> list[tuple[str, int, str]]:
    """(code, line, message) of each diagnostic of the policy `HEAD + body`."""
    found = check(parse_policy(HEAD + body, "p.fitn7"))
    return [(d.code, d.span.line if d.span else 0, d.message) for d in found
            if d.code != "W401"]


def only(body: str) -> list[str]:
    return [c for c, _, _ in codes(body)]


PARTS = """amount
  part fonctionnement: expenses[category in {etude, conseil}]
    rate taux_f: 50%
  part investissement: expenses[category == materiel]
    rate taux_i: 50%
  total
    minimum aide_minimale: 1_000 €
"""


def test_a_policy_with_parts_checks_clean() -> None:
    assert codes(PARTS) == []


def test_a_part_each_may_have_its_own_base_but_one() -> None:
    text = PARTS.replace("    rate taux_f: 50%", "    base 1_000 €\n    rate taux_f: 50%")
    text = text.replace("    rate taux_i: 50%", "    base 2_000 €\n    base 3_000 €\n"
                                                "    rate taux_i: 50%")
    assert codes(text) == [("E107", 8, "`base` is given twice")]


@pytest.mark.parametrize(("body", "expected"), [
    ("amount\n  rate r: 50%\n  part a: expenses\n    rate s: 10%\n", [("E111", 3)]),
    ("amount\n  part a: expenses\n    ceiling c: 80% of eligible_expenses\n", [("E111", 4)]),
    ("amount\n  part a: expenses\n  total\n    forfait f: 10 €\n", [("E111", 5)]),
    ("amount\n  rate r: 50%\n  total\n", [("E112", 4)]),
    ("amount\n  part a: expenses\n  total\n  total\n", [("E112", 5)]),
    ("amount\n  part a: expenses\n  total\n  part b: expenses[category == etude]\n",
     [("E112", 5)]),
    ("expenses basis ht\nexpenses basis ttc\n", [("E113", 3)]),
    ("expenses basis ht excluding recovered_vat\n", [("E114", 2)]),
    ("amount\n  part a: applicant\n", [("E227", 3)]),
    ("amount\n  part a: expenses.amount\n", [("E227", 3)]),
    ("amount\n  rate r: 50%\n  minimum m: 1_000\n", [("E216", 4)]),
    ("amount\n  rate r: 50%\n  ceiling c: 80% of 10\n  minimum m: 1 €\n", [("E216", 4)]),
    ("amount\n  rate r: 50%\n  ceiling c: 0.8 of eligible_expenses\n  minimum m: 1 €\n",
     [("E217", 4)]),
    ("amount\n  part a: expenses\n  part a: expenses\n", [("E101", 4)]),
])
def test_errors_in_amounts(body: str, expected: list[tuple[str, int]]) -> None:
    assert [(c, line) for c, line, _ in codes(body) if c.startswith("E")] == expected


# ---------------------------------------------------------------- W406


@pytest.mark.parametrize(("first", "later", "shadowed"), [
    ("rate a: 50%", "rate b: 60% when joint", True),
    ("rate a: 50% when joint", "rate b: 60% when joint", True),
    ("rate a: 50% when joint", "forfait b: 1 € when joint and applicant.zrr", True),
    ("forfait a: 5 € when applicant.zrr and joint", "rate b: 60% when joint and applicant.zrr",
     True),
    ('rate a: 5% when applicant.departement in {"29", "22"}',
     'rate b: 6% when applicant.departement in {"22", "29"}', True),
    ("rate a: 50% when joint and applicant.zrr", "rate b: 60% when joint", False),
    ("rate a: 50% when joint", "rate b: 60% when not joint", False),
    ("forfait a: by applicant.population\n    otherwise : 1 €", "rate b: 60%", True),
])
def test_a_forfait_or_rate_an_earlier_one_covers_is_warned(first: str, later: str,
                                                           shadowed: bool) -> None:
    found = codes(f"amount\n  {first}\n  {later}\n  minimum m: 1 €\n")
    warned = [message for code, _, message in found if code == "W406"]
    assert bool(warned) == shadowed, found
    if shadowed:
        assert warned[0].startswith("rate `b`" if later.startswith("rate") else "forfait `b`")


def test_w406_points_at_both_lines() -> None:
    diag = next(d for d in check(parse_policy(
        HEAD + "amount\n  rate a: 50%\n  rate b: 60% when joint\n", "p.fitn7"))
        if d.code == "W406")
    assert diag.span is not None and diag.span.line == 4
    assert [(span.line, what) for span, what in diag.related] == [(3, "rate `a` is here")]
    rendered = diag.render()
    assert "p.fitn7:3:8: note: rate `a` is here" in rendered


def test_rates_in_two_parts_do_not_shadow_each_other() -> None:
    assert "W406" not in only(PARTS)


# ------------------------------------------------------------- W407, W408


@pytest.mark.parametrize(("parts", "expected"), [
    # `personnel` is ineligible: the part's base is always 0
    ("part a: expenses[category == personnel]", [("W407", 4)]),
    ("part a: expenses[category in {etude, conseil}]\n  part b: expenses[category == conseil]",
     [("W407", 5)]),
    ("part a: expenses\n  part b: expenses[category == etude]", [("W407", 5)]),
    ("part a: expenses[category in {etude, conseil}]\n"
     "  part b: expenses[category == conseil or category == formation]", [("W408", 5)]),
    ("part a: expenses[category in {etude, conseil}]\n  part b: expenses", []),
    # a filter on other fields is not analysed
    ('part a: expenses[provider.region == "53"]\n  part b: expenses[category == etude]', []),
])
def test_parts_no_line_can_reach_or_that_overlap(parts: str,
                                                 expected: list[tuple[str, int]]) -> None:
    found = codes(f"expenses ineligible {{personnel, materiel}}\namount\n  {parts}\n")
    assert [(c, line) for c, line, _ in found if c in ("W407", "W408")] == expected


def test_a_part_with_its_own_base_may_select_ineligible_lines() -> None:
    found = codes("expenses ineligible {personnel}\namount\n"
                  "  part a: expenses[category == personnel]\n    base 1_000 €\n")
    assert "W407" not in [c for c, _, _ in found]


# -------------------------------------------------------------------- W409


@pytest.mark.parametrize(("amount", "warned"), [
    ("  rate taux: 50%\n  ceiling c: 80% of eligible_expenses\n", True),
    ("  base eligible_expenses - 1_000 €\n  rate taux: 50%\n", True),
    ("  rate taux: 0%\n", True),
    ("  rate taux: taux_param\n", True),
    ("  forfait f: 5_000 €\n  bonus malus: -1_000 €\n", True),
    ("  rate taux: 50%\n  cap plafond: 30_000 €\n", False),
    ("  rate taux: 50%\n  ceiling c: 80% of eligible_expenses\n  minimum m: 1_000 €\n", False),
    ("  forfait f: by applicant.population\n    below 10 : 0 €\n    otherwise : 5 €\n", True),
])
def test_an_amount_that_can_come_out_at_zero_is_warned(amount: str, warned: bool) -> None:
    found = only("param taux_param = 0%\namount\n" + amount)
    assert ("W409" in found) == warned, found


def test_w409_is_said_once() -> None:
    found = only("amount\n  base eligible_expenses - 1 €\n  rate taux: 50%\n"
                 "  ceiling c: 80% of eligible_expenses\n")
    assert found.count("W409") == 1


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.fitn7")),
                         ids=lambda p: p.stem)
def test_the_shipped_policies_raise_no_amount_warning(path: Path) -> None:
    found = check(load_policy(path))
    assert [d.code for d in found if d.code in {"W406", "W407", "W408", "W409"}] == []


# ------------------------------------------------------------------- hints


@pytest.mark.parametrize("name", ["category", "provider", "label", "amount_ht"])
def test_a_per_line_name_outside_a_line_is_hinted_at_parts_and_filters(name: str) -> None:
    diag = next(d for d in check(parse_policy(
        HEAD + f"amount\n  rate r: 50%\n  cap c: 1 € when {name} == etude\n", "p.fitn7"))
        if d.code == "E201")
    assert diag.help is not None
    assert diag.help.startswith(f"`{name}` is a field of each expense line")
    assert "part NAME: expenses[category in {…}]" in diag.help
    assert "quotes" not in diag.help


def test_a_floor_in_one_part_after_a_cap_in_another_is_no_concern() -> None:
    text = ("amount\n  part a: expenses[category == etude]\n    cap c: 1_000 €\n"
            "  part b: expenses[category == conseil]\n    floor f: 10 €\n"
            "  total\n    ceiling plafond: 80% of eligible_expenses\n    floor g: 5 €\n"
            "    minimum m: 1 €\n")
    found = codes(text)
    # only the floor after the total's ceiling, in the same section
    assert [(c, line, m) for c, line, m in found if c == "W404"] == [
        ("W404", 9, "floor `g` comes after cap `plafond`: it can lift the amount above it")]


def test_parts_ceilings_and_minimums_cite_their_source() -> None:
    found = check(parse_policy(HEAD + PARTS, "p.fitn7"))
    assert sorted(d.message for d in found if d.code == "W401") == [
        "minimum `aide_minimale` has no `source`",
        "part `fonctionnement` has no `source`",
        "part `investissement` has no `source`",
    ]


def test_a_ceiling_on_a_difference_is_warned_with_minus_offered() -> None:
    found = [d for d in check(parse_policy(
        HEAD + "param autres = 0 €\namount\n  rate r: 50%\n"
        "  ceiling c: 80% of eligible_expenses - autres\n  minimum m: 1 €\n", "p.fitn7"))
        if d.code == "W410"]
    assert [(d.span.line if d.span else 0, d.help) for d in found] == [
        (5, "to subtract other aid from the ceiling write `80% of eligible_expenses minus "
            "autres`; if the share is meant for the difference, name it with a `let` "
            "(`let cout_net = eligible_expenses - autres`)")]
    assert codes("param autres = 0 €\namount\n  rate r: 50%\n"
                 "  ceiling c: 80% of eligible_expenses minus autres\n  minimum m: 1 €\n") == []
