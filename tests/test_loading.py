"""Loading dossiers: formats, typed values, exact error messages, batches, round trips."""

from __future__ import annotations

import datetime
import json
import re
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7.dossier import (
    CATEGORIES_JURIDIQUES,
    Category,
    Collectivite,
    Dossier,
    Expense,
    Kind,
    Project,
    Provider,
)
from fitn7.errors import DossierError
from fitn7.loading import (
    Failed,
    Loaded,
    canonical_dossier_json,
    dossier_from_mapping,
    dossier_to_mapping,
    error_hint,
    load_dossier,
    load_dossiers,
)
from tests.budget import examples
from tests.strategies_dossier import COMMUNES, dossier_batches, dossiers

FIXTURES = Path(__file__).parent / "fixtures" / "dossiers"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "dossiers.md"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so files are named as a user names them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(directory: Path, name: str, text: str) -> Path:
    """Write `text` to `directory/name` and return the path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(name: str) -> DossierError:
    """The error `load_dossier` raises for the file `name` (fails if it loads)."""
    with pytest.raises(DossierError) as info:
        load_dossier(name)
    return info.value


def summary(results: list[Loaded | Failed]) -> list[str]:
    """Each result as `id` for a loaded dossier or the error text for a failure."""
    return [r.dossier.id if isinstance(r, Loaded) else str(r.error) for r in results]


def floats_in(value: Any) -> list[Any]:
    """Every float reachable from `value` (attrs objects, mappings, sequences)."""
    if isinstance(value, float):
        return [value]
    if attrs.has(type(value)):
        return [f for a in attrs.fields(type(value)) for f in floats_in(getattr(value, a.name))]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list | tuple):
        return [f for v in value for f in floats_in(v)]
    return []


def nones_in(value: Any, path: str = "$") -> list[str]:
    """The paths of every None field reachable from an attrs value."""
    if attrs.has(type(value)):
        found = []
        for a in attrs.fields(type(value)):
            if a.name in ("origin", "categorie_juridique"):  # a code filed as `kind`
                continue
            field = getattr(value, a.name)
            if field is None:
                found.append(f"{path}.{a.name}")
            else:
                found.extend(nones_in(field, f"{path}.{a.name}"))
        return found
    if isinstance(value, tuple):
        return [p for i, v in enumerate(value) for p in nones_in(v, f"{path}[{i}]")]
    return []


# --- formats -------------------------------------------------------------------------------


def test_one_dossier_toml_reads_every_field() -> None:
    """A one-dossier TOML file gives exactly the dossier it describes, money as Decimal."""
    dossier = load_dossier(FIXTURES / "BZH-2021-014.toml")
    assert dossier == Dossier(
        id="BZH-2021-014",
        submitted=datetime.date(2021, 6, 10),
        applicant=Collectivite(
            name="Commune de Plouguerneau",
            kind=Kind.COMMUNE,
            code="29195",
            population=6755,
            departement="29",
            region="53",
            zrr=False,
            qpv=False,
        ),
        members=(
            Collectivite(
                name="Commune de Lannilis",
                kind=Kind.COMMUNE,
                code="29117",
                population=5709,
                departement="29",
                region="53",
            ),
        ),
        project=Project(
            title="Portail citoyen mutualisé",
            themes=("relation_usagers",),
            tags=("inclusion",),
            started=False,
            duration_months=18,
            participatory=True,
            open_source=True,
            communes_covered=2,
            extra={"referent": "Direction générale des services"},
        ),
        expenses=(
            Expense(
                label="Design de service et tests usagers",
                category=Category.ACCOMPAGNEMENT,
                amount=Decimal("18000"),
                provider=Provider("Coop Numérique", "12345678900011", "53"),
            ),
            Expense(
                label="Formation des agents d'accueil",
                category=Category.FORMATION,
                amount=Decimal("12000.10"),
            ),
        ),
        requested=Decimal("20000.00"),
        extra={"numero_chorus": "2100431", "autofinancement": Decimal("6000.50")},
    )
    assert dossier.origin == str(FIXTURES / "BZH-2021-014.toml")


def test_many_dossiers_toml_in_order_with_paths() -> None:
    """`[[dossier]]` tables load in file order, each with its `$.dossier[i]` path."""
    results = list(load_dossiers(FIXTURES / "bretagne-comite-juin.toml"))
    assert [(r.dossier.id, r.path) for r in results if isinstance(r, Loaded)] == [
        ("BZH-2021-021", "$.dossier[0]"),
        ("BZH-2021-022", "$.dossier[1]"),
        ("BZH-2021-023", "$.dossier[2]"),
    ]
    assert all(r.file == str(FIXTURES / "bretagne-comite-juin.toml") for r in results)


def test_json_object_reads_like_toml() -> None:
    """A JSON object is a dossier; JSON decimals are Decimal, kinds may be SIRENE codes."""
    dossier = load_dossier(FIXTURES / "GERS-2021-003.json")
    assert dossier.applicant is not None
    assert dossier.applicant.kind is Kind.CC  # written "7346"
    assert dossier.submitted == datetime.date(2021, 6, 1)
    assert dossier.expenses is not None
    assert [e.amount for e in dossier.expenses] == [
        Decimal("8000"),
        Decimal("4500.50"),
        Decimal("2300.00"),
    ]
    assert dossier.expenses[1].provider == Provider("Gascogne Informatique", "12345678900029", "76")
    assert dossier.requested == Decimal("12500.50")
    assert type(dossier.requested) is Decimal


def test_json_dossier_list_and_top_level_array() -> None:
    """`{"dossier": [...]}` and a top-level JSON array both hold many dossiers."""
    listed = list(load_dossiers(FIXTURES / "paca-vague1.json"))
    array = list(load_dossiers(FIXTURES / "seine-maritime.json"))
    assert [(r.dossier.id, r.path) for r in listed if isinstance(r, Loaded)] == [
        ("PACA-2021-001", "$.dossier[0]"),
        ("PACA-2021-002", "$.dossier[1]"),
    ]
    assert [(r.dossier.id, r.path) for r in array if isinstance(r, Loaded)] == [
        ("SM-2021-007", "$[0]"),
        ("SM-2021-008", "$[1]"),
    ]


def test_directory_loads_files_in_name_order() -> None:
    """A directory stands for its TOML and JSON files, in name order."""
    assert summary(list(load_dossiers(FIXTURES))) == [
        "BZH-2021-014",
        "GERS-2021-003",
        "BZH-2021-021",
        "BZH-2021-022",
        "BZH-2021-023",
        "PACA-2021-001",
        "PACA-2021-002",
        "SM-2021-007",
        "SM-2021-008",
    ]


def test_directory_is_not_recursive_and_skips_other_files(here: Path) -> None:
    """Sub-directories, hidden files and other suffixes of a directory are not read."""
    write(here, "lot/b.toml", 'id = "B"')
    write(here, "lot/a.json", '{"id": "A"}')
    write(here, "lot/expected/a.toml", 'id = "EXPECTED"')
    write(here, "lot/README.md", "# notes")
    write(here, "lot/.#b.toml", "not toml at all [")
    assert summary(list(load_dossiers("lot"))) == ["A", "B"]


def test_files_and_directories_mix_in_argument_order(here: Path) -> None:
    """Several paths load in the order given, a directory's files in name order."""
    write(here, "lot/b.toml", 'id = "B"')
    write(here, "lot/a.toml", 'id = "A"')
    write(here, "z.toml", 'id = "Z"')
    assert summary(list(load_dossiers("z.toml", "lot"))) == ["Z", "A", "B"]


