"""Impact of a policy change on a corpus: the dossiers it changes, why, and the totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.audit import causes, committee_impact, impact, load_corpus
from fitn7.audit.inputs import dossiers_or_errors
from fitn7.evaluation import Status, compile_policy
from fitn7.loading import Loaded
from fitn7.testing import make_dossier
from tests.budget import examples
from tests.strategies_dossier import dossier_batches

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "diff"
V1, V2, V3 = (str(GOLDEN / f"paca-2021.{n}.fitn7") for n in (1, 2, 3))


def corpus():
    dossiers, errors = dossiers_or_errors([GOLDEN / "dossiers"])
    assert errors == []
    return dossiers


def test_raising_the_cap_changes_the_communes_above_it():
    """PACA's cap raised from 30 000 € to 40 000 €: only single communes that asked for more
    than 30 000 € change, largest first, because of `plafond_commune`."""
    result = impact(V1, V2, corpus())
    assert result.evaluated == 8
    assert result.dossiers == ("PACA-T-002", "PACA-T-001")
    gap, sisteron = result.changes
    assert (gap.before.amount, gap.after.amount) == (Decimal("30000.00"), Decimal("40000.00"))
    assert (sisteron.before.amount, sisteron.after.amount) == (Decimal("30000.00"),
                                                               Decimal("35000.00"))
    assert [c.causes for c in result.changes] == [("plafond_commune",), ("plafond_commune",)]
    assert [c.amount_delta for c in result.changes] == [Decimal("10000.00"), Decimal("5000.00")]
    assert result.flips == ()
    assert (result.total_before, result.total_after, result.delta) == (
        Decimal("408000.00"), Decimal("423000.00"), Decimal("15000.00"))


def test_status_flips_are_counted_and_explained():
    """Statuses that flip are counted each way, and each dossier names the rules behind it."""
    result = impact(V1, V3, corpus())
    assert result.flips == (("ineligible", "eligible", 2), ("eligible", "review", 1))
    by_id = {c.dossier: c for c in result.changes}
    assert set(by_id) == {"PACA-T-001", "PACA-T-002", "PACA-T-005", "PACA-T-006", "PACA-T-007"}
    assert by_id["PACA-T-005"].causes == ("hors_delai", "petite_collectivite")
    assert by_id["PACA-T-005"].score_delta == 1
    assert by_id["PACA-T-006"].causes == ("budget_important",)
    assert by_id["PACA-T-006"].after.status is Status.REVIEW
    assert by_id["PACA-T-007"].causes == ("fonctionnement",)
    assert result.dossiers[0] == "PACA-T-005"  # +20 000 €, the largest change


def test_no_change_no_impact():
    """The same policy on both sides changes no decision; totals are equal."""
    result = impact(V1, V1, corpus())
    assert not result
    assert result.changes == ()
    assert result.total_before == result.total_after


def test_to_dict_shape():
    """The JSON form has the summary, then each dossier before and after with its causes."""
    data = impact(V1, V2, corpus()).to_dict()
    assert {k: data[k] for k in ("evaluated", "changed", "flips", "total_before", "total_after",
                                 "delta")} == {
        "evaluated": 8, "changed": 2, "flips": [], "total_before": "408000.00",
        "total_after": "423000.00", "delta": "15000.00"}
    assert data["dossiers"][0] == {
        "dossier": "PACA-T-002",
        "before": {"status": "eligible", "amount": "30000.00", "score": 0, "reasons": []},
        "after": {"status": "eligible", "amount": "40000.00", "score": 0, "reasons": []},
        "amount_delta": "10000.00",
        "score_delta": 0,
        "causes": ["plafond_commune"],
    }


def test_a_renamed_rule_is_no_cause_when_its_outcome_is_the_same():
    """Renaming a rule changes the reasons of the dossiers it rejects, not the others."""
    old = compile_policy(parse_policy(
        'policy "p"\nexclude urbanisme: "urbanisme" in project.tags\n', "p.fitn7"))
    new = compile_policy(parse_policy(
        'policy "p"\nexclude urba: "urbanisme" in project.tags\n', "p.fitn7"))
    plain = make_dossier(id="A")
    rejected = make_dossier(id="B", project_tags=("urbanisme",))
    result = impact(old, new, [plain, rejected])
    assert result.dossiers == ("B",)
    assert result.changes[0].causes == ("urbanisme", "urba")
    a_before, a_after = old.evaluate(plain), new.evaluate(plain)
    assert causes(a_before, a_after, {"urbanisme", "urba"}, {"urbanisme": "urba"}) == ()


def test_example_dossiers_are_read_as_dossiers():
    """A corpus may hold example dossiers with `[expected]` tables; they load as dossiers."""
    loaded = [r for r in load_corpus([GOLDEN / "dossiers"]) if isinstance(r, Loaded)]
    ids = [r.dossier.id for r in loaded]
    assert ids[0] == "PACA-T-008"  # PACA-T-008.toml sorts before paca.toml
    assert len(ids) == len(set(ids)) == 8


def test_committee_outcomes():
    """With allocation, outcomes that change are listed with the awarded totals."""
    result = committee_impact(V1, V3, corpus())
    assert result.flips == (("awarded", "review", 1), ("ineligible", "awarded", 1),
                            ("ineligible", "waitlisted", 1))
    by_id = {c.dossier: c for c in result.changes}
    assert set(by_id) == {"PACA-T-001", "PACA-T-002", "PACA-T-005", "PACA-T-006", "PACA-T-007"}
    assert by_id["PACA-T-007"].after.reason == "no-amount"
    assert result.delta == Decimal("-215000.00")
    assert committee_impact(V1, V1, corpus()).changes == ()


# ------------------------------------------------------------------ property

TEMPLATE = """policy "proprietes"
  version "{version}"
