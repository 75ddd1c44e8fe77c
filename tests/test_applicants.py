"""Applicants of any legal form: kinds, families and catégories juridiques in policies,
dossiers and decisions (`fitn7.applicants`, `fitn7.checker.forms`, W422, `sans objet`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.applicants import collectivite_names, is_collectivite, kind_value
from fitn7.checker import check
from fitn7.diagnostics import Severity
from fitn7.dossier import Applicant, Collectivite, Dossier, Kind
from fitn7.errors import DossierError, EvaluationError
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.evaluation.params import coerce, param_text
from fitn7.legal_forms import READABLE_NAMES, legal_forms
from fitn7.loading import dossier_from_mapping
from fitn7.loading.canonical import canonical_dossier_json, dossier_to_mapping
from tests.budget import examples

OPEN_CALL = """\
policy "ouvert"

require porteur: applicant.family in {association, fondation, collectivite, groupement}
    or applicant.kind in {scop, sas}
  source "AAP, §2"
review epci: applicant.family == epci
  source "AAP, §2"
exclude sa: applicant.legal_form == "5599"
  source "AAP, §2"
review petite_commune: applicant.family == commune and applicant.population < 3_500
  source "AAP, §3"
"""


def compiled(text: str) -> CompiledPolicy:
    policy = parse_policy(text, "p.fitn7")
    errors = [d for d in check(policy) if d.severity is Severity.ERROR]
    assert errors == [], errors
    return compile_policy(policy)


PROGRAM = compiled(OPEN_CALL)


def applicant(**fields: Any) -> Applicant:
    loaded = dossier_from_mapping({"id": "A", "applicant": fields}, file="a.toml")
    assert loaded.applicant is not None
    return loaded.applicant


def decide(d: Dossier, program: CompiledPolicy = PROGRAM) -> Decision:
    """The decision, the same by the closures (with trace) and both generated functions."""
    reference = program.evaluate_reference(d, trace=True)
    assert program.evaluate(d, trace=False).to_dict(trace=False) == reference.to_dict(
        trace=False)
    assert program.evaluate(d, trace=True) == reference
    return reference


def status(kind: str, **fields: Any) -> str:
    return decide(Dossier("D", expenses=(), applicant=applicant(kind=kind, **fields))).status.value


# ---------------------------------------------------------------- dossiers


@pytest.mark.parametrize(
    ("written", "kind", "code"),
    [("9220", "association", "9220"), ("association", "association", "9220"),
     ("5710", "sas", "5710"), ("5505", "5505", "5505"), ("7210", Kind.COMMUNE, "7210"),
     ("7345", Kind.SYNDICAT_INTERCOMMUNAL, "7345"), ("5699", "sa", "5699")],
)
def test_a_kind_is_read_from_a_name_or_a_code(written: str, kind: str, code: str) -> None:
    """Name or code, one kind; the code stays known, an alias code included."""
    read = applicant(kind=written)
    assert (read.kind, read.legal_form) == (kind, code)
    assert read.kind == kind_value(code)


def test_every_code_of_the_nomenclature_is_a_kind() -> None:
    """Each niveau III catégorie juridique reads, and its legal form is itself."""
    for form in legal_forms():
        assert applicant(kind=form.code).legal_form == form.code


def test_families_of_an_applicant() -> None:
    """`family` is the set of the families of the form; unknown without a kind."""
    assert applicant(kind="cc").family == frozenset(
        {"epci", "groupement", "etablissement_public", "etablissement_public_administratif",
         "personne_publique"})
    assert "ess" in (applicant(kind="association").family or ())
    assert Applicant().family is None and Applicant().legal_form is None


def test_the_python_api_keeps_collectivite_and_kind() -> None:
    """`Collectivite` is `Applicant`; `Kind` members are the kinds' names."""
    assert Collectivite is Applicant
    built = Collectivite("Commune de Plouguerneau", Kind.COMMUNE, "29195", 6643)
    assert (built.legal_form, built.kind == "commune") == ("7210", True)


