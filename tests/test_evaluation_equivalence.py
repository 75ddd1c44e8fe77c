"""The generated functions decide exactly as the closures do, with the trace and without.

`CompiledPolicy.evaluate` runs one of two generated Python functions per
policy: the fast one (`trace=False`) and the traced one (`trace=True`);
`evaluate_reference` runs the closures. For every shipped policy, for inline
policies that use every construct of the language, and for random syntax
trees, they must give the same decision: status, amount, score, reasons and
missing fields, in order, and with the trace the same entries, each with the
same values read, in order. The raw generated functions are also held to it:
when one returns, it returns the reference decision; when the reference
raises, it raises too (and `evaluate` then raises the reference's error).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from fitn7 import parse_policy
from fitn7 import types as t
from fitn7.api import check, load_policy
from fitn7.diagnostics import Severity
from fitn7.dossier import Category, Dossier, Expense, Provider
from fitn7.dsl import ast
from fitn7.errors import EvaluationError
from fitn7.evaluation import CompiledPolicy, Decision, compile_policy
from fitn7.evaluation.applicability import with_not_applicable
from fitn7.evaluation.compiler import Compiler
from fitn7.functions import FunctionDecl, builtin_registry
from fitn7.properties import policy_literals
from fitn7.strategies import focused_dossiers
from fitn7.testing import make_dossier
from tests.budget import examples
from tests.strategies import evaluable_policies
from tests.strategies_dossier import dossiers

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "policies").glob("*.fitn7"))


# ------------------------------------------------------------------ helpers


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # the outcome of an evaluation is compared whole
        return ("raises", type(exc), str(exc))


def assert_same(
    program: CompiledPolicy, dossier: Dossier, params: Any = None, *, strict: bool = True
) -> None:
    """Both generated functions, raw and through `evaluate`, against the closures.

    Strict: the raw generated functions decide alone (they do not hand the
    dossier back to the closures), as they should for a checked policy.
    """
    for trace, generated in ((False, program.fast), (True, program.traced)):
        assert generated is not None
        expected = _outcome(program.evaluate_reference, dossier, params, trace=trace)
        got = _outcome(program.evaluate, dossier, params, trace=trace)
        assert got == expected
        if isinstance(expected, tuple):
            continue
        assert got.to_dict(trace=trace) == expected.to_dict(trace=trace)
        values = program.env(dossier, params, False).params
        raw = _outcome(generated.function, dossier, values)
        if isinstance(raw, Decision):
            # Every path hands its decision to the same last step, which names what an
            # unknown family was derived from (`applicant.kind`): the raw function's too.
            raw = with_not_applicable(raw, dossier)
        if strict:
            assert raw == expected, raw
        else:
            # It may hand a dossier back (it raises); it never decides otherwise.
            assert isinstance(raw, tuple) or raw == expected, raw


#: A budget line with its category, amount or provider (region) missing now and then.
#: Built once: a strategy built at each draw (st.decimals above all) cost ten times
#: the draw.
_ODD_LINES = st.builds(
    Expense,
    st.just("ligne"),
    st.none() | st.sampled_from(list(Category)),
    st.none() | st.decimals(0, 50_000, places=2),
    st.none() | st.builds(Provider, st.none() | st.just("P"), st.none(),
                          st.none() | st.sampled_from(["53", "93", "76"])),
)


@st.composite
def odd_dossiers(draw: st.DrawFn, base: st.SearchStrategy[Dossier]) -> Dossier:
    """Dossiers with what real files rarely hold: a line repeated (the same object
    twice), lines without category, amount or provider region."""
    dossier = draw(base)
    lines = list(dossier.expenses or ())
    if lines and draw(st.booleans()):
        lines.append(lines[0])
    if draw(st.booleans()):
        lines.append(draw(_ODD_LINES))
    if dossier.expenses is None and not lines:
        return dossier
    return attrs.evolve(dossier, expenses=tuple(lines))


def dossiers_for(*programs: CompiledPolicy) -> st.SearchStrategy[Dossier]:
    """Random dossiers, dossiers steered to the policies' literals, and odd ones."""
    literals = [policy_literals(program.policy) for program in programs]
    steered = focused_dossiers(frozenset().union(*(words for words, _ in literals)),
                               frozenset().union(*(dates for _, dates in literals)))
    return st.one_of(dossiers(), steered, odd_dossiers(steered))


