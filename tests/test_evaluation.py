"""Evaluation semantics: statuses, reasons, missing fields, amount pipeline, score, params."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from fitn7 import parse_policy
from fitn7.dossier import Category, Collectivite, Expense, Kind
from fitn7.errors import EvaluationError
from fitn7.evaluation import Status, compile_policy
from fitn7.testing import ABSENT, assert_decision, make_dossier

HEADER = 'policy "test"\n  version "1"\n'


def program(body: str):
    return compile_policy(parse_policy(HEADER + body, "test.fitn7"))


def lines(*specs: tuple[str, str]) -> tuple[Expense, ...]:
    return tuple(Expense(f"ligne {i}", Category(c), Decimal(a)) for i, (c, a) in enumerate(specs))


RULES = """
require territoire: applicant.departement in {"22", "29", "35", "56"} "hors Bretagne"
exclude urbanisme: "urbanisme" in project.tags "urbanisme exclu"
review participatif: not project.participatory "méthode participative attendue"
"""


def test_eligible_when_every_rule_passes():
    """A dossier meeting every rule is eligible, with no reasons and nothing missing."""
    d = program(RULES).evaluate(make_dossier())
    assert_decision(d, "eligible", amount="18000.00", reasons=[], missing=[])


def test_ineligible_reports_every_failing_rule():
    """All failing rules are reasons, not just the first, each with its message."""
    d = program(RULES).evaluate(
        make_dossier(applicant_departement="75", project_tags=("urbanisme",))
    )
    assert_decision(d, "ineligible", amount=None, reasons=["territoire", "urbanisme"])
    assert [r.effect for r in d.reasons] == ["ineligible", "ineligible"]
    assert d.reasons[0].message == "hors Bretagne"


def test_review_when_a_review_rule_holds():
    """A holding review rule sends the dossier to review with that rule as reason."""
    d = program(RULES).evaluate(make_dossier(project_participatory=False))
    assert_decision(d, "review", reasons=["participatif"], amount="18000.00")
    assert d.reasons[0].effect == "review"


def test_incomplete_lists_missing_paths():
    """A rule needing an absent field makes the dossier incomplete and names the field."""
    d = program(RULES).evaluate(make_dossier(applicant_departement=ABSENT))
    assert_decision(d, "incomplete", reasons=["territoire"], missing=["applicant.departement"])
    assert d.reasons[0].effect == "incomplete"


def test_ineligible_takes_precedence_over_incomplete_and_review():
    """A failed rule decides even when other rules are unknown or ask for review."""
    d = program(RULES).evaluate(
        make_dossier(
            applicant_departement=ABSENT,
            project_tags=("urbanisme",),
            project_participatory=False,
        )
    )
    assert_decision(d, "ineligible", reasons=["urbanisme"])
    assert "applicant.departement" in d.missing


def test_incomplete_takes_precedence_over_review():
    """Unknown rules make the dossier incomplete even when a review rule holds."""
    d = program(RULES).evaluate(
        make_dossier(applicant_departement=ABSENT, project_participatory=False)
    )
    assert d.status is Status.INCOMPLETE


def test_false_and_unknown_is_decided():
    """`false and unknown` is false: the rule is decided without the missing field."""
    body = "require r: applicant.zrr and applicant.qpv\n"
    d = program(body).evaluate(make_dossier(applicant_zrr=False, applicant_qpv=ABSENT))
    assert_decision(d, "ineligible", reasons=["r"], missing=[])


def test_true_or_unknown_is_decided():
    """`true or unknown` is true: the rule passes without the missing field."""
    body = "require r: applicant.zrr or applicant.qpv\n"
    d = program(body).evaluate(make_dossier(applicant_zrr=True, applicant_qpv=ABSENT))
    assert_decision(d, "eligible", missing=[])


def test_absent_applicant_names_the_absent_part():
    """When a whole part is absent, `missing` names that part."""
    d = program(RULES).evaluate(make_dossier(applicant=None))
    assert d.status is Status.INCOMPLETE
    assert d.missing == ("applicant",)


def test_absent_provider_is_unknown_not_an_error():
    """A provider not known yet makes tests on its fields unknown."""
    body = 'require local: any(expenses, provider.region == "53")\n'
    d = program(body).evaluate(
        make_dossier(expenses=(Expense("x", Category.ETUDE, Decimal(10)),))
    )
    assert_decision(d, "incomplete", missing=["expenses[0].provider"])


def test_empty_list_is_a_value():
    """An empty expense list is known: the base is zero, not missing."""
    body = "exclude fonctionnement: eligible_expenses == 0 €\n"
    d = program(body).evaluate(make_dossier(expenses=()))
    assert_decision(d, "ineligible", reasons=["fonctionnement"], missing=[])


# ------------------------------------------------------------------ amount


BANDS = """
expenses ineligible {personnel, materiel}
amount
  forfait commune: by applicant.population when applicant.kind == commune
    below 5_000 : 5_000 €
    otherwise   : 10_000 €
  forfait groupement: 20_000 € when applicant.kind in {departement, region, cc, ca}
