"""The rendering layer's core: the language chosen, the catalogue of labels, the formats."""

from __future__ import annotations

import datetime
import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7.allocation.model import Outcome
from fitn7.errors import Fitn7Error
from fitn7.evaluation.decision import Status
from fitn7.render import LANGS, Lang, LangError, choose_lang, date, integer, label, money, percent
from fitn7.render.formats import parse_money
from fitn7.render.labels import (
    LABELS,
    SAME_IN_BOTH,
    allocation_label,
    kind_label,
    outcome_label,
    status_label,
)
from tests.budget import examples

# ------------------------------------------------------------------ language


def test_french_is_the_default() -> None:
    assert choose_lang(None, {}) == "fr"
    assert choose_lang(None, {"FITN7_LANG": ""}) == "fr"


def test_the_option_wins_over_the_environment() -> None:
    assert choose_lang("en", {"FITN7_LANG": "fr"}) == "en"
    assert choose_lang("fr", {"FITN7_LANG": "en"}) == "fr"
    assert choose_lang(None, {"FITN7_LANG": "en"}) == "en"
    assert choose_lang(" EN ", {}) == "en"


@pytest.mark.parametrize(("option", "environ", "origin"), [
    ("de", {}, "--lang"),
    (None, {"FITN7_LANG": "english"}, "FITN7_LANG"),
])
def test_an_unknown_language_is_an_error_naming_the_accepted_ones(
    option: str | None, environ: dict[str, str], origin: str
) -> None:
    with pytest.raises(LangError) as caught:
        choose_lang(option, environ)
    assert isinstance(caught.value, Fitn7Error)
    message = str(caught.value)
    assert origin in message
    assert "accepted: fr, en" in message
    assert (option or environ["FITN7_LANG"]) in message


# ------------------------------------------------------------------- labels


def test_every_label_has_both_languages_and_french_is_french() -> None:
    left_english = []
    for key, text in LABELS.items():
        assert text.fr.strip() and text.en.strip(), key
        if text.fr == text.en and key not in SAME_IN_BOTH:
            left_english.append(key)
    assert left_english == []
    # A word listed as the same in both languages must be so, and be in the catalogue.
    assert all(LABELS[k].fr == LABELS[k].en for k in SAME_IN_BOTH)


def test_a_label_has_the_same_fields_in_both_languages() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, text in LABELS.items():
        assert fields(text.fr) == fields(text.en), key


def test_fields_are_filled() -> None:
    assert label("waiting.limit", "en", limit="une_par_commune") == "limit:une_par_commune"
    assert label("waiting.limit", "fr", limit="une_par_commune") == "limite une_par_commune"


def test_statuses_and_allocation_outcomes() -> None:
    assert [status_label(s, "fr") for s in Status] == [
        "éligible", "à revoir", "inéligible", "incomplet"]
    # In English, the stable identifier itself: the words fitn7 always printed.
    assert [status_label(s, "en") for s in Status] == [s.value for s in Status]
    assert status_label("review", "fr") == "à revoir"
    assert allocation_label(Outcome.AWARDED, "fr") == "retenu"
    assert [allocation_label(o, "en") for o in Outcome] == [o.value for o in Outcome]


@pytest.mark.parametrize(("kind", "outcome", "french"), [
    ("require", "pass", "satisfaite"),
    ("require", "fail", "non satisfaite"),
    ("exclude", "pass", "sans effet"),
    ("exclude", "fail", "appliquée"),
    ("review", "pass", "sans effet"),
    ("review", "review", "à revoir"),
    ("review", "unknown", "indéterminée"),
    ("cap", "applied", "appliqué"),
    ("cap", "not binding", "sans effet"),
    ("bonus", "skipped", "non applicable"),
    ("forfait", "unknown", "indéterminé"),
    ("ceiling", "not binding", "sans effet"),
    ("minimum", "fail", "non atteint"),
    ("document", "missing", "manquant"),
    ("input", "provided", "fourni"),
    ("score", "skipped", "non applicable"),
    ("score", "+3", "+3"),
    ("plugin_kind", "pass", "pass"),
])
def test_outcomes_depend_on_the_kind_in_french(kind: str, outcome: str, french: str) -> None:
    assert outcome_label(kind, outcome, "fr") == french
    assert outcome_label(kind, outcome, "en") == outcome


def test_every_english_outcome_is_its_identifier() -> None:
    outcomes = [(k, v) for k, v in LABELS.items() if k.startswith("outcome.")]
    assert outcomes
    for key, text in outcomes:
        assert key.split(".", 2)[2] == text.en, key


