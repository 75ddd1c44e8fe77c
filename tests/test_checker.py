"""The checker: each pass on its own, then `check` as a whole.

Snippets start on line 2 (line 1 is the header), so spans below read as in
the snippet plus one.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitn7 import types as t
from fitn7.checker import CODES, PASSES, CheckContext, check, errors
from fitn7.checker.bands import check_bands
from fitn7.checker.context import unparse
from fitn7.checker.declarations import check_declarations, is_literal
from fitn7.checker.lints import check_warnings
from fitn7.checker.typecheck import check_types, type_policy
from fitn7.diagnostics import MAX_DIAGNOSTICS, Diagnostic, Severity
from fitn7.dsl import ast
from fitn7.dsl.parser import load_policy_file, parse_policy
from fitn7.dsl.source import Span
from fitn7.errors import PolicySyntaxError
from fitn7.functions import FunctionDecl, builtin_registry
from tests.budget import examples
from tests.strategies import policies

ROOT = Path(__file__).resolve().parent.parent
FILE = "t.fitn7"


def parse(body: str) -> ast.Policy:
    return parse_policy('policy "t"\n' + textwrap.dedent(body).lstrip("\n"), FILE)


def run(pass_fn, body: str) -> list[Diagnostic]:
    return pass_fn(parse(body), CheckContext())


def one(diags: list[Diagnostic], code: str | None = None) -> Diagnostic:
    """The single diagnostic of the list (of that code), failing loudly otherwise."""
    found = [d for d in diags if code is None or d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diags]
    return found[0]


def span(line: int, col: int, end_col: int) -> Span:
    return Span(FILE, line, col, line, end_col)


# ---------------------------------------------------------------- passes


def test_passes_are_named_and_ordered():
    """The checker is an ordered list of named passes, like OPA's compiler stages."""
    assert [name for name, _ in PASSES] == ["declarations", "names_and_types", "bands", "warnings"]


def test_every_code_is_documented():
    """Each code the checker emits is listed in CODES and explained in docs/diagnostics.md."""
    sources = "".join(p.read_text() for p in (ROOT / "src/fitn7/checker").glob("*.py"))
    emitted = set(re.findall(r'"([EW]\d{3})"', sources))
    assert emitted == set(CODES)
    doc = (ROOT / "docs/diagnostics.md").read_text()
    missing = [code for code in CODES if f"## {code}" not in doc]
    assert missing == []


# ----------------------------------------------------------- declarations


def test_rule_ids_share_one_namespace():
    """A rule, a named amount step, a criterion, a limit and an invariant may not share an id."""
    diags = run(
        check_declarations,
        """
        require porteur: true
        amount
          forfait porteur: 5_000 €
          cap porteur: 30_000 €
        score
          porteur: +1
        limit porteur: at most 1 award per applicant
        invariant porteur: true
        """,
    )
    assert [d.code for d in diags] == ["E101"] * 5
    first = diags[0]
    assert first.message == "duplicate rule id `porteur`"
    assert first.span == span(4, 11, 18)
    assert first.help is not None and "line 2" in first.help
    assert {d.span.line for d in diags if d.span} == {4, 5, 7, 8, 9}


def test_unnamed_amount_steps_have_no_id():
    """Unnamed forfaits and rates do not collide with each other."""
    diags = run(check_declarations, "amount\n  rate 100%\n  rate 50% when joint\n")
    assert diags == []


def test_lets_and_params_share_one_namespace():
    """`let x` and `param x` in one policy is a duplicate name."""
    diag = one(run(check_declarations, "param seuil = 3\nlet seuil = 4\n"))
    assert diag.code == "E102"
    assert diag.message == "`seuil` is declared twice"
    assert diag.span == span(3, 5, 10)
    assert diag.help == "the first `seuil` is at line 2; rename or remove one of them"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("let submitted = 3\n", "E104", "`let submitted` hides the dossier field `submitted`"),
        ("param joint = true\n", "E104", "`param joint` hides the dossier field `joint`"),
        (
            "let status = 3\n",
            "E104",
            "`let status` hides the decision field (read by invariants) `status`",
        ),
        ("param commune = 3\n", "E105", "`param commune` hides the applicant kind `commune`"),
        ("let etude = 3\n", "E105", "`let etude` hides the expense category `etude`"),
        ("let eligible = true\n", "E105", "`let eligible` hides the status `eligible`"),
    ],
)
def test_names_hiding_what_the_language_names(body, code, message):
    """A let or param may not hide a dossier field, a decision field or a constant."""
    diag = one(run(check_declarations, body))
    assert (diag.code, diag.message) == (code, message)


def test_sessions_close_in_order():
    """Closing dates increase in file order; a repeated date or name is reported."""
    diags = run(
        check_declarations,
        """
        session "vague 1" closes 2021-05-30
        session "vague 2" closes 2021-05-01
        session "vague 3" closes 2021-05-01
        session "vague 1" closes 2021-10-15
        """,
    )
    assert [d.code for d in diags] == ["E110", "E110", "E103"]
    assert diags[0].message == (
        'session `"vague 2"` closes before the previous one, `"vague 1"` (2021-05-30)'
    )
    assert diags[0].span == span(3, 26, 36)
    assert diags[1].message.startswith('session `"vague 3"` closes on the same day as')
    assert diags[2].message == 'duplicate session `"vague 1"`'


