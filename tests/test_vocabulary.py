"""A policy's own vocabulary: `category`, `input` and `document` declarations.

From the text of a policy to its decisions: the checker's errors and warnings,
both evaluation paths (held to each other on every dossier), dossier loading
with the policy's vocabulary, `extends`, the policy hash and `fitn7 diff`.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7.audit.diff import Added, Changed, Removed, diff
from fitn7.checker import check
from fitn7.cli import main
from fitn7.diagnostics import Severity
from fitn7.dossier import Category, Dossier, Expense
from fitn7.dsl import ast
from fitn7.dsl.formatter import format_policy
from fitn7.errors import DossierError
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.hashing import policy_hash
from fitn7.loading import Failed, Loaded, dossier_from_mapping, load_dossiers
from fitn7.loading.canonical import canonical_dossier_json, dossier_to_mapping
from fitn7.loading.vocabulary import apply_vocabulary
from fitn7.resolve import load_resolved, merge
from fitn7.runner import Runner
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary
from tests.budget import examples

ROOT = Path(__file__).resolve().parents[1]

TIERS_LIEUX = """\
policy "tiers-lieux"
  title   "Soutien aux tiers-lieux"
  version "2024-01-15"

category fonctionnement "Fonctionnement"
category investissement "Investissement"
category etudes "Études préalables"

input autres_aides_publiques: money "Autres financements publics sollicités" optional default 0 €
input date_ouverture: date "Date d'ouverture du lieu"
  source "AAP tiers-lieux, §3"
input taux_occupation: percent "Taux d'occupation prévu" optional default 0%
input publics: set of string "Publics accueillis" optional

document statuts: "Statuts de la structure"
  source "AAP tiers-lieux, §6"
document deliberation: "Délibération de l'organe délibérant" when applicant.kind == commune
  source "AAP tiers-lieux, §6"
document bilan: "Dernier bilan approuvé" when taux_occupation >= 50%

expenses ineligible {etudes}

require ouverture: date_ouverture <= 2024-12-31
  source "AAP tiers-lieux, §3"
review jeunes: "jeunes" not in publics
  source "AAP tiers-lieux, §4"
exclude deja_finance: autres_aides_publiques >= eligible_expenses
  source "AAP tiers-lieux, §5"

amount
  rate moitie: 50%
    source "AAP tiers-lieux, §5"
"""


def compiled(text: str = TIERS_LIEUX) -> CompiledPolicy:
    policy = parse_policy(text, "tiers-lieux.fitn7")
    errors = [d for d in check(policy) if d.severity is Severity.ERROR]
    assert errors == [], errors
    return compile_policy(policy)


PROGRAM = compiled()


def dossier(**fields: Any) -> Dossier:
    """A dossier of the tiers-lieux call, read as a file with the policy's vocabulary."""
    data: dict[str, Any] = {
        "id": "TL-1",
        "applicant": {"kind": "commune"},
        "expenses": [{"category": "fonctionnement", "amount": 10_000},
                     {"category": "etudes", "amount": 4_000}],
        "inputs": {"date_ouverture": "2024-03-01", "publics": ["jeunes"]},
        "documents": ["statuts", "deliberation"],
    }
    data.update(fields)
    return dossier_from_mapping(data, file="tl.toml", vocabulary=PROGRAM.vocabulary)


def decide(d: Dossier, program: CompiledPolicy = PROGRAM) -> Decision:
    """The decision, the same by the closures (with trace) and both generated functions."""
    reference = program.evaluate_reference(d, trace=True)
    fast = program.evaluate(d, trace=False)
    assert fast.to_dict(trace=False) == reference.to_dict(trace=False)
    assert program.evaluate(d, trace=True) == reference
    return reference


# ------------------------------------------------------------------ syntax


