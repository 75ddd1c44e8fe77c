"""The register shipped in fitn7-communes: the official data, its attribution, lookups."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest
from fitn7.dossier import Kind

from fitn7_communes import DATA_PACKAGE, DATA_VERSION, Commune, Epci, load_register

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
DATA_FILES = ("communes.csv", "epci.csv", "departements.csv", "regions.csv")


def packaged(name: str) -> bytes:
    return (resources.files("fitn7_communes") / "data" / name).read_bytes()


@pytest.mark.parametrize("name", DATA_FILES)
def test_shipped_data_is_the_official_copy(name: str) -> None:
    """Each data file in the package is byte for byte the reference data of the project."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not beside the clone ({SHARED_DATA})")
    shipped = hashlib.sha256(packaged(name)).hexdigest()
    reference = hashlib.sha256((SHARED_DATA / name).read_bytes()).hexdigest()
    assert shipped == reference


def test_attribution_ships_with_the_data() -> None:
    """DATA-LICENSE.md is package data and names the source, its version and the licence."""
    text = packaged("DATA-LICENSE.md").decode("utf-8")
    assert f"`{DATA_PACKAGE}` **{DATA_VERSION}**" in text
    assert "Licence Ouverte / Open Licence" in text
    assert "Code officiel géographique" in text
    assert "populations légales" in text


def test_register_sizes() -> None:
    """The register holds every current commune and intercommunalité of the data."""
    register = load_register()
    assert len(register.commune_rows) == 34969
    assert len(register.epci) == 1255
    assert len(register.departements) == 109


def test_commune_by_code_and_by_siren() -> None:
    """Plouguerneau is found by its code INSEE and by its SIREN, with the register's values."""
    register = load_register()
    plouguerneau = Commune(
        code="29195",
        nom="Plouguerneau",
        departement="29",
        region="53",
        siren="212901953",
        population=6755,
        epci="242900553",
    )
    assert register.find("29195") == plouguerneau
    assert register.find("212901953") == plouguerneau
    assert register.find("29999") is None


def test_commune_without_population() -> None:
    """A commune with no population counted has None, not 0."""
    commune = load_register().commune("98411")
    assert commune is not None
    assert (commune.nom, commune.population, commune.siren) == (
        "Îles Saint-Paul et Nouvelle-Amsterdam",
        None,
        None,
    )


def test_intercommunalites_and_their_kinds() -> None:
    """An intercommunalité is found by SIREN; its type maps to the dossier's kind."""
    register = load_register()
    abers = register.find("242900553")
    assert abers == Epci("242900553", "CC du Pays des Abers", "CC", 42029, 13, "29")
    assert isinstance(abers, Epci) and abers.kind is Kind.CC
    kinds = {siren: e.kind for siren, e in register.epci.items()
             if siren in {"200066926", "200084952", "242900314", "200046977"}}
    assert kinds == {
        "200066926": Kind.CA,  # CA Grand Auch Coeur de Gascogne
        "200084952": Kind.CU,  # CU Le Havre Seine Métropole
        "242900314": Kind.METROPOLE,  # Brest Métropole
        "200046977": Kind.METROPOLE,  # Métropole de Lyon (MET69)
    }
    assert register.region_of("29") == "53"
    assert register.region_of("2A") == "94"


@pytest.mark.parametrize(
    ("code", "closest"),
    [
        ("29915", ["29195", "29215", "29115"]),  # two digits swapped first
        ("29196", ["29169", "29195", "29197"]),  # then the nearest in the département
        ("2A005", ["2A004", "2A006", "2A008"]),  # Corsica
        ("242900535", ["242900553", "242900835", "242900561"]),  # SIREN of an EPCI
        ("212901935", ["212901953", "212901938", "212901235"]),  # SIREN of a commune
    ],
)
def test_closest_codes(code: str, closest: list[str]) -> None:
    """The closest codes: same département first, then a swap, then the numerically nearest."""
    assert load_register().closest(code) == closest