def test_blocks_given_once():
    """A second `amount`, `score` or `expenses` block and a second `base` are errors."""
    diags = run(
        check_declarations,
        """
        expenses ineligible {personnel}
        amount
          base eligible_expenses
          base total_expenses
        score
          a: +1
        amount
          rate 100%
        score
          b: +1
        expenses eligible {etude}
        """,
    )
    assert sorted((d.code, d.span.line if d.span else 0) for d in diags) == [
        ("E106", 8),
        ("E106", 10),
        ("E106", 12),
        ("E107", 5),
    ]
    amount = next(d for d in diags if d.span and d.span.line == 8)
    assert amount.message == "more than one `amount` block"
    assert amount.help == "put everything in the first `amount` block, at line 3"


def test_unknown_expense_category():
    """A category that does not exist is reported at its own position, with a suggestion."""
    diags = run(check_declarations, "expenses ineligible {personnel,\n  materiels, voyages}\n")
    assert [d.code for d in diags] == ["E108", "E108"]
    assert diags[0].message == "unknown expense category `materiels`"
    assert diags[0].span == span(3, 3, 12)
    assert diags[0].help == "did you mean `materiel`?"
    assert diags[1].help is not None and diags[1].help.startswith("the categories are `")


@pytest.mark.parametrize(
    "default",
    ["3", "2.5", "5_000 €", "80%", "2021-06-21", '"93"', "true", "-3", "{commune, cc}",
     '{"22", "29"}', "{}", "commune"],
)
def test_literal_param_defaults(default):
    """Numbers, amounts, percentages, dates, strings, booleans, constants and sets are literals."""
    assert run(check_declarations, f"param p = {default}\n") == []


@pytest.mark.parametrize("default", ["1 + 2", "applicant.population", "count(members)",
                                     "{1 + 1}", "not true", "x"])
def test_param_default_not_literal(default):
    """A param default a committee could not type in as a value is E109."""
    diag = one(run(check_declarations, f"param p = {default}\n"))
    assert diag.code == "E109"
    assert diag.message == f"the default of `param p` is not a literal: `{default}`"
    assert diag.span is not None and diag.span.column == 11


def test_is_literal_rejects_nested_sets():
    """A set of sets is not a literal a committee can type."""
    inner = ast.SetLit((ast.IntLit(1),))
    assert is_literal(inner)
    assert not is_literal(ast.SetLit((inner,)))


def test_shipped_policies_pass_declarations():
    """The shipped policies have no declaration problem."""
    for path in sorted((ROOT / "policies").glob("*.fitn7")):
        assert check_declarations(load_policy_file(path), CheckContext()) == [], path


# ------------------------------------------------------------ types: names


def test_unknown_field_with_suggestion():
    """`applicant.populaton` names the record and suggests the field; the caret is on the field."""
    diag = one(run(check_types, "require r: applicant.populaton < 3\n"))
    assert diag.code == "E204"
    assert diag.message == "unknown field `populaton` of `applicant`"
    assert diag.help == "did you mean `population`?"
    assert diag.span == span(2, 22, 31)


def test_unknown_name_with_suggestion():
    """An unknown bare name is E201 with the closest visible name."""
    body = 'let bretagne = {"22"}\nrequire r: applicant.departement in bretgne\n'
    diag = one(run(check_types, body))
    assert (diag.code, diag.message) == ("E201", "unknown name `bretgne`")
    assert diag.help == "did you mean `bretagne`?"
    assert diag.span == span(3, 37, 44)


def test_undeclared_param_gets_declare_hint():
    """A name that reads like a committee setting is hinted as a missing `param`."""
    diag = one(run(check_types, "limit l: at most max_projets awards per applicant\n"))
    assert diag.code == "E201"
    assert diag.message == "unknown name `max_projets`"
    assert diag.help == "declare it with `param max_projets = …` so a committee can set it"


def test_param_like_name_suggests_declared_param():
    """A misspelt param is suggested among declared params, not among dossier fields."""
    diag = one(run(check_types, "param max_projets = 2\nrequire r: count(members) < max_projet\n"))
    assert diag.help == "did you mean `max_projets`?"


def test_unknown_text_hints_quotes():
    """A bare word with nothing close is probably a text missing its quotes."""
    diag = one(run(check_types, "require r: project.themes meets {organisation_numerique}\n"))
    assert diag.code == "E201"
    assert diag.help is not None
    assert diag.help.endswith('write it in quotes: `"organisation_numerique"`')


def test_let_order_and_recursion():
    """A let reads the lets above it; a later one is a use before definition, itself a cycle."""
    diags = run(check_types, "let a = b\nlet b = 2\nlet c = c\nrequire r: a == b and c == 1\n")
    assert [(d.code, d.message) for d in diags] == [
        ("E202", "`b` is used before its definition"),
        ("E203", "`let c` is defined in terms of itself"),
    ]
    assert diags[0].span == span(2, 9, 10)


def test_let_types_come_from_their_expression():
    """Lets are typed from their value in file order, params from their default."""
    report = type_policy(
        parse(
            """
            param seuil = 10_000
            param plafond = 30_000 €
            let bretagne = {"22", "29"}
            let kinds = {commune, cc}
            let petite = applicant.population < seuil
            let part = total_expenses / 2
            let depenses = expenses[category == etude].amount
            """
        ),
        CheckContext(),
    )
    assert report.diagnostics == ()
    assert report.param_types == {"seuil": t.INT, "plafond": t.MONEY}
    assert report.let_types == {
        "bretagne": t.SetOf(t.STRING),
        "kinds": t.SetOf(t.KIND),
        "petite": t.BOOL,
        "part": t.MONEY,
        "depenses": t.ListOf(t.MONEY),
    }
    assert report.used == {"seuil"}


