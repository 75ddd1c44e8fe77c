"""The stable diagnostic codes of the checker, each with a one-line title.

Codes are part of the user interface: they are documented in
docs/diagnostics.md (a test fails when one is missing there) and never reused
for another meaning. E1xx are declarations, E2xx names and types, E3xx
forfait bands, W4xx warnings that do not fail `fitn7 check`.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Code -> short title, in the order of docs/diagnostics.md.
CODES: Mapping[str, str] = {
    # the list itself
    "E099": "more problems than are shown",
    # declarations
    "E101": "duplicate rule id",
    "E102": "duplicate `let` or `param` name",
    "E103": "duplicate session name",
    "E104": "a `let` or `param` hides a dossier or decision field",
    "E105": "a `let` or `param` hides a constant",
    "E106": "more than one `amount`, `score` or `expenses` block",
    "E107": "`base` given twice",
    "E108": "unknown expense category",
    "E109": "a `param` default is not a literal",
    "E110": "sessions not in closing order",
    "E111": "an amount step in the wrong section",
    "E112": "`total` without parts, twice, or above a part",
    "E113": "`expenses basis` given twice",
    "E114": "`excluding recovered_vat` with an HT basis",
    "E115": "a session without a name",
    # the policy's vocabulary
    "E140": "a category or input declared twice",
    "E141": "unknown input type",
    "E142": "an input has the name of something else",
    "E143": "a category has the name of another constant",
    # names and types
    "E201": "unknown name",
    "E202": "`let` used before its definition",
    "E203": "`let` defined in terms of itself",
    "E204": "unknown field of a record",
    "E205": "field access on a value that has no fields",
    "E206": "unknown function",
    "E207": "wrong arguments in a function call",
    "E208": "comparison between incompatible types",
    "E209": "ordering comparison on values without an order",
    "E210": "`in` needs a set or a list on its right",
    "E211": "elements of incompatible types",
    "E212": "`meets` needs two sets or lists",
    "E213": "a condition is not true or false",
    "E214": "arithmetic on incompatible types",
    "E215": "sign in front of a value that is not a number",
    "E216": "an amount in euros is expected",
    "E217": "a rate is a percentage",
    "E218": "a bonus is an amount or a percentage",
    "E219": "`by` needs a number",
    "E220": "a band bound does not have the type of `by`",
    "E221": "a score criterion counts whole points",
    "E222": "a limit counts whole awards",
    "E223": "a limit counted per something that names no one",
    "E224": "a session closes on a date",
    "E225": "a set mixes values of different types",
    "E226": "filter on something that is not a list of records",
    "E227": "a part is not over expense lines",
    "E241": "an input's default is not of its type",
    "E242": "a family where a legal form is expected",
    "E243": "a legal form where a family is expected",
    "E244": "unknown catégorie juridique code",
    # bands
    "E301": "forfait bands overlap",
    "E302": "gap between forfait bands",
    "E303": "`otherwise` is not the last band",
    "E304": "forfait bands leave the top values without a forfait",
    "E305": "a band bound is not a number or a `param`",
    "E306": "empty band",
    "E307": "`otherwise` never used",
    # warnings
    "W401": "rule without `source`",
    "W402": "`let` never used",
    "W403": "`param` never used",
    "W404": "a floor after a cap",
    "W405": "no session has that name",
    "W406": "a forfait or rate that can never apply",
    "W407": "a part no expense can reach",
    "W408": "parts that select the same lines",
    "W409": "an eligible amount can be 0 € and no `minimum`",
    "W410": "a ceiling's cost is a difference",
    "W420": "`input` never read",
    "W422": "a collectivité's field read without restricting the applicant's kind",
}