"""


@pytest.mark.parametrize(
    ("population", "amount"),
    [(4999, "5000.00"), (5000, "10000.00"), (120, "5000.00"), (6643, "10000.00")],
)
def test_forfait_by_population_bands(population, amount):
    """The band boundary belongs to the upper band: 5 000 inhabitants get 10 000 €."""
    d = program(BANDS).evaluate(
        make_dossier(applicant_population=population, requested=Decimal(50000),
                     expenses=lines(("etude", "30000")))
    )
    assert_decision(d, "eligible", amount=amount)


def test_forfait_when_chain_first_match():
    """A later forfait applies when the earlier ones' conditions do not hold."""
    d = program(BANDS).evaluate(
        make_dossier(applicant_kind=Kind.CC, requested=None, expenses=lines(("etude", "30000")))
    )
    assert_decision(d, "eligible", amount="20000.00")


def test_no_forfait_applies_gives_no_amount():
    """When no forfait or rate applies the amount is null and the status unchanged."""
    d = program(BANDS).evaluate(make_dossier(applicant_kind=Kind.SYNDICAT_MIXTE))
    assert_decision(d, "eligible", amount=None)


def test_forfait_never_above_eligible_base():
    """A forfait larger than the eligible base is cut to the base."""
    d = program(BANDS).evaluate(
        make_dossier(
            applicant_population=800, expenses=lines(("etude", "3000"), ("materiel", "9000"))
        )
    )
    assert_decision(d, "eligible", amount="3000.00")


def test_amount_depending_on_missing_field_is_incomplete():
    """An unknown population makes the amount unknown and the dossier incomplete."""
    d = program(BANDS).evaluate(make_dossier(applicant_population=ABSENT))
    assert_decision(d, "incomplete", amount=None, missing=["applicant.population"])


ADJUST = """
amount
  rate 80%
  bonus zrr: +10% when applicant.zrr
  bonus qpv: +1_000 € when applicant.qpv
  cap plafond_commune: 12_000 € when applicant.kind == commune and not joint
  floor plancher: 2_000 €
"""


def test_rate_bonus_cap_floor_pipeline():
    """80 % of 10 000, +10 % ZRR, +1 000 € QPV: 9 800 €, under the 12 000 € cap."""
    d = program(ADJUST).evaluate(
        make_dossier(applicant_zrr=True, applicant_qpv=True, requested=None,
                     expenses=lines(("etude", "10000")))
    )
    assert_decision(d, "eligible", amount="9800.00")


def test_cap_applies_only_when_its_condition_holds():
    """The commune cap binds a lone commune and not a joint project."""
    dossier = make_dossier(requested=None, expenses=lines(("etude", "40000")))
    assert_decision(program(ADJUST).evaluate(dossier), amount="12000.00")
    joint = make_dossier(requested=None, expenses=lines(("etude", "40000")),
                         members=(Collectivite(name="Lannilis", kind=Kind.COMMUNE),))
    assert_decision(program(ADJUST).evaluate(joint), amount="32000.00")


def test_floor_but_never_above_the_base():
    """A floor raises a small amount, but never above the eligible base."""
    d = program(ADJUST).evaluate(make_dossier(requested=None, expenses=lines(("etude", "1500"))))
    assert_decision(d, amount="1500.00")
    d = program(ADJUST).evaluate(make_dossier(requested=None, expenses=lines(("etude", "2400"))))
    assert_decision(d, amount="2000.00")