def test_field_of_non_record():
    """Reading a field of an int is E205 and names the type."""
    diag = one(run(check_types, "require r: applicant.population.total > 3\n"))
    assert diag.code == "E205"
    assert diag.message == "`applicant.population` has no field `total`: it is int, not a record"


def test_fields_of_a_list_of_records_map():
    """`members.population` is a list of int, `expenses.amount` a list of money."""
    report = type_policy(
        parse("let a = members.population\nlet b = expenses.amount\nlet c = expenses.provider"),
        CheckContext(),
    )
    assert report.let_types == {
        "a": t.ListOf(t.INT),
        "b": t.ListOf(t.MONEY),
        "c": t.ListOf(t.PROVIDER),
    }


def test_element_scope_in_filters_and_quantifiers():
    """Inside a filter or `any(list, …)` the element's fields are bare names."""
    diags = run(
        check_types,
        """
        require a: sum(expenses[category == materiel].amount) > total_expenses / 2
        require b: any(expenses, provider.region == applicant.region)
        require c: all(members, population < 3_500)
        require d: count(members[departement == "29"]) > 0
        """,
    )
    assert diags == []


def test_element_fields_are_not_visible_outside():
    """`category` outside a filter is unknown, with the element scope's hint absent."""
    diag = one(run(check_types, "require r: category == etude\n"))
    assert (diag.code, diag.message) == ("E201", "unknown name `category`")


def test_decision_fields_only_in_invariants():
    """`status`, `amount` and `score` are readable in invariants, nowhere else."""
    body = "invariant i: status == eligible implies amount <= 30_000 € and score >= 0\n"
    assert run(check_types, body) == []
    diag = one(run(check_types, "require r: status == eligible\n"))
    assert (diag.code, diag.message) == ("E201", "unknown name `status`")


def test_unknown_function():
    """An unknown function is E206 with the closest registered name."""
    diag = one(run(check_types, "require r: summ(expenses.amount) > 0 €\n"))
    assert (diag.code, diag.message, diag.help) == (
        "E206",
        "unknown function `summ`",
        "did you mean `sum`?",
    )


def test_wrong_arguments_use_the_declaration_message():
    """A built-in's own inference says what is wrong with the arguments."""
    diag = one(run(check_types, "require r: count(applicant.population) > 1\n"))
    assert diag.code == "E207"
    assert diag.message == "`count` takes one list or set: `count(members)`"


def test_plugin_functions_are_typed_from_their_signature():
    """Functions passed to `check` are typed by their declared parameters."""
    zrr = FunctionDecl("en_zrr", (("code", t.STRING),), t.BOOL, "Whether a commune is in ZRR.",
                       lambda code: True, plugin="fitn7_zrr")
    registry = builtin_registry().with_functions([zrr])
    good = parse("require r: en_zrr(applicant.code)\n  source \"x\"\n")
    assert check(good, functions=registry) == []
    bad = check(parse("require r: en_zrr(applicant.population)\n  source \"x\"\n"),
                functions=registry)
    diag = one(bad)
    assert diag.code == "E207"
    assert diag.message == "argument `code` of `en_zrr` is string, got int"
    assert diag.help == "`en_zrr(code: string) -> bool`"
    assert one(check(good), "E206").message == "unknown function `en_zrr`"


def test_extra_fields_come_from_the_schema():
    """`applicant.extra.x` is known when a plugin declared it, else E204 with a `uses` hint."""
    schema = t.DEFAULT_SCHEMA.with_extra("collectivite", {"insee_rural": t.BOOL})
    body = parse("require r: applicant.extra.insee_rural\n  source \"x\"\n")
    assert check(body, schema=schema) == []
    diag = one(check(body), "E204")
    assert diag.message == "unknown field `insee_rural` of `applicant.extra`"
    assert diag.help is not None and "`uses`" in diag.help


# ---------------------------------------------------------- types: values