def test_kinds() -> None:
    assert kind_label("exclude", "fr") == "exclusion"
    assert kind_label("exclude", "en") == "exclude"
    assert kind_label("plugin_kind", "fr") == "plugin_kind"


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize(("amount", "fr", "en"), [
    (Decimal("12500"), "12 500,00 €", "€12,500.00"),
    (Decimal("-3000"), "-3 000,00 €", "-€3,000.00"),
    (Decimal("0.5"), "0,50 €", "€0.50"),
    (Decimal("1234567.891"), "1 234 567,89 €", "€1,234,567.89"),
    (Decimal("999.999"), "1 000,00 €", "€1,000.00"),
    (None, "—", "—"),
])
def test_money(amount: Decimal | None, fr: str, en: str) -> None:
    assert money(amount, "fr") == fr
    assert money(amount, "en") == en


def _euros_before(amount: Decimal) -> str:
    """`fitn7.display.euros` as it was before the rendering layer: French `money` must
    give the same bytes, as every golden and test of amounts relies on them."""
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):,.2f}".partition(".")
    return f"{sign}{whole.replace(',', ' ')},{cents} €"


_AMOUNTS = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2,
    allow_nan=False, allow_infinity=False,
)


@settings(max_examples=examples(200))
@given(_AMOUNTS)
def test_french_money_is_the_euros_of_before(amount: Decimal) -> None:
    assert money(amount, "fr") == _euros_before(amount)


@settings(max_examples=examples(200))
@given(_AMOUNTS, st.sampled_from(LANGS))
def test_money_reads_back_to_the_cent(amount: Decimal, lang: Lang) -> None:
    # Two places in, two places out: reading the text back gives the amount itself,
    # which a detour through float would not for amounts of 17 digits.
    back = parse_money(money(amount, lang), lang)
    assert back == amount
    assert str(back).split(".")[-1] == str(amount).split(".")[-1]


def test_money_never_goes_through_float() -> None:
    # 0.1 + 0.2 and 17 significant digits: a float would show ...0,30000000000000004
    # or lose the last cent.
    assert money(Decimal("12345678901234.57"), "fr") == "12 345 678 901 234,57 €"
    assert money(Decimal("0.1") + Decimal("0.2"), "en") == "€0.30"


def test_parse_money_refuses_other_text() -> None:
    assert parse_money("—", "fr") is None
    for text in ("12500 €", "€12,500.00", "12 500,0 €", "12 500,00"):
        with pytest.raises(ValueError):
            parse_money(text, "fr")
    with pytest.raises(ValueError):
        parse_money("12 500,00 €", "en")


@pytest.mark.parametrize(("day", "fr", "en"), [
    (datetime.date(2021, 6, 4), "4 juin 2021", "4 June 2021"),
    (datetime.date(2021, 6, 1), "1er juin 2021", "1 June 2021"),
    (datetime.date(2024, 2, 29), "29 février 2024", "29 February 2024"),
    (datetime.date(2021, 8, 15), "15 août 2021", "15 August 2021"),
    (datetime.date(2021, 12, 31), "31 décembre 2021", "31 December 2021"),
])
def test_dates(day: datetime.date, fr: str, en: str) -> None:
    assert date(day, "fr") == fr
    assert date(day, "en") == en


_MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]


@settings(max_examples=examples(100))
@given(st.dates())
def test_a_french_date_reads_back(day: datetime.date) -> None:
    number, month, year = date(day, "fr").split(" ")
    assert int(number.removesuffix("er")) == day.day
    assert number.endswith("er") == (day.day == 1)
    assert _MONTHS_FR.index(month) + 1 == day.month
    assert int(year) == day.year


@pytest.mark.parametrize(("fraction", "fr", "en"), [
    (Decimal("0.5"), "50 %", "50%"),
    (Decimal("0.125"), "12,5 %", "12.5%"),
    (Decimal("1"), "100 %", "100%"),
    (Decimal("0.80"), "80 %", "80%"),
    (Decimal("0"), "0 %", "0%"),
    (Decimal("-0.05"), "-5 %", "-5%"),
    (Decimal("12.5"), "1 250 %", "1,250%"),
])
def test_percent(fraction: Decimal, fr: str, en: str) -> None:
    assert percent(fraction, "fr") == fr
    assert percent(fraction, "en") == en


@settings(max_examples=examples(200))
@given(st.decimals(min_value=-10, max_value=10, places=6, allow_nan=False,
                   allow_infinity=False))
def test_a_percentage_reads_back(fraction: Decimal) -> None:
    shown = percent(fraction, "fr")
    assert shown.endswith(" %")
    assert Decimal(shown.removesuffix(" %").replace(" ", "").replace(",", ".")) / 100 == fraction


@pytest.mark.parametrize(("n", "fr", "en"), [
    (12500, "12 500", "12,500"),
    (0, "0", "0"),
    (999, "999", "999"),
    (-1234567, "-1 234 567", "-1,234,567"),
])
def test_integers(n: int, fr: str, en: str) -> None:
    assert integer(n, "fr") == fr
    assert integer(n, "en") == en


@settings(max_examples=examples(100))
@given(st.integers(min_value=-10**18, max_value=10**18))
def test_an_integer_reads_back(n: int) -> None:
    assert int(integer(n, "fr").replace(" ", "")) == n
    assert int(integer(n, "en").replace(",", "")) == n
