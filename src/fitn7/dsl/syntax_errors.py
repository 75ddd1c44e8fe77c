"""The catalogue of common syntax mistakes and the words for what the parser expects.

Each entry gives broken snippets that fail in the parser state the mistake
produces. `parser.py` parses them once and keeps where each one fails (the
LALR state, the tokens acceptable there, the token met); a user's error that
fails the same way gets the entry's message and hint instead of lark's list of
expected tokens. The matching is our own, not lark's `match_examples`: see
`parser.py` for why.

A few mistakes are recognised from the tokens themselves rather than from
examples, wherever they happen (`=` where a comparison could follow, a number
split by a space, a `-` inside an id, `if` for `when`): `parser.py` does that
before looking here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

_HEAD = 'policy "p"\n'
_BANDS = _HEAD + "amount\n forfait by a\n "


@attrs.frozen
class SyntaxMistake:
    """One known mistake: its code, message, hint and the examples that produce it."""

    code: str
    message: str
    help: str
    examples: tuple[str, ...]


@attrs.frozen
class Catalogue:
    """Known mistakes by label."""

    entries: dict[str, SyntaxMistake]

    @property
    def examples(self) -> dict[str, list[str]]:
        """Label -> example texts, parsed once by `parser.py` to learn where each fails."""
        return {label: list(e.examples) for label, e in self.entries.items()}


def _unquoted(message: str, help: str, *before: str) -> SyntaxMistake:
    """A text written without its double quotes after each of the `before` snippets."""
    return SyntaxMistake(
        "E021",
        message,
        help,
        tuple(_HEAD + f"{b} {value}" for b in before for value in ("x", "2021-04-13", "3")),
    )


CATALOGUE = Catalogue(
    {
        "missing-colon": SyntaxMistake(
            "E010",
            "missing `:` after the rule id",
            "write the id, a colon, then the condition: `require porteur: applicant.kind in "
            "collectivites`",
            (
                _HEAD + "require porteur applicant.kind == commune",
                _HEAD + "exclude urbanisme \"urbanisme\" in project.tags",
                _HEAD + "review participatif not project.participatory",
                _HEAD + "require porteur true",
                _HEAD + "require porteur 3",
                _HEAD + "invariant plafond amount <= 30_000 €",
                _HEAD + "score\n inclusion +2",
                _HEAD + "limit victoire at most 1 award per applicant",
            ),
        ),
        "band-missing-colon": SyntaxMistake(
            "E010",
            "missing `:` between the band's bound and its amount",
            "write the bound, a colon, then the amount: `below 5_000: 5_000 €`",
            (
                _BANDS + "below 1 2 €",
                _BANDS + "below 1 € 2 €",
                _BANDS + "below 1: 1 €\n from 1 2 €",
                _BANDS + "below 1: 1 €\n from 1 below 2 3 €",
                _BANDS + "below a.b 2 €",
            ),
        ),
        "otherwise-missing-colon": SyntaxMistake(
            "E010",
            "missing `:` after `otherwise`",
            "write `otherwise`, a colon, then the amount: `otherwise: 10_000 €`",
            (_BANDS + "below 1: 1 €\n otherwise 2 €",),
        ),
        "missing-rule-id": SyntaxMistake(
            "E011",
            "missing rule id",
            "every rule has an id so decisions and diffs can name it: "
            "`require territoire: applicant.region == \"93\"`",
            (
                _HEAD + "require applicant.kind == commune",
                _HEAD + "exclude \"urbanisme\" in project.tags",
                _HEAD + "require: applicant.kind == commune",
                _HEAD + "review not project.participatory",
                _HEAD + "require (applicant.population > 3)",
                _HEAD + "limit at most 1 award per applicant",
                _HEAD + "invariant amount <= 1",
            ),
        ),
        "assign-for-equal": SyntaxMistake(
            "E012",
            "`=` is not a comparison",
            "to test equality write `==`: `applicant.kind == commune`",
            (
                _HEAD + "require r: applicant.kind = commune",
                _HEAD + "require r: x = 3",
                _HEAD + "require r: a.b.c = \"x\"",
                _HEAD + "require r: (a) = 3",
                _HEAD + "require r: a[b] = 3",
                _HEAD + "let x = a = 3",
            ),
        ),
        "space-in-number": SyntaxMistake(
            "E013",
            "a space cannot separate thousands in a number",
            "write `5_000` or `5000` instead of `5 000`",
            (
                _HEAD + "envelope 1 188 000 €",
                _HEAD + "envelope 1 000",
                _HEAD + "let x = 5 000",
                _HEAD + "require r: applicant.population < 5 000",
                _HEAD + "amount\n forfait 5 000 €",
                _HEAD + "amount\n cap c: 30 000 €",
                _HEAD + "param p = 10 000",
            ),
        ),
        "unclosed-brace": SyntaxMistake(
            "E014",
            "unclosed `{`",
            "close the set with `}` before the next declaration: `{\"22\", \"29\"}`",
            (
                _HEAD + "let b = {\"22\", \"29\"\nrequire r: true",
                _HEAD + "let b = {\"22\"\nlet c = 1",
                _HEAD + "let b = {commune, cc\n",
                _HEAD + "let b = {\"22\",\n",
                _HEAD + "let b = {",
                _HEAD + "expenses ineligible {personnel, materiel\n",
                _HEAD + "expenses ineligible {personnel\nrequire r: true",
                _HEAD + "require r: a in {\"x\" \"message\"",
            ),
        ),
        "unclosed-paren": SyntaxMistake(
            "E015",
            "unclosed `(`",
            "close the parenthesis with `)`",
            (
                _HEAD + "require r: (a and b",
                _HEAD + "require r: (a and b\nrequire s: true",
                _HEAD + "require r: count(members",
                _HEAD + "require r: count(members\nrequire s: true",
                _HEAD + "require r: min(a, b",
            ),
        ),
        "unterminated-string": SyntaxMistake(
            "E016",
            "unterminated string",
            "close the text with `\"` on the same line",
            (
                _HEAD + 'require r: true "message',
                _HEAD + 'require r: "urbanisme in project.tags',
                _HEAD + 'let a = "x',
                _HEAD + 'session "vague 1 closes 2021-05-30',
            ),
        ),
        "missing-header": SyntaxMistake(
            "E017",
            "a policy starts with its header",
            "begin the file with `policy \"fitn7-…\"` and its title, authority and version",
            (
                "require r: true",
                "let a = 1",
                "title \"x\"",
                "param p = 1",
                "amount\n rate 100%",
                "",
            ),
        ),
        "policy-id-not-string": SyntaxMistake(
            "E018",
            "the policy id is a string in double quotes",
            "write `policy \"fitn7-bretagne\"`",
            ("policy fitn7", "policy 3", "policy\ntitle \"x\""),
        ),
        # A header field or a `source` whose text is not in double quotes: one
        # entry per field, so that the hint shows that field.
        "title-not-string": _unquoted(
            "the title is a string in double quotes",
            'write `title "Transformation numérique — Bretagne"`',
            "title",
        ),
        "authority-not-string": _unquoted(
            "the authority is a string in double quotes",
            'write `authority "Préfecture de la région Bretagne"`',
            "authority",
        ),
        "version-not-string": _unquoted(
            "the version is a string in double quotes",
            'write `version "2021-04-13"`',
            "version",
        ),
        "extends-not-string": _unquoted(
            "the parent policy id is a string in double quotes",
            'write `extends "fitn7-commun"`',
            "extends",
        ),
        "uses-not-string": _unquoted(
            "plugin names are strings in double quotes",
            'write `uses "fitn7_zrr"`, or `uses "fitn7_zrr", "fitn7_qpv"` for several',
            "uses",
            'uses "a",',
        ),
        "source-not-string": _unquoted(
            "the source is a string in double quotes",
            'write `source "004_b0661454ea132f90.txt, Bénéficiaires"`',
            "require r: true source",
            'require r: true "message" source',
        ),
        "session-not-string": _unquoted(
            "the session name is a string in double quotes",
            'write `session "comité T2 2021" closes 2021-06-22`',
            "session",
        ),
        "header-colon": SyntaxMistake(
            "E022",
            "a header field takes no `:`",
            'write the field, then its value: `title "Transformation numérique — Bretagne"`, '
            '`version "2021-04-13"`',
            tuple(
                _HEAD + f"{field}: x"
                for field in ("title", "authority", "version", "extends", "uses", "envelope")
            ),
        ),
        "source-colon": SyntaxMistake(
            "E022",
            "`source` takes no `:`",
            'write `source "004_b0661454ea132f90.txt, Bénéficiaires"`',
            (
                _HEAD + 'require r: true source: "x"',
                _HEAD + 'require r: true "message" source: "x"',
            ),
        ),
        "step-missing-colon": SyntaxMistake(
            "E010",
            "missing `:` after the step's id",
            "write the id, a colon, then the value: `part fonctionnement: expenses[…]`, "
            "`ceiling aides_publiques: 80% of eligible_expenses`, `minimum aide_minimale: "
            "2_500 €`",
            tuple(
                _HEAD + f"amount\n {step}"
                for step in ("part a expenses", "part a expenses[category == etude]",
                             "ceiling c 80% of x", "minimum m 2_500 €", "minimum m x")
            ),
        ),
        "missing-step-id": SyntaxMistake(
            "E011",
            "missing step id",
            "a part, a ceiling and a minimum have an id so decisions and diffs can name "
            "them: `minimum aide_minimale: 2_500 €`",
            tuple(
                _HEAD + f"amount\n {step}"
                for step in ("part: expenses", "part expenses[category == etude]",
                             "ceiling: 80% of x", "ceiling 80% of x", "minimum: 2_500 €",
                             "minimum 2_500 €")
            ),
        ),
        "total-colon": SyntaxMistake(
            "E022",
            "`total` takes no `:`",
            "write `total` alone on its line; the steps on the sum of the parts follow it",
            (_HEAD + "amount\n part a: expenses\n total:",
             _HEAD + "amount\n part a: expenses\n total: cap c: 1 €"),
        ),
        "parens-for-set": SyntaxMistake(
            "E025",
            "a set is written with braces, not parentheses",
            "write the values between `{` and `}`: `applicant.kind in {commune, cc}`",
            (
                _HEAD + "require r: a in (b, c)",
                _HEAD + "let x = (b, c)",
                _HEAD + 'require r: a in ("x", "y")',
            ),
        ),
    }
)

# Words for the terminals lark reports as expected whose text varies; the
# others are keywords and punctuation, shown as the user must type them
# (`spellings`, read from the grammar by `parser.py`).
_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a string in double quotes",
    "INT": "a number",
    "DECIMAL": "a number",
    "DATE": "a date",
    "COMP_OP": "a comparison (`==`, `<`, …)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "$END": "the end of the file",
}

# Keywords listed under one word when at least three of them are expected.
_GROUPS = (
    ("a header field", ("title", "authority", "version", "envelope", "extends", "uses")),
    ("an amount step", ("base", "forfait", "rate", "bonus", "cap", "floor", "part", "total",
                        "ceiling", "minimum")),
    (
        "a new declaration",
        ("require", "exclude", "review", "let", "param", "session", "expenses", "amount",
         "score", "limit", "invariant", "category", "input", "document"),
    ),
)

# What may continue an expression, listed as "an operator" when there are many,
# with the first three as examples.
_OPERATORS = (
    ("a comparison (`==`, `<`, …)", "=="),
    ("`and`", "and"),
    ("`or`", "or"),
    ("`+` or `-`", "+"),
    ("`*` or `/`", "*"),
    ("`in`", "in"),
    ("`not`", "not in"),
    ("`meets`", "meets"),
    ("`implies`", "implies"),
    ("`.`", "."),
    ("`[`", "["),
)

# The order of the words: what completes the construct at hand first, then
# values, operators, what may follow (message, source), and what starts anew.
_ORDER = (
    "`:`", "`=`", "`,`", "`)`", "`}`", "`]`",
    "`closes`", "`by`", "`at`", "`most`", "`award`", "`awards`", "`per`", "`where`",
    "`of`", "`minus`", "`basis`", "`ht`", "`ttc`", "`excluding`", "`recovered_vat`",
    "`when`", "`below`", "`from`", "`otherwise`", "`eligible`", "`ineligible`",
    "a name", "a number", "`€` or `EUR`", "`€`", "`EUR`", "`%`", "a date",
    "a string in double quotes", "`true`", "`false`", "`{`", "`(`",
    "`.`", "`[`", "a comparison (`==`, `<`, …)", "`in`", "`not`", "`meets`", "`+` or `-`",
    "`*` or `/`", "`and`", "`or`", "`implies`", "an operator",
    "`source`", "a header field", "an amount step", "a new declaration",
    "the end of the file",
)
_RANK = {word: rank for rank, word in enumerate(_ORDER)}

#: At most this many words are listed; `…` says there are more.
MAX_EXPECTED = 8


def describe_expected(terminals: Iterable[str], spellings: Mapping[str, str]) -> str:
    """Lark's expected terminals as words a policy author knows, most useful first.

    `spellings` gives the text of keyword and punctuation terminals (`EUR`,
    `€`, `amount`), shown exactly as the user must type them.
    """
    words: set[str] = set()
    keywords: set[str] = set()
    for name in terminals:
        if name in _TERMINAL_NAMES:
            words.add(_TERMINAL_NAMES[name])
        elif name in spellings:
            keywords.add(spellings[name])
    if {"€", "EUR"} <= keywords:
        keywords -= {"€", "EUR"}
        words.add("`€` or `EUR`")
    for word, members in _GROUPS:
        present = [m for m in members if m in keywords]
        if len(present) >= 3:
            keywords -= set(present)
            shown = ", ".join(f"`{m}`" for m in present[:3])
            more = ", …" if len(present) > 3 else ""
            words.add(f"{word} ({shown}{more})")
    words |= {f"`{k}`" for k in keywords}
    operators = [(word, shown) for word, shown in _OPERATORS if word in words]
    if len(operators) >= 4:
        words -= {word for word, _ in operators}
        shown = ", ".join(f"`{s}`" for _, s in operators[:3])
        words.add(f"an operator ({shown}, …)")
    if not words:
        return "something else"

    def rank(word: str) -> tuple[int, str]:
        base = word.split(" (")[0]
        return (_RANK.get(word, _RANK.get(base, len(_ORDER))), word)

    ordered = sorted(words, key=rank)
    if len(ordered) > MAX_EXPECTED:
        ordered = [*ordered[:MAX_EXPECTED], "…"]
    return "one of " + ", ".join(ordered) if len(ordered) > 1 else ordered[0]