# --------------------------------------------------------- shipped policies


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_policies_decide_alike_on_every_path(path: Path) -> None:
    """Every shipped policy: both generated functions give the reference decision."""
    program = compile_policy(load_policy(path))
    assert program.fast is not None and program.traced is not None

    @settings(max_examples=examples(150))
    @given(dossiers_for(program))
    def run(dossier: Dossier) -> None:
        assert_same(program, dossier)

    run()


def test_params_overrides_reach_the_generated_functions() -> None:
    """Overridden params give the same decisions on every path."""
    program = compile_policy(load_policy(ROOT / "policies" / "paca.fitn7"))

    @settings(max_examples=examples(80))
    @given(dossiers_for(program), st.integers(0, 200_000))
    def run(dossier: Dossier, seuil: int) -> None:
        assert_same(program, dossier, {"seuil_petite_collectivite": seuil})
        assert_same(program, dossier, {"seuil_petite_collectivite": str(seuil)})

    run()


# ---------------------------------------------------------- inline policies

EXTRA_SCHEMA = (
    t.DEFAULT_SCHEMA.with_extra("dossier", {"referent": t.STRING, "numero_chorus": t.STRING})
    .with_extra("collectivite", {"referent": t.STRING})
)


def _double(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * 2


def _counts(items: Any, results: Any) -> int | None:
    if items is None:
        return None
    return sum(1 for r in results if r is True)


FUNCTIONS = builtin_registry().with_functions([
    FunctionDecl("double", (("value", t.MONEY),), t.MONEY, "Twice an amount.", _double,
                 plugin="test"),
    FunctionDecl("combien", (("items", t.ListOf(t.ANY)), ("condition", t.BOOL)), t.INT,
                 "How many elements meet the condition.", _counts, predicate_arg=1,
                 plugin="test"),
])

RULES = """
policy "equivalence-regles"
  version "1"
param seuil = 3_500
param plafond = 40_000 €
param taux = 10%
param cloture = 2022-06-30
param ouvert = true
let bretagne = {"22", "29", "35", "56"}
let petite = applicant.population < seuil
let local_ = any(expenses, provider.region == applicant.region)
let materiel_total = sum(expenses[category == materiel].amount)
let gros_membres = members[population > 10_000]
let communes_membres = members[kind == commune]
session "vague 1" closes 2021-05-30
session "vague 2" closes 2021-08-15
session "vague 3" closes 2021-10-15
expenses ineligible {personnel, materiel}
require territoire: applicant.departement in bretagne or applicant.region == "93"
require delai: 2021-04-01 <= submitted <= cloture
require porteur: applicant.kind not in {ept, region} and ouvert
exclude urbanisme: "urbanisme" in project.tags
exclude axe2: project.tags meets {"archivage", "ged"}
exclude materiel_finalite: materiel_total > total_expenses / 2
exclude etpt: count(expenses) > 0 and all(expenses, category == personnel)
exclude sans_ligne_eligible: not any(expenses, eligible)
review participatif: not project.participatory
review vague3: session == "vague 3"
review groupement: joint and count(gros_membres) >= 2
review petite_commencee: petite and project.started
review implique: petite implies local_
review petite_seule: petite and not joint
review lignes_locales: any(expenses, eligible and provider.region == "53")
review grosses_lignes: all(expenses, eligible or amount < 5_000 €)
review populations: max(members.population) >= 100_000 or min(applicant.population, 10) < 0
review montants: sum(expenses.amount) - eligible_expenses >= plafond * taux
review filtre_montants: max(expenses[eligible].amount) > 20_000 €
review themes: "relation_usagers" not in project.themes
review duree: -project.duration_months < -24 or +project.duration_months > 36
review libre: project.open_source == false and project.started != true
review chaine: 0 < project.communes_covered <= 10 < 100
review referent: extra.referent == "A" or applicant.extra.referent != "B"
review plugin: double(requested) > 100_000 € or combien(expenses, eligible) > 3
review combien_membres: combien(members, population < seuil) >= 1
review sommes: count(members[population > 10_000]) >= 1 or sum(members.population) > 50_000
review sommes_lignes: sum(expenses[eligible and provider.region == "53"].amount) > 10_000 €
review sommes_ou: sum(expenses[provider.region == "53" or category == materiel].amount) > 1 €
review locale_et_zrr: any(expenses, provider.region == "53") and applicant.zrr
review toutes_ou_qpv: all(expenses, category != personnel) or applicant.qpv
review filtre_de_let: sum(communes_membres[code != "00000"].population) > 1_000
review regions: "53" in expenses.provider.region or count(expenses[eligible].provider) > 3
"""

AMOUNTS = """
policy "equivalence-montants"
  version "1"
param seuil = 3_500
param plafond = 40_000 €
param bonus_qpv = 5%
let local_ = any(expenses, provider.region == applicant.region)
require territoire: applicant.region in {"53", "93", "76", "76"} or applicant.departement == "32"
amount
  base eligible_expenses - 500 €
  forfait petites: by applicant.population when applicant.kind == commune
    below seuil : 5_000 €
    from seuil below 20_000 : 10_000 €
    from 20_000 : 20_000 €
  forfait gros: 20_000 € when applicant.kind in {departement, region}
  rate syndicats: 90% when applicant.kind in {syndicat_mixte, syndicat_intercommunal}
  rate standard: 80%
  bonus zrr: +10% when applicant.zrr
  bonus local: +2_000 € when local_
  bonus qpv: +bonus_qpv when applicant.qpv
  cap plafond: plafond when not joint
  cap commune: 30_000 € when applicant.kind == commune
  floor plancher: 1_000 € when count(expenses) >= 2
score
  inclusion: +2 when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr
  couverture: floor(project.communes_covered / 10)
  taille: +1 when applicant.population < seuil
  proximite: +1 when any(expenses, provider.region == applicant.region)
  membres: count(members)
"""

BANDS = """
policy "equivalence-tranches"
  version "1"
amount
  forfait groupements: by count(members) when joint
    below 2 : 15_000 €
    from 2  : 25_000 €
  forfait communes: by applicant.population when applicant.kind == commune
    below 5_000 : 5_000 €
    otherwise   : 10_000 €
  cap plafond_demande: requested when project.open_source
score
  ancien: +1 when submitted < 2021-06-01
"""

INLINE = {"regles": RULES, "montants": AMOUNTS, "tranches": BANDS}


def _inline(text: str) -> CompiledPolicy:
    policy = parse_policy(text, "inline.fitn7")
    errors = [d for d in check(policy, functions=FUNCTIONS, schema=EXTRA_SCHEMA)
              if d.severity is Severity.ERROR]
    assert not errors, errors
    return compile_policy(policy, functions=FUNCTIONS, schema=EXTRA_SCHEMA)


@pytest.mark.parametrize("name", sorted(INLINE))
def test_inline_policies_decide_alike_on_every_path(name: str) -> None:
    """Every construct of the language: both generated functions give the reference
    decision, trace included."""
    program = _inline(INLINE[name])
    assert program.fast is not None and program.traced is not None

    @settings(max_examples=examples(300))
    @given(dossiers_for(program))
    def run(dossier: Dossier) -> None:
        assert_same(program, dossier)

    run()


def test_missing_fields_are_named_in_the_reference_order() -> None:
    """A dossier missing many fields: the same paths, in the same order, on every path."""
    program = _inline(RULES)
    lines = (
        Expense("a", Category.ETUDE, None, Provider("P", None, None)),
        Expense("b", None, Decimal(100), None),
        Expense("c", Category.MATERIEL, Decimal(50), Provider("Q", None, "53")),
    )
    dossier = attrs.evolve(
        make_dossier(applicant_population=None, project_tags=None, project_participatory=None),
        submitted=None,
        expenses=lines + lines[:1],
    )
    fast = program.evaluate(dossier, trace=False)
    reference = program.evaluate_reference(dossier, trace=False)
    assert fast == reference
    assert fast.missing  # the case is not trivial
    assert "expenses[3].provider.region" in fast.missing
    assert program.evaluate(dossier) == program.evaluate_reference(dossier)


@pytest.mark.parametrize("population", [None, 0, 3_499, 3_500, 3_501, 19_999, 20_000, 20_001])
@pytest.mark.parametrize("kind", ["commune", "departement", "syndicat_mixte", "cc", None])
def test_band_bounds_and_kinds_decide_alike(population: int | None, kind: str | None) -> None:
    """Values on band bounds (`below` excludes, `from` includes) and every forfait branch."""
    from fitn7.dossier import Kind

    program = _inline(AMOUNTS)
    for zrr in (None, True, False):
        dossier = make_dossier(
            applicant_population=population,
            applicant_kind=Kind(kind) if kind else None,
            applicant_zrr=zrr,
        )
        assert_same(program, dossier)


UNTYPED = [
    "review a: count(expenses[amount]) > 0",
    "review b: any(expenses, amount) or all(expenses, provider)",
    "review c: count(expenses[provider.region]) == 1",
    "review g: max(expenses[amount].amount) > 1 €",
    "review d: project.tags and true",
    "review e: not project.title",
    "review f: project.duration_months or false",
    "amount\n  forfait f1: 1_000 € when project.title",
    "score\n  s1: +1 when applicant.name",
]


def test_untyped_conditions_decide_alike() -> None:
    """Conditions the checker would refuse (a value where a truth is expected): the
    closures' reading (`is True`, truthiness) is kept on the fast path.

    One policy per condition, all run on the same dossiers: drawing a dossier costs
    more than deciding it, so they are drawn once for the nine.
    """
    programs = {
        declaration: compile_policy(parse_policy(
            f'policy "non-type"\n  version "1"\n{declaration}\n', "untyped.fitn7"))
        for declaration in UNTYPED
    }
    assert all(program.fast is not None and program.traced is not None
               for program in programs.values())

    @settings(max_examples=examples(200))
    @given(dossiers_for(*programs.values()))
    def run(dossier: Dossier) -> None:
        for declaration, program in programs.items():
            note(f"condition: {declaration!r}")
            assert_same(program, dossier)

    run()


@pytest.mark.parametrize(("declaration", "expected"), [
    # A fused filter and sum: the conditions' reads, then the absent amounts.
    ('review r: sum(expenses[provider.region == "53" or category == materiel].amount) > 1 €',
     ["expenses[0].provider", "expenses[1].provider.region", "expenses[3].provider",
      "expenses[0].amount"]),
    # `any` true at line 2 does not settle the rule: line 3 is still read.
    ('review r: any(expenses, provider.region == "53") and applicant.zrr',
     ["expenses[0].provider", "expenses[1].provider.region", "expenses[3].provider",
      "applicant.zrr"]),
    # A filter of a filter held by a let: positions are those of the let's list.
    ('review r: sum(communes_membres[code != "00000"].population) > 1_000',
     ["?[0].population"]),
    # A projection names the element's position.
    ("review r: max(members.population) > 1", ["members[1].population"]),
    # Neither does it settle a criterion whose points may be unknown.
    ('score\n  r: floor(project.communes_covered / 10) when any(expenses, provider.region == "53")',
     ["expenses[0].provider", "expenses[1].provider.region", "expenses[3].provider",
      "project.communes_covered"]),
])
def test_reads_keep_their_order_through_loops(declaration: str, expected: list[str]) -> None:
    """Where loops are fused or stop early, the missing fields keep the reference order."""
    from fitn7.dossier import Collectivite, Kind

    program = _inline(f"""
policy "ordre"
  version "1"
let communes_membres = members[kind == commune]
{declaration}
""")
    dossier = attrs.evolve(
        make_dossier(applicant_zrr=None, project_communes_covered=None),
        expenses=(
            Expense("a", Category.MATERIEL, None, None),
            Expense("b", Category.MATERIEL, Decimal(100), Provider("P", None, None)),
            Expense("c", Category.ETUDE, Decimal(100), Provider("P", None, "53")),
            Expense("d", Category.MATERIEL, Decimal(100), None),
        ),
        members=(
            Collectivite("m0", Kind.COMMUNE, "00000", 10, "29", "53"),
            Collectivite("m1", Kind.COMMUNE, "29001", None, "29", "53"),
        ),
    )
    fast = program.evaluate(dossier, trace=False)
    assert fast == program.evaluate_reference(dossier, trace=False)
    assert program.evaluate(dossier) == program.evaluate_reference(dossier)
    # The rule's or criterion's reads, in a row (the amount's come after or before).
    missing = list(fast.missing)
    start = missing.index(expected[0])
    assert missing[start : start + len(expected)] == expected


def test_errors_name_the_policy_line_on_the_generated_paths() -> None:
    """A division by zero still says where, from either generated function."""
    program = _inline("""
policy "zero"
  version "1"
param diviseur = 0
require ratio: project.duration_months / diviseur < 2
""")
    dossier = make_dossier(project_duration_months=12)
    for trace in (False, True):
        with pytest.raises(EvaluationError) as generated:
            program.evaluate(dossier, trace=trace)
        with pytest.raises(EvaluationError) as reference:
            program.evaluate_reference(dossier, trace=trace)
        assert str(generated.value) == str(reference.value)
        assert "division by zero at inline.fitn7:5:" in str(generated.value)
    assert program.evaluate(dossier, {"diviseur": 12}, trace=False).status.value == "eligible"


def test_no_early_exit_past_an_error() -> None:
    """`any` true at the first line still evaluates the next ones when they may raise."""
    program = _inline("""
policy "zero"
  version "1"
param diviseur = 0
review r: any(expenses, provider.region == "53" or amount / diviseur > 1 €)
""")
    dossier = attrs.evolve(make_dossier(), expenses=(
        Expense("a", Category.ETUDE, Decimal(10), Provider("P", None, "53")),
        Expense("b", Category.ETUDE, Decimal(10), Provider("P", None, "93")),
    ))
    for trace, generated in ((False, program.fast), (True, program.traced)):
        with pytest.raises(EvaluationError, match=r"division by zero at inline\.fitn7:5:"):
            program.evaluate(dossier, trace=trace)
        assert generated is not None
        raw = _outcome(generated.function, dossier, program.param_defaults)
        assert isinstance(raw, tuple)


def test_generated_source_names_the_policy_lines() -> None:
    """Each generated function is compiled under the policy's name, each rule with its line."""
    program = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))
    for generated in (program.fast, program.traced):
        assert generated is not None
        assert "fitn7-bretagne" in generated.filename
        assert generated.function.__code__.co_filename == generated.filename
        assert "# require territoire (" in generated.source
        assert "bretagne.fitn7:" in generated.source
    assert program.fast is not None and program.traced is not None
    assert program.fast.filename != program.traced.filename