def test_declarations_read_as_written() -> None:
    """Each declaration becomes its node; `required` is the default presence."""
    policy = parse_policy(TIERS_LIEUX, "t.fitn7")
    categories = policy.of_type(ast.ExpenseCategory)
    assert [(c.name, c.label) for c in categories] == [
        ("fonctionnement", "Fonctionnement"), ("investissement", "Investissement"),
        ("etudes", "Études préalables")]
    inputs = {i.name: i for i in policy.of_type(ast.Input)}
    assert inputs["autres_aides_publiques"] == ast.Input(
        "autres_aides_publiques", "money", "Autres financements publics sollicités", False,
        ast.MoneyLit(Decimal(0)))
    assert inputs["date_ouverture"].required and inputs["date_ouverture"].source == (
        "AAP tiers-lieux, §3")
    assert inputs["publics"].type == "set of string"
    documents = {d.name: d for d in policy.of_type(ast.Document)}
    assert documents["statuts"].when is None
    assert documents["deliberation"].label == "Délibération de l'organe délibérant"


def test_formatter_writes_each_declaration_canonically() -> None:
    """`required` is left out (the default), a source goes on its own line, declarations of
    one kind stay together unless one cites a source."""
    text = ('policy "p"\ncategory  a "A"\ncategory b "B"\n'
            'input x : int "X" required\ninput y: set of string optional\n'
            'document d: "D" when x > 1 source "s"\n')
    assert format_policy(parse_policy(text, "p")) == (
        'policy "p"\n\ncategory a "A"\ncategory b "B"\n\ninput x: int "X"\n'
        'input y: set of string optional\n\ndocument d: "D" when x > 1\n  source "s"\n')


def test_keywords_stay_field_names_in_expressions() -> None:
    """`category`, `input` and `document` start declarations, and `category` is still the
    field of an expense line where an expression is expected."""
    policy = parse_policy(
        'policy "p"\ncategory a "A"\nrequire r: any(expenses, category == a)\n', "p")
    assert isinstance(policy.declarations[1], ast.Rule)


# ------------------------------------------------------------------ checker


def diagnostics(body: str) -> list[tuple[str, str]]:
    policy = parse_policy('policy "p"\n' + body, "p.fitn7")
    return [(d.code, d.message) for d in check(policy)]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ('category a "A"\ncategory a "B"\n', "E140", "`category a` is declared twice"),
        ('input x: int\ninput x: money\nrequire r: x > 0 source "s"\n', "E140",
         "`input x` is declared twice"),
        ("input x: entier\n", "E141", "unknown type `entier` for input `x`"),
        ("input x: set of euros\n", "E141", "unknown type `set of euros` for input `x`"),
        ("input joint: bool\n", "E142", "`input joint` has the name of the dossier field `joint`"),
        ("let x = 1\ninput x: int\n", "E142", "`input x` has the name of `let x`"),
        ("input commune: int\n", "E142", "`input commune` has the name of the applicant kind "
         "`commune`"),
        ("input status: int\n", "E142", "`input status` has the name of the decision field "
         "`status` (read by invariants)"),
        ('category cc "Communautés"\n', "E143", "`category cc` has the name of an applicant kind"),
        ('category eligible "Éligible"\n', "E143", "`category eligible` has the name of a status"),
        ("input x: int optional default 2.5\n", "E241",
         "the default of input `x` is decimal, not int"),
        ("input x: money optional default 5\n", "E241",
         "the default of input `x` is int, not money"),
        ('input x: date optional default "2024-01-01"\n', "E241",
         "the default of input `x` is string, not date"),
        ('document d: "D" when applicant.population\n', "E213",
         "expected a condition after `when`, got int"),
        ("input x: int\n", "W420", "`input x` is never read"),
        ('category a "A"\nexpenses eligible {a, b}\n', "E108", "unknown expense category `b`"),
    ],
)
def test_vocabulary_mistakes(body: str, code: str, message: str) -> None:
    """Each mistake in a declaration gives its code and message."""
    assert (code, message) in diagnostics(body)


def test_a_declared_vocabulary_checks_clean() -> None:
    """The tiers-lieux policy: no error, no warning."""
    assert check(parse_policy(TIERS_LIEUX, "t.fitn7")) == []


def test_declared_categories_replace_the_built_in_ones() -> None:
    """Once a policy declares categories, the FITN7 ones are unknown names there."""
    found = diagnostics('category a "A"\nrequire r: any(expenses, category == etude) source "s"\n')
    assert ("E201", "unknown name `etude`") in found
    policy = parse_policy('policy "p"\ncategory a "A"\nrequire r: any(expenses, category == '
                          'etude) source "s"\n', "p")
    (diag,) = [d for d in check(policy) if d.code == "E201"]
    assert diag.help == ('no expense category is named `etude`: declare it, '
                         '`category etude "Libellé"`; the categories are `a`')