def test_siret_and_siren() -> None:
    """A SIRET gives the SIREN; both are checked and must agree."""
    read = applicant(kind="association", siret="356 000 000 00048")
    assert (read.siret, read.siren) == ("35600000000048", "356000000")
    with pytest.raises(DossierError, match="is not a valid SIRET"):
        applicant(kind="association", siret="35600000000049")
    with pytest.raises(DossierError, match="is not the one of SIRET"):
        applicant(kind="association", siret="35600000000048", siren="552100554")


def test_collectivite_fields_are_refused_for_another_form() -> None:
    """An association has no population, département or INSEE code."""
    for key, value in (("population", 12), ("departement", "29"), ("code", "29195"),
                       ("zrr", True)):
        with pytest.raises(DossierError, match=f"`{key}` is for a collectivité or a groupement"):
            applicant(kind="9220", **{key: value})
    assert applicant(kind="cc", population=30_000).population == 30_000
    assert applicant(kind="petr", departement="29").departement == "29"


def test_writing_back_keeps_the_code_and_the_hash() -> None:
    """An alias code is written as it came, a SIREN only when the SIRET does not give it;
    a dossier written by name keeps the canonical text (and hash) it always had."""
    for data in ({"kind": "7345"}, {"kind": "association", "siret": "35600000000048"},
                 {"kind": "association", "siren": "356000000"}, {"kind": "commune"}):
        d = dossier_from_mapping({"id": "W", "applicant": data}, file="w.toml")
        assert dossier_from_mapping(dossier_to_mapping(d), file="w.toml") == d
    old = dossier_from_mapping({"id": "W", "applicant": {"kind": "7210", "name": "X"}}, file="w")
    assert canonical_dossier_json(old) == '{"applicant":{"kind":"commune","name":"X"},"id":"W"}'


# ------------------------------------------------------------ evaluation


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("association", "eligible"), ("9300", "eligible"), ("scop", "eligible"),
     ("sas", "eligible"), ("sarl", "ineligible"), ("5599", "ineligible"),
     ("region", "eligible"), ("cc", "review"), ("syndicat_mixte", "eligible"),
     ("ei", "ineligible")],
)
def test_rules_read_like_the_text(kind: str, expected: str) -> None:
    """Families and kinds decide who may apply, on both evaluation paths."""
    assert status(kind) == expected


def test_a_collectivite_field_on_another_form_is_sans_objet() -> None:
    """A commune without population is incomplete on `population`; an association never
    reads it (the rule is guarded)."""
    d = decide(Dossier("D", expenses=(), applicant=applicant(kind="commune")))
    assert (d.status.value, d.missing) == ("incomplete", ("applicant.population",))
    assert status("association") == "eligible"
    unguarded = compiled('policy "p"\nrequire petite: applicant.population < 3_500\n'
                         '  source "s"\n')
    for trace in (True, False):
        decision = unguarded.evaluate(Dossier("D", expenses=(), applicant=applicant(kind="9220")),
                                      trace=trace)
        assert decision.missing == (
            "applicant.population (sans objet pour 9220 Association déclarée)",)
    member = Dossier("D", expenses=(), applicant=applicant(kind="commune", population=10),
                     members=(applicant(kind="sas"),))
    quantified = compiled('policy "p"\nrequire petites: all(members, population < 3_500)\n'
                          '  source "s"\n')
    assert quantified.evaluate(member, trace=False).missing == (
        "members[0].population (sans objet pour 5710 SAS, société par actions simplifiée)",)


def test_family_comparisons_mean_membership() -> None:
    """`==` is one of the family, `!=` none, `in` any of them, `not in` none of them."""
    program = compiled(
        'policy "p"\n'
        'review a: applicant.family == epci\nreview b: applicant.family != ess\n'
        'review c: applicant.family in {association, epci}\n'
        'review d: applicant.family not in {collectivite, groupement}\n'
        'review e: epci in applicant.family\n'
        'review f: any(members, family == commune)\n'
    )
    def reviewed(**fields: Any) -> list[str]:
        members = (applicant(kind="commune"),) if fields.pop("member", False) else ()
        decision = decide(Dossier("D", expenses=(), applicant=applicant(**fields), members=members),
                          program)
        return [r.rule for r in decision.reasons]

    assert reviewed(kind="ca") == ["a", "b", "c", "e"]
    assert reviewed(kind="association") == ["c", "d"]
    assert reviewed(kind="sas", member=True) == ["b", "d", "f"]
    unknown = decide(Dossier("D", expenses=(), applicant=Applicant()), program)
    assert unknown.status.value == "incomplete" and unknown.missing == ("applicant.kind",)


