"""Hypothesis strategies for dossiers, drawn from the real French administrative map.

Collectivités come from the reference data shipped in `fitn7/data/` (INSEE
codes, names, populations, départements and régions of the communes and EPCI
of the territories of the shipped policies: départements 22, 29, 32, 35, 56,
76 and région 93; see its README for source and licence). SIREN numbers of
départements, régions and syndicats, and SIRET numbers of providers, are
synthetic but check-digit valid.

By default every optional field is absent (None) now and then, so the
three-valued logic of evaluation gets exercised; `complete=True` gives fully
filled dossiers. `members` may be empty and `extra` may be `{}` even then:
those are values, not missing data.

This module needs hypothesis (`pip install 'fitn7[properties]'`); importing
fitn7 does not import it.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider

T = TypeVar("T")

DATA = resources.files("fitn7") / "data"

#: Départements sampled: Bretagne, Gers, Seine-Maritime.
DEPARTEMENTS = frozenset({"22", "29", "32", "35", "56", "76"})
#: Régions sampled whole: Provence-Alpes-Côte d'Azur.
REGIONS = frozenset({"93"})

#: Themes tested by the shipped policies (docs/POLICIES.md).
THEMES = (
    "organisation_numerique",
    "competences_numeriques",
    "relation_usagers",
    "innovation_territoriale",
    "dematerialisation",
    "participation_citoyenne",
    "securite",
    "accompagnement_expert",
    "competences_agents",
)
#: Tags tested by the policies, and a few they ignore.
TAGS = (
    "urbanisme",
    "archivage",
    "ged",
    "inclusion",
    "cybersecurite",
    "open_data",
    "site_internet",
    "teleservices",
    "mutualisation",
)

FIRST_DAY = datetime.date(2021, 4, 1)
LAST_DAY = datetime.date(2022, 3, 31)
MAX_MONEY = Decimal("250000.00")

_EPCI_KINDS = {
    "CC": Kind.CC,
    "CA": Kind.CA,
    "CU": Kind.CU,
    "METRO": Kind.METROPOLE,
    "MET69": Kind.COLLECTIVITE_STATUT_PARTICULIER,
}

_ID_PREFIXES = {"22": "BZH", "29": "BZH", "35": "BZH", "56": "BZH", "32": "GERS", "76": "SM"}

_TITLES = (
    "Portail citoyen mutualisé",
    "Démarches en ligne pour les familles",
    "Diagnostic numérique des services",
    "Formation des agents aux outils collaboratifs",
    "Refonte du site internet communal",
    "Espace usagers et prise de rendez-vous",
    "Budget participatif en ligne",
    "Plan de sécurité des systèmes d'information",
    "Dématérialisation du courrier",
    "Tiers-lieu et médiation numérique",
)

_LABELS: dict[Category, tuple[str, ...]] = {
    Category.ETUDE: ("Diagnostic des usages numériques", "Étude d'opportunité"),
    Category.CONSEIL: ("Assistance à maîtrise d'ouvrage", "Conseil en sécurité"),
    Category.INGENIERIE: ("Ingénierie de projet", "Intégration des démarches"),
    Category.ACCOMPAGNEMENT: ("Design de service et tests usagers", "Conduite du changement"),
    Category.DEVELOPPEMENT: ("Développement du portail", "Connecteur vers le logiciel métier"),
    Category.FORMATION: ("Formation des agents", "Ateliers élus"),
    Category.LICENCE: ("Abonnement logiciel", "Licences de la suite collaborative"),
    Category.PERSONNEL: ("Chef de projet numérique (ETP)", "Vacations de médiation"),
    Category.MATERIEL: ("Ordinateurs portables", "Bornes d'accueil"),
    Category.AUTRE: ("Communication", "Frais de déplacement"),
}

_PROVIDERS = (
    "Coop Numérique",
    "Atelier des Territoires",
    "Breizh Data Conseil",
    "Gascogne Informatique",
    "Normandie Services Publics",
    "Provence Design Public",
    "Open Collectivités",
    "Lab Usagers",
)

_EXTRA_KEYS = ("numero_chorus", "referent", "convention_signee", "autofinancement", "deliberation")


@attrs.frozen
class Territory:
    """A collectivité of the reference data, every field known."""

    name: str
    kind: Kind
    code: str
    population: int
    departement: str
    region: str


def _rows(name: str) -> list[dict[str, str]]:
    """The rows of one CSV file of the reference data."""
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _commune_name(nom: str) -> str:
    """`Commune de Plouguerneau`, `Commune du Havre`, `Commune d'Auch`, `Commune des Baux`."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if nom.startswith(article):
            return f"Commune {contracted}{nom.removeprefix(article)}"
    if nom[0] in "AEIOUYÉÈÊÎÔ":
        return f"Commune d'{nom}"
    return f"Commune de {nom}"