@pytest.mark.parametrize(
    ("condition", "code", "message", "help"),
    [
        (
            'applicant.population < "5000"',
            "E208",
            "cannot compare int with string",
            "write the number without quotes: `5000`",
        ),
        (
            'applicant.kind == "commune"',
            "E208",
            "cannot compare kind with string",
            "write the kind without quotes: `commune`",
        ),
        (
            'applicant.kind == "mairie"',
            "E208",
            "cannot compare kind with string",
            # any legal form may be a kind now: the hint points at their list
            "a kind is written without quotes: a readable name such as `commune`, "
            "`association`, `sas` (docs/legal-forms.md lists them), or compare a catégorie "
            'juridique code with `applicant.legal_form == "…"`',
        ),
        (
            "requested <= 2022-02-08",
            "E208",
            "cannot compare money with date",
            "a date compares with a date, written `2021-06-21`",
        ),
        (
            "applicant.departement == 29",
            "E208",
            "cannot compare string with int",
            'write the text in quotes: `"29"`',
        ),
        (
            "eligible_expenses > 0",
            "E208",
            "cannot compare money with int",
            "write the amount in euros: `0 €`",
        ),
        (
            'submitted <= "2021-06-21"',
            "E208",
            "cannot compare date with string",
            "write the date without quotes: `2021-06-21`",
        ),
        (
            "members.population > 3",
            "E208",
            "cannot compare list of int with int",
            "a list holds one value per element: test them with `any(…, condition)` or "
            "`all(…, condition)`, or compare `sum(…)`, `min(…)`, `max(…)` or `count(…)`",
        ),
        (
            "applicant.kind < cc",
            "E209",
            "`<` needs values with an order (numbers, amounts, percentages, dates), got kind",
            "use `==` or `!=`",
        ),
        (
            'applicant.departement in "29"',
            "E210",
            "`in` needs a set or a list on its right, got string",
            'write a set such as `{"22", "29"}` or a list such as `project.tags`',
        ),
        (
            'applicant.kind in {"commune", "cc"}',
            "E211",
            "cannot look for kind among string values",
            "write the kind without quotes: `commune`",
        ),
        (
            'project.tags in {"ged"}',
            "E211",
            "`in` looks for one value in a set, got list of string on its left",
            'to test whether two sets share an element write `project.tags meets {"ged"}`',
        ),
        (
            '"ged" meets project.tags',
            "E212",
            "`meets` needs two sets or lists, got string and list of string",
            'to test one value write `"ged" in project.tags`',
        ),
        (
            "applicant.population",
            "E213",
            "expected a condition in rule `r`, got int",
            "compare it with a value: `applicant.population > …`",
        ),
        (
            "project.tags",
            "E213",
            "expected a condition in rule `r`, got list of string",
            'test the list with `any(…, condition)`, `count(…) > 0` or `"value" in …`',
        ),
        (
            "joint and applicant.population",
            "E213",
            "expected a condition on each side of `and`, got int",
            "compare it with a value: `applicant.population > …`",
        ),
        (
            "submitted + 30 > 2021-06-01",
            "E214",
            "no arithmetic on dates: `submitted + 30`",
            "compare dates directly: `submitted <= 2021-06-21`",
        ),
        (
            "requested + 500 > total_expenses",
            "E214",
            "cannot add int to money",
            "write the amount in euros: `500 €`",
        ),
        ("-applicant.kind == commune", "E215",
         "`-` goes in front of a number or an amount, not kind", None),
        (
            "applicant.kind in {commune, 3}",
            "E225",
            "a set holds values of one type: `commune` is kind but `3` is int",
            None,
        ),
        (
            'count(project.tags[tag == "ged"]) > 0',
            "E226",
            "`project.tags` is list of string: only a list of records can be filtered",
            "filter `expenses` or `members`: `expenses[category == etude]`",
        ),
    ],
)
def test_type_errors_in_conditions(condition, code, message, help):
    """Each type mistake in a condition gets its code, a plain message and what to write."""
    diag = one(run(check_types, f"require r: {condition}\n"))
    assert (diag.code, diag.message, diag.help) == (code, message, help)
    assert diag.span is not None and diag.span.line == 2


def test_comparison_span_covers_both_operands():
    """The caret of a bad comparison runs under both sides of the pair."""
    diag = one(run(check_types, 'require r: 3 < applicant.population < "x"\n'))
    assert diag.span == span(2, 16, 42)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("2 + 3", t.INT),
        ("2 * 1.5", t.DECIMAL),
        ("7 / 2", t.DECIMAL),
        ("total_expenses + requested", t.MONEY),
        ("total_expenses * 80%", t.MONEY),
        ("80% * total_expenses", t.MONEY),
        ("total_expenses * 2", t.MONEY),
        ("total_expenses / 2", t.MONEY),
        ("total_expenses / requested", t.DECIMAL),
        ("-requested", t.MONEY),
        ("floor(project.communes_covered / 10)", t.INT),
        ("max(requested, 5_000 €)", t.MONEY),
        ("min(members.population)", t.INT),
        ("sum(expenses.amount)", t.MONEY),
        ("{}", t.SetOf(t.ANY)),
        ("{1, 2.5}", t.SetOf(t.DECIMAL)),
    ],
)
def test_arithmetic_types(expr, expected):
    """Amounts stay amounts when scaled; ratios are decimals; integers stay integers."""
    report = type_policy(parse(f"let x = {expr}\n"), CheckContext())
    assert report.diagnostics == ()
    assert report.let_types["x"] == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("requested * requested", "cannot multiply money by money"),
        ("2 / requested", "cannot divide int by money"),
        ('"a" + "b"', "cannot add string to string"),
        ("80% + 3", "cannot add int to percent"),
    ],
)
def test_arithmetic_errors(expr, message):
    """Operations without a meaning for the types involved are E214."""
    diag = one(run(check_types, f"let x = {expr}\n"))
    assert (diag.code, diag.message) == ("E214", message)


def test_one_mistake_one_error():
    """An expression that could not be typed does not cascade into more errors."""
    body = "require r: applicant.populaton + 1 < 3 and count(bogus[x == 1]) > 0\n"
    diags = run(check_types, body)
    assert [(d.code, d.message) for d in diags] == [
        ("E204", "unknown field `populaton` of `applicant`"),
        ("E201", "unknown name `bogus`"),
    ]


# ---------------------------------------------------------- types: slots


