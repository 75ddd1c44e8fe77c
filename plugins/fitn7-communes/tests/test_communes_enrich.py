"""The register enricher of fitn7-communes: what it fills, keeps, warns about and refuses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fitn7 import types as t
from fitn7.checker import check
from fitn7.dossier import Collectivite, Dossier, Kind
from fitn7.errors import PluginError
from fitn7.evaluation import compile_policy
from fitn7.loading import Loaded, load_dossier, load_dossiers
from fitn7.plugins import PluginHost
from fitn7.resolve import load_resolved

import fitn7_communes.plugin
from fitn7_communes import SOURCE, normalized_name, same_name

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
POLICIES = HERE.parents[2] / "policies"
REGISTER = "INSEE register (@etalab/decoupage-administratif 6.0.0)"


@pytest.fixture
def host() -> PluginHost:
    """fitn7 with fitn7-communes only, whatever else is installed."""
    return PluginHost.load(
        entry_points=False, plugins=[("fitn7_communes", fitn7_communes.plugin)]
    )


def only(code: str, **fields: object) -> Dossier:
    return Dossier(id="D-1", applicant=Collectivite(code=code, **fields))  # type: ignore[arg-type]


def test_source_names_data_and_version() -> None:
    """The provenance names INSEE's data, the package it comes through and its version."""
    assert SOURCE == (
        "INSEE register (Code officiel géographique, populations légales), "
        "@etalab/decoupage-administratif 6.0.0"
    )


def test_fields_declared(host: PluginHost) -> None:
    """The plugin declares three typed `extra` fields of a collectivité."""
    assert host.schema.fields(t.Record("extra:collectivite")) == {
        "epci": t.STRING,
        "epci_nom": t.STRING,
        "nb_communes": t.INT,
    }
    assert [f.name for f in fitn7_communes.plugin.fitn7_register_fields()] == [
        "epci",
        "epci_nom",
        "nb_communes",
    ]


def test_code_alone_fills_the_commune(host: PluginHost) -> None:
    """A code INSEE alone gives name, kind, population, département, région, EPCI, traced."""
    enriched = host.enrich(only("29195"))
    assert enriched.dossier.applicant == Collectivite(
        name="Plouguerneau",
        kind=Kind.COMMUNE,
        code="29195",
        population=6755,
        departement="29",
        region="53",
        extra={"epci": "242900553", "epci_nom": "CC du Pays des Abers"},
    )
    assert enriched.warnings == ()
    (entry,) = enriched.trace
    assert (entry.rule, entry.kind, entry.source) == ("fitn7_communes", "enrich", SOURCE)
    assert entry.read == (
        ("applicant.name", "Plouguerneau"),
        ("applicant.kind", Kind.COMMUNE),
        ("applicant.population", 6755),
        ("applicant.departement", "29"),
        ("applicant.region", "53"),
        ("applicant.extra.epci", "242900553"),
        ("applicant.extra.epci_nom", "CC du Pays des Abers"),
    )


def test_siren_of_a_commune(host: PluginHost) -> None:
    """A commune given by its SIREN is filled the same way."""
    applicant = host.enrich(only("212901953")).dossier.applicant
    assert applicant is not None
    assert (applicant.name, applicant.population, applicant.code) == (
        "Plouguerneau",
        6755,
        "212901953",
    )


def test_siren_of_an_intercommunalite(host: PluginHost) -> None:
    """An intercommunalité by SIREN gets its kind, name, population, département, région."""
    applicant = host.enrich(only("200034726")).dossier.applicant
    assert applicant == Collectivite(
        name="CC Bastides de Lomagne",
        kind=Kind.CC,
        code="200034726",
        population=11318,
        departement="32",
        region="76",
        extra={"nb_communes": 41},
    )


def test_dossier_values_are_kept_and_disagreements_warned(host: PluginHost) -> None:
    """A value the dossier gives is kept; a different register value is a warning."""
    enriched = host.enrich(only("29195", population=7000, departement="29", region="52"))
    applicant = enriched.dossier.applicant
    assert applicant is not None
    assert (applicant.population, applicant.region) == (7000, "52")
    assert enriched.warnings == (
        f"D-1: fitn7_communes: `applicant.population` is 7000 in the dossier, 6755 in the "
        f"{REGISTER}: the dossier's value is kept",
        f"D-1: fitn7_communes: `applicant.region` is `52` in the dossier, `53` in the "
        f"{REGISTER}: the dossier's value is kept",
    )
    set_paths = [path for path, _ in enriched.trace[0].read]
    assert "applicant.population" not in set_paths
    assert "applicant.departement" not in set_paths


