"""The commune register: communes, intercommunalités, départements, from the official data.

The data is INSEE's Code officiel géographique and populations légales as
published by Etalab in `@etalab/decoupage-administratif` (see DATA-LICENSE.md
beside the CSV files). It is read once per process, on first use: reference
data that does not change while fitn7 runs.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator, Mapping
from importlib import resources

import attrs
from fitn7.dossier import Kind

#: Where the data comes from, and its version, as every provenance says it.
DATA_PACKAGE = "@etalab/decoupage-administratif"
DATA_VERSION = "6.0.0"
#: The source of every value the enricher sets.
SOURCE = (
    "INSEE register (Code officiel géographique, populations légales), "
    f"{DATA_PACKAGE} {DATA_VERSION}"
)
#: The same, short, for warnings.
SHORT_SOURCE = f"INSEE register ({DATA_PACKAGE} {DATA_VERSION})"

#: The kind of each intercommunalité type. The Métropole de Lyon (MET69) is
#: legally a collectivité à statut particulier; it is read as a métropole, and
#: a dossier that says `collectivite_statut_particulier` is not contradicted.
EPCI_KINDS: Mapping[str, Kind] = {
    "CC": Kind.CC,
    "CA": Kind.CA,
    "CU": Kind.CU,
    "METRO": Kind.METROPOLE,
    "MET69": Kind.METROPOLE,
}

#: The kinds the register describes; for other kinds (syndicats, départements,
#: régions, EPT) a code it does not know is not an error.
COVERED_KINDS = frozenset({Kind.COMMUNE, Kind.CC, Kind.CA, Kind.CU, Kind.METROPOLE})

# The characters of INSEE codes and SIRENs, for the closest-code search
# (Corsican départements are 2A and 2B).
_ALPHABET = "0123456789AB"


@attrs.frozen
class Commune:
    """A current commune: code INSEE, official name, département, région, SIREN, population."""

    code: str
    nom: str
    departement: str
    region: str
    siren: str | None
    #: Population municipale; None for the few communes without inhabitants counted.
    population: int | None
    #: SIREN of its intercommunalité à fiscalité propre, if any.
    epci: str | None


@attrs.frozen
class Epci:
    """An intercommunalité à fiscalité propre: CC, CA, CU or métropole."""

    siren: str
    nom: str
    type: str
    population: int
    communes: int
    #: The département where most of its communes are.
    departement: str

    @property
    def kind(self) -> Kind:
        """Its kind as a dossier writes it (`cc`, `ca`, `cu`, `metropole`)."""
        return EPCI_KINDS[self.type]


@attrs.frozen
class Departement:
    """A département and its région."""

    code: str
    nom: str
    region: str


class UnknownCodeError(LookupError):
    """A code the register does not know; the message names the closest codes."""


@attrs.frozen
class Register:
    """Everything the enricher reads, by code.

    Communes are kept as their CSV rows and become `Commune` objects when
    looked up: building 35 000 objects nobody asks for would slow every run.
    """

    #: The rows of `communes.csv` by code INSEE, without the code column.
    commune_rows: Mapping[str, tuple[str, ...]]
    #: Code INSEE by SIREN.
    siren_to_code: Mapping[str, str]
    epci: Mapping[str, Epci]
    departements: Mapping[str, Departement]

    def commune(self, code: str) -> Commune | None:
        """The commune of a code INSEE, or None."""
        row = self.commune_rows.get(code)
        if row is None:
            return None
        nom, departement, region, siren, population, epci = row
        return Commune(
            code=code,
            nom=nom,
            departement=departement,
            region=region,
            siren=siren or None,
            population=int(population) if population else None,
            epci=epci or None,
        )

    def find(self, code: str) -> Commune | Epci | None:
        """The commune (by code INSEE or SIREN) or intercommunalité (by SIREN) of `code`."""
        if len(code) == 5:
            return self.commune(code)
        found = self.epci.get(code)
        if found is not None:
            return found
        insee = self.siren_to_code.get(code)
        return self.commune(insee) if insee is not None else None

    def region_of(self, departement: str) -> str | None:
        """The région of a département, None if unknown."""
        found = self.departements.get(departement)
        return found.region if found else None

    def closest(self, code: str, limit: int = 3) -> list[str]:
        """The known codes closest to `code`: one edit away, then two.

        Among codes one edit away, those of the same département (same first
        two characters) come first, then two swapped characters (the most
        common slip), then the numerically nearest.
        """
        known = self._known(code)
        swaps = set(_swaps(code))
        first = sorted(
            (c for c in _neighbours(code) if known(c)),
            key=lambda c: (c[:2] != code[:2], c not in swaps, _gap(c, code), c),
        )
        if len(first) < limit:
            second = {n for c in _neighbours(code) for n in _neighbours(c) if known(n)}
            first.extend(sorted(
                second - set(first) - {code},
                key=lambda c: (c[:2] != code[:2], _gap(c, code), c),
            ))
        return first[:limit]

    def describe(self, code: str) -> str:
        """`29195` (Plouguerneau): a code with its name, for messages."""
        found = self.find(code)
        return f"`{code}` ({found.nom})" if found is not None else f"`{code}`"

    def _known(self, code: str) -> Callable[[str], bool]:
        """Whether a code of the same shape as `code` is in the register."""
        if len(code) == 5:
            return self.commune_rows.__contains__
        return lambda c: c in self.epci or c in self.siren_to_code


def _swaps(code: str) -> Iterator[str]:
    """Codes with two adjacent characters swapped."""
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        if swapped != code:
            yield swapped


def _neighbours(code: str) -> Iterator[str]:
    """Codes one edit away: two adjacent characters swapped, or one character changed."""
    yield from _swaps(code)
    for i, char in enumerate(code):
        for other in _ALPHABET:
            if other != char:
                yield code[:i] + other + code[i + 1 :]


def _gap(a: str, b: str) -> int:
    """How far apart two codes are as numbers."""
    return abs(_as_number(a) - _as_number(b))


def _as_number(code: str) -> int:
    """A code as a number, Corsican letters (2A, 2B) read as zeros."""
    return int(code.replace("A", "0").replace("B", "0"))


def _rows(name: str) -> Iterator[list[str]]:
    """The rows of a shipped CSV file after its header (checked: a wrong file fails loudly)."""
    text = (resources.files("fitn7_communes") / "data" / name).read_text(encoding="utf-8")
    rows = csv.reader(text.splitlines())
    header = next(rows)
    if header != list(_HEADERS[name]):
        raise RuntimeError(f"{name}: unexpected columns {header}")  # pragma: no cover
    yield from rows


_HEADERS = {
    "communes.csv": ("code", "nom", "departement", "region", "siren", "population", "epci"),
    "epci.csv": ("siren", "nom", "type", "population", "communes", "departement"),
    "departements.csv": ("code", "nom", "region", "chef_lieu"),
}


@functools.cache
def load_register() -> Register:
    """The register, read from the package data on first use and kept for the process."""
    commune_rows: dict[str, tuple[str, ...]] = {}
    siren_to_code: dict[str, str] = {}
    for code, *rest in _rows("communes.csv"):
        commune_rows[code] = tuple(rest)
        if rest[3]:
            siren_to_code[rest[3]] = code
    epci = {
        siren: Epci(siren, nom, kind, int(population), int(communes), departement)
        for siren, nom, kind, population, communes, departement in _rows("epci.csv")
    }
    departements = {
        code: Departement(code, nom, region) for code, nom, region, _ in _rows("departements.csv")
    }
    return Register(commune_rows, siren_to_code, epci, departements)
