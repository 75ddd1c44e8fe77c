"""Committee allocation: sessions, ranking, envelope, limits, history, and its reports."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from fitn7 import load_policy, parse_policy
from fitn7.allocation import (
    Allocation,
    HistoryError,
    Outcome,
    PriorAward,
    allocate,
    history_from_mapping,
    read_history,
    render,
)
from fitn7.allocation.engine import history_dossier, limit_key, read_envelope
from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Provider
from fitn7.errors import EvaluationError
from fitn7.evaluation import compile_policy
from fitn7.loading import Loaded, load_dossiers
from fitn7.render.formats import money
from fitn7.testing import make_dossier

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "allocation"
BRETAGNE = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))
PACA = compile_policy(load_policy(ROOT / "policies" / "paca.fitn7"))

COMITE = compile_policy(parse_policy("""
policy "test-comite"
  version "1"
  envelope 100_000 €

param max_par_porteur = 2

session "printemps" closes 2021-05-31
session "ete" closes 2021-08-31

require territoire: applicant.departement in {"22", "29", "35", "56"}
review participatif: not project.participatory

score
  inclusion: +2 when "inclusion" in project.tags
  rural: +1 when applicant.zrr

limit une_victoire: at most 1 award per applicant where not joint
limit par_porteur: at most max_par_porteur awards per applicant
""", "test-comite.fitn7"))

NO_LIMITS = compile_policy(parse_policy("""
policy "sans-limite"
  version "1"
session "printemps" closes 2021-05-31
session "ete" closes 2021-08-31
score
  inclusion: +2 when "inclusion" in project.tags
""", "sans-limite.fitn7"))


def commune(code: str, name: str | None = None, **fields: object) -> Collectivite:
    """A Finistère commune with the given INSEE code."""
    base: dict[str, object] = {
        "name": name or f"Commune {code}", "kind": Kind.COMMUNE, "code": code,
        "population": 4000, "departement": "29", "region": "53", "zrr": False, "qpv": False,
    }
    base.update(fields)
    return Collectivite(**base)  # type: ignore[arg-type]


def dossier(
    ident: str,
    code: str = "29195",
    amount: str = "10000",
    submitted: datetime.date | None = datetime.date(2021, 5, 10),
    *,
    inclusion: bool = False,
    joint: bool = False,
    **overrides: object,
) -> Dossier:
    """An eligible dossier of commune `code` asking for exactly `amount`."""
    fields: dict[str, object] = {
        "id": ident,
        "submitted": submitted,
        "applicant": commune(code),
        "members": (commune("29117"),) if joint else (),
        "expenses": (Expense("Accompagnement", Category.ACCOMPAGNEMENT, Decimal(amount),
                             Provider("Coop", None, "11")),),
        "requested": Decimal(amount),
        "project_tags": ("inclusion",) if inclusion else (),
    }
    return make_dossier(**(fields | overrides))


def outcomes(result: Allocation) -> dict[str, tuple[str, str | None]]:
    """Each dossier's outcome and reason."""
    return {r.dossier: (r.outcome.value, r.reason) for r in result.dossiers}


def fixture_dossiers(name: str) -> list[Dossier]:
    """The dossiers of a fixture file (all of them load)."""
    results = list(load_dossiers(FIXTURES / name))
    assert all(isinstance(r, Loaded) for r in results)
    return [r.dossier for r in results if isinstance(r, Loaded)]


# ------------------------------------------------------------------ the call's limits


def test_bretagne_one_individual_win_joint_projects_do_not_count():
    """Two individual projects of one commune in one committee: the better ranked wins,
    the other waits on the one-win rule; the joint project it leads is funded anyway."""
    result = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    assert outcomes(result) == {
        "BZH-2021-101": ("awarded", None),
        "BZH-2021-103": ("awarded", None),
        "BZH-2021-102": ("waitlisted", "limit:une_victoire_individuelle"),
        "BZH-2021-104": ("awarded", None),
    }
    assert [r.rank for r in result.dossiers] == [1, 2, 3, 4]
    assert result.awarded_total == Decimal("67500")
    assert result.remaining == Decimal("1188000") - Decimal("67500")


def test_bretagne_joint_project_is_not_limited_after_an_individual_win():
    """A joint project led by a commune that already won alone is still funded."""
    batch = [
        dossier("BZH-1", inclusion=True),
        dossier("BZH-2", joint=True),
        dossier("BZH-3", joint=True),
    ]
    result = allocate(BRETAGNE, batch)
    assert {r.dossier: r.outcome for r in result.dossiers} == {
        "BZH-1": Outcome.AWARDED, "BZH-2": Outcome.AWARDED, "BZH-3": Outcome.AWARDED,
    }