_KINDS = st.sampled_from(sorted({*READABLE_NAMES, "5505", "7345", "9260", "1000", "7389"}))


@settings(max_examples=examples(120))
@given(_KINDS, st.lists(_KINDS, max_size=2), st.none() | st.integers(0, 10_000))
def test_every_path_agrees_on_any_applicant(kind: str, members: list[str],
                                           population: int | None) -> None:
    """Any kind, any members: the same decision by every path (sans objet included)."""
    fields: dict[str, Any] = {"kind": kind}
    if population is not None and is_collectivite(kind_value_code(kind)):
        fields["population"] = population
    d = Dossier("D", expenses=(), applicant=applicant(**fields),
                members=tuple(applicant(kind=m) for m in members))
    decide(d)


def kind_value_code(kind: str) -> str:
    read = applicant(kind=kind)
    assert read.legal_form is not None
    return read.legal_form


# -------------------------------------------------------------- checker


def codes(text: str) -> list[str]:
    return [d.code for d in check(parse_policy('policy "p"\n' + text, "p.fitn7"))]


def test_w422_warns_where_another_applicant_would_be_incomplete() -> None:
    """Only for a policy that names other forms, and only where nothing guards the read."""
    assert codes('require p: applicant.family in {association, commune} source "s"\n'
                 'require t: applicant.population < 3_500 source "s"\n') == ["W422"]
    # a policy written for collectivités, naming no other form: no warning
    assert codes('require t: applicant.population < 3_500 source "s"\n') == []
    # a require that admits collectivités only guards every rule
    assert codes('require p: applicant.family in {collectivite, groupement} source "s"\n'
                 'review a: applicant.kind == association source "s"\n'
                 'require t: applicant.departement == "29" source "s"\n') == []
    assert codes('exclude p: applicant.family not in {collectivite, groupement} source "s"\n'
                 'review a: applicant.kind == association source "s"\n'
                 'require t: applicant.departement == "29" source "s"\n') == []
    # the rule's own condition, or a `when`, guards it
    assert codes('require p: applicant.kind in {association, commune} source "s"\n'
                 'review t: applicant.kind == commune and applicant.zrr source "s"\n'
                 'review u: applicant.family == collectivite implies applicant.qpv '
                 'source "s"\n'
                 'score\n  rural: +1 when applicant.family == commune and '
                 'applicant.population < 3_500\n    source "s"\n') == []


def test_legal_forms_stand_only_for_what_they_name() -> None:
    """The names that guard are those of collectivités and groupements only."""
    names = collectivite_names()
    assert {"commune", "cc", "syndicat_mixte", "collectivite", "epci", "groupement"} <= names
    assert not {"association", "sas", "personne_publique", "etablissement_public"} & names


def test_kind_params_take_any_legal_form() -> None:
    """A param set of kinds is overridden by names or codes, and recorded by name."""
    policy = parse_policy('policy "p"\nparam porteurs = {commune, association}\n'
                          'require r: applicant.kind in porteurs source "s"\n', "p")
    node = policy.declarations[0]
    program = compile_policy(policy)
    value = coerce("porteurs", program.param_defaults["porteurs"], "{sas, 9220}", node)
    assert value == frozenset({"sas", "association"})
    assert param_text(value, node) == "{association, sas}"
    with pytest.raises(EvaluationError, match="`sasu` is not one of them"):
        coerce("porteurs", program.param_defaults["porteurs"], "{sasu}", node)
    d = Dossier("D", expenses=(), applicant=applicant(kind="sas"))
    assert program.evaluate(d, {"porteurs": "{sas}"}).status.value == "eligible"
    assert program.evaluate(d).status.value == "ineligible"
    fast = program.evaluate(d, {"porteurs": "{sas}"}, trace=False)
    assert (fast.status.value, fast.amount) == ("eligible", Decimal("0.00"))