def test_a_let_used_twice_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `let` is compiled once however often it is read: compiled at every read, a
    chain of lets each using the one before twice grew the generated code and the
    closures as 2ⁿ (17 such lines took minutes and gigabytes to compile). The two
    paths still decide alike and name the same missing field, whichever use comes first."""
    lets = "".join(f"let v{i + 1} = v{i} + v{i} * 1\n" for i in range(12))
    compiled: list[ast.Expr] = []
    compile_one = Compiler.compile

    def counted(self: Compiler, node: ast.Expr) -> Any:
        compiled.append(node)
        return compile_one(self, node)

    monkeypatch.setattr(Compiler, "compile", counted)
    program = _inline('policy "chaine"\n  version "1"\n'
                      "let v0 = applicant.population\n" + lets
                      + "review petite: applicant.population < 10 and v12 > 1\n"
                      + "require grande: v12 > 4096 or v6 > 1\n")
    assert program.fast is not None
    # Each let's closure and code once per rule (2¹² of the first let when exponential).
    assert len(compiled) < 200, len(compiled)
    assert program.fast.source.count(" is _U:") < 100, program.fast.source
    assert program.traced is not None
    assert len(program.traced.source) < 4 * len(program.fast.source) + 20_000
    for population in (None, 0, 1, 2, 5, 20):
        assert_same(program, make_dossier(applicant_population=population))


def test_plugin_functions_are_called_through_their_declaration() -> None:
    """The generated code calls a plugin function's declared code, nothing else."""
    calls: list[Any] = []

    def spy(value: Decimal | None) -> Decimal | None:
        calls.append(value)
        return _double(value)

    functions = FUNCTIONS.with_functions([attrs.evolve(FUNCTIONS.functions["double"], impl=spy)])
    policy = parse_policy('policy "p"\n  version "1"\nreview r: double(requested) > 1 €\n', "p")
    program = compile_policy(policy, functions=functions)
    program.evaluate(make_dossier(requested=Decimal(7)), trace=False)
    assert calls == [Decimal(7)]
    traced = program.evaluate(make_dossier(requested=Decimal(7)))
    assert calls == [Decimal(7)] * 2
    assert traced.trace[0].read == (("requested", Decimal(7)), ("double(7)", Decimal(14)))