def paca_dossier(ident: str, code: str = "04088", day: int = 10) -> Dossier:
    """An eligible PACA dossier of Forcalquier (or `code`), filed in the first wave."""
    return make_dossier(
        id=ident,
        submitted=datetime.date(2021, 5, day),
        applicant=Collectivite("Commune de Forcalquier", Kind.COMMUNE, code, 5222, "04", "93",
                               False, False),
        project_themes=("relation_usagers",),
        project_tags=(),
    )


def test_paca_projects_per_applicant_default_two():
    """PACA: a third project of the same applicant waits on `projets_par_porteur` (default 2)."""
    batch = [paca_dossier(f"PACA-{i}", day=i) for i in (1, 2, 3)] + [
        paca_dossier("PACA-9", code="04112", day=9)
    ]
    result = allocate(PACA, batch)
    assert outcomes(result) == {
        "PACA-1": ("awarded", None),
        "PACA-2": ("awarded", None),
        "PACA-3": ("waitlisted", "limit:projets_par_porteur"),
        "PACA-9": ("awarded", None),
    }
    assert result.params["max_projets_par_porteur"] == 2


@pytest.mark.parametrize(("value", "awarded"), [(3, 3), ("3", 3), (1, 1), ("0", 0)])
def test_paca_projects_per_applicant_param_overridden(value, awarded):
    """The committee overrides `max_projets_par_porteur`; text from the command line works."""
    batch = [paca_dossier(f"PACA-{i}", day=i) for i in (1, 2, 3)]
    result = allocate(PACA, batch, params={"max_projets_par_porteur": value})
    assert [r.dossier for r in result.awards()] == ["PACA-1", "PACA-2", "PACA-3"][:awarded]
    assert all(r.reason == "limit:projets_par_porteur" for r in result.dossiers[awarded:])
    assert result.to_dict()["params"]["max_projets_par_porteur"] == awarded


def test_unknown_param_is_an_error():
    """A param the policy does not have is refused before anything is allocated."""
    with pytest.raises(EvaluationError, match="unknown param `max_projet_par_porteur`"):
        allocate(PACA, [], params={"max_projet_par_porteur": 3})


# ---------------------------------------------------------------------- envelope


def test_envelope_runs_out_mid_session_and_a_smaller_later_dossier_still_fits():
    """When the envelope cannot pay a dossier it waits, and the walk goes on: a smaller
    dossier ranked after it is still funded."""
    batch = [
        dossier("A", "29001", "50000", inclusion=True),
        dossier("B", "29002", "40000", datetime.date(2021, 5, 1)),
        dossier("C", "29003", "20000", datetime.date(2021, 5, 2)),
    ]
    result = allocate(COMITE, batch, envelope=80_000)
    assert outcomes(result) == {
        "A": ("awarded", None),
        "B": ("waitlisted", "envelope"),
        "C": ("awarded", None),
    }
    assert (result.awarded_total, result.remaining) == (Decimal("70000"), Decimal("10000"))
    assert result.sessions[0].to_dict() == {
        "name": "printemps", "closes": "2021-05-31", "awarded_total": "70000.00",
        "awarded": 2, "waitlisted": 1,
    }


def test_envelope_option_replaces_the_policy_envelope():
    """`envelope=` wins over the policy header; text amounts are read as euros."""
    batch = [dossier("A", amount="60000")]
    assert allocate(COMITE, batch).get("A").outcome is Outcome.AWARDED
    assert allocate(COMITE, batch, envelope="50 000 €").get("A").reason == "envelope"


def test_no_envelope_anywhere_is_unlimited():
    """A policy without an envelope, and none given: nothing waits for money."""
    batch = [dossier(f"D{i}", f"2900{i}", "900000") for i in range(3)]
    result = allocate(NO_LIMITS, batch)
    assert (result.envelope, result.remaining) == (None, None)
    assert result.awarded_total == Decimal("2700000")
    assert "enveloppe illimitée" in render(result, "text")
    assert "envelope unlimited" in render(result, "text", "en")


@pytest.mark.parametrize(
    ("text", "amount"),
    [("500000", "500000"), ("500_000", "500000"), ("500 000 €", "500000"),
     ("1188000.50", "1188000.50"), (" 0 ", "0")],
)
def test_envelope_text_forms(text, amount):
    """An envelope may be written with `_`, spaces and a euro sign."""
    assert read_envelope(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["-1", "beaucoup", "1,500", "1.005", "NaN", "Infinity", ""])