@pytest.mark.parametrize(
    ("body", "code", "message", "help"),
    [
        (
            "amount\n  forfait f: 20_000 when applicant.kind == cc\n",
            "E216",
            "a forfait is an amount in euros, got int",
            "write `20_000 €`",
        ),
        ("amount\n  base 3\n", "E216", "the base is an amount in euros, got int", "write `3 €`"),
        (
            "amount\n  cap plafond: 80%\n",
            "E216",
            "cap `plafond` is an amount in euros, got percent",
            "a share of the base is a `rate` or a `bonus`; here write an amount in euros",
        ),
        (
            "amount\n  floor plancher: 1_000\n",
            "E216",
            "floor `plancher` is an amount in euros, got int",
            "write `1_000 €`",
        ),
        (
            "amount\n  forfait by applicant.population\n    below 5_000 : 5_000\n"
            "    otherwise : 10_000 €\n",
            "E216",
            "a forfait is an amount in euros, got int",
            "write `5_000 €`",
        ),
        ("amount\n  rate 0.8\n", "E217", "a rate is a percentage, got decimal", "write `80%`"),
        ("amount\n  rate 100\n", "E217", "a rate is a percentage, got int", "write `100%`"),
        (
            "amount\n  bonus zrr: 2 when applicant.zrr\n",
            "E218",
            "bonus `zrr` is an amount in euros or a percentage, got int",
            "write `2 €` for euros or `2%` for a share of the amount",
        ),
        (
            "amount\n  forfait by applicant.kind\n    otherwise : 10_000 €\n",
            "E219",
            "`by` needs a number (int or decimal), got kind",
            "bands split a number such as `applicant.population` or "
            "`project.communes_covered`",
        ),
        (
            "amount\n  forfait by applicant.population\n    below 5_000 € : 5_000 €\n"
            "    otherwise : 10_000 €\n",
            "E220",
            "band bound `5_000 €` is money but `by` is int",
            "write the bound as a number: `5_000`",
        ),
        (
            "score\n  couverture: project.communes_covered / 10\n",
            "E221",
            "score criterion `couverture` gives whole points, got decimal",
            "round it down with `floor(…)`: `floor(project.communes_covered / 10)`",
        ),
        (
            "limit l: at most 1.5 awards per applicant\n",
            "E222",
            "`at most` takes a whole number of awards, got decimal",
            "write a number such as `1`, or a `param` with a whole-number default",
        ),
        (
            'session "vague 1" closes "2021-05-30"\n',
            "E224",
            "a session closes on a date, got string",
            "write the date without quotes: `2021-05-30`",
        ),
        (
            "amount\n  rate 100% when applicant.population\n",
            "E213",
            "expected a condition after `when`, got int",
            "compare it with a value: `applicant.population > …`",
        ),
        (
            "limit l: at most 1 award per applicant where count(members)\n",
            "E213",
            "expected a condition after `where`, got int",
            "compare it with a value: `count(members) > …`",
        ),
    ],
)
def test_slot_types(body, code, message, help):
    """Each slot says what it needs: euros, a percentage, whole points, a date, a condition."""
    diag = one(run(check_types, body))
    assert (diag.code, diag.message, diag.help) == (code, message, help)


def test_envelope_is_money():
    """The envelope in the header is an amount in euros."""
    policy = parse_policy('policy "t"\n  envelope 1_188_000\n', FILE)
    diag = one(check_types(policy, CheckContext()))
    assert (diag.code, diag.message, diag.help) == (
        "E216",
        "the envelope is an amount in euros, got int",
        "write `1_188_000 €`",
    )
    assert diag.span == span(2, 12, 21)


_PER = "a limit counts awards per collectivité or per group, not per "


@pytest.mark.parametrize(
    ("per", "message"),
    [
        ("3", _PER + "`3`"),
        ("applicant.population", _PER + "`applicant.population` (int)"),
        ("members", _PER + "`members` (list of collectivite)"),
        ("applicant.code + \"x\"", _PER + '`applicant.code + "x"`'),
    ],
)
def test_limit_per_non_identifier(per, message):
    """Awards are counted per a collectivité or one of its codes, nothing else."""
    diags = run(check_types, f"limit l: at most 1 award per {per}\n")
    diag = one(diags, "E223")
    assert diag.message == message


@pytest.mark.parametrize(
    "per", ["applicant", "applicant.code", "applicant.departement", "applicant.kind"]
)
def test_limit_per_identifiers(per):
    """`per applicant` and string-typed paths of the applicant are identifiers."""
    assert run(check_types, f"limit l: at most 1 award per {per}\n") == []


def test_limit_count_unknown_name_is_a_param_slot():
    """An unknown name where a count stands is hinted as a missing `param`, whatever its name."""
    diag = one(run(check_types, "limit l: at most victoires awards per applicant\n"))
    assert diag.help == "declare it with `param victoires = …` so a committee can set it"


def test_score_criteria_and_floor():
    """`floor(…)` turns a ratio into whole points."""
    body = (
        "score\n  couverture: floor(project.communes_covered / 10)\n"
        "  zrr: +2 when applicant.zrr\n"
    )
    assert run(check_types, body) == []


def test_shipped_policies_type_check():
    """The shipped policies have no name or type error."""
    for path in sorted((ROOT / "policies").glob("*.fitn7")):
        assert check_types(load_policy_file(path), CheckContext()) == [], path


