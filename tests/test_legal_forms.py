"""The INSEE catégories juridiques as shipped data, readable names, families, SIREN/SIRET."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import legal_forms as lf
from fitn7.dossier import CATEGORIES_JURIDIQUES
from fitn7.errors import Fitn7Error
from tests.budget import examples


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("fitn7") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


ROWS = _rows(lf.DATA_FILE)
LEVEL_III = [r for r in ROWS if r["niveau"] == "III"]
CODES = sorted(r["code"] for r in LEVEL_III)


# --- The data file ----------------------------------------------------------


def test_data_file_has_the_three_levels_of_the_september_2022_nomenclature():
    counts = {level: sum(r["niveau"] == level for r in ROWS) for level in ("I", "II", "III")}
    assert counts == {"I": 10, "II": 39, "III": 260}
    assert list(ROWS[0]) == ["code", "libelle", "niveau", "niveau_ii", "niveau_i"]


def test_data_file_has_no_duplicate_code_within_a_level():
    for level in ("I", "II", "III"):
        codes = [r["code"] for r in ROWS if r["niveau"] == level]
        assert len(codes) == len(set(codes)), level


def test_every_code_has_the_width_of_its_level_and_its_parents_exist():
    level_i = {r["code"] for r in ROWS if r["niveau"] == "I"}
    level_ii = {r["code"] for r in ROWS if r["niveau"] == "II"}
    for r in ROWS:
        width = {"I": 1, "II": 2, "III": 4}[r["niveau"]]
        assert len(r["code"]) == width and r["code"].isdigit(), r
        assert r["libelle"] == r["libelle"].strip() and r["libelle"], r
    for r in LEVEL_III:
        assert r["niveau_ii"] == r["code"][:2] and r["niveau_ii"] in level_ii, r
        assert r["niveau_i"] == r["code"][0] and r["niveau_i"] in level_i, r
    for r in ROWS:
        if r["niveau"] == "II":
            assert r["niveau_i"] == r["code"][0] and r["niveau_i"] in level_i, r
    # Every category has something below it: no level is a dead end.
    assert {r["niveau_ii"] for r in LEVEL_III} == level_ii
    assert {c[0] for c in level_ii} == level_i


@pytest.mark.parametrize(
    ("code", "label", "level_ii_label"),
    [
        ("7210", "Commune et commune nouvelle", "Collectivité territoriale"),
        ("9220", "Association déclarée", "Association loi 1901 ou assimilé"),
        ("5710", "SAS, société par actions simplifiée", "Société par actions simplifiée"),
        ("7346", "Communauté de communes", "Etablissement public administratif"),
        ("2800", "Assujetti unique à la TVA", "Assujetti unique à la TVA"),
        ("8310", "Comité social économique d’entreprise", "Comité d'entreprise"),
    ],
)
def test_official_labels(code, label, level_ii_label):
    form = lf.legal_form(code)
    assert (form.label, form.level_ii_label) == (label, level_ii_label)


def test_legal_form_carries_its_levels():
    form = lf.legal_form("7348")
    assert form == lf.LegalForm(
        "7348",
        "Communauté d'agglomération",
        "73",
        "Etablissement public administratif",
        "7",
        "Personne morale et organisme soumis au droit administratif",
    )
    assert lf.level_ii("73").label == form.level_ii_label
    assert lf.level_i("7").label == form.level_i_label
    assert form.name == "ca"
    assert "epci" in form.families


def test_legal_forms_lists_every_code_in_order():
    assert [f.code for f in lf.legal_forms()] == CODES


def test_legal_forms_are_frozen():
    form = lf.legal_form("7210")
    with pytest.raises(AttributeError):
        form.label = "autre"  # type: ignore[misc]
    with pytest.raises(TypeError):
        lf.READABLE_NAMES["x"] = lf.READABLE_NAMES["commune"]  # type: ignore[index]


@settings(max_examples=examples(100))
@given(st.sampled_from(CODES))
def test_any_code_of_the_data_round_trips(code):
    form = lf.legal_form(code)
    assert form.code == code
    assert lf.codes_of(code) == (code,)
    row = next(r for r in LEVEL_III if r["code"] == code)
    assert form.label == row["libelle"]
    assert form.level_ii_code == row["niveau_ii"] and form.level_i_code == row["niveau_i"]
    name = lf.name_of(code)
    if name is not None:
        assert code in lf.codes_of(name)


# --- Readable names ---------------------------------------------------------


@pytest.mark.parametrize("name", list(lf.READABLE_NAMES))
def test_every_readable_name_resolves_to_codes_of_the_data(name):
    codes = lf.codes_of(name)
    assert codes and all(lf.legal_form(c).code == c for c in codes)
    assert name.isascii() and name == name.lower() and " " not in name
    assert lf.READABLE_NAMES[name].note


def test_collectivite_kinds_keep_their_names_and_codes():
    """The eleven kinds of `fitn7.dossier.Kind` read exactly as the dossier reads them."""
    for kind, codes in CATEGORIES_JURIDIQUES.items():
        assert lf.codes_of(kind.value) == codes, kind
        for code in codes:
            assert lf.name_of(code) == kind.value, code


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("association", ("9220",)),
        ("association_utilite_publique", ("9230",)),
        ("fondation", ("9300",)),
        ("scop", ("5458", "5558", "5658")),
        ("sas", ("5710",)),
        ("sarl", ("5499",)),
        ("ei", ("1000",)),
        ("gip", ("7410",)),
        ("syndicat_intercommunal", ("7353", "7345")),
    ],
)
def test_common_names(name, codes):
    assert lf.codes_of(name) == codes


def test_no_code_has_two_readable_names():
    seen: dict[str, str] = {}
    for entry in lf.READABLE_NAMES.values():
        for code in entry.codes:
            assert code not in seen, (code, seen.get(code), entry.name)
            seen[code] = entry.name


@pytest.mark.parametrize("word", list(lf.NOT_A_LEGAL_FORM))
def test_words_without_a_code_are_explained(word):
    assert word not in lf.READABLE_NAMES
    with pytest.raises(lf.LegalFormError) as info:
        lf.codes_of(word)
    assert info.value.hint == lf.NOT_A_LEGAL_FORM[word]


# --- Families ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(lf.FAMILIES))
def test_every_family_is_non_empty_and_its_members_exist(name):
    members = lf.family_members(name)
    assert members
    assert members <= set(CODES)
    family = lf.FAMILIES[name]
    assert family.basis and family.title and family.members == members
    for level in family.levels:
        (lf.level_i if len(level) == 1 else lf.level_ii)(level)
    assert set(family.codes) <= set(CODES)


def test_families_of_agrees_with_family_members():
    for code in CODES:
        expected = {name for name in lf.FAMILIES if code in lf.family_members(name)}
        assert lf.families_of(code) == expected, code


def test_epci_are_the_four_forms_with_their_own_tax():
    assert lf.family_members("epci") == {"7343", "7344", "7346", "7348"}
    assert {"cc", "ca", "cu", "metropole"} == {lf.name_of(c) for c in lf.family_members("epci")}


def test_ept_is_a_groupement_not_an_epci():
    assert lf.families_of("7349") >= {"groupement", "etablissement_public"}
    assert "epci" not in lf.families_of("7349")


def test_groupement_holds_epci_syndicats_and_poles():
    groupement = lf.family_members("groupement")
    assert lf.family_members("epci") < groupement
    assert lf.family_members("syndicat") < groupement
    assert {"7340", "7357", "7351", "7352"} <= groupement
    assert "7210" not in groupement


def test_collectivites_are_niveau_ii_72():
    assert lf.family_members("collectivite") == {"7210", "7220", "7225", "7229", "7230"}
    assert lf.family_members("commune") == {"7210"}


def test_syndicats_are_intercommunal_and_mixed_only():
    assert lf.family_members("syndicat") == {"7345", "7353", "7354", "7355"}
    # Syndicats de salariés and inter-hospital syndicates are not.
    assert not {"8410", "8420", "7365"} & lf.family_members("syndicat")


def test_association_family_is_niveau_ii_92():
    assert lf.family_members("association") == {c for c in CODES if c.startswith("92")}
    assert {"9220", "9230", "9260"} <= lf.family_members("association")


def test_cooperative_family_holds_every_form_labelled_cooperative():
    cooperative = lf.family_members("cooperative")
    # "coopérative(s)", not "coopération" (7349 ... de coopération non spécialisé).
    labelled = {c for c in CODES if re.search(r"coopératives?\b", lf.legal_form(c).label.lower())}
    assert labelled <= cooperative
    # The rest are the niveau II 51 and 63 forms, cooperative by law.
    assert cooperative - labelled <= {c for c in CODES if c[:2] in ("51", "63")}


def test_ess_is_associations_foundations_mutuals_and_cooperatives_only():
    ess = lf.family_members("ess")
    expected = (
        lf.family_members("association")
        | lf.family_members("fondation")
        | lf.family_members("mutuelle")
        | lf.family_members("cooperative")
    )
    assert ess == expected
    assert {"9220", "9300", "8210", "6411", "5458", "6317", "5195"} <= ess
    # Commercial companies are ESS actors only under conditions the code cannot tell.
    assert not {"5710", "5499", "5599", "1000"} & ess


def test_public_and_private_persons_do_not_overlap():
    public = lf.family_members("personne_publique")
    private = lf.family_members("personne_morale_de_droit_prive")
    assert not public & private
    assert {"7210", "7113", "7410", "4140"} <= public
    assert {"5710", "9220", "9300", "8210"} <= private
    assert "1000" not in private and "1000" in lf.family_members("entreprise")


def test_entreprise_is_niveau_i_1_5_and_6():
    assert lf.family_members("entreprise") == {c for c in CODES if c[0] in "156"}
    assert not lf.family_members("entreprise") & lf.family_members("personne_publique")


def test_etablissement_public_keeps_gip_out():
    assert "7410" not in lf.family_members("etablissement_public")
    assert {"7361", "7331", "7346", "4140"} <= lf.family_members("etablissement_public")


# --- Errors -----------------------------------------------------------------


def test_unknown_code_names_the_code_and_lists_its_niveau_ii():
    with pytest.raises(lf.LegalFormError) as info:
        lf.legal_form("7211")
    assert str(info.value).startswith("unknown catégorie juridique `7211` (not in the INSEE")
    assert "niveau II 72 (Collectivité territoriale)" in str(info.value)
    assert "`7210` Commune et commune nouvelle" in str(info.value)


def test_unknown_code_of_an_empty_niveau_ii_gets_the_nearest_code():
    with pytest.raises(lf.LegalFormError) as info:
        lf.legal_form("4999")
    assert info.value.hint == (
        "not in the INSEE nomenclature; the nearest code is `5191` Société de caution mutuelle"
    )


def test_niveau_ii_code_is_told_it_needs_four_digits():
    with pytest.raises(lf.LegalFormError) as info:
        lf.codes_of("72")
    assert info.value.hint is not None
    assert info.value.hint.startswith("`72` is a niveau II category (Collectivité territoriale);")
    assert "`7230` Région" in info.value.hint


def test_malformed_codes():
    for text, hint in [
        ("12345", "a catégorie juridique has 4 digits, e.g. `7210`"),
        ("7210 ", 'write "7210" without the spaces'),
    ]:
        with pytest.raises(lf.LegalFormError) as info:
            lf.codes_of(text)
        assert info.value.hint == hint


def test_a_code_written_as_a_number_is_refused_with_a_hint():
    with pytest.raises(lf.LegalFormError) as info:
        lf.legal_form(7210)  # type: ignore[arg-type]
    assert (
        str(info.value)
        == 'a catégorie juridique is text, not int (write it in quotes, e.g. "7210")'
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("comune", "did you mean `commune`?"),
        ("SAS", "did you mean `sas`?"),
        ("communauté de communes", "did you mean `cc` (7346 Communauté de communes)?"),
        ("Association déclarée", "did you mean `association` (9220 Association déclarée)?"),
        ("epci", "`epci` is a family, not a legal form: write `applicant.family == epci`"),
        ("xyzzy", "write a readable name such as `commune` or `association`, or a 4-digit code"),
    ],
)
def test_unknown_names_get_a_hint(text, hint):
    with pytest.raises(lf.LegalFormError) as info:
        lf.codes_of(text)
    assert str(info.value) == f"unknown legal form `{text}` ({hint})"
    assert isinstance(info.value, Fitn7Error) and isinstance(info.value, ValueError)


def test_a_readable_name_given_as_a_code_points_to_codes_of():
    with pytest.raises(lf.LegalFormError) as info:
        lf.legal_form("commune")
    assert info.value.hint == "`commune` is the readable name of 7210: `codes_of` reads names"


def test_unknown_family():
    with pytest.raises(lf.LegalFormError) as info:
        lf.family_members("epic")
    assert str(info.value) == "unknown family `epic` (did you mean `epci`?)"
    with pytest.raises(lf.LegalFormError) as info:
        lf.family_members("sas")
    assert (
        info.value.hint == "`sas` is a legal form, not a family: compare it with `applicant.kind`"
    )


def test_families_of_an_unknown_code_raises():
    with pytest.raises(lf.LegalFormError):
        lf.families_of("0001")


def test_unknown_levels():
    with pytest.raises(lf.LegalFormError, match="unknown niveau II catégorie juridique `75`"):
        lf.level_ii("75")
    with pytest.raises(lf.LegalFormError, match="unknown niveau I catégorie juridique `x`"):
        lf.level_i("x")


# --- SIREN and SIRET --------------------------------------------------------


def test_every_siren_of_the_shipped_communes_and_epci_is_valid():
    """3,457 real SIREN numbers from INSEE's register (see data/README.md)."""
    sirens = [r["siren"] for r in _rows("communes.csv")] + [r["siren"] for r in _rows("epci.csv")]
    assert len(sirens) > 3000
    assert all(lf.validate_siren(s) == s for s in sirens)