def test_envelope_that_is_not_an_amount_is_refused(text):
    """Negative or non-numeric envelopes are errors, not zero."""
    with pytest.raises(EvaluationError, match="expected an envelope in euros"):
        read_envelope(text)


def test_prior_awards_are_deducted_from_the_envelope():
    """The envelope is the whole call's: what the history awarded is no longer there."""
    history = [PriorAward("OLD-1", "29999", Decimal("70000"), "printemps")]
    result = allocate(COMITE, [dossier("A", amount="40000")], history=history)
    assert result.prior_total == Decimal("70000")
    assert result.get("A").reason == "envelope"
    assert result.remaining == Decimal("30000")


# ---------------------------------------------------------------- sessions, ranking


def test_sessions_are_taken_in_closing_order_before_score():
    """An earlier session spends the envelope first, whatever the scores of later ones."""
    batch = [
        dossier("SPRING", "29001", "60000", datetime.date(2021, 5, 30)),
        dossier("SUMMER", "29002", "60000", datetime.date(2021, 6, 1), inclusion=True),
    ]
    result = allocate(COMITE, batch)
    assert outcomes(result) == {"SPRING": ("awarded", None), "SUMMER": ("waitlisted", "envelope")}
    assert [(s.name, s.awarded_total) for s in result.sessions] == [
        ("printemps", Decimal("60000")), ("ete", Decimal(0)),
    ]


def test_a_session_takes_filings_up_to_its_closing_day_included():
    """Filed on the closing day: that session; the day after: the next one."""
    batch = [
        dossier("ON", "29001", submitted=datetime.date(2021, 5, 31)),
        dossier("AFTER", "29002", submitted=datetime.date(2021, 6, 1)),
    ]
    result = allocate(COMITE, batch)
    assert (result.get("ON").session, result.get("AFTER").session) == ("printemps", "ete")


def test_rank_by_score_then_filing_date_then_id():
    """Ties on score go to the earlier filing, ties on both to the smaller id."""
    day = datetime.date(2021, 5, 5)
    batch = [
        dossier("Z-late", "29001", submitted=day + datetime.timedelta(days=3)),
        dossier("B-same", "29002", submitted=day),
        dossier("A-same", "29003", submitted=day),
        dossier("Y-best", "29004", submitted=day + datetime.timedelta(days=9), inclusion=True),
    ]
    result = allocate(COMITE, batch)
    assert [(r.dossier, r.rank) for r in result.dossiers] == [
        ("Y-best", 1), ("A-same", 2), ("B-same", 3), ("Z-late", 4),
    ]


def test_dossiers_that_are_not_eligible_keep_their_status():
    """Review, ineligible and incomplete dossiers are not allocated, ranked or given a reason."""
    batch = [
        dossier("OK"),
        dossier("REVIEW", "29002", project_participatory=False),
        dossier("OUT", "29003", applicant=commune("76351", departement="76")),
        dossier("HOLE", "29004", applicant=commune("29004", departement=None)),
    ]
    result = allocate(COMITE, batch)
    assert [(r.dossier, r.outcome.value, r.rank, r.reason) for r in result.dossiers] == [
        ("OK", "awarded", 1, None),
        ("HOLE", "incomplete", None, None),
        ("OUT", "ineligible", None, None),
        ("REVIEW", "review", None, None),
    ]
    assert result.awarded_total == Decimal("10000")


def test_eligible_dossier_without_amount_waits_with_no_amount():
    """No amount (none, or zero) cannot be awarded: `no-amount`, and no limit slot used."""
    forfait = compile_policy(parse_policy("""
policy "forfait"
  version "1"
amount
  forfait intercommunal: 20_000 € when applicant.kind == cc
limit une: at most 1 award per applicant
""", "forfait.fitn7"))
    batch = [dossier("NONE", inclusion=True), dossier("ZERO", requested=Decimal(0))]
    result = allocate(forfait, batch)
    assert outcomes(result) == {"NONE": ("waitlisted", "no-amount"),
                                "ZERO": ("waitlisted", "no-amount")}
    assert result.get("NONE").amount is None


