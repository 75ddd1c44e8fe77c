"""Properties of allocation over generated committee batches.

The batches are drawn from a few applicants so that limits bind: several
dossiers of one commune, joint or not, across sessions, with a history of
prior awards of the same communes, and envelopes from tight to unlimited.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import load_policy, parse_policy
from fitn7.allocation import Allocation, Outcome, PriorAward, allocate, render
from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider
from fitn7.evaluation import CompiledPolicy, Status, compile_policy
from tests.budget import examples
from tests.strategies_dossier import dossier_batches

ROOT = Path(__file__).resolve().parents[1]
BRETAGNE = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))

COMITE = compile_policy(parse_policy("""
policy "proprietes-comite"
  version "1"
  envelope 100_000 €

param max_par_porteur = 2

session "printemps" closes 2021-05-31
session "ete" closes 2021-08-31
session "automne" closes 2021-10-31

require territoire: applicant.departement in {"22", "29", "35", "56"}
review participatif: not project.participatory

score
  inclusion: +2 when "inclusion" in project.tags
  rural: +1 when applicant.zrr

limit une_victoire: at most 1 award per applicant where not joint
limit par_porteur: at most max_par_porteur awards per applicant
limit par_departement: at most 3 awards per applicant.departement
""", "proprietes-comite.fitn7"))

#: Few applicants, so that limits bind: (code, département, zrr).
APPLICANTS = (
    ("29195", "29", False),
    ("29117", "29", True),
    ("29239", "29", True),
    ("22113", "22", False),
    ("35238", "35", False),
    ("76351", "76", False),  # outside Bretagne: ineligible
)
FIRST = datetime.date(2021, 4, 1)


@st.composite
def committee_dossiers(draw: st.DrawFn, ident: str) -> Dossier:
    """A dossier of one of the few applicants, sometimes joint, review or undated."""
    code, departement, zrr = draw(st.sampled_from(APPLICANTS))
    joint = draw(st.booleans())
    amount = draw(st.decimals(0, 60_000, places=0, allow_nan=False, allow_infinity=False))
    # One dossier in ten is undated or filed after the last session closed.
    late = draw(st.integers(0, 9)) == 0
    submitted = draw(
        st.one_of(st.none(), st.dates(datetime.date(2021, 11, 1), datetime.date(2021, 12, 31)))
        if late else st.dates(FIRST, datetime.date(2021, 10, 31))
    )
    return Dossier(
        id=ident,
        submitted=submitted,
        applicant=Collectivite(f"Commune {code}", Kind.COMMUNE, code, 4000, departement, "53",
                               zrr, False),
        members=(Collectivite("Partenaire", Kind.COMMUNE, "29001", 900, "29", "53"),)
        if joint else (),
        project=Project(
            title="Projet",
            themes=("relation_usagers",),
            tags=("inclusion",) if draw(st.booleans()) else (),
            participatory=draw(st.integers(0, 7)) != 0,
        ),
        expenses=(Expense("Prestation", Category.ACCOMPAGNEMENT, amount,
                          Provider("Coop", None, draw(st.sampled_from(["53", "11"])))),),
        requested=amount,
    )


@st.composite
def batches(draw: st.DrawFn) -> list[Dossier]:
    """Up to 14 dossiers with distinct ids, drawn from few applicants."""
    size = draw(st.integers(0, 14))
    return [draw(committee_dossiers(f"D-{i:02d}")) for i in range(size)]


@st.composite
def histories(draw: st.DrawFn) -> list[PriorAward]:
    """Prior awards of the same applicants (ids that are not in the batch)."""
    size = draw(st.integers(0, 4))
    return [
        PriorAward(
            f"H-{i}",
            draw(st.sampled_from(APPLICANTS))[0],
            draw(st.decimals(1, 40_000, places=2, allow_nan=False, allow_infinity=False)),
            "printemps",
            draw(st.booleans()),
        )
        for i in range(size)
    ]


envelopes = st.one_of(
    st.none(), st.decimals(0, 300_000, places=2, allow_nan=False, allow_infinity=False)
)


def run(
    batch: list[Dossier], history: list[PriorAward], envelope: Decimal | None,
    program: CompiledPolicy = COMITE,
) -> Allocation:
    """Allocate with `envelope`, or with an unlimited one when None (COMITE has an envelope)."""
    if envelope is None:
        envelope = Decimal(10) ** 12
    return allocate(program, batch, history=history, envelope=envelope)


@settings(max_examples=examples(150), deadline=None)
@given(batches(), histories(), envelopes)
def test_awarded_total_never_exceeds_what_the_envelope_has_left(batch, history, envelope):
    """Awards of a run fit in the envelope minus the history, and the totals add up."""
    result = run(batch, history, envelope)
    awarded = [r.amount for r in result.awards() if r.amount is not None]
    assert len(awarded) == len(result.awards())
    assert result.awarded_total == sum(awarded, Decimal(0))
    assert all(a > 0 for a in awarded)
    assert result.envelope is not None
    left = result.envelope - result.prior_total
    assert result.awarded_total <= max(left, Decimal(0))
    assert result.remaining == left - result.awarded_total
    assert sum((s.awarded_total for s in result.sessions), Decimal(0)) == result.awarded_total


@settings(max_examples=examples(150), deadline=None)
@given(batches(), histories(), envelopes)
def test_no_limit_is_ever_exceeded_counting_history(batch, history, envelope):
    """Per applicant: at most one individual win and `max_par_porteur` wins in all, prior ones
    included; at most 3 wins of this run per département (the history records none)."""
    result = run(batch, history, envelope)
    by_id = {d.id: d for d in batch}
    awards = [by_id[r.dossier] for r in result.awards()]
    assert all(a.applicant is not None for a in awards)
    alone = Counter(a.applicant.code for a in awards if not a.members)
    total = Counter(a.applicant.code for a in awards)
    per_dep = Counter(a.applicant.departement for a in awards)
    prior_alone = Counter(p.applicant for p in history if not p.joint)
    prior_total = Counter(p.applicant for p in history)
    for code in total:
        assert alone[code] <= max(0, 1 - prior_alone[code])
        assert total[code] <= max(0, 2 - prior_total[code])
    assert all(n <= 3 for n in per_dep.values())
    not_counted = [w for w in result.warnings if "is not counted by limit" in w]
    assert len(not_counted) == len(history)  # each prior award, once, for par_departement


@settings(max_examples=examples(100), deadline=None)
@given(batches(), histories(), envelopes, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(batch, history, envelope, rng):
    """Shuffled dossiers and history give an equal allocation and the same bytes."""
    result = run(batch, history, envelope)
    shuffled, prior = list(batch), list(history)
    rng.shuffle(shuffled)
    rng.shuffle(prior)
    again = run(shuffled, prior, envelope)
    assert again == result
    for fmt in ("json", "text", "csv", "toml"):
        assert render(again, fmt) == render(result, fmt)


@settings(max_examples=examples(150), deadline=None)
@given(batches(), histories(), envelopes)
def test_every_eligible_dossier_is_awarded_or_waitlisted_with_a_reason(batch, history, envelope):
    """Eligible dossiers are awarded (no reason) or waitlisted (a reason); the others keep
    their evaluation status; every dossier of the batch is reported once."""
    result = run(batch, history, envelope)
    assert sorted(r.dossier for r in result.dossiers) == sorted(d.id for d in batch)
    for row in result.dossiers:
        status = row.decision.status
        if status is Status.ELIGIBLE:
            assert row.outcome in (Outcome.AWARDED, Outcome.WAITLISTED)
            assert (row.reason is None) == (row.outcome is Outcome.AWARDED)
            assert row.reason is None or row.reason in (
                "envelope", "no-amount", "no-session", "limit:une_victoire",
                "limit:par_porteur", "limit:par_departement",
            )
        else:
            assert row.outcome.value == status.value
            assert (row.reason, row.rank) == (None, None)


@settings(max_examples=examples(150), deadline=None)
@given(batches(), histories(), envelopes, envelopes)
def test_raising_the_envelope_never_lowers_the_awarded_total(batch, history, one, two):
    """A larger envelope awards at least as much in total (which dossiers win may change:
    greedy allocation is not monotone per dossier)."""
    low, high = sorted((one or Decimal(0), two or Decimal(0)))
    assert run(batch, history, low).awarded_total <= run(batch, history, high).awarded_total
    assert run(batch, history, high).awarded_total <= run(batch, history, None).awarded_total


@settings(max_examples=examples(100), deadline=None)
@given(batches(), envelopes)
def test_ranks_follow_score_then_filing_date_then_id(batch, envelope):
    """Within a session, ranks 1..n follow score (highest first), filing date, then id."""
    result = run(batch, [], envelope)
    for session in result.sessions:
        ranked = [r for r in result.dossiers if r.session == session.name and r.rank]
        assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
        keys = [(-r.score, r.submitted, r.dossier) for r in ranked]
        assert keys == sorted(keys)


@settings(max_examples=examples(60), deadline=None)
@given(dossier_batches(max_size=10), envelopes)
def test_shipped_bretagne_policy_on_generated_batches(batch, envelope):
    """On the shared generator's realistic batches and the shipped Bretagne policy, the
    envelope and the one-win rule hold and the result is order independent."""
    result = run(batch, [], envelope, BRETAGNE)
    assert result.envelope is not None
    assert result.awarded_total <= result.envelope
    by_id = {d.id: d for d in batch}
    alone = Counter(
        by_id[r.dossier].applicant.code
        for r in result.awards() if not by_id[r.dossier].members
    )
    assert all(n <= 1 for n in alone.values())
    assert run(list(reversed(batch)), [], envelope, BRETAGNE) == result