def test_every_construct_types():
    """A policy using every construct of the language types without a diagnostic."""
    policy = parse_policy(
        textwrap.dedent(
            """
            policy "fitn7-complet"
              title "t"
              envelope 1_780_000 €
            param seuil_petite_collectivite = 10_000
            param max_projets_par_porteur = 2
            param seuil = 5_000
            let paca = "93"
            let thematiques = {"organisation_numerique", "relation_usagers"}
            session "vague 1" closes 2021-05-30
            session "vague 2" closes 2021-08-15
            require porteur: applicant.kind in {commune, cc, ca, cu, metropole, departement, region}
            require territoire: applicant.region == paca
            require thematique: project.themes meets thematiques
            require hors_delai: 2021-01-01 <= submitted <= 2021-10-15
            exclude urbanisme: "urbanisme" in project.tags
            exclude fonctionnement: eligible_expenses == 0 €
            review participatif: not project.participatory
            expenses eligible {etude, conseil, accompagnement, ingenierie}
            amount
              base eligible_expenses
              forfait communes: by applicant.population when applicant.kind == commune
                below seuil : 5_000 €
                from seuil  : 10_000 €
              forfait 20_000 € when applicant.kind in {departement, region, cc, ca}
              rate 100%
              bonus zrr: 10% when applicant.zrr
              cap plafond_commune: 30_000 € when applicant.kind == commune and not joint
              floor plancher: 1_000 €
            score
              zrr: +2 when applicant.zrr
              petite_collectivite: +1 when applicant.population < seuil_petite_collectivite
              couverture: floor(project.communes_covered / 10)
            limit projets_par_porteur: at most max_projets_par_porteur awards per applicant
            invariant plafond: applicant.kind == commune and not joint implies amount <= 30_000 €
            invariant jamais_urbanisme: "urbanisme" in project.tags implies status == ineligible
            """
        ),
        FILE,
    )
    assert check_types(policy, CheckContext()) == []


# ------------------------------------------------------------------ bands


def bands(lines: str, params: str = "") -> list[Diagnostic]:
    body = params + "amount\n  forfait f: by applicant.population\n" + textwrap.indent(
        textwrap.dedent(lines).strip("\n"), "    "
    )
    return run(check_bands, body + "\n")


@pytest.mark.parametrize(
    "lines",
    [
        "below 5_000 : 5_000 €\notherwise : 10_000 €",
        "below 5_000 : 5_000 €\nfrom 5_000 below 20_000 : 10_000 €\nfrom 20_000 : 20_000 €",
        "from 0 below 5_000 : 5_000 €\nfrom 5_000 : 10_000 €",
        "otherwise : 10_000 €",
        "from 0 : 10_000 €",
        "below seuil : 5_000 €\nfrom seuil : 10_000 €",
    ],
)
def test_bands_that_tile_the_line(lines):
    """Contiguous bands from the bottom to the top need no diagnostic."""
    assert bands(lines, "param seuil = 5_000\n") == []


def test_overlap():
    """A band starting below the end of the previous one is an overlap, at that band."""
    diag = one(bands("below 5_000 : 5_000 €\nfrom 4_000 : 10_000 €"))
    assert diag.code == "E301"
    assert diag.message == (
        "bands overlap: `from 4_000` starts below the end of the previous band at `5_000`"
    )
    assert diag.span == span(5, 5, 26)
    assert diag.help == "start this band where the previous one ends: `from 5_000`"


def test_gap():
    """A band starting above the end of the previous one leaves a gap."""
    diag = one(bands("below 5_000 : 5_000 €\nfrom 6_000 : 10_000 €"))
    assert diag.code == "E302"
    assert diag.message == "gap between `5_000` and `6_000`: no forfait for these values"
    assert diag.span == span(5, 5, 26)


def test_gap_between_a_param_and_a_number():
    """Param bounds are compared through their default and quoted by name."""
    diag = one(bands("below seuil : 5_000 €\nfrom 6_000 : 10_000 €", "param seuil = 5_000\n"))
    assert diag.message == "gap between `seuil` and `6_000`: no forfait for these values"


def test_gap_at_the_bottom():
    """A first band starting above 0 leaves the smallest values without a forfait."""
    diag = one(bands("from 1_000 : 5_000 €"))
    assert (diag.code, diag.message) == ("E302", "gap below `1_000`: no forfait for these values")
    assert diag.help == "start with `below 1_000 : …`"


def test_open_top():
    """Bands that stop below the top leave the largest values without a forfait."""
    diag = one(bands("below 5_000 : 5_000 €\nfrom 5_000 below 20_000 : 10_000 €"))
    assert (diag.code, diag.message) == ("E304", "no forfait from `20_000` up")
    assert diag.span is not None and diag.span.line == 5


def test_otherwise_not_last():
    """`otherwise` takes what is left, so it comes last."""
    diags = bands("below 5_000 : 5_000 €\notherwise : 1 €\nfrom 5_000 : 10_000 €")
    assert [(d.code, d.span.line if d.span else 0) for d in diags] == [("E303", 5)]
    assert diags[0].message == "`otherwise` must be the last band"


def test_otherwise_after_from_is_unreachable():
    """After `from X` every value has a forfait; `otherwise` is dead."""
    diag = one(bands("below 5_000 : 5_000 €\nfrom 5_000 : 10_000 €\notherwise : 1 €"))
    assert diag.code == "E307"
    assert diag.message == (
        "`otherwise` is never used: `from 5_000` already covers every value above it"
    )


def test_band_after_from_overlaps():
    """Anything after `from X` overlaps it."""
    diag = one(bands("below 5_000 : 5_000 €\nfrom 5_000 : 10_000 €\nfrom 20_000 : 20_000 €"))
    assert diag.code == "E301"
    assert diag.message == "bands overlap: `from 20_000` is already covered by `from 5_000`"


def test_below_after_first_band_overlaps():
    """A `below` band reaches down to the bottom, so only the first band may be one."""
    diag = one(bands("below 5_000 : 5_000 €\nbelow 3_000 : 1 €\nfrom 5_000 : 10_000 €"))
    assert diag.code == "E301"
    assert diag.message.startswith("bands overlap: `below 3_000` starts below the end")