def test_filed_after_the_last_session_waits_with_no_session():
    """Eligible but filed after the last closing date: waitlisted, unranked, no money spent."""
    batch = [dossier("LATE", submitted=datetime.date(2021, 9, 1)), dossier("UNDATED",
             "29002", submitted=None)]
    result = allocate(COMITE, batch)
    assert [(r.dossier, r.session, r.rank, r.reason) for r in result.dossiers] == [
        ("LATE", None, None, "no-session"), ("UNDATED", None, None, "no-session"),
    ]
    assert result.sessions == ()
    assert result.awarded_total == 0
    assert "hors session (déposé après la clôture" in render(result, "text")
    assert "no session (filed after the last session closed" in render(result, "text", "en")


def test_policy_without_sessions_has_one_session_named_after_it():
    """With no `session` declared, every dossier, dated or not, is in the policy's session."""
    plain = compile_policy(parse_policy('policy "sans-session"\n  version "1"\n', "s.fitn7"))
    batch = [dossier("A", submitted=None), dossier("B", submitted=datetime.date(2030, 1, 1))]
    result = allocate(plain, batch)
    assert [(r.dossier, r.session, r.rank) for r in result.dossiers] == [
        ("B", "sans-session", 1), ("A", "sans-session", 2),
    ]
    assert [s.name for s in result.sessions] == ["sans-session"]
    assert result.sessions[0].closes is None


def test_session_option_allocates_only_that_session():
    """`session=` leaves the other sessions' dossiers out of the result and the totals."""
    batch = [
        dossier("SPRING", "29001", "60000", datetime.date(2021, 5, 3)),
        dossier("SUMMER", "29002", "60000", datetime.date(2021, 7, 1)),
    ]
    result = allocate(COMITE, batch, session="ete")
    assert outcomes(result) == {"SUMMER": ("awarded", None)}
    assert [s.name for s in result.sessions] == ["ete"]


def test_session_option_lists_its_session_even_when_empty():
    """A session asked for and without dossiers still has its (zero) total."""
    result = allocate(COMITE, [], session="ete")
    assert [(s.name, s.awarded_total, s.awarded) for s in result.sessions] == [
        ("ete", Decimal(0), 0)
    ]


def test_unknown_session_is_an_error_with_a_hint():
    """A misspelt session name is refused with the closest one."""
    with pytest.raises(EvaluationError, match=r"unknown session `eté` \(did you mean `ete`"):
        allocate(COMITE, [], session="eté")


def test_two_dossiers_with_one_id_are_refused():
    """Ids identify dossiers in the report and the history: they must be unique."""
    with pytest.raises(EvaluationError, match="two dossiers have the id `A`"):
        allocate(COMITE, [dossier("A"), dossier("A", "29002")])


# ----------------------------------------------------------------------- limits


def test_limit_counts_history_awards_of_the_same_applicant():
    """A commune that won alone in an earlier committee cannot win alone again."""
    history = [PriorAward("OLD", "29195", Decimal(5000), "printemps", joint=False)]
    result = allocate(COMITE, [dossier("NEW", "29195")], history=history)
    assert result.get("NEW").reason == "limit:une_victoire"


def test_joint_history_award_counts_only_where_the_limit_says():
    """A joint prior award is not counted by a `where not joint` limit but is by the others."""
    history = [PriorAward("OLD", "29195", Decimal(5000), joint=True)]
    batch = [dossier("NEW-1", "29195"), dossier("NEW-2", "29195", joint=True,
                                                submitted=datetime.date(2021, 5, 11))]
    result = allocate(COMITE, batch, history=history)
    assert outcomes(result) == {
        "NEW-1": ("awarded", None),
        "NEW-2": ("waitlisted", "limit:par_porteur"),
    }


def test_first_failing_limit_by_id_is_the_reason():
    """When two limits are full, the reason names the first by id, wherever each is
    written: moving a limit in the file changes nothing."""
    history = [PriorAward("OLD-1", "29195", Decimal(1)), PriorAward("OLD-2", "29195", Decimal(1))]
    result = allocate(COMITE, [dossier("NEW", "29195")], history=history)
    assert result.get("NEW").reason == "limit:par_porteur"
    moved = parse_policy(COMITE.policy.source.text.replace(
        "limit une_victoire: at most 1 award per applicant where not joint\n", "") +
        "\nlimit une_victoire: at most 1 award per applicant where not joint\n", "m.fitn7")
    again = allocate(compile_policy(moved), [dossier("NEW", "29195")], history=history)
    assert again.get("NEW").reason == "limit:par_porteur"