def test_utf8_byte_order_mark_is_accepted(here: Path) -> None:
    """A file saved with a UTF-8 byte-order mark (Windows editors) still loads."""
    (here / "bom.toml").write_bytes('\ufeffid = "BOM"\n'.encode())
    (here / "bom.json").write_bytes('\ufeff{"id": "BOMJ"}'.encode())
    assert load_dossier("bom.toml").id == "BOM"
    assert load_dossier("bom.json").id == "BOMJ"


# --- values --------------------------------------------------------------------------------


def test_money_is_decimal_never_float() -> None:
    """No float anywhere in any fixture dossier, and 0.1-style amounts are exact."""
    loaded = [r.dossier for r in load_dossiers(FIXTURES) if isinstance(r, Loaded)]
    assert len(loaded) == 9
    assert [f for d in loaded for f in floats_in(d)] == []
    bzh = next(d for d in loaded if d.id == "BZH-2021-014")
    assert bzh.expenses is not None
    amount = bzh.expenses[1].amount
    assert type(amount) is Decimal
    assert amount == Decimal("12000.10")
    assert str(amount) == "12000.10"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12000", Decimal("12000")),
        ("12000.10", Decimal("12000.10")),
        ("0.1", Decimal("0.1")),
        ('"12000.50"', Decimal("12000.50")),
        ('"7"', Decimal("7")),
        ("12_000.50", Decimal("12000.50")),
        ("1e3", Decimal("1000")),
        ("-0.0", Decimal("0")),
    ],
)
def test_money_forms(here: Path, written: str, expected: Decimal) -> None:
    """Money reads from integers, decimals, exponents and dot-decimal strings, exactly."""
    write(here, "m.toml", f'id = "M"\nrequested = {written}\n')
    requested = load_dossier("m.toml").requested
    assert type(requested) is Decimal
    assert requested == expected
    assert not requested.is_signed()


