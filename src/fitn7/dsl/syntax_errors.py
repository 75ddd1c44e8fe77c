"""The catalogue of common syntax mistakes, recognised with lark's `match_examples`.

Each entry gives broken snippets that fail in the parser state the mistake
produces; a user's error that fails in the same state gets the entry's message
and hint instead of lark's list of expected tokens.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

_HEAD = 'policy "p"\n'


@attrs.frozen
class SyntaxMistake:
    """One known mistake: its code, message, hint and the examples that produce it."""

    code: str
    message: str
    help: str
    examples: tuple[str, ...]


@attrs.frozen
class Catalogue:
    """Known mistakes by label, in the shape `match_examples` wants."""

    entries: dict[str, SyntaxMistake]

    @property
    def examples(self) -> dict[str, list[str]]:
        """Label -> example texts, for `UnexpectedInput.match_examples`."""
        return {label: list(e.examples) for label, e in self.entries.items()}


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
    }
)

# Human names for the terminals lark reports as expected.
_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a string",
    "INT": "a number",
    "DECIMAL": "a number",
    "DATE": "a date",
    "COLON": "`:`",
    "COMMA": "`,`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "DOT": "`.`",
    "EQUAL": "`=`",
    "PERCENT": "`%`",
    "COMP_OP": "a comparison",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "$END": "the end of the file",
}


def describe_expected(terminals: Iterable[str]) -> str:
    """Lark's expected terminal names as words a policy author knows."""
    words: set[str] = set()
    for name in terminals:
        if name in _TERMINAL_NAMES:
            words.add(_TERMINAL_NAMES[name])
        elif name.startswith("__") or name.startswith("_"):
            continue
        else:
            words.add(f"`{name.lower()}`")
    if not words:
        return "something else"
    ordered = sorted(words)
    if len(ordered) > 8:
        ordered = [*ordered[:8], "…"]
    return "one of " + ", ".join(ordered) if len(ordered) > 1 else ordered[0]