def test_without_declaration_the_built_in_categories_apply() -> None:
    """A policy that declares none has the ten FITN7 categories, silently (as before)."""
    assert diagnostics('expenses ineligible {personnel}\n'
                       'require r: any(expenses, category == etude) source "s"\n') == []


def test_an_unknown_category_in_expenses_says_how_to_declare_it() -> None:
    """E108 lists the categories the policy has and how to declare one."""
    policy = parse_policy('policy "p"\ncategory a "A"\nexpenses eligible {zzz}\n', "p")
    (diag,) = check(policy)
    assert diag.help == 'the categories are `a`; declare it: `category zzz "Libellé"`'


def test_inputs_are_typed_where_they_are_read() -> None:
    """An input reads with its declared type: comparing a money input with a number is
    the usual E208 with its hint."""
    found = diagnostics('input aides: money "Aides"\nrequire r: aides > 1000 source "s"\n')
    assert ("E208", "cannot compare money with int") in found


def test_a_per_line_name_outside_a_filter_points_at_filters_not_quotes() -> None:
    """`category` alone in a rule is a field of each line: the hint says how to read it."""
    policy = parse_policy('policy "p"\nrequire r: category == etude source "s"\n', "p")
    (diag,) = check(policy)
    assert diag.code == "E201"
    assert diag.help is not None and "any(expenses, …)" in diag.help
    assert "quotes" not in diag.help


# --------------------------------------------------------------- evaluation


def test_a_complete_dossier_is_decided_with_its_inputs() -> None:
    """Inputs read by name, the optional one at its default: eligible, half the eligible
    base (the `etudes` line does not count)."""
    d = decide(dossier())
    assert (d.status.value, d.amount, d.reasons, d.missing) == ("eligible", Decimal("5000.00"),
                                                              (), ())


def test_a_missing_required_input_makes_the_dossier_incomplete_and_names_it() -> None:
    """Without `date_ouverture`: incomplete, with the input's French label and its path."""
    d = decide(dossier(inputs={"publics": ["jeunes"]}))
    assert d.status.value == "incomplete"
    assert [(r.rule, r.effect, r.message, r.source) for r in d.reasons] == [
        ("ouverture", "incomplete", None, "AAP tiers-lieux, §3"),
        ("date_ouverture", "missing_input", "Information manquante : Date d'ouverture du lieu",
         "AAP tiers-lieux, §3"),
    ]
    assert d.missing == ("inputs.date_ouverture",)


def test_a_required_input_no_rule_reads_is_still_required() -> None:
    """A required input is asked for by itself, even if no rule reads it."""
    program = compiled('policy "p"\ninput effectif: int "Effectif salarié"\n')
    d = decide(Dossier("D", expenses=()), program)
    assert (d.status.value, d.missing) == ("incomplete", ("inputs.effectif",))
    assert d.reasons[0].message == "Information manquante : Effectif salarié"
    complete = Dossier("D", expenses=(), inputs={"effectif": 3})
    assert decide(complete, program).status.value == "eligible"


def test_an_optional_input_without_default_is_unknown_where_read() -> None:
    """`publics` is optional without default: absent, the rule that reads it is unknown;
    `taux_occupation` is optional at 0 %: absent, the bilan it conditions is not required."""
    d = decide(dossier(inputs={"date_ouverture": "2024-03-01"}))
    assert [(r.rule, r.effect) for r in d.reasons] == [("jeunes", "incomplete")]
    assert d.missing == ("inputs.publics",)
    with_rate = decide(dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["jeunes"],
                                       "taux_occupation": "60%"}))
    assert [(r.rule, r.effect) for r in with_rate.reasons] == [("bilan", "missing_document")]
    assert with_rate.missing == ("documents.bilan",)