def test_names_compare_loosely(host: PluginHost) -> None:
    """`Commune de Plouguerneau` agrees with `Plouguerneau`; another commune's name does not."""
    assert host.enrich(only("29195", name="Commune de Plouguerneau")).warnings == ()
    assert host.enrich(only("29195", name="Commune de Lannilis")).warnings == (
        f"D-1: fitn7_communes: `applicant.name` is `Commune de Lannilis` in the dossier, "
        f"`Plouguerneau` in the {REGISTER}: the dossier's value is kept",
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Commune de Plouguerneau", "Plouguerneau"),
        ("Ville d'Auch", "Auch"),
        ("Communauté de communes Bastides de Lomagne", "CC Bastides de Lomagne"),
        ("Communauté d'agglomération Grand Auch Cœur de Gascogne",
         "CA Grand Auch Coeur de Gascogne"),
        ("ST-MALO", "Saint-Malo"),
        ("Île-Tudy", "ile tudy"),
    ],
)
def test_same_name(a: str, b: str) -> None:
    """Case, accents, punctuation, `Commune de` and `Communauté de communes` do not count."""
    assert same_name(a, b), (normalized_name(a), normalized_name(b))


def test_different_names() -> None:
    """Names of different communes stay different, even when one contains the other."""
    assert not same_name("Saint-Malo", "Saint-Malo-de-Phily")
    assert not same_name("CC Bastides de Lomagne", "CA Bastides de Lomagne")


def test_kind_disagreement_and_lyon(host: PluginHost) -> None:
    """A wrong kind is warned about; Lyon as a collectivité à statut particulier is not."""
    assert host.enrich(only("29195", kind=Kind.CC)).warnings == (
        f"D-1: fitn7_communes: `applicant.kind` is `cc` in the dossier, `commune` in the "
        f"{REGISTER}: the dossier's value is kept",
    )
    lyon = host.enrich(only("200046977", kind=Kind.COLLECTIVITE_STATUT_PARTICULIER))
    assert lyon.warnings == ()
    assert lyon.dossier.applicant is not None
    assert lyon.dossier.applicant.kind is Kind.COLLECTIVITE_STATUT_PARTICULIER


def test_members_filled_with_their_paths(host: PluginHost) -> None:
    """Each member is filled from its code; provenance paths name `members[i]`."""
    dossier = Dossier(
        id="D-1",
        applicant=Collectivite(code="242900553"),
        members=(Collectivite(code="29117"), Collectivite(code="29195", population=6643)),
    )
    enriched = host.enrich(dossier)
    assert [(m.name, m.population) for m in enriched.dossier.members] == [
        ("Lannilis", 5709),
        ("Plouguerneau", 6643),
    ]
    read = dict(enriched.trace[0].read)
    assert read["members[0].population"] == 5709
    assert read["members[1].extra.epci"] == "242900553"
    assert "members[1].population" not in read
    assert enriched.warnings == (
        f"D-1: fitn7_communes: `members[1].population` is 6643 in the dossier, 6755 in the "
        f"{REGISTER}: the dossier's value is kept",
    )


def test_unknown_code_is_an_error_with_closest_codes(host: PluginHost) -> None:
    """A code INSEE the register lacks fails the dossier, naming the closest codes."""
    with pytest.raises(PluginError) as info:
        host.enrich(only("29915"))
    assert str(info.value) == (
        "plugin `fitn7_communes` failed to enrich dossier `D-1`: UnknownCodeError: "
        f"unknown code INSEE `29915` at `applicant.code`: no current commune has it in the "
        f"{REGISTER}; closest: `29195` (Plouguerneau), `29215` (Plozévet), "
        "`29115` (Lannédern); a commune merged into a commune nouvelle takes the code of "
        "the new commune"
    )


