"""Syntax errors: every known mistake gets its labelled message, and nothing but
`PolicySyntaxError` ever comes out of the parser (jmespath's contract)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fitn7.dsl import parser
from fitn7.dsl.parser import MAX_NESTING, load_policy_file, parse_policy, read_policy_text
from fitn7.dsl.syntax_errors import CATALOGUE
from fitn7.errors import PolicySyntaxError
from tests.budget import examples

ROOT = Path(__file__).resolve().parent.parent
BRETAGNE = (ROOT / "policies" / "bretagne.fitn7").read_text(encoding="utf-8")

_HEAD = 'policy "fitn7-gers"\n  title "Transformation numérique — Gers"\n\n'

#: A realistic mistake per catalogue entry, unlike the catalogue's own examples:
#: (text, line of the diagnostic).
MISTAKES: dict[str, tuple[str, int]] = {
    "missing-colon": (
        _HEAD + 'require territoire applicant.departement == "32"\n'
        '  source "000_c3dc0eebf03a2a41.txt, Bénéficiaires"\n',
        4,
    ),
    "missing-rule-id": (
        _HEAD + 'require applicant.departement == "32"\n  "Le porteur doit être gersois"\n',
        4,
    ),
    "assign-for-equal": (
        _HEAD + "exclude commence: project.started = true\n",
        4,
    ),
    "space-in-number": (
        _HEAD + "param seuil_petite_collectivite = 10 000\n",
        4,
    ),
    "unclosed-brace": (
        _HEAD + "expenses ineligible {personnel, materiel\n\n"
        "require porteur: applicant.kind in {cc, ca}\n",
        6,
    ),
    "unclosed-paren": (
        _HEAD + "require diagnostic: any(expenses, category == etude\n"
        '  source "000_c3dc0eebf03a2a41.txt, Dépenses"\n',
        5,
    ),
    "unterminated-string": (
        _HEAD + "require non_commencement: not project.started\n"
        '  "Le projet ne doit pas avoir commencé\n',
        5,
    ),
    "missing-header": (
        '# Gers\nlet gers = "32"\nrequire territoire: applicant.departement == gers\n',
        2,
    ),
    "policy-id-not-string": ('policy fitn7-gers\n  title "Gers"\n', 1),
    "band-missing-colon": (
        _HEAD + "amount\n  forfait forfait_commune: by applicant.population\n"
        "    below 3_500 8_000 €\n    otherwise: 12_000 €\n",
        6,
    ),
    "otherwise-missing-colon": (
        _HEAD + "amount\n  forfait forfait_commune: by applicant.population\n"
        "    below 3_500: 8_000 €\n    from 3_500 below 10_000: 10_000 €\n"
        "    otherwise 12_000 €\n",
        8,
    ),
    "title-not-string": ('policy "fitn7-gers"\n  title Appel à projets du Gers\n', 2),
    "authority-not-string": (
        'policy "fitn7-gers"\n  title "Gers"\n  authority Préfecture du Gers\n', 3,
    ),
    "version-not-string": ('policy "fitn7-gers"\n  title "Gers"\n  version 2021.1\n', 3),
    "extends-not-string": (
        'policy "fitn7-gers"\n  title "Gers"\n  extends fitn7-axe3-commun\n', 3,
    ),
    "uses-not-string": (
        'policy "fitn7-gers"\n  uses "fitn7_zrr",\n       fitn7_qpv\n', 3,
    ),
    "source-not-string": (
        _HEAD + "require non_commencement: not project.started\n"
        "  source cahier des charges, article 4\n",
        5,
    ),
    "session-not-string": (_HEAD + "session T2 closes 2021-06-22\n", 4),
    "header-colon": ('policy "fitn7-gers"\n  title: "Appel à projets du Gers"\n', 2),
    "source-colon": (
        _HEAD + "require non_commencement: not project.started\n"
        '  "Le projet ne doit pas avoir commencé"\n  source: "cahier des charges"\n',
        6,
    ),
    "parens-for-set": (
        _HEAD + 'require territoire: applicant.departement in ("32", "65")\n', 4,
    ),
    "step-missing-colon": (
        _HEAD + "amount\n  part investissement expenses[category in {materiel, developpement}]\n"
        "    rate taux_investissement: 50%\n",
        5,
    ),
    "missing-step-id": (
        _HEAD + "amount\n  rate taux: 50%\n  minimum 2_500 €\n"
        '    "L\'aide minimale est de 2 500 €"\n',
        6,
    ),
    "total-colon": (
        _HEAD + "amount\n  part fonctionnement: expenses[category == etude]\n"
        "    rate taux: 50%\n  total:\n    cap plafond: 45_000 €\n",
        7,
    ),
}


def test_every_catalogue_entry_is_exercised():
    """A new catalogue entry needs a realistic mistake here too."""
    assert set(MISTAKES) == set(CATALOGUE.entries)


@pytest.mark.parametrize("label", sorted(MISTAKES))
def test_catalogue_entry_matches_a_fresh_mistake(label):
    """Each known mistake, written differently from the catalogue's examples, gets its code,
    message and hint at the line where it is."""
    text, line = MISTAKES[label]
    entry = CATALOGUE.entries[label]
    assert text not in entry.examples
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text, "gers.fitn7")
    diag = info.value.diagnostics[0]
    assert (diag.code, diag.message) == (entry.code, entry.message)
    if label == "space-in-number":
        # The hint quotes the number as the user wrote it.
        assert diag.help is not None and diag.help.startswith("write `")
    else:
        assert diag.help == entry.help
    assert diag.span is not None
    assert (diag.span.file, diag.span.line) == ("gers.fitn7", line)


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("require r: applicant.population ≤ 5_000\n", "E019", "`≤` is not an operator"),
        ("require r: applicant.region ≠ \"93\"\n", "E019", "`≠` is not an operator"),
        ("require r: applicant.region == '93'\n", "E020", "strings use double quotes"),
        (
            "require r: submitted <= 2021-02-30\n",
            "E003",
            "`2021-02-30` is not a date of the calendar",
        ),
        ("require r: true true\n", "E001", "unexpected `true`"),
    ],
)
def test_character_and_literal_mistakes(text, code, message):
    """Characters from word processors and impossible dates are named, with the position."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + text, "gers.fitn7")
    diag = info.value.diagnostics[0]
    assert (diag.code, diag.message) == (code, message)
    assert diag.span is not None and diag.span.line == 4