def test_json_money_is_exact(here: Path) -> None:
    """JSON decimals go to Decimal without passing through float."""
    write(here, "m.json", '{"id": "M", "requested": 12000.10, "expenses": [{"amount": 0.30}]}')
    dossier = load_dossier("m.json")
    assert str(dossier.requested) == "12000.10"
    assert dossier.expenses is not None
    assert str(dossier.expenses[0].amount) == "0.30"


def test_dates_from_toml_and_iso_strings(here: Path) -> None:
    """A TOML date and an ISO string give the same `datetime.date`."""
    write(here, "a.toml", 'id = "A"\nsubmitted = 2021-06-10\n')
    write(here, "b.json", '{"id": "B", "submitted": "2021-06-10"}')
    assert load_dossier("a.toml").submitted == datetime.date(2021, 6, 10)
    assert load_dossier("b.json").submitted == datetime.date(2021, 6, 10)
    assert type(load_dossier("b.json").submitted) is datetime.date


def test_absent_versus_empty() -> None:
    """No `members` is none; no `expenses` is missing (None); `expenses = []` is empty."""
    by_id = {r.dossier.id: r.dossier for r in load_dossiers(FIXTURES) if isinstance(r, Loaded)}
    assert by_id["BZH-2021-021"].members == ()
    assert by_id["BZH-2021-022"].expenses is None
    assert by_id["PACA-2021-002"].expenses == ()
    assert by_id["PACA-2021-002"].applicant is not None
    assert by_id["PACA-2021-002"].applicant.population is None
    assert by_id["BZH-2021-022"].project is not None
    assert by_id["BZH-2021-022"].project.tags == ()
    assert by_id["BZH-2021-022"].project.themes == ("organisation_numerique",)
    assert by_id["BZH-2021-022"].project.started is None


def test_json_null_is_absent(here: Path) -> None:
    """A JSON `null` reads as if the key were left out."""
    write(
        here,
        "n.json",
        '{"id": "N", "submitted": null, "members": null, "expenses": null,'
        ' "applicant": {"population": null, "kind": "commune"}, "extra": null}',
    )
    assert load_dossier("n.json") == Dossier(
        id="N", applicant=Collectivite(kind=Kind.COMMUNE), members=(), expenses=None
    )


@pytest.mark.parametrize(
    ("code", "kind"),
    [(code, kind) for kind, codes in CATEGORIES_JURIDIQUES.items() for code in codes],
)
def test_kind_from_categorie_juridique(code: str, kind: Kind) -> None:
    """Every SIRENE catégorie juridique code of a kind reads as that kind, and the code
    itself stays the applicant's `legal_form`."""
    dossier = dossier_from_mapping({"id": "K", "applicant": {"kind": code}}, file="k.toml")
    assert dossier.applicant is not None
    assert dossier.applicant.kind is kind
    assert dossier.applicant.legal_form == code