def _luhn_complete(prefix: str) -> str:
    """`prefix` followed by the check digit that makes it Luhn-valid (SIREN, SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the check digit will sit at the right of these
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def _load() -> tuple[tuple[Territory, ...], tuple[Territory, ...], tuple[Territory, ...]]:
    """Communes, EPCI, and départements + régions of the sampled territories."""
    dep_region = {row["code"]: row["region"] for row in _rows("departements.csv")}
    wanted = {d for d, r in dep_region.items() if d in DEPARTEMENTS or r in REGIONS}
    communes = tuple(
        Territory(
            _commune_name(row["nom"]),
            Kind.COMMUNE,
            row["code"],
            int(row["population"]),
            row["departement"],
            row["region"],
        )
        for row in _rows("communes.csv")
        if row["departement"] in wanted and row["population"]
    )
    epcis = tuple(
        Territory(
            row["nom"],
            _EPCI_KINDS[row["type"]],
            row["siren"],
            int(row["population"]),
            row["departement"],
            dep_region[row["departement"]],
        )
        for row in _rows("epci.csv")
        if row["departement"] in wanted
    )
    population_of_dep: dict[str, int] = {}
    for c in communes:
        population_of_dep[c.departement] = population_of_dep.get(c.departement, 0) + c.population
    departements = [
        Territory(
            f"Département {row['nom']}",
            Kind.DEPARTEMENT,
            _luhn_complete(f"22{row['code']}0000"),
            population_of_dep[row["code"]],
            row["code"],
            row["region"],
        )
        for row in _rows("departements.csv")
        if row["code"] in wanted
    ]
    regions = [
        Territory(
            f"Région {row['nom']}",
            Kind.REGION,
            _luhn_complete(f"23{row['chef_lieu'][:2]}0000"),
            sum(c.population for c in communes if c.region == row["code"]),
            row["chef_lieu"][:2],
            row["code"],
        )
        for row in _rows("regions.csv")
        if row["code"] in REGIONS
    ]
    return communes, epcis, (*departements, *regions)


def _by_departement(communes: tuple[Territory, ...]) -> dict[str, tuple[Territory, ...]]:
    """The communes grouped by département, for the members of a joint project."""
    groups: dict[str, list[Territory]] = {}
    for commune in communes:
        groups.setdefault(commune.departement, []).append(commune)
    return {dep: tuple(group) for dep, group in groups.items()}


COMMUNES, EPCIS, LARGER = _load()
_COMMUNES_BY_DEP = _by_departement(COMMUNES)
REGION_CODES = tuple(sorted({t.region for t in COMMUNES} | {"11", "84"}))


_PRESENCE = st.integers(0, 9)
_BOOLEANS = st.booleans()
_ONE_IN_FOUR = st.integers(0, 3)
_ONE_IN_FIVE = st.integers(0, 4)


def _present(draw: st.DrawFn, complete: bool) -> bool:
    """Whether an optional field is there: always if `complete`, else nine times in ten.

    Drawn before the value, so shrinking goes towards absent fields.
    """
    return complete or draw(_PRESENCE) != 0


def _opt(draw: st.DrawFn, strategy: st.SearchStrategy[T], complete: bool) -> T | None:
    """A value of `strategy`, or None (absent) now and then unless `complete`."""
    return draw(strategy) if _present(draw, complete) else None


def _const(draw: st.DrawFn, value: T, complete: bool) -> T | None:
    """`value`, or None (absent) now and then unless `complete`."""
    return value if _present(draw, complete) else None


def money(max_value: Decimal = MAX_MONEY) -> st.SearchStrategy[Decimal]:
    """Euros and cents, non-negative, as a Decimal with two places."""
    return st.decimals(
        min_value=Decimal(0), max_value=max_value, places=2, allow_nan=False, allow_infinity=False
    ).map(lambda d: d.copy_abs())  # no `-0.00`


_COMMUNE = st.sampled_from(COMMUNES)
_EPCI = st.sampled_from(EPCIS)
_LARGER = st.sampled_from(LARGER)
_SYNDICAT_KIND = st.sampled_from([Kind.SYNDICAT_MIXTE, Kind.SYNDICAT_INTERCOMMUNAL])
_NEIGHBOURS = {
    dep: st.lists(st.sampled_from(communes), max_size=3, unique=True)
    for dep, communes in _COMMUNES_BY_DEP.items()
}
def realistic_money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts as budgets have them: whole euros from `low` to `high` mostly (hypothesis
    alone favours tiny decimals), any cents now and then, and 0 for the edge."""
    # sampled_from is uniform where integers() favours the bounds: typical
    # amounts of the calls, across the thresholds policies test (5 000, 30 000…).
    typical = st.sampled_from([Decimal(v) for v in _TYPICAL_AMOUNTS if low <= v <= high])
    whole = st.integers(low, high).map(Decimal)
    cents = money(Decimal(high))
    return st.one_of(typical, typical, whole, cents, st.just(Decimal("0.00")))