def test_rendered_syntax_error_has_caret():
    """The rendered error names file, line and column, quotes the line and marks the spot."""
    text, _ = MISTAKES["assign-for-equal"]
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text, "gers.fitn7")
    assert info.value.render() == (
        "gers.fitn7:4:35: error[E012]: `=` is not a comparison\n"
        "  |\n"
        "4 | exclude commence: project.started = true\n"
        "  |                                   ^\n"
        "  = help: to test equality write `==`: `applicant.kind == commune`"
    )


# Mistakes that once fooled lark's own example matching (state compared with
# its stack depth, a crash formatting the state): each must keep its label.


def test_space_in_header_amount_does_not_crash():
    """`envelope 297 000 €` (as the call's text writes it) is a syntax error, not a crash."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "  envelope 297 000 €\n")
    assert info.value.diagnostics[0].code == "E013"


def test_unclosed_brace_after_many_items():
    """A set of four names left open is an unclosed brace whatever its length."""
    text = 'let bretagne = {"22", "29", "35", "56"\nsession "T2" closes 2021-06-22\n'
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + text)
    assert info.value.diagnostics[0].code == "E014"


def test_policy_id_as_bare_word():
    """`policy gers` is a policy id without quotes, not an unterminated string."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy('policy gers\n  title "Gers"\n')
    assert info.value.diagnostics[0].code == "E018"