def test_kind_names_and_enum_values() -> None:
    """Kind names, and `Kind` members passed by a plugin, read as kinds."""
    for kind in Kind:
        by_name = dossier_from_mapping({"id": "K", "applicant": {"kind": kind.value}}, file="k")
        by_member = dossier_from_mapping({"id": "K", "applicant": {"kind": kind}}, file="k")
        assert by_name.applicant == by_member.applicant == Collectivite(kind=kind)


def test_integers_from_digit_strings() -> None:
    """`population = "6643"` (a CSV export) reads as the integer 6643."""
    dossier = dossier_from_mapping(
        {"id": "P", "applicant": {"population": "6643"}, "project": {"duration_months": "018"}},
        file="p.json",
    )
    assert dossier.applicant == Collectivite(population=6643)
    assert dossier.project == Project(duration_months=18)


def test_extra_kept_as_loaded_at_every_level(here: Path) -> None:
    """`extra` tables at dossier, applicant, member and project level keep their values."""
    write(
        here,
        "x.toml",
        """id = "X"
[extra]
deliberation = 2021-05-03
taux = 0.8
pieces = ["devis", "rib"]
convention = { signee = true, numero = 12 }
[applicant.extra]
epci = "242900553"
[[members]]
extra = { part = 0.25 }
[project.extra]
referent = "DGS"
""",
    )
    dossier = load_dossier("x.toml")
    assert dossier.extra == {
        "deliberation": datetime.date(2021, 5, 3),
        "taux": Decimal("0.8"),
        "pieces": ["devis", "rib"],
        "convention": {"signee": True, "numero": 12},
    }
    assert type(dossier.extra["taux"]) is Decimal
    assert dossier.applicant == Collectivite(extra={"epci": "242900553"})
    assert dossier.members == (Collectivite(extra={"part": Decimal("0.25")}),)
    assert dossier.project == Project(extra={"referent": "DGS"})


def test_plugin_extra_round_trips_with_tuples() -> None:
    """A plugin's `extra` with tuples and nested tables survives the round trip unchanged."""
    extra = {"pieces": ("devis", "rib"), "convention": {"montants": (Decimal("1.50"), 2)}}
    dossier = dossier_from_mapping({"id": "X", "extra": extra}, file="plugin")
    assert dossier.extra == extra
    assert dossier_from_mapping(dossier_to_mapping(dossier), file="plugin") == dossier
    with pytest.raises(DossierError) as info:
        dossier_from_mapping({"id": "X", "extra": {"t": (1, 0.5)}}, file="plugin")
    assert info.value.path == "$.extra.t[1]"


def test_origin_does_not_count_in_equality() -> None:
    """The same dossier read from two files is equal; `origin` tells them apart."""
    a = dossier_from_mapping({"id": "A"}, file="a.toml")
    b = dossier_from_mapping({"id": "A"}, file="b.json")
    assert a == b
    assert (a.origin, b.origin) == ("a.toml", "b.json")


# --- errors --------------------------------------------------------------------------------

ERROR_CASES = tomllib.loads(
    (FIXTURES / "errors" / "cases.toml").read_text(encoding="utf-8"), parse_float=Decimal
)["case"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["error"] for c in ERROR_CASES])
def test_error_corpus(here: Path, case: dict[str, str]) -> None:
    """Each mistake of the corpus gives exactly its message: file, what, JSONPath, hint."""
    name = case.get("file", "BZH-014.toml")
    write(here, name, case["text"])
    results = list(load_dossiers(name))
    assert [str(r.error) for r in results if isinstance(r, Failed)] == [case["error"]]


def test_error_carries_file_path_message_and_hint(here: Path) -> None:
    """The error's attributes hold the parts of its text separately."""
    write(here, "BZH-014.toml", 'id = "BZH-014"\napplicant = { kind = "comune" }\n')
    error = load_error("BZH-014.toml")
    assert (error.file, error.path, error.message) == (
        "BZH-014.toml",
        "$.applicant.kind",
        "unknown applicant kind `comune`",
    )
    assert error_hint(error) == "did you mean `commune`?"
    assert isinstance(error, DossierError)


def test_error_without_hint_has_no_parentheses(here: Path) -> None:
    """An error with nothing to add ends at its path."""
    write(here, "BZH-014.toml", 'id = "BZH-014"\nsubmitted = 20210610\n')
    error = load_error("BZH-014.toml")
    assert error_hint(error) is None
    assert str(error) == "BZH-014.toml: expected a date @ $.submitted"