def test_inputs_of_each_type_are_read_and_compared() -> None:
    """A set of strings, a percent as `0.6` or `"60%"`, money to the cent."""
    d = dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["seniors", "jeunes"],
                        "taux_occupation": Decimal("0.6"),
                        "autres_aides_publiques": "1200.50"})
    assert d.inputs == {"date_ouverture": datetime.date(2024, 3, 1),
                        "publics": frozenset({"seniors", "jeunes"}),
                        "taux_occupation": Decimal("0.6"),
                        "autres_aides_publiques": Decimal("1200.50")}
    assert [r.rule for r in decide(d).reasons] == ["bilan"]
    without_youth = dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["seniors"]})
    assert [r.rule for r in decide(without_youth).reasons] == ["jeunes"]


def test_an_input_decides_an_exclusion() -> None:
    """Other public aid reaching the eligible base: ineligible with the rule's reason."""
    d = decide(dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["jeunes"],
                               "autres_aides_publiques": 10_000}))
    assert (d.status.value, [r.rule for r in d.reasons]) == ("ineligible", ["deja_finance"])


def test_a_missing_document_makes_the_dossier_incomplete_in_french() -> None:
    """Each required document not listed is a reason with its label and source."""
    d = decide(dossier(documents=["deliberation"]))
    assert d.status.value == "incomplete"
    assert [(r.rule, r.effect, r.message, r.source) for r in d.reasons] == [
        ("statuts", "missing_document", "Pièce manquante : Statuts de la structure",
         "AAP tiers-lieux, §6")]
    assert d.missing == ("documents.statuts",)
    assert d.amount == Decimal("5000.00")


def test_a_document_whose_condition_fails_is_not_required() -> None:
    """An association needs no délibération."""
    d = decide(dossier(applicant={"kind": "association"}, documents=["statuts"]))
    assert d.status.value == "eligible"


def test_a_document_whose_condition_is_unknown_makes_the_dossier_incomplete() -> None:
    """No kind: the délibération may be required; the missing field is named."""
    d = decide(dossier(applicant={"name": "Sans nature"}, documents=["statuts"]))
    assert d.status.value == "incomplete"
    assert [(r.rule, r.effect, r.message) for r in d.reasons] == [
        ("deliberation", "incomplete",
         "Pièce peut-être requise : Délibération de l'organe délibérant")]
    assert d.missing == ("applicant.kind",)


def test_an_ineligible_dossier_stays_ineligible_whatever_it_lacks() -> None:
    """Missing documents and inputs do not hide a failed rule."""
    d = decide(dossier(inputs={"date_ouverture": "2025-06-01", "publics": ["jeunes"]},
                       documents=[]))
    assert d.status.value == "ineligible"
    assert [r.rule for r in d.reasons] == ["ouverture"]
    assert d.missing == ("documents.statuts", "documents.deliberation")


def test_missing_documents_outrank_review() -> None:
    """A dossier to review that lacks a document is incomplete first."""
    d = decide(dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["seniors"]},
                       documents=["deliberation"]))
    assert d.status.value == "incomplete"
    assert [r.rule for r in d.reasons] == ["statuts"]


def test_the_trace_shows_inputs_and_documents() -> None:
    """Trace entries of kind `input` and `document`, with their outcome and citation."""
    d = PROGRAM.evaluate(dossier(documents=["statuts"]), trace=True)
    entries = {(e.kind, e.rule): e for e in d.trace}
    assert entries[("input", "date_ouverture")].outcome == "provided"
    assert entries[("document", "statuts")].outcome == "provided"
    deliberation = entries[("document", "deliberation")]
    assert (deliberation.outcome, deliberation.source, deliberation.read) == (
        "missing", "AAP tiers-lieux, §6", (("applicant.kind", "commune"),))
    assert entries[("document", "bilan")].outcome == "not required"
    optional = next(e for e in d.trace if e.rule == "deja_finance")
    assert ("inputs.autres_aides_publiques", Decimal("0")) in optional.read


_INPUTS = st.fixed_dictionaries(
    {},
    optional={
        "date_ouverture": st.dates(datetime.date(2023, 1, 1), datetime.date(2026, 1, 1)),
        "autres_aides_publiques": st.decimals(0, 30_000, places=2),
        "taux_occupation": st.decimals(0, 1, places=2),
        "publics": st.frozensets(st.sampled_from(["jeunes", "seniors", "familles"])),
    },
)
_LINES = st.lists(st.tuples(st.sampled_from(["fonctionnement", "investissement", "etudes",
                                             None]),
                            st.none() | st.decimals(0, 50_000, places=2)), max_size=4)