_TYPICAL_AMOUNTS = (
    500, 1_200, 2_500, 4_000, 5_000, 7_500, 9_800, 12_000, 15_000, 18_000, 20_000,
    24_000, 29_999, 30_000, 35_000, 42_000, 55_000, 60_000, 80_000, 120_000,
)


_BUDGET_MONEY = realistic_money(1_000, 150_000)
_LINE_MONEY = realistic_money(200, 60_000)
_DAYS = st.dates(FIRST_DAY, LAST_DAY)
_EXTRA_VALUE = st.one_of(
    st.text("ABCDEFGHIJ0123456789-", min_size=1, max_size=12),
    st.booleans(),
    st.integers(0, 100_000),
    money(),
    st.dates(FIRST_DAY - datetime.timedelta(days=365), LAST_DAY),
)
_SOME_EXTRA = st.dictionaries(st.sampled_from(_EXTRA_KEYS), _EXTRA_VALUE, min_size=1, max_size=3)
_LABEL = {category: st.sampled_from(labels) for category, labels in _LABELS.items()}
_WORDS = {
    vocabulary: st.lists(st.sampled_from(vocabulary), max_size=3, unique=True).map(tuple)
    for vocabulary in (THEMES, TAGS)
}


# Strategies are built once here, not at each draw: building one (even a cached
# `st.integers`) costs about as much as drawing from it.
_SEAT_NUMBER = st.integers(0, 999_999)
_SIREN_BODY = st.integers(30_000_000, 99_999_999)
_ESTABLISHMENT = st.integers(1, 9999)
_CATEGORY = st.sampled_from(Category)
_PROVIDER_NAME = st.sampled_from(_PROVIDERS)
_REGION = st.sampled_from(REGION_CODES)
_TITLE = st.sampled_from(_TITLES)
_DURATION = st.integers(1, 48)
_COVERED = {joint: st.integers(2 if joint else 1, 150) for joint in (False, True)}
_DOSSIER_NUMBER = st.integers(1, 999)