def test_missing_and_non_utf8_files(here: Path) -> None:
    """A missing file and a file not in UTF-8 are errors, not crashes."""
    (here / "latin1.toml").write_bytes('id = "Plouguern\xe9"'.encode("latin-1"))
    assert str(load_error("absent.toml")) == "absent.toml: no such file or directory"
    assert (
        str(load_error("latin1.toml"))
        == "latin1.toml: the file is not UTF-8 text (save it as UTF-8)"
    )


def test_json_array_entry_not_a_table(here: Path) -> None:
    """In a JSON array, an entry that is not an object fails alone at `$[i]`."""
    write(here, "lot.json", '[{"id": "A"}, "B", {"id": "C"}]')
    assert summary(list(load_dossiers("lot.json"))) == [
        "A",
        "lot.json: expected a table @ $[1]",
        "C",
    ]


# --- batches -------------------------------------------------------------------------------


def test_bad_dossier_in_many_file_does_not_stop_the_rest(here: Path) -> None:
    """The fourth `[[dossier]]` is reported at `$.dossier[3]…`; the others load."""
    entries = [
        f'[[dossier]]\nid = "BZH-{i}"\napplicant = {{ kind = "commune" }}\n' for i in range(5)
    ]
    entries[3] = '[[dossier]]\nid = "BZH-3"\napplicant = { kind = "comune" }\n'
    write(here, "lot.toml", "".join(entries))
    assert summary(list(load_dossiers("lot.toml"))) == [
        "BZH-0",
        "BZH-1",
        "BZH-2",
        "lot.toml: unknown applicant kind `comune` @ $.dossier[3].applicant.kind"
        " (did you mean `commune`?)",
        "BZH-4",
    ]


def test_broken_file_in_directory_does_not_stop_the_rest(here: Path) -> None:
    """A directory with one unparseable and one wrong file still yields the good ones."""
    write(here, "lot/a.toml", 'id = "A"')
    write(here, "lot/b.toml", "id = = 3")
    write(here, "lot/c.json", '{"id": "C", "submitted": "demain"}')
    write(here, "lot/d.json", '{"id": "D"}')
    results = list(load_dossiers("lot"))
    assert summary(results) == [
        "A",
        "lot/b.toml: invalid TOML: invalid value (at line 1, column 6)",
        "lot/c.json: expected a date @ $.submitted (write dates as YYYY-MM-DD, e.g. 2021-06-10)",
        "D",
    ]
    assert [type(r).__name__ for r in results] == ["Loaded", "Failed", "Failed", "Loaded"]
    assert [(r.file, r.path) for r in results if isinstance(r, Failed)] == [
        ("lot/b.toml", ""),
        ("lot/c.json", "$.submitted"),
    ]


def test_duplicate_ids_across_files(here: Path) -> None:
    """The second dossier with an id already seen fails, naming the file of the first."""
    write(here, "a.toml", 'id = "BZH-2021-014"')
    write(here, "b.json", '[{"id": "X"}, {"id": "BZH-2021-014"}]')
    assert summary(list(load_dossiers("a.toml", "b.json"))) == [
        "BZH-2021-014",
        "X",
        "b.json: duplicate dossier id `BZH-2021-014`, first in a.toml @ $[1].id",
    ]


def test_duplicate_ids_in_one_file(here: Path) -> None:
    """Two `[[dossier]]` tables with the same id: the second one fails."""
    write(here, "lot.toml", '[[dossier]]\nid = "A"\n[[dossier]]\nid = "A"\n')
    assert summary(list(load_dossiers("lot.toml"))) == [
        "A",
        "lot.toml: duplicate dossier id `A`, first in lot.toml at $.dossier[0] @ $.dossier[1].id",
    ]


def test_load_dossier_wants_exactly_one(here: Path) -> None:
    """`load_dossier` refuses a directory and a file of several dossiers."""
    write(here, "lot.toml", '[[dossier]]\nid = "A"\n[[dossier]]\nid = "B"\n')
    write(here, "empty.json", "[]")
    (here / "dir").mkdir()
    assert str(load_error("lot.toml")) == "lot.toml: expected one dossier, found 2"
    assert str(load_error("empty.json")) == "empty.json: expected one dossier, found 0"
    assert str(load_error("dir")) == "dir: expected a dossier file, got a directory"