def test_limit_on_an_absent_key_waits_with_limit_unknown():
    """Without the applicant's code, a per-applicant limit cannot be checked: the dossier
    waits with `limit-unknown:<id>` rather than being funded blindly."""
    batch = [dossier("NOCODE", applicant=Collectivite("Commune sans code", Kind.COMMUNE,
                                                       None, 4000, "29", "53", False, False))]
    result = allocate(COMITE, batch)
    assert result.get("NOCODE").reason == "limit-unknown:par_porteur"


def test_limit_with_unknown_where_is_taken_as_holding():
    """A `where` that cannot be decided counts and constrains, since a limit is a ceiling."""
    small = compile_policy(parse_policy("""
policy "petites"
  version "1"
limit petites: at most 1 award per applicant where applicant.population < 5_000
""", "p.fitn7"))
    history = [PriorAward("OLD", "29195", Decimal(1))]  # population unknown in a history entry
    batch = [
        dossier("BIG", "29001", applicant=commune("29001", population=90_000)),
        dossier("UNKNOWN", "29195", applicant=commune("29195", population=None)),
    ]
    result = allocate(small, batch, history=history)
    assert outcomes(result) == {
        "BIG": ("awarded", None),
        "UNKNOWN": ("waitlisted", "limit:petites"),
    }


def test_history_award_a_limit_cannot_key_is_reported_not_counted():
    """A limit per département cannot count history entries (they record no département):
    they are left out of it, and the allocation says so."""
    per_dep = compile_policy(parse_policy("""
policy "par-dep"
  version "1"
limit un_par_departement: at most 1 award per applicant.departement
""", "d.fitn7"))
    history = [PriorAward("OLD", "29195", Decimal(1))]
    result = allocate(per_dep, [dossier("NEW")], history=history)
    assert result.get("NEW").outcome is Outcome.AWARDED
    assert result.warnings == (
        "history award `OLD` is not counted by limit `un_par_departement`: the limit counts "
        "awards per `applicant.departement`, which the history does not record for it",
    )


def test_history_dossier_is_the_minimal_dossier_of_an_award():
    """A prior award stands for a dossier with its applicant's code and a member if joint."""
    d = history_dossier(PriorAward("OLD", "29195", Decimal(1), joint=True, name="Plouguerneau"))
    assert d == Dossier(id="OLD", applicant=Collectivite(name="Plouguerneau", code="29195"),
                        members=(Collectivite(),))
    assert history_dossier(PriorAward("X", None, Decimal(1))).applicant is None


@pytest.mark.parametrize(
    ("value", "key"),
    [(commune("29195"), "29195"), (Kind.CC, "cc"), ("29", "29"), (None, None),
     (Collectivite(name="sans code"), None), (Decimal("3.5"), "3.5")],
)
def test_limit_key(value, key):
    """Collectivités are counted by code, kinds by name, text as it is."""
    assert limit_key(value) == key


# ---------------------------------------------------------------------- history


def test_two_sessions_with_history_carried_over_through_json():
    """June's JSON output is September's history: the June winner cannot win alone again,
    and September's output carries June's awards on to the next committee."""
    june = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    history = history_from_mapping(json.loads(render(june, "json")), file="juin.json",
                                   policy_id="fitn7-bretagne")
    assert history == june.as_history()
    september = allocate(BRETAGNE, fixture_dossiers("bretagne-septembre.toml"), history=history)
    assert outcomes(september) == {
        "BZH-2021-201": ("waitlisted", "limit:une_victoire_individuelle"),
        "BZH-2021-202": ("awarded", None),
    }
    assert september.prior_total == Decimal("67500")
    assert september.remaining == Decimal("1188000") - Decimal("67500") - Decimal("8000")
    assert [p.dossier for p in september.as_history()] == [
        "BZH-2021-101", "BZH-2021-103", "BZH-2021-104", "BZH-2021-202",
    ]


def test_history_carried_over_through_toml(tmp_path):
    """The TOML output reads back as the same history as the JSON one."""
    june = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    (tmp_path / "juin.toml").write_text(render(june, "toml"), encoding="utf-8")
    (tmp_path / "juin.json").write_text(render(june, "json"), encoding="utf-8")
    assert read_history(tmp_path / "juin.toml") == read_history(tmp_path / "juin.json")
    assert read_history(tmp_path / "juin.toml") == june.as_history()


