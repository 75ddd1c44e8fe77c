"""Param overrides: conversion of `--param` text, and the text a decision records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.dossier import Kind
from fitn7.errors import EvaluationError
from fitn7.evaluation import compile_policy
from fitn7.evaluation.params import coerce, override_texts, param_text

POLICY = parse_policy('''policy "p"
  version "1"

param plafond = 30_000 €
param taux = 80%
param max_projets = 2
param cloture = 2021-10-15
param mutualise = false
param libelle = "axe 3"
param deps = {"22", "29"}
param porteurs = {commune, cc}

review r: applicant.population < max_projets
  source "test"
''', "p.fitn7")
PROGRAM = compile_policy(POLICY)
DEFAULTS, NODES = PROGRAM.param_defaults, PROGRAM.param_nodes

cents = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                    allow_infinity=False)
VALUES = {
    "plafond": cents,
    "taux": st.integers(0, 10_000).map(lambda n: Decimal(n) / 10_000),
    "max_projets": st.integers(-10**6, 10**6),
    "cloture": st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
    "mutualise": st.booleans(),
    "libelle": st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                       min_size=1).map(str.strip).filter(bool),
    "deps": st.frozensets(st.from_regex(r"[0-9]{2,3}", fullmatch=True), max_size=4),
    "porteurs": st.frozensets(st.sampled_from(list(Kind)), max_size=4),
}


@given(st.sampled_from(sorted(VALUES)).flatmap(lambda n: st.tuples(st.just(n), VALUES[n])))
def test_recorded_text_reads_back_to_the_same_value(named):
    """What a decision records for an override converts back to exactly that value,
    so a replay with the recorded params decides as the original run did."""
    name, value = named
    text = param_text(value, NODES[name])
    assert coerce(name, DEFAULTS[name], text, NODES[name]) == value
    assert param_text(coerce(name, DEFAULTS[name], text, NODES[name]), NODES[name]) == text


@pytest.mark.parametrize(("given_text", "recorded"), [
    ("40_000", "40000"),
    ("40000 €", "40000"),
    ("40000.50 EUR", "40000.5"),
])
def test_money_overrides_are_recorded_as_the_amount(given_text, recorded):
    """Two spellings of one amount record the same text."""
    assert override_texts(DEFAULTS, NODES, {"plafond": given_text}) == {"plafond": recorded}


def test_overrides_are_recorded_sorted_and_typed():
    """Only the params given are recorded, by name; a percent stays a percent."""
    texts = override_texts(DEFAULTS, NODES, {"taux": "75%", "max_projets": "3",
                                             "cloture": "2021-11-30", "mutualise": "TRUE"})
    assert list(texts.items()) == [("cloture", "2021-11-30"), ("max_projets", "3"),
                                   ("mutualise", "true"), ("taux", "75%")]
    assert override_texts(DEFAULTS, NODES, None) == {}


def test_a_wrong_override_names_the_param():
    """A value of the wrong kind, or an unknown name, is an error a user can act on."""
    with pytest.raises(EvaluationError, match=r"param `max_projets` expects a whole number, "
                                              r"got `deux`"):
        override_texts(DEFAULTS, NODES, {"max_projets": "deux"})
    with pytest.raises(EvaluationError, match=r"unknown param `max_projet` \(did you mean "
                                              r"`max_projets`\?\)"):
        override_texts(DEFAULTS, NODES, {"max_projet": "3"})


@pytest.mark.parametrize(("name", "given", "expected"), [
    ("taux", 80, Decimal("0.8")),
    ("taux", "80", Decimal("0.8")),
    ("taux", "80%", Decimal("0.8")),
    ("taux", Decimal("12.5"), Decimal("0.125")),
    ("plafond", 40000, Decimal(40000)),
    ("plafond", "40 000,00".replace(",", "."), Decimal("40000.00")),
    ("deps", '{"29", "35"}', frozenset({"29", "35"})),
    ("deps", "29, 35", frozenset({"29", "35"})),
    ("deps", "{}", frozenset()),
    ("porteurs", "{commune, departement}", frozenset({Kind.COMMUNE, Kind.DEPARTEMENT})),
])
def test_overrides_given_as_text_or_numbers(name, given, expected):
    """A percent is in percent however it is given; sets are read from text."""
    assert coerce(name, DEFAULTS[name], given, NODES[name]) == expected


@pytest.mark.parametrize(("name", "given", "message"), [
    ("plafond", "5%", "param `plafond` expects an amount in euros (e.g. 40_000 €), got `5%`: "
                      "`%` is not the unit of this param"),
    ("taux", "80 €", "param `taux` expects a percent (e.g. 80%), got `80 €`: `€` is not the "
                     "unit of this param"),
    ("plafond", "-5", "param `plafond` expects an amount in euros (e.g. 40_000 €), got `-5`"),
    ("plafond", "3000.505", "got `3000.505`: an amount is to the cent at most"),
    ("plafond", 1.5, "fitn7 never reads numbers as float"),
    ("porteurs", "{commune, comune}", "`comune` is not one of them (did you mean `commune`?)"),
    ("max_projets", True, "param `max_projets` expects a whole number, got `True`"),
])
def test_overrides_that_cannot_be_that_param(name, given, message):
    """The wrong unit, a negative or sub-cent amount, a float, an unknown kind."""
    with pytest.raises(EvaluationError) as info:
        coerce(name, DEFAULTS[name], given, NODES[name])
    assert message in str(info.value)


def test_an_override_that_breaks_the_bands_is_refused(tmp_path, capsys):
    """Bands tile the numbers with the defaults; `--param` must not make them overlap or
    leave a gap (a commune would get another band's forfait without a word)."""
    from fitn7.cli import main

    policy = tmp_path / "b.fitn7"
    policy.write_text('policy "b"\n  version "1"\n\nparam seuil_petite = 5_000\n\namount\n'
                      '  forfait f: by applicant.population\n'
                      '    below seuil_petite : 5_000 €\n'
                      '    from seuil_petite below 10_000 : 10_000 €\n'
                      '    from 10_000 : 15_000 €\n', "utf-8")
    dossier = tmp_path / "d.toml"
    dossier.write_text('id = "D"\nrequested = 20000\nexpenses = [{ category = "etude", '
                       'amount = 20000 }]\n[applicant]\nkind = "commune"\npopulation = 15000\n',
                       "utf-8")
    assert main(["eval", str(policy), str(dossier), "--param", "seuil_petite=20000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fitn7: --param seuil_petite=20000: ")
    assert "bands overlap" in err
    assert main(["eval", str(policy), str(dossier), "--param", "seuil_petite=8000"]) == 0