@st.composite
def syndicats(draw: st.DrawFn) -> Territory:
    """A syndicat named after a real commune of the sample (synthetic SIREN)."""
    seat = draw(_COMMUNE)
    kind = draw(_SYNDICAT_KIND)
    label = "Syndicat mixte" if kind is Kind.SYNDICAT_MIXTE else "Syndicat intercommunal"
    digits = draw(_SEAT_NUMBER)
    return Territory(
        f"{label} numérique {seat.name.removeprefix('Commune ')}",
        kind,
        _luhn_complete(f"25{digits:06d}"),
        draw(st.integers(seat.population, seat.population + 200_000)),
        seat.departement,
        seat.region,
    )


_SYNDICAT = syndicats()


@st.composite
def territories(draw: st.DrawFn) -> Territory:
    """A collectivité of the sample: mostly communes, then EPCI, syndicats, larger ones."""
    n = draw(_PRESENCE)
    if n < 6:
        return draw(_COMMUNE)
    if n < 8:
        return draw(_EPCI)
    return draw(_SYNDICAT if n == 8 else _LARGER)


_TERRITORY = territories()


@st.composite
def extras(draw: st.DrawFn) -> dict[str, Any]:
    """Local fields, as a prefecture might add them; usually none."""
    return draw(_SOME_EXTRA) if draw(_ONE_IN_FIVE) == 0 else {}


_EXTRAS = extras()


def _collectivite(draw: st.DrawFn, territory: Territory, complete: bool) -> Collectivite:
    """A `Collectivite` for `territory`, each field absent now and then unless `complete`."""
    rural = territory.kind is Kind.COMMUNE and territory.population < 3_500
    urban = territory.population > 10_000
    return Collectivite(
        name=_const(draw, territory.name, complete),
        kind=_const(draw, territory.kind, complete),
        code=_const(draw, territory.code, complete),
        population=_const(draw, territory.population, complete),
        departement=_const(draw, territory.departement, complete),
        region=_const(draw, territory.region, complete),
        zrr=_opt(draw, _BOOLEANS, complete) if rural else _const(draw, False, complete),
        qpv=_opt(draw, _BOOLEANS, complete) if urban else _const(draw, False, complete),
        extra=draw(_EXTRAS),
        # Only a complete dossier identifies its applicant, so other draws are as before.
        siret=_siret(territory) if complete else None,
        siren=_siret(territory)[:9] if complete else None,
    )


def _siret(territory: Territory) -> str:
    """A SIRET of the right shape for a territory: a Luhn-valid SIREN made of its code,
    then the establishment `0001` and its check digit (not the real one)."""
    digits = "".join(c if c.isdigit() else "0" for c in territory.code)
    siren = _luhn_complete(("2" + digits).ljust(8, "0")[:8])
    return _luhn_complete(siren + "0001")


@st.composite
def collectivites(draw: st.DrawFn, complete: bool = False) -> Collectivite:
    """An applicant or member from the real map; fields randomly absent unless `complete`."""
    return _collectivite(draw, draw(_TERRITORY), complete)


@st.composite
def providers(draw: st.DrawFn, complete: bool = False) -> Provider:
    """A provider with a synthetic, check-digit valid SIRET."""
    siren = _luhn_complete(f"{draw(_SIREN_BODY):08d}")
    siret = _luhn_complete(f"{siren}{draw(_ESTABLISHMENT):04d}")
    return Provider(
        name=_opt(draw, _PROVIDER_NAME, complete),
        siret=_const(draw, siret, complete),
        region=_opt(draw, _REGION, complete),
    )


_PROVIDER = {complete: providers(complete) for complete in (False, True)}


@st.composite
def expenses(draw: st.DrawFn, complete: bool = False) -> Expense:
    """One budget line with a label fitting its category."""
    category = draw(_CATEGORY)
    return Expense(
        label=_opt(draw, _LABEL[category], complete),
        category=_const(draw, category, complete),
        amount=_opt(draw, _LINE_MONEY, complete),
        provider=_opt(draw, _PROVIDER[complete], complete),
        **_vat_figures(draw, complete),
    )


#: The VAT rates of French law (0 for a line outside VAT), as fractions.
_VAT_RATES = st.sampled_from([Decimal(0), Decimal("0.055"), Decimal("0.10"), Decimal("0.20")])