@pytest.mark.parametrize(
    "siret",
    [
        "21010053300012",  # a commune of the Ain (SIREN 210100533)
        "20003001300011",  # an intercommunalité (SIREN 200030013)
        "32228438100017",
        "35600000000048",  # La Poste's head office: Luhn as usual
        "35600000009075",  # La Poste establishments: digits add up to a multiple of 5
        "35600000049837",
    ],
)
def test_public_sirets_are_valid(siret):
    assert lf.validate_siret(siret) == siret
    assert lf.siren_of(siret) == siret[:9]
    assert lf.validate_siren(siret[:9]) == siret[:9]


def test_la_poste_siren_follows_luhn():
    assert lf.validate_siren(lf.LA_POSTE_SIREN) == "356000000"


def test_la_poste_siret_with_a_bad_sum_is_refused():
    with pytest.raises(lf.IdentifierError) as info:
        lf.validate_siret("35600000049838")
    assert str(info.value) == (
        "`35600000049838` is not a valid SIRET: "
        "the digits of a La Poste SIRET must add up to a multiple of 5"
    )


def test_spaces_are_layout():
    assert lf.validate_siret("356 000 000 09075") == "35600000009075"
    assert lf.validate_siren("210\u00a0100\u00a0533") == "210100533"


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (
            lf.validate_siren,
            "21010053",
            "`21010053` is not a valid SIREN: a SIREN has 9 digits, not 8",
        ),
        (
            lf.validate_siren,
            "210100534",
            "`210100534` is not a valid SIREN: the check digit does not match (a typo?)",
        ),
        (
            lf.validate_siren,
            "21O100533",
            "`21O100533` is not a valid SIREN: a SIREN has 9 digits and nothing else",
        ),
        (
            lf.validate_siret,
            "21010053300013",
            "`21010053300013` is not a valid SIRET: the check digit does not match (a typo?)",
        ),
        (
            lf.validate_siret,
            "2101005330001",
            "`2101005330001` is not a valid SIRET: a SIRET has 14 digits, not 13",
        ),
        (
            lf.siren_of,
            "210100533",
            "`210100533` is not a valid SIRET: a SIRET has 14 digits, not 9",
        ),
    ],
)
def test_identifier_errors(check, value, message):
    with pytest.raises(lf.IdentifierError) as info:
        check(value)
    assert str(info.value) == message