def test_dossier_already_in_the_history_is_not_allocated_again():
    """Re-running with the whole folder and June's output: June winners are left out, with
    a warning, and not paid twice."""
    june = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    batch = fixture_dossiers("bretagne-juin.toml") + fixture_dossiers("bretagne-septembre.toml")
    result = allocate(BRETAGNE, batch, history=june.as_history())
    assert outcomes(result) == {
        "BZH-2021-102": ("waitlisted", "limit:une_victoire_individuelle"),
        "BZH-2021-201": ("waitlisted", "limit:une_victoire_individuelle"),
        "BZH-2021-202": ("awarded", None),
    }
    assert result.warnings[0] == (
        "dossier `BZH-2021-101` was already awarded in session `comité T2 2021` (history): "
        "not allocated again"
    )
    assert len(result.warnings) == 4
    # BZH-2021-102 waited in June and is walked again: the committee is told.
    assert result.warnings[3] == (
        "session `comité T2 2021` already met (its awards are in the history); its 1 other "
        "dossier(s) are allocated again in this run: name the current session (--session) to "
        "allocate only that committee"
    )
    only_september = allocate(BRETAGNE, batch, history=june.as_history(),
                              session="comité T3 2021")
    assert not any("already met" in w for w in only_september.warnings)


def test_prior_awards_file():
    """A hand-written TOML file of `[[award]]` tables gives the prior awards, by dossier id."""
    assert read_history(FIXTURES / "prior-awards.toml", policy_id="fitn7-bretagne") == (
        PriorAward("BZH-2021-050", "29239", Decimal("25000.00"), "comité T2 2021", False,
                   "Commune de Roscoff"),
        PriorAward("BZH-2021-051", "29195", Decimal(30000), "comité T2 2021", True,
                   "Commune de Plouguerneau"),
    )


def test_same_award_in_two_history_files_counts_once(tmp_path):
    """Giving June's output and September's (which carries June) counts June once."""
    june = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    sept = allocate(BRETAGNE, fixture_dossiers("bretagne-septembre.toml"),
                    history=june.as_history())
    for name, result in (("juin.json", june), ("sept.json", sept)):
        (tmp_path / name).write_text(render(result, "json"), encoding="utf-8")
    both = read_history(tmp_path / "juin.json", tmp_path / "sept.json")
    assert both == sept.as_history()


def test_two_different_awards_for_one_dossier_are_refused():
    """A dossier cannot have been awarded twice with different amounts."""
    awards = [PriorAward("X", "1", Decimal(1)), PriorAward("X", "1", Decimal(2))]
    with pytest.raises(EvaluationError, match="two different awards for dossier `X`"):
        allocate(COMITE, [], history=awards)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[award]]\ndossier = "A"\namount = 1\n',
         "h.toml: missing `applicant` @ $.award[0].applicant (the applicant's code"),
        ('[[award]]\ndossier = "A"\napplicant = "1"\namount = "12 000"\n',
         "h.toml: expected money (a number of euros) @ $.award[0].amount"),
        ('[[award]]\ndossier = "A"\napplicant = "1"\namount = 1\njoin = true\n',
         "h.toml: unknown key `join` @ $.award[0].join (did you mean `joint`?)"),
        ('[[award]]\ndossier = "A"\napplicant = 29195\namount = 1\n',
         'h.toml: expected a string @ $.award[0].applicant (this is text: write it in quotes, '
         'e.g. "29195")'),
        ('[[award]]\ndossier = "A"\napplicant = "1"\namount = 1\njoint = "oui"\n',
         "h.toml: expected a boolean (true or false) @ $.award[0].joint"),
        ('[[awards]]\ndossier = "A"\n', "h.toml: unknown key `awards` @ $.awards (did you mean"),
        ('award = "A"\n', "h.toml: expected a list of tables @ $.award"),
        ('policy = "fitn7-paca"\n',
         "h.toml: this history is of policy `fitn7-paca`, not `fitn7-bretagne` @ $.policy"),
        ("award = [\n", "h.toml: invalid TOML"),
    ],
)
def test_history_errors_name_file_and_field(tmp_path, text, message):
    """A wrong history file is refused with its file, the path of the field and a hint."""
    with pytest.raises(HistoryError) as info:
        read_history(write(tmp_path, "h.toml", text), policy_id="fitn7-bretagne")
    assert str(info.value).startswith(message.replace("h.toml", str(tmp_path / "h.toml")))


def test_history_file_of_unknown_type_or_absent(tmp_path):
    """Only .toml and .json files are histories; an absent file says so."""
    with pytest.raises(HistoryError, match=r"unsupported file type `\.csv`"):
        read_history(write(tmp_path, "h.csv", ""))
    with pytest.raises(HistoryError, match="no such file or directory"):
        read_history(tmp_path / "absent.json")