def test_never_above_requested():
    """The amount never exceeds what the dossier asked for."""
    d = program("amount\n  rate 100%\n").evaluate(
        make_dossier(requested=Decimal("7500.50"), expenses=lines(("etude", "9000")))
    )
    assert_decision(d, amount="7500.50")


def test_rounding_half_up_to_the_cent():
    """33 % of 1 000.50 € is 330.165 €, rounded half-up to 330.17 €."""
    d = program("amount\n  rate 33%\n").evaluate(
        make_dossier(requested=None, expenses=lines(("etude", "1000.50")))
    )
    assert_decision(d, amount="330.17")


def test_amount_never_negative():
    """A negative bonus cannot make the amount negative."""
    d = program("amount\n  rate 100%\n  bonus malus: -50_000 €\n").evaluate(
        make_dossier(requested=None, expenses=lines(("etude", "1000")))
    )
    assert_decision(d, amount="0.00")


def test_ineligible_has_no_amount():
    """An ineligible dossier gets no amount."""
    d = program(RULES + "amount\n  rate 100%\n").evaluate(make_dossier(applicant_departement="75"))
    assert_decision(d, "ineligible", amount=None)


def test_trace_has_every_rule_and_amount_step():
    """The trace has one entry per rule and per amount step, with values read and source."""
    d = program(RULES.replace('"hors Bretagne"', '"hors Bretagne" source "003.txt, §1"')
                 + ADJUST).evaluate(make_dossier())
    rules = [(e.rule, e.kind, e.outcome) for e in d.trace]
    assert rules[:3] == [
        ("territoire", "require", "pass"),
        ("urbanisme", "exclude", "pass"),
        ("participatif", "review", "pass"),
    ]
    kinds = [e.kind for e in d.trace[3:]]
    assert kinds == ["base", "rate", "bonus", "bonus", "cap", "floor", "cap", "cap"]
    first = d.trace[0]
    assert dict(first.read) == {"applicant.departement": "29"}
    assert first.source == "003.txt, §1"
    assert (first.file, first.line) == ("test.fitn7", 4)


def test_no_trace_when_not_asked():
    """Without the trace, the decision is the same but carries no trace entries."""
    p = program(RULES + ADJUST)
    with_trace, without = p.evaluate(make_dossier()), p.evaluate(make_dossier(), trace=False)
    assert without.trace == ()
    assert with_trace.to_dict(trace=False) == without.to_dict(trace=False)


# ------------------------------------------------------------------- score


SCORE = """
score
  inclusion: +2 when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr
  couverture: floor(project.communes_covered / 10)
"""


def test_score_sums_criteria_that_hold():
    """Score is the sum of criteria that hold; floor() gives points per 10 communes."""
    d = program(SCORE).evaluate(make_dossier(applicant_zrr=True, project_communes_covered=23))
    assert d.score == 2 + 1 + 2


def test_unknown_score_criterion_counts_zero_and_keeps_status():
    """An unknown criterion counts 0, keeps the status, and its field is listed missing."""
    d = program(SCORE).evaluate(make_dossier(applicant_zrr=ABSENT))
    assert_decision(d, "eligible", score=2, missing=["applicant.zrr"])


# ------------------------------------------------------------------ params


PARAMS = """
param seuil = 10_000
param plafond = 30_000 €
param limite = 2021-10-15
require petite: applicant.population < seuil
require delai: submitted <= limite
amount
  rate 100%
  cap plafond_commune: plafond
"""


def test_param_defaults_and_overrides():
    """Params have their default unless overridden per call, from values or strings."""
    p = program(PARAMS)
    dossier = make_dossier(applicant_population=12000, expenses=lines(("etude", "40000")),
                           requested=None)
    assert_decision(p.evaluate(dossier), "ineligible", reasons=["petite"])
    assert_decision(p.evaluate(dossier, {"seuil": 20000}), "eligible", amount="30000.00")
    overridden = p.evaluate(dossier, {"seuil": "20_000", "plafond": "35000 €"})
    assert_decision(overridden, "eligible", amount="35000.00")
    late = make_dossier(submitted=datetime.date(2021, 10, 16))
    assert_decision(p.evaluate(late), "ineligible", reasons=["delai"])
    assert_decision(p.evaluate(late, {"limite": "2021-10-31"}), "eligible")


