"""The formatter: canonical layout, round trip, comments, golden files, the policy hash."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitn7.dsl import ast
from fitn7.dsl.formatter import FormatterError, format_policy
from fitn7.dsl.parser import parse_policy
from fitn7.hashing import policy_hash
from tests.strategies import expressions, policies

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "format"
SHIPPED = sorted((ROOT / "policies").glob("*.fitn7"))
GOLDEN_NAMES = sorted(p.name.removesuffix(".in.fitn7") for p in GOLDEN.glob("*.in.fitn7"))

# Generated policies are large and each format re-parses its own output.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fmt(text: str) -> str:
    """Format a policy text."""
    return format_policy(parse_policy(text))


def expr_text(e: ast.Expr) -> str:
    """The canonical text of one expression, read back from a `let`."""
    text = format_policy(ast.Policy(ast.Header("p"), (ast.Let("x", e),)), comments=False)
    return text.split("let x = ", 1)[1].rstrip("\n")


# ------------------------------------------------------------ properties


@PROPERTY
@given(policies())
def test_formatted_policy_parses_back_to_the_same_ast(policy: ast.Policy) -> None:
    """parse(format(p)) == p for every policy the parser can produce."""
    assert parse_policy(format_policy(policy)) == policy


@PROPERTY
@given(policies())
def test_formatting_is_idempotent(policy: ast.Policy) -> None:
    """Formatting canonical text again changes nothing."""
    once = format_policy(policy)
    assert format_policy(parse_policy(once)) == once


@PROPERTY
@given(expressions())
def test_every_expression_round_trips_with_minimal_parentheses(e: ast.Expr) -> None:
    """An expression reads back as the same tree from its canonical text."""
    text = expr_text(e)
    assert parse_policy(f'policy "p"\nlet x = {text}\n').declarations == (ast.Let("x", e),)


@PROPERTY
@given(policies(), st.data())
def test_messy_layout_and_comments_converge_in_one_pass(
    policy: ast.Policy, data: st.DataObject
) -> None:
    """Joined lines, odd indentation and comments anywhere: one format is a fixed point.

    The AST is unchanged and every comment's text is still in the output.
    """
    lines: list[str] = []
    for number, line in enumerate(format_policy(policy).splitlines()):
        join: bool = data.draw(st.booleans(), label="join with previous line")
        if lines and join:
            lines[-1] += " " + line.strip()
            continue
        if data.draw(st.booleans(), label="standalone comment before"):
            lines.append(" " * data.draw(st.integers(0, 6)) + f"# note {number}")
        if data.draw(st.booleans(), label="blank line before"):
            lines.append("")
        lines.append(" " * data.draw(st.integers(0, 6)) + line.strip())
    messy: list[str] = []
    for number, line in enumerate(lines):
        trailing = bool(line) and data.draw(st.booleans(), label="trailing comment")
        messy.append(line + f"  # fin {number}" if trailing else line)
    parsed = parse_policy("\n".join(messy) + "\n")
    formatted = format_policy(parsed)
    assert parse_policy(formatted) == policy
    assert [c.text for c in parsed.comments if c.text not in formatted] == []
    assert fmt(formatted) == formatted


# ------------------------------------------------------------- literals


@pytest.mark.parametrize(
    ("literal", "text"),
    [
        (ast.IntLit(999), "999"),
        (ast.IntLit(1000), "1_000"),
        (ast.IntLit(1_188_000), "1_188_000"),
        (ast.DecimalLit(Decimal("2.50")), "2.5"),
        (ast.DecimalLit(Decimal("5")), "5.0"),
        (ast.DecimalLit(Decimal("12345.125")), "12_345.125"),
        (ast.MoneyLit(Decimal("5000")), "5_000 €"),
        (ast.MoneyLit(Decimal("5000.00")), "5_000 €"),
        (ast.MoneyLit(Decimal("12.5")), "12.50 €"),
        (ast.PercentLit(Decimal("80")), "80%"),
        (ast.PercentLit(Decimal("12.50")), "12.5%"),
        (ast.DateLit(datetime.date(2021, 6, 22)), "2021-06-22"),
        (ast.StringLit('a "b" \\ c\nd\te'), '"a \\"b\\" \\\\ c\\nd\\te"'),
        (ast.StringLit("Côtes-d’Armor « »"), '"Côtes-d’Armor « »"'),
        (ast.BoolLit(False), "false"),
    ],
)
def test_literals_have_one_canonical_spelling(literal: ast.Expr, text: str) -> None:
    """Numbers of 4 digits or more are grouped by `_`, money has ` €`, strings are escaped."""
    assert expr_text(literal) == text


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("(a + b) * c", "(a + b) * c"),
        ("a + (b * c)", "a + b * c"),
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("-(-x)", "- -x"),
        ("-(x.y)", "-x.y"),
        ("(-x).y", "(-x).y"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a or b) or c", "(a or b) or c"),
        ("(a < b) < c", "(a < b) < c"),
        ("a < b < c", "a < b < c"),
        ("(a in b) == c", "(a in b) == c"),
        ("(a implies b) implies c", "(a implies b) implies c"),
        ("a implies (b or c)", "a implies b or c"),
        ("(not a) in b", "(not a) in b"),
        ("not a in b", "not a in b"),
        ("a not in {b,c,}", "a not in {b, c}"),
        ("f( a ,b )[ x==1 ] . y", "f(a, b)[x == 1].y"),
        ("+2", "+2"),
        ("5 EUR", "5 €"),
        ("80 %", "80%"),
    ],
)
def test_parentheses_follow_the_grammar_precedence(source: str, canonical: str) -> None:
    """Only the parentheses the precedence needs are kept; spacing is normalised."""
    assert fmt(f'policy "p"\nlet x = {source}\n') == f'policy "p"\n\nlet x = {canonical}\n'


# ---------------------------------------------------------------- layout


def test_header_fields_are_ordered_and_aligned() -> None:
    """Header fields come in grammar order with their values aligned; `uses` lines merge."""
    text = 'policy "p" uses "a" version "1" title "T" uses "b" envelope 5000 €\n'
    assert fmt(text) == (
        'policy "p"\n'
        '  title    "T"\n'
        '  version  "1"\n'
        "  envelope 5_000 €\n"
        '  uses     "a", "b"\n'
    )


def test_declarations_of_one_kind_without_citation_stay_together() -> None:
    """Lets and invariants group; a cited rule stands apart; blocks are separated."""
    text = (
        'policy "p" let a = 1 let b = 2 require r: a "m" source "s" require q: b '
        "invariant i: a \"m\" invariant j: b score c: 1"
    )
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        "let a = 1\n"
        "let b = 2\n"
        "\n"
        "require r: a\n"
        '  "m"\n'
        '  source "s"\n'
        "\n"
        "require q: b\n"
        "\n"
        "invariant i: a\n"
        '  "m"\n'
        "invariant j: b\n"
        "\n"
        "score\n"
        "  c: 1\n"
    )


def test_bands_are_indented_under_their_step_with_aligned_colons() -> None:
    """Steps are indented 2, bands and step messages 4, band `:` aligned."""
    text = (
        'policy "p" amount forfait f: by population below 5000: 5000 € '
        'from 5000 below 20000: 10000 € otherwise: 20000 € "m" cap c: 1 €'
    )
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        "amount\n"
        "  forfait f: by population\n"
        "    below 5_000             : 5_000 €\n"
        "    from 5_000 below 20_000 : 10_000 €\n"
        "    otherwise               : 20_000 €\n"
        '    "m"\n'
        "  cap c: 1 €\n"
    )


def test_a_long_set_ending_its_line_wraps_aligned_after_its_brace() -> None:
    """A set past column 100 at the end of a line is filled and aligned after `{`."""
    names = ", ".join(f"categorie_{i}" for i in range(12))
    formatted = fmt(f'policy "p"\nlet x = {{{names}}}\n')
    lines = formatted.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[2:] == [
        "let x = {categorie_0, categorie_1, categorie_2, categorie_3, categorie_4, categorie_5, "
        "categorie_6,",
        "         categorie_7, categorie_8, categorie_9, categorie_10, categorie_11}",
    ]


# -------------------------------------------------------------- comments


def test_standalone_and_trailing_comments_keep_their_place() -> None:
    """A standalone comment stays before its node, indented like it; a trailing one on its line."""
    text = (
        'policy "p"\n'
        "score\n"
        "      # avant le critère\n"
        "  a: 1   # après le critère\n"
        "  b: 2\n"
        "# à la fin\n"
    )
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        "score\n"
        "  # avant le critère\n"
        "  a: 1   # après le critère\n"
        "  b: 2\n"
        "# à la fin\n"
    )


def test_comment_between_a_rule_and_its_message_stays_there() -> None:
    """A comment before a message is kept before the message, not moved after the rule."""
    text = 'policy "p"\nrequire r: a   # pourquoi\n  # précision\n  "m"\n  source "s"  # où\n'
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        "require r: a   # pourquoi\n"
        "  # précision\n"
        '  "m"\n'
        '  source "s"  # où\n'
    )


def test_comments_between_set_elements_keep_one_element_per_line() -> None:
    """A set with comments after its elements keeps one element per line, each comment
    after the last element of its line; a comment line between elements stays there."""
    text = (
        'policy "p"\n'
        'let bretagne = {"22", # Côtes-d\'Armor\n'
        '  "29", "35",  # Finistère, Ille-et-Vilaine\n'
        "  # enfin\n"
        '  "56"} # Morbihan\n'
    )
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        'let bretagne = {"22",  # Côtes-d\'Armor\n'
        '                "29",\n'
        '                "35",  # Finistère, Ille-et-Vilaine\n'
        "                # enfin\n"
        '                "56"}  # Morbihan\n'
    )


def test_comment_after_the_last_set_element_does_not_break_the_set() -> None:
    """Comments after the last element of a set (or of expense categories, which carry no
    position) are joined on the line of the set collapsed onto one line."""
    text = (
        'policy "p"\n'
        "let x = {a, b  # un\n  }  # deux\n"
        "expenses eligible {etude,  # trois\n  conseil}\n"
    )
    assert fmt(text) == (
        'policy "p"\n'
        "\n"
        "let x = {a, b}  # un  # deux\n"
        "\n"
        "expenses eligible {etude, conseil}  # trois\n"
    )


def test_without_comments_nothing_of_them_is_printed() -> None:
    """`comments=False` (used for hashing) drops every comment."""
    policy = parse_policy('# tête\npolicy "p"  # id\nlet x = 1  # un\n')
    assert format_policy(policy, comments=False) == 'policy "p"\n\nlet x = 1\n'


# ---------------------------------------------------------- golden files


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_golden_input_formats_to_expected_output(name: str) -> None:
    """Each tests/golden/format/NAME.in.fitn7 formats to NAME.out.fitn7."""
    source = (GOLDEN / f"{name}.in.fitn7").read_text("utf-8")
    expected = (GOLDEN / f"{name}.out.fitn7").read_text("utf-8")
    assert fmt(source) == expected


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_golden_output_is_a_fixed_point(name: str) -> None:
    """Expected outputs are canonical: formatting one changes nothing."""
    expected = (GOLDEN / f"{name}.out.fitn7").read_text("utf-8")
    assert fmt(expected) == expected


def test_there_are_enough_golden_files() -> None:
    """At least five golden pairs, each with its output."""
    assert len(GOLDEN_NAMES) >= 5
    assert all((GOLDEN / f"{name}.out.fitn7").exists() for name in GOLDEN_NAMES)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_policy_is_already_canonical(path: Path) -> None:
    """Identity corpus: every policy under policies/ formats to itself."""
    text = path.read_text("utf-8")
    assert fmt(text) == text


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "declaration",
    [
        ast.Let("x", ast.IntLit(-5)),
        ast.Let("not a name", ast.IntLit(1)),
        ast.Let("x", ast.Name("true")),
        ast.Let("x", ast.MoneyLit(Decimal("NaN"))),
    ],
    ids=["negative literal", "bad name", "keyword as name", "nan"],
)
def test_an_ast_no_text_can_express_is_refused(declaration: ast.Declaration) -> None:
    """The formatter re-parses its output and raises rather than return wrong text."""
    policy = ast.Policy(ast.Header("p"), (declaration,))
    with pytest.raises(FormatterError, match="internal error"):
        format_policy(policy)


# ------------------------------------------------------------------ hash

BRETAGNE = ROOT / "policies" / "bretagne.fitn7"


def test_hash_is_sha256_of_canonical_text_without_comments() -> None:
    """policy_hash is the hex SHA-256 of the UTF-8 canonical form without comments."""
    policy = parse_policy('policy "p"  # id\nlet seuil = 5000  # habitants\n')
    expected = hashlib.sha256(b'policy "p"\n\nlet seuil = 5_000\n').hexdigest()
    assert policy_hash(policy) == expected


def test_hash_ignores_layout_and_comments() -> None:
    """The messy and the formatted golden files, with or without comments, hash the same."""
    for name in GOLDEN_NAMES:
        messy = parse_policy((GOLDEN / f"{name}.in.fitn7").read_text("utf-8"))
        clean = parse_policy(format_policy(messy, comments=False))
        assert policy_hash(messy) == policy_hash(clean), name


def test_hash_of_a_shipped_policy_ignores_its_comments() -> None:
    """Stripping the comments of bretagne.fitn7 keeps its hash."""
    policy = parse_policy(BRETAGNE.read_text("utf-8"))
    stripped = parse_policy(format_policy(policy, comments=False))
    assert policy.comments and not stripped.comments
    assert policy_hash(policy) == policy_hash(stripped)


def test_hash_changes_with_a_threshold() -> None:
    """Moving a threshold by one unit changes the hash."""
    before = parse_policy('policy "p"\nrequire r: applicant.population < 5000\n')
    after = parse_policy('policy "p"\nrequire r: applicant.population < 5001\n')
    assert policy_hash(before) != policy_hash(after)


@pytest.mark.parametrize(
    "edit",
    [
        lambda r: attrs.evolve(r, message="autre message"),
        lambda r: attrs.evolve(r, id="autre_id"),
        lambda r: attrs.evolve(r, kind="review"),
        lambda r: attrs.evolve(r, source=None),
    ],
    ids=["message", "id", "kind", "source"],
)
def test_hash_changes_with_any_rule_change(edit: Callable[[ast.Rule], ast.Rule]) -> None:
    """Editing a rule of bretagne.fitn7 (message, id, kind, citation) changes the hash."""
    policy = parse_policy(BRETAGNE.read_text("utf-8"))
    index, rule = next(
        (i, d) for i, d in enumerate(policy.declarations) if isinstance(d, ast.Rule)
    )
    declarations = list(policy.declarations)
    declarations[index] = edit(rule)
    edited = attrs.evolve(policy, declarations=tuple(declarations))
    assert policy_hash(edited) != policy_hash(policy)


def test_deeply_nested_sets_format_in_linear_time():
    """Formatting measured each nested set again at every level (2^depth prints): 90
    levels now format at once. Speed is not timed here; the count of prints is."""
    import fitn7.dsl.formatter as formatter

    depth = 60
    policy = parse_policy('policy "p"\n  version "1"\n\nlet x = ' + "{" * depth + '"a", "b"'
                          + "}" * depth + "\n", "p.fitn7")
    calls = 0
    original = formatter._Printer.braced

    def counting(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        return original(self, *args, **kwargs)

    formatter._Printer.braced = counting
    try:
        text = format_policy(policy)
    finally:
        formatter._Printer.braced = original
    assert text.count("{") == depth
    assert calls < depth * depth
