"""Hypothesis strategies that build policy ASTs the parser can produce.

Only shapes `parse_policy` can return are generated: literals are
non-negative (a minus sign is a `Unary`), comparison chains have at least one
operator, `and`/`or` have at least two operands, bands have the low/high
bounds their kind implies. Names come from fixed lists of realistic
identifiers (some with French accents) that are no keyword of the grammar, so
every generated AST has a text that parses back to it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import strategies as st

from fitn7.dsl import ast

# The dossier strategy lives in the library (`fitn7.strategies`, for plugin
# and policy authors too); it is offered here beside the syntax strategies.
from fitn7.strategies import dossier_batches, dossiers  # noqa: F401

#: Identifiers for declarations, rules, criteria and steps: never a keyword.
IDENTIFIERS = (
    "porteur",
    "territoire",
    "hors_delai",
    "urbanisme",
    "axe2",
    "etpt",
    "inclusion",
    "ruralite",
    "prestataire_local",
    "plafond_commune",
    "bonus_zrr",
    "petite_collectivite",
    "une_victoire",
    "seuil",
    "bretagne",
    "collectivites",
    "éligible_réduit",
    "montant_élevé",
    "côtes_d_armor",
    "priorité",
    "x",
    "_interne",
)

#: Field names read in expressions. Some are keywords elsewhere in the grammar
#: (`expenses`, `eligible`, `amount`…): the contextual lexer reads them as names
#: where an operand is expected, and the shipped policies rely on it.
FIELDS = (
    *IDENTIFIERS,
    "applicant",
    "project",
    "members",
    "joint",
    "submitted",
    "requested",
    "status",
    "total_expenses",
    "eligible_expenses",
    "commune",
    "personnel",
    "expenses",
    "eligible",
    "ineligible",
    "amount",
    "session",
)

#: Attribute names after a `.`.
ATTRIBUTES = (
    "population",
    "kind",
    "departement",
    "region",
    "tags",
    "themes",
    "category",
    "provider",
    "amount",
    "zrr",
    "qpv",
    "participatory",
    "durée_mois",
)

#: Function names in calls.
FUNCTIONS = ("count", "sum", "any", "all", "min", "max", "zrr_commune", "dans_département")

identifiers = st.sampled_from(IDENTIFIERS)

#: Text with accents, quotes, backslashes, `#`, newlines and tabs, but no other
#: control or line-separator character (the grammar has no escape for them).
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
    | st.sampled_from(['"', "\\", "\n", "\t", "#", "é", "€", "«", "»", "’"]),
    max_size=30,
)

#: Decimals with one to three places (a `DecimalLit` always has a fraction).
_fractions = st.integers(1, 3).flatmap(
    lambda places: st.decimals(
        min_value=0, max_value=10**7, places=places, allow_nan=False, allow_infinity=False
    )
)

#: Euros: whole or with cents.
_money = st.integers(0, 10**9).map(Decimal) | st.decimals(
    min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False
)


def literals() -> st.SearchStrategy[ast.Expr]:
    """Every literal kind, and names."""
    return st.one_of(
        st.integers(0, 10**12).map(ast.IntLit),
        _fractions.map(ast.DecimalLit),
        _money.map(ast.MoneyLit),
        (st.integers(0, 100).map(Decimal) | st.decimals(0, 100, places=1)).map(ast.PercentLit),
        st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(ast.DateLit),
        texts.map(ast.StringLit),
        st.booleans().map(ast.BoolLit),
        st.sampled_from(FIELDS).map(ast.Name),
    )


def _compound(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    """One level of every non-literal expression node over `children`."""
    some = st.lists(children, min_size=0, max_size=4).map(tuple)
    return st.one_of(
        some.map(ast.SetLit),
        st.builds(ast.Attribute, children, st.sampled_from(ATTRIBUTES)),
        st.builds(ast.Filter, children, children),
        st.builds(ast.Call, st.sampled_from(FUNCTIONS), some),
        st.builds(ast.Unary, st.sampled_from(["-", "+"]), children),
        st.builds(ast.BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.integers(1, 3).flatmap(
            lambda n: st.builds(
                ast.Compare,
                st.lists(children, min_size=n + 1, max_size=n + 1).map(tuple),
                st.lists(
                    st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), min_size=n, max_size=n
                ).map(tuple),
            )
        ),
        st.builds(ast.Membership, st.sampled_from(["in", "not in", "meets"]), children, children),
        st.builds(
            ast.BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=4).map(tuple),
        ),
        st.builds(ast.Not, children),
        st.builds(ast.Implies, children, children),
    )


def expressions() -> st.SearchStrategy[ast.Expr]:
    """Any expression the parser can produce, a few levels deep."""
    return st.recursive(literals(), _compound, max_leaves=12)


def _optional_text() -> st.SearchStrategy[str | None]:
    return st.none() | texts


def headers() -> st.SearchStrategy[ast.Header]:
    """A `policy` header, from the id alone to every field."""
    return st.builds(
        ast.Header,
        texts,
        title=_optional_text(),
        authority=_optional_text(),
        version=_optional_text(),
        envelope=st.none() | _money.map(ast.MoneyLit) | expressions(),
        extends=_optional_text(),
        uses=st.lists(texts, max_size=3).map(tuple),
    )


def bands() -> st.SearchStrategy[ast.Band]:
    """A band of each kind, with exactly the bounds its keyword writes."""
    e = expressions()
    return st.one_of(
        st.builds(ast.Band, st.just("below"), st.none(), e, e),
        st.builds(ast.Band, st.just("between"), e, e, e),
        st.builds(ast.Band, st.just("from"), e, st.none(), e),
        st.builds(ast.Band, st.just("otherwise"), st.none(), st.none(), e),
    )


def amount_steps() -> st.SearchStrategy[ast.AmountStep]:
    """Every kind of `amount` step."""
    e = expressions()
    when = st.none() | e
    meta = {"message": _optional_text(), "source": _optional_text()}
    optional_id = st.none() | identifiers
    return st.one_of(
        st.builds(ast.Base, e, **meta),
        st.builds(ast.Part, identifiers, e, **meta),
        st.builds(ast.Total, **meta),
        st.builds(ast.Ceiling, identifiers, e, e, st.none() | e, when, **meta),
        st.builds(ast.Minimum, identifiers, e, when, **meta),
        st.builds(
            ast.ForfaitBands,
            optional_id,
            e,
            when,
            st.lists(bands(), min_size=1, max_size=4).map(tuple),
            **meta,
        ),
        st.builds(ast.Forfait, optional_id, e, when, **meta),
        st.builds(ast.Rate, optional_id, e, when, **meta),
        st.builds(
            ast.Adjustment,
            st.sampled_from(["bonus", "cap", "floor"]),
            identifiers,
            e,
            when,
            **meta,
        ),
    )


def declarations() -> st.SearchStrategy[ast.Declaration]:
    """Every kind of declaration."""
    e = expressions()
    meta = {"message": _optional_text(), "source": _optional_text()}
    return st.one_of(
        st.builds(ast.Param, identifiers, e),
        st.builds(ast.Let, identifiers, e),
        st.builds(ast.Session, texts, e),
        st.builds(
            ast.Rule, st.sampled_from(["require", "exclude", "review"]), identifiers, e, **meta
        ),
        st.builds(
            ast.Expenses,
            st.sampled_from(["eligible", "ineligible"]),
            st.lists(st.sampled_from(FIELDS), max_size=12).map(tuple),
        ),
        st.builds(ast.ExpensesBasis, st.sampled_from(["ht", "ttc"]), st.booleans()),
        st.builds(ast.Amount, st.lists(amount_steps(), min_size=1, max_size=6).map(tuple)),
        st.builds(
            ast.Score,
            st.lists(
                st.builds(ast.Criterion, identifiers, e, st.none() | e, **meta),
                min_size=1,
                max_size=4,
            ).map(tuple),
        ),
        st.builds(ast.Limit, identifiers, e, e, st.none() | e, **meta),
        st.builds(ast.Invariant, identifiers, e, **meta),
        *vocabulary(),
    )


#: Input types as a policy writes them; `euros` is no type (the checker says so) but
#: parses and prints like one.
INPUT_TYPES = ("money", "int", "decimal", "percent", "date", "string", "bool", "set of string",
               "set of date", "euros")


def _input(draw: st.DrawFn) -> ast.Input:
    required = draw(st.booleans())
    return ast.Input(
        draw(identifiers),
        draw(st.sampled_from(INPUT_TYPES)),
        draw(_optional_text()),
        required,
        None if required else draw(st.none() | expressions()),
        draw(_optional_text()),
    )


def vocabulary() -> tuple[st.SearchStrategy[ast.Declaration], ...]:
    """The declarations of a policy's vocabulary: categories, inputs, documents."""
    return (
        st.builds(ast.ExpenseCategory, identifiers, texts, _optional_text()),
        st.composite(_input)(),
        st.builds(ast.Document, identifiers, texts, st.none() | expressions(), _optional_text()),
    )


def policies() -> st.SearchStrategy[ast.Policy]:
    """A whole policy: a header and up to eight declarations of any kind."""
    return st.builds(
        ast.Policy,
        headers(),
        st.lists(declarations(), max_size=8).map(tuple),
    )