def test_a_siret_whose_siren_fails_is_refused():
    # Luhn-valid as 14 digits, but its first nine are not a valid SIREN.
    siret = "10000000000008"
    assert lf._luhn_ok(siret) and not lf._luhn_ok(siret[:9])
    with pytest.raises(lf.IdentifierError, match="its SIREN `100000000` fails its check digit"):
        lf.validate_siret(siret)


def test_a_number_is_refused_with_a_hint():
    with pytest.raises(lf.IdentifierError) as info:
        lf.validate_siren(210100533)  # type: ignore[arg-type]
    assert info.value.reason == 'it is text: write it in quotes, e.g. "210100533"'


@settings(max_examples=examples(200))
@given(
    st.sampled_from([r["siren"] for r in _rows("communes.csv")]),
    st.integers(0, 8),
    st.integers(1, 9),
)
def test_changing_one_digit_of_a_siren_is_caught(siren, position, shift):
    digit = (int(siren[position]) + shift) % 10
    typo = siren[:position] + str(digit) + siren[position + 1 :]
    with pytest.raises(lf.IdentifierError):
        lf.validate_siren(typo)


# --- Docs -------------------------------------------------------------------

DOC = (Path(__file__).resolve().parents[1] / "docs" / "legal-forms.md").read_text(encoding="utf-8")