def _vat_figures(draw: st.DrawFn, complete: bool) -> dict[str, Any]:
    """A line's figures without and with VAT (consistent: TTC is HT plus a real VAT
    rate, to the cent) and whether the VAT is recovered; each absent now and then."""
    ht = draw(_LINE_MONEY)
    ttc = (ht * (1 + draw(_VAT_RATES))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "amount_ht": _const(draw, ht, complete),
        "amount_ttc": _const(draw, ttc, complete),
        "vat_recovered": _opt(draw, _BOOLEANS, complete),
    }


@st.composite
def projects(draw: st.DrawFn, complete: bool = False, joint: bool = False) -> Project:
    """A project with themes and tags from the policies' vocabularies."""
    return Project(
        title=_opt(draw, _TITLE, complete),
        themes=_opt(draw, _WORDS[THEMES], complete),
        tags=_opt(draw, _WORDS[TAGS], complete),
        started=_opt(draw, _BOOLEANS, complete),
        duration_months=_opt(draw, _DURATION, complete),
        participatory=_opt(draw, _BOOLEANS, complete),
        open_source=_opt(draw, _BOOLEANS, complete),
        communes_covered=_opt(draw, _COVERED[joint], complete),
        extra=draw(_EXTRAS),
    )


_LINES = {
    complete: st.lists(expenses(complete), min_size=1 if complete else 0, max_size=6).map(tuple)
    for complete in (False, True)
}
_PROJECTS = {(c, j): projects(c, j) for c in (False, True) for j in (False, True)}


@st.composite
def dossiers(draw: st.DrawFn, complete: bool = False) -> Dossier:
    """A dossier from a real collectivité, joint now and then with communes of its département."""
    territory = draw(_TERRITORY)
    members: tuple[Collectivite, ...] = ()
    if draw(_ONE_IN_FOUR) == 0:
        neighbours = draw(_NEIGHBOURS[territory.departement])
        members = tuple(_collectivite(draw, t, complete) for t in neighbours if t != territory)
    submitted = draw(_DAYS)
    prefix = _ID_PREFIXES.get(territory.departement, "PACA")
    number = draw(_DOSSIER_NUMBER)
    return Dossier(
        id=f"{prefix}-{submitted.year}-{number:03d}",
        submitted=_const(draw, submitted, complete),
        applicant=_collectivite(draw, territory, complete) if _present(draw, complete) else None,
        members=members,
        project=_opt(draw, _PROJECTS[complete, bool(members)], complete),
        expenses=_opt(draw, _LINES[complete], complete),
        requested=_opt(draw, _BUDGET_MONEY, complete),
        extra=draw(_EXTRAS),
    )


_DOSSIERS = {complete: dossiers(complete) for complete in (False, True)}


def dossier_batches(
    complete: bool = False, min_size: int = 0, max_size: int = 8
) -> st.SearchStrategy[list[Dossier]]:
    """Several dossiers with distinct ids, as a committee batch."""
    return st.lists(
        dossiers(complete), min_size=min_size, max_size=max_size, unique_by=lambda d: d.id
    )


def focused_dossiers(
    words: frozenset[str],
    dates: frozenset[datetime.date] = frozenset(),
    numbers: frozenset[int] = frozenset(),
    amounts: frozenset[Decimal] = frozenset(),
) -> st.SearchStrategy[Dossier]:
    """Dossiers steered towards what a policy tests.

    `words` are the policy's string literals and `dates` its date literals.
    Half the time the applicant comes from the départements or régions among
    the words, the themes from the other words (tags more rarely: they mostly
    exclude), the filing date lands near one of the policy's dates, and the
    dossier is complete, so that the rules a policy declares are reached
    (most random dossiers fail at the territory or the deadline).
    """
    # What depends on the policy alone is worked out once here, not at every
    # draw: scanning the map and building `sampled_from` over thousands of
    # territories (hypothesis hashes its arguments) cost more than the draw.
    codes = words & _DEPARTEMENT_CODES | words & set(REGION_CODES)
    local = tuple(t for t in (*COMMUNES, *EPCIS, *LARGER)
                  if t.departement in codes or t.region in codes)
    places = st.sampled_from(local) if local else None
    vocabulary = sorted(words - codes)
    themes = (st.lists(st.sampled_from(vocabulary), min_size=1, max_size=3, unique=True)
              if vocabulary else None)
    tags = st.lists(st.sampled_from(vocabulary), max_size=1).map(tuple) if vocabulary else None
    near_dates = st.sampled_from(sorted(dates)) if dates else None
    thresholds = sorted(n for n in numbers if n >= 100)
    bounds = st.sampled_from(thresholds) if thresholds else None
    targets = st.sampled_from(sorted(amounts)) if amounts else None
    return _focused(places, themes, tags, near_dates, bounds, targets)


