"""Extreme tokens inserted by the mutators: the values hand-fuzzing found bugs with.

Each list is a fixed tuple (the run is reproducible from its seed). Texts are
valid Unicode scalar values: a lone surrogate is only ever written as a JSON or
TOML escape (`\\ud800`), since a file decoded as UTF-8 cannot hold one.
"""

from __future__ import annotations

#: Numbers: huge, tiny, past Python's 4300-digit int/str limit, oddly written.
NUMBERS = (
    "0",
    "-0",
    "00",
    "1_0",
    "999999999999999999999999999999",
    "1" + "0" * 30,
    "1" + "0" * 400,
    "9" * 4301,
    "9" * 20000,
    "1_000_000_000_000_000_000_000_000_000_000",
    "0.000000000000000000000000000001",
    "99999999999999999999999999999999.99",
    "1e30",
    "1E+30",
    "1e400",
    "1e-400",
    "1e999999",  # turned into an int, ~70 s of C: a timeout only the forked worker ends
    "2147483648",
    "18446744073709551616",
    "-9223372036854775809",
    "NaN",
    "Infinity",
    "-Infinity",
    "nan",
    "inf",
    "0x1F",
    "1.5",
    "٣٤٥",  # Arabic-Indic digits: `\d` matches them
    "１２３",  # full-width digits
    "²",  # a digit to str.isdigit, not to `\d`
)

#: Money and percentages around the limits of what a policy holds.
MONEY = (
    "1000000000000000000000000000000 €",
    "10^30 €",
    "1e30 €",
    "99999999999999999999999999999999.99 €",
    "0.001 €",
    "-5 €",
    "1" + "0" * 400 + " €",
    "9" * 5000 + " EUR",
    "100000000000000%",
    "0.0000000001%",
    "1" + "0" * 300 + "%",
)

#: Dates out of range, impossible, or almost ISO.
DATES = (
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "2021-02-29",
    "2020-02-30",
    "2021-13-01",
    "2021-00-10",
    "99999-01-01",
    "2021-6-30",
    "30/06/2021",
    "2021-06-30T25:00:00",
    "2021-06-30T10:00:00+99:00",
)

#: Nesting deep enough to reach a recursion limit somewhere.
DEEP = (
    "(" * 120 + "1" + ")" * 120,
    "(" * 1000 + "1" + ")" * 1000,
    "not " * 150 + "true",
    "-" * 300 + "1",
    "{" * 150 + "1" + "}" * 150,
    " + ".join(["1"] * 400),
    " and ".join(["true"] * 2000),
    ".a" * 500,
    "[" * 200 + "]" * 200,
)

#: Characters and strings text handling gets wrong.
UNICODE = (
    "\x00",
    "\ufeff",
    "\r\n",
    "\r",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\u202e",
    "\u200b",
    "\u200d",
    "\u00a0",
    "e\u0301",
    "\u0130",
    "ß",
    "\U0001d4b3",
    "\U0001f600",
    "\uffff",
    "\ufffd",
    "\U0010ffff",
    "\u2028",
    "\u0085",
    "＂",
    '\\"',
    "\\",
    "\\u0000",
    "\\ud800",
    "\\udfff",
    "\\ud83d\\ude00",
    "\\udc00\\ud800",
    "\\U0001F600",
    "\\x00",
)

#: Identifiers: very long, accented, keywords, dotted.
IDENTIFIERS = (
    "a" * 10000,
    "é" * 3000,
    "_",
    "x" + "_" * 500,
    "applicant.population",
    "applicant.extra.zrr_arrete",
    "project.tags",
    "expenses",
    "total_expenses",
    "requested",
    "submitted",
    "status",
    "amount",
    "policy",
    "extends",
    "uses",
    "implies",
    "otherwise",
    "forfait",
    "by",
    "per",
    "award",
)

#: Keywords and punctuation of the language, to splice in anywhere.
SYNTAX = (
    "policy \"p\"",
    "extends \"fitn7-axe3-commun\"",
    "extends \"fitn7-bretagne\"",
    "uses \"fitn7_zrr\"",
    "uses \"nope\"",
    "envelope",
    "param p = ",
    "let l = ",
    "session \"s\" closes ",
    "require r: ",
    "exclude e: ",
    "review v: ",
    "amount\n  base ",
    "forfait f: by applicant.population\n  below 0: 1 €\n  otherwise: 2 €",
    "rate r: 100%",
    "cap c: ",
    "bonus b: ",
    "floor f: ",
    "score\n  s: +1 when ",
    "limit l: at most 0 award per applicant",
    "invariant i: ",
    "expenses eligible {",
    "when",
    " implies ",
    " meets ",
    " in ",
    " not in ",
    "==",
    "/ 0",
    "/ 0 €",
    "* 0%",
    "sum(",
    "count(",
    "any(",
    "all(",
    "min(",
    "max(",
    "floor(",
    "zrr(",
    "#",
    '"',
    ":",
    ",",
    "€",
    "%",
)

#: Every list of text tokens, for a mutator that picks a family first.
FAMILIES = (NUMBERS, MONEY, DATES, DEEP, UNICODE, IDENTIFIERS, SYNTAX)