def test_doc_tables_list_every_name_with_its_codes_and_every_family():
    names_part, families_part = DOC.split("## Readable names")[1].split("## Families")

    def first_cells(text: str) -> dict[str, str]:
        lines = [line for line in text.splitlines() if line.startswith("| `")]
        return {line.split("|")[1].strip(): line.split("|")[2].strip() for line in lines}

    names = first_cells(names_part.split("no code of their own")[0])
    assert set(names) == {f"`{n}`" for n in lf.READABLE_NAMES}
    for entry in lf.READABLE_NAMES.values():
        assert names[f"`{entry.name}`"] == ", ".join(f"`{c}`" for c in entry.codes)
    assert set(first_cells(families_part)) == {f"`{f}`" for f in lf.FAMILIES}
    for word in lf.NOT_A_LEGAL_FORM:
        assert f"`{word}`" in DOC, word


def test_doc_example_runs_and_says_what_it_returns():
    (example,) = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    namespace: dict[str, object] = {}
    exec(compile(example, "docs/legal-forms.md", "exec"), namespace)
    for line in example.splitlines():
        if "  # " in line and not line.startswith("#"):
            expression, shown = line.split("  # ", 1)
            if shown.startswith(("(", "'")):
                assert repr(eval(expression, namespace)) == shown, line


def test_doc_error_examples_are_the_real_messages():
    (block,) = re.findall(r"## Errors\n.*?```text\n(.*?)```", DOC, flags=re.S)
    calls = {
        "legal form": lf.codes_of,
        "catégorie juridique": lf.legal_form,
        "family": lf.family_members,
    }
    for line in block.splitlines():
        what, text = re.match(r"unknown (.+?) `([^`]*)`", line).groups()  # type: ignore[union-attr]
        with pytest.raises(lf.LegalFormError) as info:
            calls[what](text)
        shown = line.removesuffix("...)").removesuffix(", ")
        assert str(info.value).startswith(shown), (str(info.value), line)
