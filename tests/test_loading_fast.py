"""The fast dossier reader gives what the full one gives, or leaves the dossier to it.

`dossier_from_mapping` reads a mapping of the common shape with
`fitn7.loading.fast` and anything else with `read_in_full`, which names what is
wrong. On any mapping, well formed or not: the same dossier (to the way its
amounts are written) or the same error, word for word.
"""

from __future__ import annotations

import copy
import datetime
import json
import tomllib
from decimal import Decimal
from typing import Any

import pytest
import tomli_w
from hypothesis import given, note, settings
from hypothesis import strategies as st

from fitn7.applicants import alias_code, is_collectivite, kind_value, main_code
from fitn7.dossier import Category, Dossier, Kind
from fitn7.dsl.parser import parse_policy
from fitn7.loading import dossier_from_mapping, dossier_to_mapping
from fitn7.loading.fast import common_dossier
from fitn7.loading.mapping import read_in_full
from fitn7.testing import make_dossier
from fitn7.vocabulary import Vocabulary
from tests.budget import examples
from tests.strategies_dossier import dossiers

#: A policy's own vocabulary: categories, typed inputs, documents.
VOCABULARY = Vocabulary.of(parse_policy("""\
policy "lieux"
  version "1"
category fonctionnement "Fonctionnement"
category etude "Études"
input autres_aides: money "Autres aides" optional default 0 €
input ouverture: date "Date d'ouverture"
input publics: set of string "Publics" optional
document statuts: "Statuts"
""", "lieux.fitn7"))


def _as_toml(dossier: Dossier) -> dict[str, Any]:
    return tomllib.loads(tomli_w.dumps(dossier_to_mapping(dossier)), parse_float=Decimal)


def _as_json(dossier: Dossier) -> dict[str, Any]:
    text = json.dumps(dossier_to_mapping(dossier), default=str)
    return json.loads(text, parse_float=Decimal)  # type: ignore[no-any-return]


#: Mappings as a plugin builds them, a TOML file gives them, a JSON file gives them.
MAPPINGS = st.one_of(
    dossiers().map(dossier_to_mapping), dossiers().map(_as_toml), dossiers().map(_as_json))

#: Values that are wrong, or unusual, somewhere in a dossier.
JUNK = st.sampled_from([
    None, "", "  ", -1, 0, 7, 1.5, "abc", "12000.50", "12 000", "-3", "0012", 10**20, 10**16,
    Decimal("NaN"), Decimal("-0"), Decimal("1.001"), Decimal("1E+20"), Decimal("12.50"), True,
    [], {}, ["x"], ["x", 3], {"a": 1}, {"a": 1.5}, "\ud800", "Brétigny", "x\ud800",
    datetime.date(2021, 1, 1), datetime.datetime(2021, 1, 1, 10), "2021-13-45", "2021-06-10",
    Kind.COMMUNE, Category.ETUDE, "association", "7210", "7345", 29081, "commune", "cc",
    "etude", "fonctionnement", "personnel", ("a", "b"), "73282932000074", "732829320",
    "statuts",
])
#: Keys of every record, and some no record has.
KEYS = st.sampled_from([
    "id", "submitted", "applicant", "members", "project", "expenses", "requested", "extra",
    "inputs", "documents", "name", "kind", "code", "population", "departement", "region",
    "zrr", "qpv", "siret", "siren", "title", "themes", "tags", "started", "duration_months",
    "participatory", "open_source", "communes_covered", "label", "category", "amount",
    "provider", "amount_ht", "amount_ttc", "vat_recovered", "aplicant", "joint", "family",
    "autres_aides", "ouverture", "publics", "statuts",
])


def _tables(node: Any) -> list[dict[str, Any]]:
    """Every table of a mapping, itself first."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_tables(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_tables(item))
    return found


@st.composite
def mutated_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A dossier's mapping with one to three of its tables changed: a key set to an odd
    value, or removed."""
    data = copy.deepcopy(draw(MAPPINGS))
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(_tables(data)))
        key = draw(KEYS | st.sampled_from(sorted(table) or ["id"]))
        if draw(st.booleans()):
            table[key] = draw(JUNK)
        else:
            table.pop(key, None)
    return data


def _outcome(read: Any, data: Any, vocabulary: Vocabulary | None) -> Any:
    """The dossier as written out (amounts with their decimals), or the error."""
    try:
        return repr(read(data, file="d.toml", base_path="$", vocabulary=vocabulary))
    except Exception as exc:  # the outcomes are compared whole
        return (type(exc), str(exc))


VOCABULARIES = st.sampled_from([None, VOCABULARY])


@settings(max_examples=examples(100))
@given(MAPPINGS, VOCABULARIES)
def test_well_formed_mappings_read_alike(data: dict[str, Any],
                                         vocabulary: Vocabulary | None) -> None:
    """A dossier's own mapping: the fast reader's dossier, when it takes it, is the full
    reader's, amounts written the same."""
    fast = common_dossier(data, file="d.toml", vocabulary=vocabulary)
    full = _outcome(read_in_full, data, vocabulary)
    note(f"full: {full}")
    if fast is not None:
        assert repr(fast) == full
    assert _outcome(dossier_from_mapping, data, vocabulary) == full


@settings(max_examples=examples(120))
@given(mutated_mappings(), VOCABULARIES)
def test_any_mapping_reads_alike_or_fails_alike(data: dict[str, Any],
                                                vocabulary: Vocabulary | None) -> None:
    """Changed mappings: the same dossier or the same error from `dossier_from_mapping` as
    from the full reader; the fast reader never takes a mapping the full one refuses."""
    full = _outcome(read_in_full, data, vocabulary)
    note(f"full: {full}")
    assert _outcome(dossier_from_mapping, data, vocabulary) == full
    if isinstance(full, tuple):
        assert common_dossier(data, file="d.toml", vocabulary=vocabulary) is None