def test_history_of_an_allocate_output_of_another_policy_is_refused():
    """An allocate output names its policy: another call's output is refused."""
    june = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml")).to_dict()
    with pytest.raises(HistoryError, match="of policy `fitn7-bretagne`, not `fitn7-paca`"):
        history_from_mapping(june, file="juin.json", policy_id="fitn7-paca")


def test_history_as_a_json_list_of_awards():
    """A JSON array of award objects is a history too."""
    data = [{"dossier": "A", "applicant": "29195", "amount": "10.50"}]
    assert history_from_mapping(data, file="h.json") == (
        PriorAward("A", "29195", Decimal("10.50")),
    )


# -------------------------------------------------------------------- determinism


def test_input_order_does_not_change_a_byte():
    """The same batch and history in any order render to the same bytes in every format."""
    batch = fixture_dossiers("bretagne-juin.toml") + fixture_dossiers("bretagne-septembre.toml")
    history = list(read_history(FIXTURES / "prior-awards.toml"))
    reference = allocate(BRETAGNE, batch, history=history, envelope=60_000)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(batch)
        rng.shuffle(history)
        again = allocate(BRETAGNE, batch, history=history, envelope=60_000)
        assert again == reference
        for fmt in ("text", "json", "toml", "csv"):
            assert render(again, fmt) == render(reference, fmt)


# ------------------------------------------------------------------------- reports


def test_json_shape():
    """The JSON report: policy, params, envelope and totals as strings, sessions, one row per
    dossier with outcome, amount, score, rank, session and reason, the history, warnings."""
    result = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"),
                      history=read_history(FIXTURES / "prior-awards.toml"), envelope="100000")
    data = json.loads(render(result, "json"))
    assert list(data) == ["policy", "params", "envelope", "prior_total", "awarded_total",
                          "remaining", "sessions", "dossiers", "history", "warnings"]
    assert data["policy"]["id"] == "fitn7-bretagne"
    assert len(data["policy"]["sha256"]) == 64
    assert (data["envelope"], data["prior_total"], data["awarded_total"], data["remaining"]) == (
        "100000.00", "55000.00", "18000.00", "27000.00"
    )
    assert data["sessions"] == [{"name": "comité T2 2021", "closes": "2021-06-22",
                                 "awarded_total": "18000.00", "awarded": 1, "waitlisted": 3}]
    assert data["dossiers"][0] == {
        "dossier": "BZH-2021-101", "outcome": "awarded", "amount": "18000.00", "score": 3,
        "rank": 1, "session": "comité T2 2021", "reason": None, "applicant": "29195",
        "applicant_name": "Commune de Plouguerneau", "joint": False, "submitted": "2021-05-12",
        "rules": [], "missing": [],
    }
    # 103 does not fit the 27 000 € left; the history's Roscoff award blocks 104.
    assert [(d["dossier"], d["reason"]) for d in data["dossiers"]] == [
        ("BZH-2021-101", None),
        ("BZH-2021-103", "envelope"),
        ("BZH-2021-102", "limit:une_victoire_individuelle"),
        ("BZH-2021-104", "limit:une_victoire_individuelle"),
    ]
    assert data["history"][0] == {"dossier": "BZH-2021-050", "applicant": "29239",
                                  "name": "Commune de Roscoff", "amount": "25000.00",
                                  "session": "comité T2 2021", "joint": False}


def test_text_report_is_a_table_per_session_with_the_envelope_line():
    """The committee's text: a heading per session, aligned columns, the envelope line."""
    result = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    text = render(result, "text")
    lines = text.splitlines()
    # The params the committee applied come under the title, as the policy writes them.
    assert lines[1] == "paramètres : part_materiel_finalite = 50%"
    lines = lines[1:]
    assert lines[2] == (
        "comité T2 2021 · clôture le 22 juin 2021 · attribué 67 500,00 € "
        "(3 retenus, 1 en attente)"
    )
    assert lines[3].split() == ["rang", "dossier", "porteur", "score", "montant", "résultat",
                                "motif"]
    assert lines[6].split()[-4:] == ["en", "attente", "limite", "une_victoire_individuelle"]
    assert "Commune de Plouguerneau (29195) + partenaires" in lines[5]
    assert lines[-1] == (
        "enveloppe 1 188 000,00 € · aides déjà attribuées 0,00 € (0) · attribué 67 500,00 € · "
        "reste 1 120 500,00 €"
    )
    assert len({line.index("BZH") for line in lines[4:8]}) == 1