let bretagne = {{"22", "29", "35", "56"}}
expenses ineligible {{personnel, materiel}}
require territoire: applicant.departement in bretagne or applicant.region == "93"
exclude urbanisme: "urbanisme" in project.tags
review participatif: {review}
amount
  forfait petite: by applicant.population when applicant.kind == commune
    below {threshold} : 5_000 €
    otherwise   : 10_000 €
  rate 90%
  cap plafond_commune: {cap} € when applicant.kind == commune and not joint
score
  inclusion: +{points} when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr
"""

versions = st.fixed_dictionaries({
    "version": st.sampled_from(["1", "2"]),
    "review": st.sampled_from(["not project.participatory", "project.started",
                               "not project.open_source"]),
    "threshold": st.sampled_from(["3_500", "5_000", "10_000"]),
    "cap": st.sampled_from(["6_000", "8_000", "30_000"]),
    "points": st.sampled_from(["1", "2"]),
})


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions, versions, dossier_batches(max_size=6))
def test_impact_lists_exactly_the_decisions_that_differ(old_values, new_values, batch):
    """`impact` lists exactly the dossiers whose status, amount, score or reasons differ
    when each version evaluates them directly, and its totals add up."""
    old = compile_policy(parse_policy(TEMPLATE.format(**old_values), "old.fitn7"))
    new = compile_policy(parse_policy(TEMPLATE.format(**new_values), "new.fitn7"))
    result = impact(old, new, batch)
    expected = set()
    total_before = total_after = Decimal(0)
    for dossier in batch:
        a, b = old.evaluate(dossier), new.evaluate(dossier)
        if (a.status, a.amount, a.score, [r.rule for r in a.reasons]) != (
                b.status, b.amount, b.score, [r.rule for r in b.reasons]):
            expected.add(dossier.id)
        for decision, total in ((a, "before"), (b, "after")):
            if decision.status in (Status.ELIGIBLE, Status.REVIEW) and decision.amount:
                if total == "before":
                    total_before += decision.amount
                else:
                    total_after += decision.amount
    assert set(result.dossiers) == expected
    assert len(result.dossiers) == len(expected)
    assert result.evaluated == len(batch)
    assert (result.total_before, result.total_after) == (total_before, total_after)
    assert sum(n for _, _, n in result.flips) == sum(1 for c in result.changes
                                                    if c.status_changed)
    deltas = [abs(c.amount_delta) for c in result.changes]
    assert deltas == sorted(deltas, reverse=True)
    for change in result.changes:
        assert change.causes, change.dossier