@settings(max_examples=examples(150))
@given(_INPUTS, _LINES, st.sets(st.sampled_from(["statuts", "deliberation", "bilan"])),
       st.sampled_from([None, "commune", "association", "cc"]))
def test_every_path_decides_the_vocabulary_alike(
    inputs: dict[str, Any], lines: list[Any], documents: set[str], kind: str | None
) -> None:
    """Whatever the inputs, lines, documents and kind: the same decision by every path."""
    d = Dossier(
        "TL",
        applicant=None if kind is None else dossier(applicant={"kind": kind}).applicant,
        expenses=tuple(Expense(category=c, amount=a) for c, a in lines),
        inputs=inputs,
        documents=tuple(sorted(documents)),
    )
    decide(d)


# ------------------------------------------------------------------ loading


def test_loading_refuses_what_the_policy_does_not_declare(tmp_path: Path) -> None:
    """An undeclared input, document or category is a DossierError with its path and the
    closest declared name; the other dossiers of the batch still load."""
    (tmp_path / "a.toml").write_text(
        'id = "A"\n[inputs]\ndate_ouvertur = 2024-01-01\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('id = "B"\ndocuments = ["statut"]\n', encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        'id = "C"\n[[expenses]]\ncategory = "fonctionnment"\namount = 10\n', encoding="utf-8")
    (tmp_path / "d.toml").write_text(
        'id = "D"\n[inputs]\ndate_ouverture = "le 1er mars"\n', encoding="utf-8")
    (tmp_path / "e.toml").write_text(
        'id = "E"\n[inputs]\ndate_ouverture = 2024-01-01\nautres_aides_publiques = 12.345\n',
        encoding="utf-8")
    (tmp_path / "f.toml").write_text('id = "F"\n', encoding="utf-8")
    results = list(load_dossiers(tmp_path, vocabulary=PROGRAM.vocabulary))
    errors = [str(r.error).removeprefix(str(tmp_path) + "/") for r in results
              if isinstance(r, Failed)]
    assert errors == [
        "a.toml: unknown input `date_ouvertur` @ $.inputs.date_ouvertur "
        "(did you mean `date_ouverture`?)",
        "b.toml: unknown document `statut` @ $.documents[0] (did you mean `statuts`?)",
        "c.toml: unknown expense category `fonctionnment` @ $.expenses[0].category "
        "(did you mean `fonctionnement`?)",
        "d.toml: expected a date @ $.inputs.date_ouverture "
        "(write dates as YYYY-MM-DD, e.g. 2021-06-10)",
        "e.toml: amount `12.345` is finer than a cent @ $.inputs.autres_aides_publiques "
        "(write at most two decimals)",
    ]
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == ["F"]


def test_without_a_policy_inputs_and_documents_are_kept_as_written() -> None:
    """Loaded alone, a dossier keeps its inputs raw (floats refused) and its documents;
    the runner reads them with the policy's vocabulary before deciding."""
    data = {"id": "R", "inputs": {"date_ouverture": "2024-03-01"}, "documents": ["statuts"]}
    raw = dossier_from_mapping(data, file="r.toml")
    assert raw.inputs == {"date_ouverture": "2024-03-01"}
    outcome = Runner(PROGRAM).decide(raw, trace=False)
    assert outcome.dossier.inputs == {"date_ouverture": datetime.date(2024, 3, 1)}
    with pytest.raises(DossierError, match=r"unknown input `nope` @ \$.inputs.nope"):
        Runner(PROGRAM).decide(dossier_from_mapping({"id": "N", "inputs": {"nope": 1}},
                                                    file="n.toml"))
    with pytest.raises(DossierError, match="unexpected float"):
        dossier_from_mapping({"id": "F", "inputs": {"x": 1.5}}, file="f.json")


def test_without_a_policy_categories_are_the_built_in_ones() -> None:
    """Loading alone knows FITN7's categories, as before; with a vocabulary, the policy's."""
    line = {"id": "C", "expenses": [{"category": "fonctionnement", "amount": 1}]}
    with pytest.raises(DossierError, match="unknown expense category `fonctionnement`"):
        dossier_from_mapping(line, file="c.toml")
    loaded = dossier_from_mapping(line, file="c.toml", vocabulary=PROGRAM.vocabulary)
    assert loaded.expenses == (Expense(category="fonctionnement", amount=Decimal("1.00")),)
    builtin = dossier_from_mapping({"id": "B", "expenses": [{"category": "etude"}]}, file="b")
    assert builtin.expenses is not None and builtin.expenses[0].category is Category.ETUDE


def test_apply_vocabulary_is_the_identity_on_a_dossier_already_read() -> None:
    """Applying the vocabulary again changes nothing (the runner does it once more)."""
    d = dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["a"],
                        "taux_occupation": "40%"})
    assert apply_vocabulary(d, PROGRAM.vocabulary) is d