def test_unknown_param_is_an_error_with_hint():
    """Overriding a param the policy does not have names the closest one."""
    with pytest.raises(EvaluationError, match=r"unknown param `seul` \(did you mean `seuil`\?\)"):
        program(PARAMS).evaluate(make_dossier(), {"seul": 3})


def test_param_of_wrong_type_is_an_error():
    """A param override that does not parse as the param's type names the param."""
    message = "param `seuil` expects a whole number, got `beaucoup`"
    with pytest.raises(EvaluationError, match=message):
        program(PARAMS).evaluate(make_dossier(), {"seuil": "beaucoup"})


# --------------------------------------------------------------- sessions


def test_session_is_the_first_closing_on_or_after_filing():
    """`session` names the first session whose closing date is on or after the filing."""
    body = """
session "vague 1" closes 2021-05-30
session "vague 2" closes 2021-08-15
review vague2: session == "vague 2"
review aucune: session == ""
"""
    p = program(body)
    on_deadline = p.evaluate(make_dossier(submitted=datetime.date(2021, 5, 30)))
    assert_decision(on_deadline, "eligible")
    day_after = p.evaluate(make_dossier(submitted=datetime.date(2021, 5, 31)))
    assert_decision(day_after, "review", reasons=["vague2"])
    late = p.evaluate(make_dossier(submitted=datetime.date(2021, 9, 1)))
    assert_decision(late, "review", reasons=["aucune"])


def test_decision_serialises_in_the_documented_shape():
    """`to_dict` gives dossier, policy, status, amount string, score, reasons, missing, trace."""
    d = program(RULES).evaluate(make_dossier(project_participatory=False)).to_dict()
    assert list(d) == [
        "dossier", "policy", "status", "amount", "score", "reasons", "missing", "trace",
    ]
    assert d["policy"]["id"] == "test"
    assert d["policy"]["version"] == "1"
    assert len(d["policy"]["sha256"]) == 64
    assert d["amount"] == "18000.00"
    assert d["reasons"] == [{
        "rule": "participatif", "effect": "review",
        "message": "méthode participative attendue", "source": None,
    }]


def test_trace_amounts_round_half_up_like_the_decision():
    """A rate step of 5.005 € shows 5.01 in the trace, as the decision's amount does."""
    from fitn7 import parse_policy
    from fitn7.evaluation import compile_policy as compile_
    from fitn7.loading import dossier_from_mapping as from_mapping

    program = compile_(parse_policy(
        'policy "r"\n  version "1"\n\namount\n  rate moitie: 50%\n    source "s"\n', "r.fitn7"))
    dossier = from_mapping({"id": "R", "requested": "100", "expenses": [
        {"category": "etude", "amount": "10.01"}]}, file="r.toml")
    decision = program.evaluate(dossier)
    assert decision.amount is not None and str(decision.amount) == "5.01"
    (rate,) = [e.to_dict() for e in decision.trace if e.rule == "moitie"]
    assert rate["amount"] == "5.01"


def test_trace_shows_the_params_and_lets_a_rule_used():
    """A rule's `read` holds the params and named values it used, beside the fields; an
    unknown named value is not a missing field."""
    from fitn7 import parse_policy
    from fitn7.evaluation import compile_policy as compile_
    from fitn7.testing import make_dossier

    program = compile_(parse_policy('''policy "t"
  version "1"

param seuil = 10_000
let bretonne = applicant.departement in {"22", "29", "35", "56"}

review petite: applicant.population < seuil and bretonne
  source "s"
''', "t.fitn7"))
    decision = program.evaluate(make_dossier(), {"seuil": "20000"})
    (petite,) = [e.to_dict() for e in decision.trace if e.rule == "petite"]
    assert petite["read"]["seuil"] == 20000
    assert petite["read"]["bretonne"] is True
    assert "applicant.departement" in petite["read"]


def test_a_stamped_decision_is_a_hashable_value():
    """Frozen all the way: a decision with its provenance can go in a set."""
    from fitn7.provenance import stamp
    from fitn7.testing import make_dossier

    dossier = make_dossier()
    program = compile_policy(parse_policy('policy "h"\n  version "1"\n', "h.fitn7"))
    decision = stamp(program.evaluate(dossier), dossier, {"fitn7_zrr": "0.1.0"}, {"x": "1"})
    assert len({decision, attrs.evolve(decision)}) == 1