# ------------------------------------------------------- random syntax trees

_SIMPLE = make_dossier()


@settings(max_examples=examples(200))
@given(evaluable_policies(), st.one_of(dossiers(), st.just(_SIMPLE)))
def test_random_policies_decide_alike_or_fail_alike(policy: Any, dossier: Dossier) -> None:
    """Any syntax tree the parser can give (typed or not) that the evaluator compiles:
    the same decision, or an error on every path; a raw generated function never decides
    where the closures fail."""
    try:
        program = compile_policy(policy, functions=FUNCTIONS, schema=EXTRA_SCHEMA)
    except EvaluationError:  # an unknown name: the checker's business, not this test's
        assume(False)
        return
    except RecursionError:
        # A `let` read in its own definition (`let x = x.population`), which the
        # checker refuses (E203): compile_policy has no cycle check of its own and
        # recurses. Found by the `explore` profile; not what this test is about.
        assume(False)
        return
    for trace, generated in ((False, program.fast), (True, program.traced)):
        if generated is None:
            continue
        expected = _outcome(program.evaluate_reference, dossier, trace=trace)
        assert _outcome(program.evaluate, dossier, trace=trace) == expected
        raw = _outcome(generated.function, dossier, program.param_defaults)
        if isinstance(expected, tuple):
            assert isinstance(raw, tuple), (trace, expected, raw)
        else:
            assert isinstance(raw, tuple) or raw == expected, (trace, expected, raw)


def test_the_traced_function_builds_the_reference_trace() -> None:
    """With the trace, the generated function decides alone and gives the reference
    decision, each trace entry with the values it read."""
    program = compile_policy(load_policy(ROOT / "policies" / "bretagne.fitn7"))
    assert program.traced is not None
    dossier = make_dossier(submitted=datetime.date(2021, 6, 1))
    raw = program.traced.function(dossier, program.param_defaults)
    assert raw == program.evaluate_reference(dossier) == program.evaluate(dossier, trace=True)
    assert len(raw.trace) > 10
    assert raw.trace[1].read == (("applicant.departement", "29"),
                                 ("bretagne", frozenset({"22", "29", "35", "56"})))