def test_limit_missing_colon():
    """`limit une_victoire at most …` misses its colon, it does not miss its id."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "limit une_victoire at most 1 award per applicant\n")
    assert info.value.diagnostics[0].code == "E010"


def test_header_value_is_not_taken_for_the_policy_id():
    """A header field or a `source` without quotes is named as such: the hint shows that
    field, never `policy "fitn7-bretagne"`."""
    cases = {
        'policy "p"\n  version 2021-04-13\n': 'write `version "2021-04-13"`',
        'policy "p"\n  title Transformation numérique\n':
            'write `title "Transformation numérique — Bretagne"`',
        'policy "p"\n  uses fitn7_zrr\n':
            'write `uses "fitn7_zrr"`, or `uses "fitn7_zrr", "fitn7_qpv"` for several',
        _HEAD + 'require r: applicant.zrr\n  source: "x"\n':
            'write `source "004_b0661454ea132f90.txt, Bénéficiaires"`',
    }
    for text, hint in cases.items():
        with pytest.raises(PolicySyntaxError) as info:
            parse_policy(text)
        diag = info.value.diagnostics[0]
        assert diag.code != "E018", text
        assert diag.help == hint, text


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        # `=` for `==` in the condition of every kind of step and criterion
        ("amount\n  base project.cost\n  cap c: 10_000 € when applicant.kind = commune\n",
         "E012", 6, 39),
        ("amount\n  forfait 5_000 € when applicant.kind = commune\n", "E012", 5, 39),
        ("amount\n  base project.cost\n  bonus b: 10% when applicant.kind = commune\n",
         "E012", 6, 36),
        ("score\n  s: +2 when applicant.kind = commune\n", "E012", 5, 29),
        # a space between thousands in bands, conditions and points
        ("amount\n  forfait by applicant.population\n    below 5 000: 5_000 €\n"
         "    otherwise: 10_000 €\n", "E013", 6, 13),
        ("amount\n  forfait by applicant.population\n    below 5_000: 5_000 €\n"
         "    otherwise : 10 000 €\n", "E013", 7, 20),
        ("amount\n  forfait 5_000 € when applicant.population < 5 000\n", "E013", 5, 49),
        ("score\n  s: +2 000 when applicant.zrr\n", "E013", 5, 9),
        # a band without its colon is not a rule without its colon
        ("amount\n  forfait by applicant.population\n    below 5_000 5_000 €\n"
         "    otherwise: 10_000 €\n", "E010", 6, 17),
        # ids with a hyphen, `if` for `when`
        ("require plafond-commune: applicant.zrr\n", "E023", 4, 9),
        ("let seuil-bas = 3\n", "E023", 4, 5),
        ("score\n  s: +2 if applicant.zrr\n", "E024", 5, 9),
        ("amount\n  forfait 5_000 € if applicant.zrr\n", "E024", 5, 19),
        # a set in parentheses is not an unclosed parenthesis
        ("require r: applicant.kind in (commune, cc)\n", "E025", 4, 38),
    ],
)
def test_mistakes_in_blocks_are_labelled(text, code, line, column):
    """Mistakes inside `amount` and `score` blocks get their label, not a generic E001, at
    the place of the mistake."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + text, "gers.fitn7")
    diag = info.value.diagnostics[0]
    assert diag.code == code
    assert diag.span is not None
    assert (diag.span.line, diag.span.column) == (line, column)