#: One change to a complete dossier each (a path in its mapping, the value written
#: there), at every turn of the fast reader: each must read as the full reader reads it.
EDITS = [
    (("applicant", "kind"), "association"),  # a collectivité's fields on an association
    (("applicant", "kind"), "7345"),  # a SIVOM, by its code
    (("applicant", "kind"), "9220"),
    (("applicant", "kind"), Kind.CC),
    (("applicant", "kind"), "Commune"),
    (("applicant", "kind"), 7210),
    (("applicant", "siret"), "73282932000074"),
    (("applicant", "siret"), "73282932000075"),  # a wrong check digit
    (("applicant", "siren"), "732829320"),
    (("applicant", "siren"), "552100554"),  # not the SIRET's (given below)
    (("applicant", "population"), 10**18),
    (("applicant", "population"), 10**18 - 1),
    (("applicant", "population"), "6643"),
    (("applicant", "population"), True),
    (("applicant", "zrr"), "oui"),
    (("applicant", "name"), "Plouguerneau\ud800"),
    (("applicant", "name"), 29195),
    (("applicant", "extra"), {"note": 1.5}),
    (("applicant", "extra"), {"note": "a"}),
    (("id",), "  "),
    (("id",), "Dossier é"),
    (("submitted",), "2021-06-10"),
    (("submitted",), datetime.datetime(2021, 6, 10, 9)),
    (("requested",), Decimal("-0")),
    (("requested",), Decimal("1E+2")),
    (("requested",), Decimal("12.345")),
    (("requested",), Decimal("12.3400000000000000000")),
    (("requested",), 10**15),
    (("requested",), 10**15 - 1),
    (("requested",), "12000.50"),
    (("requested",), 12000.5),
    (("expenses", 0, "amount_ht"), Decimal("100")),  # with amount_ttc below: swapped
    (("expenses", 0, "category"), "fonctionnement"),
    (("expenses", 0, "category"), Category.ETUDE),
    (("expenses", 0, "provider"), None),
    (("expenses", 0, "provider"), {"name": "P", "siret": 123}),
    (("expenses", 0, "vat_recovered"), 1),
    (("expenses",), ()),
    (("expenses",), "etude"),
    (("members",), [{"kind": "commune", "population": 12}]),
    (("members",), {"kind": "commune"}),
    (("project", "tags"), ("urbanisme",)),
    (("project", "tags"), ["numérique"]),
    (("project", "tags"), "urbanisme"),
    (("project", "duration_months"), -3),
    (("inputs",), {"ouverture": "2024-03-01"}),
    (("inputs",), {"inconnue": 1}),
    (("documents",), ["statuts", "bilan"]),
    (("documents",), "statuts"),
    (("joint",), True),
]


@pytest.mark.parametrize("vocabulary", [None, VOCABULARY], ids=["built-in", "policy"])
@pytest.mark.parametrize(("path", "value"), EDITS, ids=[repr(e) for e in EDITS])
def test_each_turn_of_the_fast_reader_reads_as_the_full_one(
        path: tuple[Any, ...], value: Any, vocabulary: Vocabulary | None) -> None:
    """One change at a time: the same dossier or the same error from both readers, and
    the fast one never takes what the full one refuses."""
    data = _as_toml(make_dossier())
    data["expenses"][0]["amount_ttc"] = Decimal("90")
    if path == ("applicant", "siren"):
        data["applicant"]["siret"] = "73282932000074"
    table = data
    for step in path[:-1]:
        table = table[step]
    table[path[-1]] = value
    full = _outcome(read_in_full, data, vocabulary)
    assert _outcome(dossier_from_mapping, data, vocabulary) == full
    if isinstance(full, tuple):
        assert common_dossier(data, file="d.toml", vocabulary=vocabulary) is None


def test_the_fast_reader_takes_the_common_shape() -> None:
    """A complete dossier of a commune, as TOML gives it, with inputs and documents: read
    by the fast reader (the tests above are not about a reader that gives up on all); an
    association is left to the full reader."""
    dossier = make_dossier()
    data = _as_toml(dossier)
    data["inputs"] = {"ouverture": datetime.date(2024, 3, 1), "publics": ["jeunes"]}
    data["documents"] = ["statuts"]
    data["expenses"][0]["category"] = "fonctionnement"
    for vocabulary in (None, VOCABULARY):
        if vocabulary is None:
            data["expenses"][0]["category"] = "etude"
        fast = common_dossier(data, file="d.toml", vocabulary=vocabulary)
        assert fast is not None
        assert repr(fast) == repr(read_in_full(data, file="d.toml", vocabulary=vocabulary))
    data["applicant"] = {"name": "Les Amis du Lieu", "kind": "association"}
    assert common_dossier(data, file="d.toml") is None  # left to the full reader
    applicant = dossier_from_mapping(data, file="d.toml").applicant
    assert applicant is not None and applicant.legal_form == "9220"


def test_the_eleven_kinds_are_read_by_name_as_the_full_reader_reads_them() -> None:
    """What the fast reader assumes of a kind written by its name: it is that `Kind`, has
    no other catégorie juridique, and every field of a collectivité."""
    for kind in Kind:
        assert kind_value(kind.value) is kind
        assert alias_code(kind.value, kind) is None
        code = main_code(kind)
        assert code is not None and is_collectivite(code)