def test_bound_not_literal_or_param():
    """A computed bound cannot be checked before evaluation: E305 at the bound."""
    diags = bands("below 2 * 2_500 : 5_000 €\nfrom 5_000 : 10_000 €")
    diag = one(diags, "E305")
    assert diag.message == "a band bound is a number or a `param`, not `2 * 2_500`"
    assert diag.span == span(4, 11, 20)


def test_empty_band():
    """`from A below B` with A >= B holds no value."""
    diags = bands("below 5_000 : 1 €\nfrom 5_000 below 5_000 : 2 €\nfrom 5_000 : 3 €")
    diag = one(diags, "E306")
    assert diag.message == "empty band: no value is `from 5_000` and `below 5_000`"
    assert diag.help == ("the two bounds are equal: the band holds no value; give it a "
                         "larger upper bound, or remove it")
    swapped = one(bands("below 5_000 : 1 €\nfrom 9_000 below 5_000 : 2 €\nfrom 5_000 : 3 €"),
                  "E306")
    assert swapped.help == "the lower bound comes first: `from 5_000 below 9_000`"


# --------------------------------------------------------------- warnings


def test_rules_without_source():
    """Rules, adjustments, criteria and limits cite their text; invariants need not."""
    diags = run(
        check_warnings,
        """
        require porteur: true
        require cite: true
          source "002_5d1edecb4fff3699.txt, 3a - Objet"
        amount
          rate 100%
          cap plafond: 30_000 €
        score
          zrr: +2 when applicant.zrr
        limit une: at most 1 award per applicant
        invariant toujours: true
        """,
    )
    assert [(d.code, d.message) for d in diags] == [
        ("W401", "require `porteur` has no `source`"),
        ("W401", "cap `plafond` has no `source`"),
        ("W401", "score criterion `zrr` has no `source`"),
        ("W401", "limit `une` has no `source`"),
    ]
    assert all(d.severity is Severity.WARNING for d in diags)
    assert diags[0].span == span(2, 9, 16)


def test_unused_lets_and_params():
    """A let or param nothing reads is a warning; a let read by a used let is used."""
    diags = run(
        check_warnings,
        """
        param seuil = 3
        param inutile = 4
        let a = seuil
        let b = a
        let orphelin = 1
        invariant i: b > 0
        """,
    )
    assert [(d.code, d.message) for d in diags] == [
        ("W403", "`param inutile` is never used"),
        ("W402", "`let orphelin` is never used"),
    ]
    assert diags[1].span == span(6, 5, 13)


def test_floor_after_cap_is_a_warning():
    """A floor after a cap can lift the amount above it: W404 at the floor; a floor
    before the cap is fine."""
    diags = run(
        check_warnings,
        """
        amount
          floor avant: 1_000 €
            source "s"
          cap plafond: 30_000 €
            source "s"
          floor plancher: 40_000 € when joint
            source "s"
        """,
    )
    assert [(d.code, d.message) for d in diags] == [
        ("W404", "floor `plancher` comes after cap `plafond`: it can lift the amount above it"),
    ]
    assert diags[0].severity is Severity.WARNING


def test_use_inside_filter_counts():
    """A let read inside a filter predicate or a quantifier is used."""
    body = (
        'let breton = "53"\nrequire r: any(expenses, provider.region == breton)\n'
        '  source "x"\n'
    )
    assert run(check_warnings, body) == []


# ------------------------------------------------------------------ check


def test_check_sorts_across_passes():
    """`check` returns every pass's diagnostics sorted by position, warnings included."""
    diags = check(
        parse(
            """
            let inutile = 1
            require porteur: applicant.populaton > 3
            require porteur: true
              source "x"
            """
        )
    )
    assert [(d.code, d.span.line if d.span else 0) for d in diags] == [
        ("W402", 2),
        ("W401", 3),
        ("E204", 3),
        ("E101", 4),
    ]
    assert [d.code for d in errors(diags)] == ["E204", "E101"]


def test_check_caps_the_number_of_diagnostics():
    """Past MAX_DIAGNOSTICS, the rest are consequences; they are not listed, and the last
    diagnostic says how many were left out."""
    body = "".join(f"require r{i}: x{i}\n  source \"s\"\n" for i in range(MAX_DIAGNOSTICS + 10))
    found = check(parse(body))
    assert len(found) == MAX_DIAGNOSTICS
    assert (found[-1].code, found[-1].message, found[-1].severity) == (
        "E099", "11 errors more not shown", Severity.ERROR)


def test_many_warnings_never_hide_an_error():
    """Warnings past the cap are dropped before any error: the policy still fails."""
    body = "".join(f"require r{i}: applicant.zrr\n" for i in range(MAX_DIAGNOSTICS + 5))
    body += "require bad: applicant.populaton > 3\n  source \"s\"\n"
    found = check(parse(body))
    assert len(found) == MAX_DIAGNOSTICS
    assert "E204" in [d.code for d in errors(found)]
    assert found[-1].code == "E099" and found[-1].severity is Severity.WARNING


def test_shipped_policies_have_no_errors():
    """The shipped policies check with no error (warnings allowed)."""
    for path in sorted((ROOT / "policies").glob("*.fitn7")):
        assert errors(check(load_policy_file(path))) == [], path