def test_hyphen_in_id_suggests_the_fixed_id():
    """`require plafond-commune:` says ids use `_`, with the id to write."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "require plafond-commune: applicant.zrr\n")
    diag = info.value.diagnostics[0]
    assert diag.message == "an id cannot contain `-`"
    assert diag.help == "join its words with `_`: `plafond_commune`"


def test_subtraction_is_not_a_hyphenated_id():
    """`a-b` in an expression is a subtraction and parses."""
    parse_policy(_HEAD + "let reste = project.cost-requested\n")


def test_expected_tokens_are_spelled_as_typed():
    """The generic hint shows keywords as the user types them (`EUR`, `€`), groups the
    declaration keywords, and lists what completes the construct first."""
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "param p = 5 £\n")
    hint = info.value.diagnostics[0].help or ""
    assert "`€` or `EUR`" in hint and "`eur`" not in hint
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "require r: true true\n")
    hint = info.value.diagnostics[0].help or ""
    assert hint.startswith("expected one of a string in double quotes, `source`")
    assert "a new declaration (`require`, `exclude`, `review`, …)" in hint
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(_HEAD + "amount\n  forfait by x\n")
    assert info.value.diagnostics[0].help == (
        "expected one of `when`, `below`, `from`, `otherwise`"
    )


def test_byte_order_mark_is_ignored(tmp_path):
    """A policy saved by Windows Notepad starts with a byte-order mark: it parses, from a
    string or a file, and positions are those the author sees."""
    text = BRETAGNE
    assert parse_policy("\ufeff" + text) == parse_policy(text)
    path = tmp_path / "bretagne.fitn7"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_policy_text(path) == text
    assert load_policy_file(path) == parse_policy(text)
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy("\ufeffpolicy gers\n")
    diag = info.value.diagnostics[0]
    assert diag.code == "E018"
    assert diag.span is not None and diag.span.column == 8


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["1"] * 500),
        "not " * 500 + "true",
        "-" * 500 + "1",
        "{" * 500 + "1" + "}" * 500,
        "applicant" + ".zrr" * 500,
    ],
    ids=["sum", "not", "minus", "braces", "fields"],
)
def test_too_deep_expression_is_a_syntax_error(expression):
    """Hundreds of terms or nested operators are refused with E026 at the declaration, not
    a crash of the parser."""
    text = _HEAD + "let ok = 1\n\nlet trop = " + expression + "\n"
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text, "gers.fitn7")
    diag = info.value.diagnostics[0]
    assert diag.code == "E026"
    assert diag.help is not None and "`let`" in diag.help
    assert diag.span is not None
    assert (diag.span.line, diag.span.column, diag.span.end_column) == (6, 1, 4)


def test_recursion_past_the_limit_is_still_a_syntax_error(monkeypatch):
    """Were the nesting limit too high for Python's stack, the parser would still raise
    E026 at the declaration, not a RecursionError."""
    monkeypatch.setattr(parser, "MAX_NESTING", 10**6)
    text = _HEAD + "let ok = 1\nlet trop = " + " + ".join(["1"] * 5000) + "\n"
    with pytest.raises(PolicySyntaxError) as info:
        parse_policy(text)
    diag = info.value.diagnostics[0]
    assert diag.code == "E026"
    assert diag.span is not None and diag.span.line == 5


def test_deep_but_reasonable_expression_parses():
    """Up to MAX_NESTING levels an expression parses."""
    parse_policy(_HEAD + "let x = " + " + ".join(["1"] * (MAX_NESTING - 10)) + "\n")


# ------------------------------------------------------- no crash, ever


def _parses_or_syntax_error(text: str) -> None:
    try:
        parse_policy(text, "fuzz.fitn7")
    except PolicySyntaxError as exc:
        assert exc.diagnostics, "a syntax error carries at least one diagnostic"
        assert all(re.fullmatch(r"E0\d\d", d.code) for d in exc.diagnostics)


_FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_FUZZ
@given(st.text())
@example("")
@example('policy "p"\n')
@example('policy "p" envelope')
def test_any_text_parses_or_raises_syntax_error(text):
    """Arbitrary text either parses or raises PolicySyntaxError, nothing else."""
    _parses_or_syntax_error(text)


_POLICY_CHARS = st.sampled_from(list(' \n:{}()[]"#=<>!+-*/%€_.,0123456789azé\'≤'))


@_FUZZ
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, len(BRETAGNE)), _POLICY_CHARS),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_policy_parses_or_raises_syntax_error(edits):
    """The Bretagne policy with characters deleted or inserted parses or raises
    PolicySyntaxError, never another exception."""
    text = BRETAGNE
    for delete, position, char in edits:
        position = min(position, len(text))
        text = text[:position] + text[position + 1 :] if delete else (
            text[:position] + char + text[position:]
        )
    _parses_or_syntax_error(text)


def test_every_syntax_code_is_documented():
    """Each code the parser emits is explained in docs/diagnostics.md."""
    dsl = ROOT / "src" / "fitn7" / "dsl"
    emitted = set()
    for name in ("parser.py", "syntax_errors.py"):
        emitted |= set(re.findall(r'"(E0\d\d)"', (dsl / name).read_text(encoding="utf-8")))
    doc = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert sorted(code for code in emitted if f"## {code}" not in doc) == []