def test_inputs_and_documents_round_trip_and_hash() -> None:
    """Written back, a dossier with inputs and documents reads the same; one without
    keeps the canonical JSON it had."""
    d = dossier(inputs={"date_ouverture": "2024-03-01", "publics": ["b", "a"],
                        "autres_aides_publiques": 12})
    again = dossier_from_mapping(dossier_to_mapping(d), file="tl.toml",
                                 vocabulary=PROGRAM.vocabulary)
    assert again == d
    text = canonical_dossier_json(d)
    assert '"documents":["statuts","deliberation"]' in text
    assert '"publics":["a","b"]' in text
    assert "inputs" not in canonical_dossier_json(Dossier("X"))


def test_fitn7_eval_reads_dossiers_with_the_policy_vocabulary(tmp_path: Path,
                                                               capsys: Any) -> None:
    """`fitn7 eval` loads each file with the policy's categories, inputs and documents."""
    (tmp_path / "tl.fitn7").write_text(TIERS_LIEUX, encoding="utf-8")
    (tmp_path / "d.toml").write_text(
        'id = "TL-9"\ndocuments = ["statuts"]\n[applicant]\nkind = "9220"\n'
        '[inputs]\ndate_ouverture = 2024-02-01\npublics = ["jeunes"]\n'
        '[[expenses]]\ncategory = "investissement"\namount = 8000\n', encoding="utf-8")
    code = main(["eval", str(tmp_path / "tl.fitn7"), str(tmp_path / "d.toml"),
                 "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    (decision,) = json.loads(out)
    assert (decision["status"], decision["amount"]) == ("eligible", "4000.00")


# ------------------------------------------------------------------ extends


def test_a_child_inherits_the_categories_and_may_add_or_relabel() -> None:
    """Categories, inputs and documents merge by name under `extends`."""
    parent = parse_policy('policy "base"\ncategory a "A"\ncategory b "B"\n'
                          'document d: "D"\n', "base.fitn7")
    child = parse_policy('policy "c"\n  extends "base"\ncategory b "Bé"\ncategory c "C"\n'
                         'document d: "Dé" when joint\n', "c.fitn7")
    merged = merge(parent, child)
    assert Vocabulary.of(merged).categories == {"a": "A", "b": "Bé", "c": "C"}
    assert Vocabulary.of(merged).documents == {"d": "Dé"}


def test_the_shipped_base_policy_declares_the_built_in_categories() -> None:
    """`axe3-commun` declares FITN7's ten categories, exactly the built-in ones; each
    child inherits them, and the hashes of the shipped policies did not change."""
    base = load_resolved(ROOT / "policies" / "axe3-commun.fitn7")
    assert Vocabulary.of(base).categories == dict(DEFAULT_CATEGORIES)
    child = load_resolved(ROOT / "policies" / "gers.fitn7")
    assert len(child.of_type(ast.ExpenseCategory)) == 10
    without = ast.Policy(child.header, tuple(d for d in child.declarations
                                             if not isinstance(d, ast.ExpenseCategory)))
    assert policy_hash(without) == policy_hash(child)
    assert diff(without, child).edits == ()


# --------------------------------------------------------------------- diff


def test_diff_shows_each_vocabulary_change_under_its_path() -> None:
    """Categories, inputs and documents are matched by name, field by field."""
    old = parse_policy(TIERS_LIEUX, "old.fitn7")
    new = parse_policy(
        TIERS_LIEUX.replace('"Investissement"', '"Investissements matériels"')
        .replace('category etudes "Études préalables"\n', "")
        .replace("expenses ineligible {etudes}\n", "")
        .replace("optional default 0 €", "optional default 100 €")
        .replace('input taux_occupation: percent "Taux d\'occupation prévu" optional default 0%',
                 'input taux_occupation: percent "Taux d\'occupation prévu"')
        .replace("when taux_occupation >= 50%", "when taux_occupation >= 40%")
        + 'document rib: "RIB"\n',
        "new.fitn7",
    )
    edits = {e.path: e for e in diff(old, new).edits}
    assert edits["category.investissement.label"] == Changed(
        "category.investissement.label", "Investissement", "Investissements matériels",
        "category")
    assert isinstance(edits["category.etudes"], Removed)
    assert edits["input.autres_aides_publiques.default"].new == "100 €"
    assert (edits["input.taux_occupation.presence"].old,
            edits["input.taux_occupation.presence"].new) == ("optional", "required")
    assert edits["document.bilan.when"].new == "taux_occupation >= 40%"
    assert isinstance(edits["document.rib"], Added)
    assert edits["document.rib"].new == 'document rib: "RIB"'
    assert "bilan" in diff(old, new).touched_rules()


def test_declaring_the_built_in_categories_is_no_change() -> None:
    """A policy that declares the ten FITN7 categories means what one without means."""
    lines = "".join(f'category {name} "{label}"\n' for name, label in DEFAULT_CATEGORIES.items())
    bare = parse_policy('policy "p"\nexpenses ineligible {personnel}\n', "p")
    declared = parse_policy('policy "p"\n' + lines + "expenses ineligible {personnel}\n", "p")
    assert diff(bare, declared).edits == ()
    assert policy_hash(bare) == policy_hash(declared)
    relabelled = parse_policy('policy "p"\n' + lines.replace('"Études"', '"Études préalables"')
                              + "expenses ineligible {personnel}\n", "p")
    assert [e.path for e in diff(bare, relabelled).edits] == ["category.etude.label"]
    assert policy_hash(bare) != policy_hash(relabelled)


# --------------------------------------------------------------------- docs


def _section_blocks(title: str) -> list[str]:
    """The code blocks of the section of docs/language.md whose heading starts so."""
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    start = text.index(title)
    end = re.compile(r"\n##+ ").search(text, start + len(title))
    assert end is not None
    return re.findall(r"```\n(.*?)```", text[start:end.start()], re.S)


def test_the_language_reference_examples_check() -> None:
    """The examples of the `category`, `input`, `document` and legal forms sections of
    docs/language.md, put together, are a policy that checks without error."""
    blocks = [block for title in ("### `category`", "### `input`", "### `document`",
                                  "### Legal forms")
              for block in _section_blocks(title)]
    assert len(blocks) >= 5
    text = 'policy "doc"\n\n' + "\n".join(blocks)
    policy = parse_policy(text, "language.md")
    assert [d for d in check(policy) if d.severity is Severity.ERROR] == []


def test_the_dossier_format_inputs_example_is_decided(tmp_path: Path) -> None:
    """The `[inputs]` example of docs/dossiers.md reads with the tiers-lieux vocabulary."""
    text = (ROOT / "docs" / "dossiers.md").read_text(encoding="utf-8")
    section = text[text.index("## Inputs"):text.index("## Documents")]
    (example,) = re.findall(r"```toml\n(.*?)```", section, re.S)
    (tmp_path / "d.toml").write_text(example, encoding="utf-8")
    (loaded,) = load_dossiers(tmp_path / "d.toml", vocabulary=PROGRAM.vocabulary)
    assert isinstance(loaded, Loaded)
    assert loaded.dossier.inputs["taux_occupation"] == Decimal("0.6")
    decision = decide(loaded.dossier)
    # no expense line: whether other aid reaches the eligible base is unknown
    assert [r.rule for r in decision.reasons] == ["deja_finance", "bilan"]