def test_text_report_in_english():
    """`lang="en"`: the words fitn7 always printed, amounts and dates the English way."""
    result = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    lines = render(result, "text", "en").splitlines()
    assert lines[1] == "params: part_materiel_finalite = 50%"
    assert lines[3] == (
        "comité T2 2021 · closes 22 June 2021 · awarded €67,500.00 (3 awarded, 1 waitlisted)"
    )
    assert lines[4].split() == ["rank", "dossier", "applicant", "score", "amount", "outcome",
                                "reason"]
    assert lines[7].split()[-2:] == ["waitlisted", "limit:une_victoire_individuelle"]
    assert "Commune de Plouguerneau (29195) + partners" in lines[6]
    assert lines[-1] == (
        "envelope €1,188,000.00 · prior awards €0.00 (0) · awarded €67,500.00 · "
        "remaining €1,120,500.00"
    )


def test_text_report_gives_why_a_dossier_is_not_allocated():
    """Ineligible rows show the failing rules, incomplete rows the missing fields."""
    batch = [
        dossier("OUT", applicant=commune("76351", departement="76")),
        dossier("HOLE", "29004", applicant=commune("29004", departement=None)),
    ]
    result = allocate(COMITE, batch)
    text = render(result, "text")
    assert [line.split()[-3:] for line in text.splitlines()[5:7]] == [
        ["manquant", ":", "applicant.departement"], ["—", "inéligible", "territoire"],
    ]
    text = render(result, "text", "en")
    assert [line.split()[-2:] for line in text.splitlines()[5:7]] == [
        ["missing", "applicant.departement"], ["ineligible", "territoire"],
    ]


def test_csv_report_for_the_committee_spreadsheet():
    """CSV: `;` between fields, decimal commas, one row per dossier, a header row."""
    result = allocate(BRETAGNE, fixture_dossiers("bretagne-juin.toml"))
    rows = render(result, "csv").removeprefix("\ufeff").splitlines()
    assert rows[0] == ("session;rang;dossier;code_porteur;porteur;projet_commun;score;montant;"
                       "résultat;motif")
    assert rows[3] == ("comité T2 2021;3;BZH-2021-102;29195;Commune de Plouguerneau;no;1;"
                       "12000,00;waitlisted;limit:une_victoire_individuelle")
    assert len(rows) == 5
    # The header is for people, in their language; the values are the same in both.
    english = render(result, "csv", "en").removeprefix("\ufeff").splitlines()
    assert english[0] == ("session;rank;dossier;applicant_code;applicant;joint;score;amount;"
                          "outcome;reason")
    assert english[1:] == rows[1:]


def test_toml_report_leaves_nulls_out():
    """TOML has no null: keys whose value is null are left out of the tables."""
    result = allocate(NO_LIMITS, [dossier("A")])
    text = render(result, "toml")
    assert "envelope" not in text and "remaining" not in text
    assert 'reason' not in text
    assert 'awarded_total = "10000.00"' in text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("1188000"), "1 188 000,00 €"), (Decimal("-2500.5"), "-2 500,50 €"), (None, "—")],
)
def test_euros(amount, text):
    """Amounts in the committee report are written the French way."""
    assert money(amount, "fr") == text


def test_a_percent_param_decides_in_allocation_as_in_evaluation():
    """A percent param (`part_materiel_finalite = 50%`) holds the share 0.5. Allocation
    once merged the params, then had evaluation merge them again, which read 0.5 as
    0.5 %: a dossier whose materiel is half its budget, eligible for `eval`, was
    ineligible (materiel_finalite) in `allocate`."""
    loaded = load_dossiers(ROOT / "policies" / "bretagne" / "BZH-03-materiel-moitie-pile.toml",
                           vocabulary=BRETAGNE.vocabulary)
    (half,) = [r.dossier for r in loaded if isinstance(r, Loaded)]
    assert BRETAGNE.evaluate(half, trace=False).status.value == "eligible"
    for params in (None, {}, {"part_materiel_finalite": "50%"}):
        row = allocate(BRETAGNE, [half], params=params).get(half.id)
        assert row.outcome is Outcome.AWARDED, params
        assert row.amount == Decimal("10000.00")
    # An override is still applied once: at 40 %, half the budget is the finality.
    row = allocate(BRETAGNE, [half], params={"part_materiel_finalite": "40%"}).get(half.id)
    assert row.outcome is Outcome.INELIGIBLE