@pytest.mark.parametrize(
    "text",
    [
        "applicant.population < 5_000",
        "not (a and b) or c",
        "(a or b) and c",
        "a implies b",
        "x - (y - z)",
        "(x - y) - z",
        "x * (y + z)",
        "-(x + 1)",
        "expenses[category == etude].amount",
        "count(members) >= 2",
        'project.tags meets {"a", "b"}',
        "2021-01-01 <= submitted <= 2021-06-21",
        '"a\\"b" in project.tags',
        "12.5% * 1_000.50 €",
    ],
)
def test_unparse_round_trips(text):
    """Expressions quoted in messages are canonical text that parses back to the same AST."""
    expr = parse(f"let x = {text}\n").of_type(ast.Let)[0].value
    again = parse(f"let x = {unparse(expr)}\n").of_type(ast.Let)[0].value
    assert again == expr


# ------------------------------------------------------------- properties

_PROPERTY = settings(max_examples=examples(150), deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(policies())
def test_check_never_crashes_on_any_ast(policy):
    """Any AST the parser could produce checks without raising, with documented codes and
    lowercase messages only, even without spans (ASTs built in Python)."""
    for diag in check(policy):
        assert diag.code in CODES
        assert diag.message and not diag.message[0].isupper()


_SHIPPED = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "policies").glob("*.fitn7"))]


@_PROPERTY
@given(
    st.sampled_from(_SHIPPED),
    st.lists(st.tuples(st.booleans(), st.integers(0, 10_000), st.sampled_from(
        [" ", "\n", ":", "{", "}", "(", ")", "x", "0", "€", "%", "=", "<", "_", "below 1 : 2 €\n"]
    )), min_size=1, max_size=3),
)
def test_check_never_crashes_on_mutated_policies(text, edits):
    """A shipped policy with a few characters changed either fails to parse or checks
    without raising; every diagnostic has a documented code and a span in the file."""
    for delete, position, chunk in edits:
        position = min(position, len(text))
        text = text[:position] + text[position + 1 :] if delete else (
            text[:position] + chunk + text[position:]
        )
    try:
        policy = parse_policy(text, FILE)
    except PolicySyntaxError:
        return
    for diag in check(policy):
        assert diag.code in CODES
        assert diag.span is not None and diag.span.file == FILE


def test_hints_for_capitals_and_truth_values():
    """`applicant.ZRR` is offered `zrr` (a capital is the likeliest slip), and `True` or
    `Vrai` are told how truth values are written."""
    from fitn7.checker import check as full_check

    found = full_check(parse(
        "require a: applicant.ZRR\n  source \"s\"\n"
        "require b: applicant.zrr == True\n  source \"s\"\n"
        "require c: applicant.qpv == Vrai\n  source \"s\"\n"))
    assert [(d.code, d.help) for d in found] == [
        ("E204", "did you mean `zrr`?"),
        ("E201", "the truth values are written in lowercase English: `true`"),
        ("E201", "the truth values are written in lowercase English: `true`"),
    ]


def test_limit_per_a_constant_or_param_counts_everyone_together():
    """`per commune` reads as "one per commune" but names a constant: every dossier would
    share one count. A param is the same for every dossier too. A let may vary."""
    from fitn7.checker import check as full_check

    found = full_check(parse(
        "param groupe = \"x\"\nlet dep = applicant.departement\n"
        "limit a: at most 1 award per commune\n  source \"s\"\n"
        "limit b: at most 1 award per groupe\n  source \"s\"\n"
        "limit c: at most 1 award per dep\n  source \"s\"\n"))
    assert [(d.code, d.message) for d in found if d.code == "E223"] == [
        ("E223", _PER + "`commune`, which is the same for every dossier"),
        ("E223", _PER + "`groupe`, which is the same for every dossier"),
    ]


def test_a_session_name_no_session_has_is_a_warning():
    """`session == "comite 1"` when the session is `comité 1`: always false, W405 with the
    closest name; `""` (filed after the last session) is a name `session` can have."""
    from fitn7.checker import check as full_check

    found = full_check(parse(
        'session "comité 1" closes 2021-06-30\n'
        'review a: session == "comite 1"\n  source "s"\n'
        'review b: session in {"comité 1", "comité 9"}\n  source "s"\n'
        'review c: session == ""\n  source "s"\n'))
    assert [(d.code, d.message, d.help) for d in found] == [
        ("W405", "no session is named `comite 1`: the comparison is always false",
         "did you mean `comité 1`?"),
        ("W405", "no session is named `comité 9`: the comparison is always false",
         "did you mean `comité 1`?"),
    ]


def test_a_date_written_the_french_way_or_unpadded_gets_its_iso_form():
    """`30/06/2021` and `2021-6-30` parse as arithmetic; the hint gives `2021-06-30`."""
    from fitn7.checker import check as full_check

    found = full_check(parse(
        'session "s1" closes 30/06/2021\n'
        'require r: submitted <= 2021-6-30\n  source "s"\n'))
    assert [(d.code, d.help) for d in found] == [
        ("E224", "write the date as YYYY-MM-DD: `2021-06-30`"),
        ("E208", "write the date as YYYY-MM-DD: `2021-06-30`"),
    ]


def test_a_rule_reading_the_decision_is_told_only_invariants_can():
    """`amount` or `status` in a rule: unknown there, with why (not "write it in quotes")."""
    from fitn7.checker import check as full_check

    found = full_check(parse('review r: amount > 10_000 €\n  source "s"\n'))
    assert [(d.code, d.help) for d in found] == [
        ("E201", "`amount` is part of the decision itself: only an `invariant` can read it, "
                 "not the rules that make the decision"),
    ]