def test_the_facade_refuses_a_policy_it_would_decide_wrongly():
    """`fitn7.evaluate` on a parsed child whose parent is not merged, or on a policy the
    checker refuses, raises instead of giving plausible decisions."""
    import fitn7
    from fitn7.errors import PolicyCheckError

    dossier = make_dossier()
    child = parse_policy('policy "enfant"\n  version "1"\n  extends "fitn7-axe3-commun"\n',
                         "enfant.fitn7")
    with pytest.raises(EvaluationError, match=r"policy `enfant` extends `fitn7-axe3-commun`, "
                                              r"which is not merged in: load it with "
                                              r"`fitn7.load_policy`"):
        fitn7.evaluate(child, dossier)
    typo = parse_policy('policy "t"\n  version "1"\n\nrequire r: applicant.populaton > 3\n'
                        '  source "s"\n', "t.fitn7")
    with pytest.raises(PolicyCheckError, match="did you mean `population`"):
        fitn7.evaluate(typo, dossier)
    merged = fitn7.load_policy(Path(__file__).resolve().parents[1] / "policies" / "paca.fitn7")
    assert merged.resolved and fitn7.evaluate(merged, dossier).policy.id == "fitn7-paca"


def test_a_plugin_call_with_a_set_shows_it_sorted():
    """The same set written in another order is the same policy (same hash): its trace
    must read the same too."""
    from fitn7.evaluation.compiler import call_read

    a = call_read("dans", [frozenset({"35", "29"}), Kind.COMMUNE], ["{...}", "commune"])
    b = call_read("dans", [frozenset({"29", "35"}), Kind.COMMUNE], ["{...}", "commune"])
    assert a == b == 'dans({"29", "35"}, commune)'


def test_eligible_of_every_expense_line_as_a_list():
    """`expenses.eligible` is computed for each line, as `any(expenses, eligible)` is: a
    list of truth values, unknown where a line has no category (that category missing)."""
    policy = compile_policy(parse_policy(HEADER + '''
expenses ineligible {personnel}

require tout: all(expenses.eligible)
  source "s"
require une: true in expenses.eligible
  source "s"
''', "p.fitn7"))
    lines = (Expense("a", Category.ETUDE, Decimal(100)),
             Expense("b", Category.PERSONNEL, Decimal(100)))
    decision = policy.evaluate(make_dossier(expenses=lines))
    assert [r.rule for r in decision.reasons] == ["tout"]
    unknown = policy.evaluate(make_dossier(expenses=(Expense("c", None, Decimal(1)),)))
    assert unknown.status is Status.INCOMPLETE
    assert unknown.missing == ("expenses[0].category",)


def test_membership_in_a_list_with_unknown_values_is_unknown():
    """`x in expenses.amount` when a line's amount is absent and no line matches: that
    line could be `x`, so unknown (and incomplete), not false; both paths agree."""
    program = compile_policy(parse_policy(HEADER + '''
require mille: 1000 € in expenses.amount
  source "s"
''', "p.fitn7"))
    lines = (Expense("a", Category.ETUDE, Decimal(500)), Expense("b", Category.ETUDE, None))
    for trace in (True, False):
        decision = program.evaluate(make_dossier(expenses=lines), trace=trace)
        assert decision.status is Status.INCOMPLETE
        assert decision.missing == ("expenses[1].amount",)
    found = (Expense("a", Category.ETUDE, Decimal(1000)), Expense("b", Category.ETUDE, None))
    assert program.evaluate(make_dossier(expenses=found), trace=False).reasons == ()


def test_explain_shows_each_value_a_rule_read_once(capsys):
    """A rule reading `requested` twice shows it once in `--explain`, as in the JSON."""
    from fitn7.cli import main

    root = Path(__file__).resolve().parents[1]
    example = sorted((root / "policies" / "paca").glob("PACA-01*.toml"))[0]
    assert main(["eval", str(root / "policies" / "paca.fitn7"), str(example), "--explain"]) == 0
    for line in capsys.readouterr().out.splitlines():
        if line.strip().startswith("read "):
            paths = [part.split(" = ")[0] for part in line.strip()[5:].split(", ")
                     if " = " in part]
            assert len(paths) == len(set(paths)), line