def test_load_dossier_accepts_one_entry_list(here: Path) -> None:
    """A `[[dossier]]` file with a single table is one dossier."""
    write(here, "one.toml", '[[dossier]]\nid = "A"\n')
    assert load_dossier("one.toml") == Dossier(id="A")


def test_example_annotations_are_skipped_by_the_file_loader(here: Path) -> None:
    """The `[example]` and `[expected]` tables of a policy's examples are not dossier data."""
    write(
        here,
        "BZH-01.toml",
        'id = "BZH-01"\n[example]\ndescription = "x"\n[expected]\nstatus = "eligible"\n',
    )
    write(here, "lot.toml", '[[dossier]]\nid = "A"\n[dossier.expected]\nstatus = "review"\n')
    assert load_dossier("BZH-01.toml") == Dossier(id="BZH-01")
    assert summary(list(load_dossiers("lot.toml"))) == ["A"]
    with pytest.raises(DossierError) as info:
        dossier_from_mapping({"id": "X", "expected": {}}, file="p")
    assert str(info.value) == "p: unknown key `expected` @ $ (did you mean `expenses`?)"


def test_missing_path_in_batch(here: Path) -> None:
    """A path that does not exist fails alone in a batch."""
    write(here, "a.toml", 'id = "A"')
    assert summary(list(load_dossiers("nope.toml", "a.toml"))) == [
        "nope.toml: no such file or directory",
        "A",
    ]


# --- dossier_from_mapping (plugins, other loaders) -----------------------------------------


def test_mapping_errors_use_base_path() -> None:
    """`base_path` prefixes every path, as for the entries of a many-dossier file."""
    with pytest.raises(DossierError) as info:
        dossier_from_mapping(
            {"id": "X", "expenses": [{"amount": "1,5"}]}, file="lot.csv", base_path="$[7]"
        )
    assert info.value.path == "$[7].expenses[0].amount"
    assert str(info.value).startswith("lot.csv: expected money (a number of euros) @ $[7].")


def test_mapping_refuses_floats() -> None:
    """A plugin passing a float for money or in `extra` is told to pass a Decimal."""
    with pytest.raises(DossierError) as money:
        dossier_from_mapping({"id": "X", "requested": 0.1}, file="p")
    with pytest.raises(DossierError) as extra:
        dossier_from_mapping({"id": "X", "extra": {"taux": [0.5]}}, file="p")
    assert str(money.value) == (
        "p: expected money (a number of euros) @ $.requested"
        " (pass a Decimal or a string: fitn7 never reads numbers as float)"
    )
    assert str(extra.value) == (
        "p: unexpected float @ $.extra.taux[0]"
        " (pass a Decimal or a string: fitn7 never reads numbers as float)"
    )


def test_mapping_not_a_table() -> None:
    """Something other than a mapping is an error at the base path."""
    with pytest.raises(DossierError) as info:
        dossier_from_mapping(["id"], file="p")  # type: ignore[arg-type]
    assert str(info.value) == "p: expected a table @ $"


def test_extra_keys_with_odd_characters_are_quoted_in_paths() -> None:
    """A key that is not an identifier is written `["..."]` in the path."""
    with pytest.raises(DossierError) as info:
        dossier_from_mapping({"id": "X", "extra": {"taux réel": Decimal("nan")}}, file="p")
    assert info.value.path == '$.extra["taux réel"]'


#: Keys the fuzzer draws: real field names at every level, so some inputs go deep.
FUZZ_KEYS = (
    *("id", "submitted", "applicant", "members", "project", "expenses", "requested", "extra"),
    *("kind", "population", "amount", "category", "provider", "tags", "zrr", "name", "x"),
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["commune", "7210", "2021-06-10", "12000.50", "etude", "-3"])
    | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FUZZ_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_any_mapping_loads_or_raises_dossier_error(data: Any) -> None:
    """Whatever the input, the result is a Dossier or a DossierError, never another exception."""
    try:
        dossier = dossier_from_mapping(data, file="fuzz.json")
    except DossierError as e:
        assert str(e).startswith("fuzz.json: ")
        assert e.path.startswith("$")
    else:
        assert isinstance(dossier, Dossier)
        assert floats_in(dossier) == []