_DEPARTEMENT_CODES = frozenset(t.departement for t in COMMUNES)
_SHIFTS = st.integers(-20, 1)
_FACTORS = st.sampled_from([1, 2])


@st.composite
def _focused(
    draw: st.DrawFn,
    places: st.SearchStrategy[Territory] | None,
    themes: st.SearchStrategy[list[str]] | None,
    tags: st.SearchStrategy[tuple[str, ...]] | None,
    near_dates: st.SearchStrategy[datetime.date] | None,
    bounds: st.SearchStrategy[int] | None,
    targets: st.SearchStrategy[Decimal] | None,
) -> Dossier:
    """`focused_dossiers` with the policy's strategies built (None: the policy has none)."""
    dossier = draw(_DOSSIERS[draw(_BOOLEANS)])
    if places is not None and dossier.applicant is not None and draw(_BOOLEANS):
        place = draw(places)
        a = dossier.applicant
        dossier = attrs.evolve(dossier, applicant=attrs.evolve(
            a,
            name=place.name if a.name is not None else None,
            kind=place.kind if a.kind is not None else None,
            code=place.code if a.code is not None else None,
            population=place.population if a.population is not None else None,
            departement=place.departement if a.departement is not None else None,
            region=place.region if a.region is not None else None,
        ))
    if themes is not None and tags is not None and dossier.project is not None and draw(_BOOLEANS):
        p = dossier.project
        dossier = attrs.evolve(dossier, project=attrs.evolve(
            p,
            themes=tuple(draw(themes)) if p.themes is not None else None,
            tags=(draw(tags) if draw(_ONE_IN_FOUR) == 0 else ()) if p.tags is not None else None,
        ))
    if near_dates is not None and dossier.submitted is not None and draw(_BOOLEANS):
        near = draw(near_dates)
        shift = datetime.timedelta(days=draw(_SHIFTS))
        dossier = attrs.evolve(dossier, submitted=near + shift)
    # Population bands and caps break at their bounds and above them: a
    # population next to one of the policy's numbers, and a budget and a
    # request around or above one of its amounts, reach the last band and
    # make a cap bind (random dossiers rarely do both at once).
    applicant = dossier.applicant
    if (bounds is not None and applicant is not None and applicant.population is not None
            and draw(_ONE_IN_FOUR) != 0):
        bound = draw(bounds)
        population = draw(st.sampled_from([bound - 1, bound, bound + 1, bound * 2]))
        dossier = attrs.evolve(
            dossier, applicant=attrs.evolve(applicant, population=max(population, 0)))
    if targets is not None and dossier.expenses and draw(_ONE_IN_FOUR) != 0:
        amount = draw(targets)
        wanted = draw(st.sampled_from([amount, amount + 1, amount * 2, amount * 4]))
        lines = dossier.expenses
        total = sum((e.amount for e in lines if e.amount is not None), Decimal(0))
        if total > 0:
            factor = max(Decimal(1), (wanted / total).quantize(Decimal(1), ROUND_CEILING))
            lines = tuple(
                attrs.evolve(e, amount=e.amount * factor) if e.amount is not None else e
                for e in lines
            )
            requested = dossier.requested
            if requested is not None:
                requested = max(requested, wanted * draw(_FACTORS))
            dossier = attrs.evolve(dossier, expenses=lines, requested=requested)
    return dossier