def test_unknown_member_siren(host: PluginHost) -> None:
    """An unknown SIREN of a member says which member and what to do for a syndicat."""
    dossier = Dossier(id="D-1", members=(Collectivite(code="242900535"),))
    with pytest.raises(PluginError) as info:
        host.enrich(dossier)
    assert str(info.value).endswith(
        "unknown SIREN `242900535` at `members[0].code`: neither a commune nor an "
        f"intercommunalité à fiscalité propre in the {REGISTER}; closest: "
        "`242900553` (CC du Pays des Abers), `242900835` (CA Morlaix Communauté), "
        "`242900561` (CC de Haute Cornouaille); for a syndicat, a département or a région, "
        "give its `kind`"
    )


def test_code_of_neither_shape(host: PluginHost) -> None:
    """A code that is neither 5 nor 9 characters says what a code looks like."""
    with pytest.raises(PluginError) as info:
        host.enrich(only("29"))
    assert str(info.value).endswith(
        "`29` at `applicant.code` is neither a code INSEE (5 characters) nor a SIREN "
        "(9 digits); for a département or a région, give its `kind`"
    )


@pytest.mark.parametrize(
    "kind", [Kind.SYNDICAT_MIXTE, Kind.DEPARTEMENT, Kind.REGION, Kind.EPT]
)
def test_bodies_outside_the_register_are_left_alone(host: PluginHost, kind: Kind) -> None:
    """A syndicat, département, région or EPT with a code the register lacks is not an error."""
    dossier = only("253200123", kind=kind)
    assert fitn7_communes.plugin.fitn7_enrich_dossier(dossier) is None
    assert host.enrich(dossier).dossier == dossier


def test_nothing_to_do_returns_none() -> None:
    """Without codes the hook returns None: nothing set, nothing to say."""
    assert fitn7_communes.plugin.fitn7_enrich_dossier(Dossier(id="D-1")) is None
    assert fitn7_communes.plugin.fitn7_enrich_dossier(
        Dossier(id="D-1", applicant=Collectivite(name="x"))
    ) is None


def test_plouguerneau_code_alone_under_the_national_policy(host: PluginHost) -> None:
    """A dossier giving only `applicant.code = "29195"` gets the forfait of a commune of
    6 755 inhabitants (10 000 €) under the shipped national volet 3a policy."""
    path = POLICIES / "national-3a.fitn7"
    if not path.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    policy = load_resolved(path, [])
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    dossier = load_dossier(EXAMPLES / "forfait-population" / "COM-01-plouguerneau-code-seul.toml")
    bare = program.evaluate(dossier)
    assert str(bare.status) == "incomplete"
    assert "applicant.kind" in bare.missing
    decision = program.evaluate(host.enrich(dossier).dossier)
    assert str(decision.status) == "eligible"
    assert decision.amount == Decimal("10000.00")
    assert ("applicant.population", 6755) in [
        read for entry in decision.trace for read in entry.read
    ]


def test_shipped_example_policy(host: PluginHost) -> None:
    """The example policy checks clean and decides its dossiers as their comments say."""
    policy = load_resolved(EXAMPLES / "forfait-population.fitn7", [])
    assert check(policy, functions=host.functions, schema=host.schema) == []
    assert host.missing_uses(policy) == []
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    results = {}
    warnings: list[str] = []
    for loaded in load_dossiers(EXAMPLES / "forfait-population"):
        assert isinstance(loaded, Loaded)
        enriched = host.enrich(loaded.dossier)
        warnings += enriched.warnings
        decision = program.evaluate(enriched.dossier)
        results[decision.dossier] = (str(decision.status), decision.amount, decision.score)
    assert results == {
        "COM-01": ("eligible", Decimal("10000.00"), 0),
        "COM-02": ("eligible", Decimal("20000.00"), 2),
        "COM-03": ("eligible", Decimal("10000.00"), 0),
    }
    assert warnings == [
        f"COM-03: fitn7_communes: `applicant.population` is 6643 in the dossier, 6755 in the "
        f"{REGISTER}: the dossier's value is kept"
    ]


def test_installed_entry_point_is_discovered() -> None:
    """Once installed, the entry point `fitn7_communes` is loaded by name."""
    loaded = PluginHost.load()
    assert "fitn7_communes" in loaded.names()
    assert loaded.version("fitn7_communes") == "0.1.0"