@settings(max_examples=examples(50))
@given(st.text(max_size=60), st.sampled_from([".toml", ".json"]))
def test_any_file_text_loads_or_fails_cleanly(text: str, suffix: str) -> None:
    """Arbitrary file contents give Loaded or Failed results, never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8")
        for result in load_dossiers(path):
            assert isinstance(result, Loaded | Failed)
            assert result.file == str(path)


# --- writing back and canonical JSON -------------------------------------------------------


@given(dossiers())
def test_round_trip_through_mapping(dossier: Dossier) -> None:
    """`dossier_from_mapping(dossier_to_mapping(d)) == d`, absent fields included."""
    assert dossier_from_mapping(dossier_to_mapping(dossier), file="rt") == dossier


@given(dossiers(complete=True))
def test_round_trip_complete_dossiers(dossier: Dossier) -> None:
    """Fully filled dossiers round-trip too."""
    assert dossier_from_mapping(dossier_to_mapping(dossier), file="rt") == dossier


@given(dossiers())
def test_round_trip_through_toml_text(dossier: Dossier) -> None:
    """`tomli_w` writes the mapping as is, and the TOML file reads back to the same dossier."""
    text = tomli_w.dumps(dossier_to_mapping(dossier))
    data = tomllib.loads(text, parse_float=Decimal)
    assert dossier_from_mapping(data, file="rt.toml") == dossier


def through_json_extras(dossier: Dossier) -> Dossier:
    """`dossier` with every `extra` table as JSON written with `default=str` gives it back."""

    def j(extra: Any) -> Any:
        return json.loads(json.dumps(extra, default=str), parse_float=Decimal)

    def c(x: Collectivite | None) -> Collectivite | None:
        return None if x is None else attrs.evolve(x, extra=j(x.extra))

    project = dossier.project
    return attrs.evolve(
        dossier,
        applicant=c(dossier.applicant),
        members=tuple(attrs.evolve(m, extra=j(m.extra)) for m in dossier.members),
        project=None if project is None else attrs.evolve(project, extra=j(project.extra)),
        extra=j(dossier.extra),
    )


@given(dossiers())
def test_round_trip_through_json_text(dossier: Dossier) -> None:
    """JSON written with `default=str` reads back to the same dossier.

    Money and dates are strings in that JSON and read back as Decimal and
    date; decimals and dates inside `extra` stay the strings JSON gave.
    """
    text = json.dumps(dossier_to_mapping(dossier), default=str)
    back = dossier_from_mapping(json.loads(text, parse_float=Decimal), file="rt.json")
    assert back == through_json_extras(dossier)


def test_to_mapping_shape() -> None:
    """Absent fields are left out, empty members too; an empty budget is kept; enums as names."""
    dossier = Dossier(
        id="X",
        applicant=Collectivite(kind=Kind.CA, population=3),
        expenses=(),
        requested=Decimal("1E+3"),
    )
    assert dossier_to_mapping(dossier) == {
        "id": "X",
        "applicant": {"kind": "ca", "population": 3},
        "expenses": [],
        "requested": Decimal("1000"),
    }
    assert str(dossier_to_mapping(dossier)["requested"]) == "1000"


def test_canonical_json_exact_text() -> None:
    """Sorted keys, no whitespace, money with two decimals, dates in ISO form, UTF-8 as is."""
    dossier = Dossier(
        id="BZH-2021-014",
        submitted=datetime.date(2021, 6, 10),
        applicant=Collectivite(name="Commune de Plouguerneau", kind=Kind.COMMUNE),
        expenses=(Expense("Étude", Category.ETUDE, Decimal("18000")),),
        requested=Decimal("12000.1"),
        extra={"taux": Decimal("0.80"), "le": datetime.date(2021, 5, 3)},
    )
    assert canonical_dossier_json(dossier) == (
        '{"applicant":{"kind":"commune","name":"Commune de Plouguerneau"},'
        '"expenses":[{"amount":"18000.00","category":"etude","label":"Étude"}],'
        '"extra":{"le":"2021-05-03","taux":"0.8"},"id":"BZH-2021-014",'
        '"requested":"12000.10","submitted":"2021-06-10"}'
    )


def test_canonical_json_ignores_how_the_file_was_written(here: Path) -> None:
    """The same dossier in TOML and JSON, with money written differently, has one canonical form."""
    write(here, "a.toml", 'id = "A"\nrequested = 12000.1\n[[expenses]]\namount = 500\n')
    write(
        here, "a.json", '{"expenses": [{"amount": "500.00"}], "requested": "12000.10", "id": "A"}'
    )
    assert canonical_dossier_json(load_dossier("a.toml")) == canonical_dossier_json(
        load_dossier("a.json")
    )


@given(dossiers())
def test_canonical_json_is_sorted_compact_json(dossier: Dossier) -> None:
    """The canonical text is JSON that re-dumps to itself with sorted keys and no spaces."""
    text = canonical_dossier_json(dossier)
    assert (
        json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        == text
    )
    for amount in re.findall(r'"(?:amount|requested)":"([^"]*)"', text):
        assert re.fullmatch(r"[0-9]+\.[0-9]{2}", amount)


# --- the strategies themselves -------------------------------------------------------------


@given(dossiers(complete=True))
def test_complete_dossiers_have_no_missing_field(dossier: Dossier) -> None:
    """`complete=True` fills every field (members and extra may still be empty values)."""
    assert nones_in(dossier) == []
    assert dossier.expenses


@given(dossiers())
def test_strategy_uses_real_communes(dossier: Dossier) -> None:
    """An applicant commune with a known code has its real name and population."""
    by_code = {c.code: c for c in COMMUNES}
    applicant = dossier.applicant
    if applicant is not None and applicant.kind is Kind.COMMUNE and applicant.code is not None:
        real = by_code[applicant.code]
        assert applicant.population in (None, real.population)
        assert applicant.name in (None, real.name)


@settings(max_examples=examples(20))
@given(dossier_batches(min_size=2))
def test_batches_have_distinct_ids(batch: list[Dossier]) -> None:
    """A batch never repeats an id, so it loads without duplicate errors."""
    assert len({d.id for d in batch}) == len(batch)


def test_strategy_sample_holds_the_fixture_communes() -> None:
    """The sample read from communes.csv has Plouguerneau and Lannilis as in the fixture."""
    by_code = {c.code: c for c in COMMUNES}
    assert (by_code["29195"].name, by_code["29195"].population) == ("Commune de Plouguerneau", 6755)
    assert (by_code["29117"].name, by_code["29117"].population) == ("Commune de Lannilis", 5709)


# --- the documentation ---------------------------------------------------------------------


def test_doc_examples_load(tmp_path: Path) -> None:
    """Every TOML and JSON example of docs/dossiers.md is a file that loads without error."""
    blocks = re.findall(r"```(toml|json)\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 3
    for i, (lang, text) in enumerate(blocks):
        path = write(tmp_path, f"example{i}.{lang}", text)
        results = list(load_dossiers(path))
        assert results, f"example {i} holds no dossier"
        assert [str(r.error) for r in results if isinstance(r, Failed)] == []


def test_a_dossier_nested_hundreds_deep_fails_alone(tmp_path):
    """Tables or lists nested 600 deep (in TOML or JSON) fail their file, not the batch."""
    from fitn7.loading import Failed, Loaded, load_dossiers

    (tmp_path / "a.toml").write_text('id = "A"\n[extra]\nx = ' + "[" * 600 + "]" * 600 + "\n",
                                     encoding="utf-8")
    (tmp_path / "b.json").write_text('{"id": "B", "extra": {"x": ' + "[" * 600 + "]" * 600
                                     + "}}", encoding="utf-8")
    (tmp_path / "c.toml").write_text('id = "C"\n', encoding="utf-8")
    results = list(load_dossiers(tmp_path))
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == ["C"]
    failed = [str(r.error) for r in results if isinstance(r, Failed)]
    assert len(failed) == 2
    assert all("tables or lists are nested too deeply to be a dossier" in m for m in failed)
