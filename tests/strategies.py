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

import attrs
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


# Every strategy below is built once, at import, and the functions hand out
# that one object: hypothesis validates a strategy (and works out the shape of
# a recursive one) on first use, which costs far more than a draw, so a test
# that built `expressions()` again at each example (`data.draw(...)`) spent
# most of its time there.

_CONSTANTS = st.one_of(
    st.integers(0, 10**12).map(ast.IntLit),
    _fractions.map(ast.DecimalLit),
    _money.map(ast.MoneyLit),
    (st.integers(0, 100).map(Decimal) | st.decimals(0, 100, places=1)).map(ast.PercentLit),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(ast.DateLit),
    texts.map(ast.StringLit),
    st.booleans().map(ast.BoolLit),
)
_LITERALS = _CONSTANTS | st.sampled_from(FIELDS).map(ast.Name)


def literals() -> st.SearchStrategy[ast.Expr]:
    """Every literal kind, and names."""
    return _LITERALS


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


_EXPRESSIONS = st.recursive(_LITERALS, _compound, max_leaves=12)


def expressions() -> st.SearchStrategy[ast.Expr]:
    """Any expression the parser can produce, a few levels deep."""
    return _EXPRESSIONS


_OPTIONAL_TEXT = st.none() | texts
_META = {"message": _OPTIONAL_TEXT, "source": _OPTIONAL_TEXT}
_WHEN = st.none() | _EXPRESSIONS


def _headers(extends: st.SearchStrategy[str | None]) -> st.SearchStrategy[ast.Header]:
    return st.builds(
        ast.Header,
        texts,
        title=_OPTIONAL_TEXT,
        authority=_OPTIONAL_TEXT,
        version=_OPTIONAL_TEXT,
        envelope=st.none() | _money.map(ast.MoneyLit) | _EXPRESSIONS,
        extends=extends,
        uses=st.lists(texts, max_size=3).map(tuple),
    )


_HEADERS = _headers(_OPTIONAL_TEXT)


def headers() -> st.SearchStrategy[ast.Header]:
    """A `policy` header, from the id alone to every field."""
    return _HEADERS


_BOUNDED_BANDS = st.one_of(
    st.builds(ast.Band, st.just("below"), st.none(), _EXPRESSIONS, _EXPRESSIONS),
    st.builds(ast.Band, st.just("between"), _EXPRESSIONS, _EXPRESSIONS, _EXPRESSIONS),
    st.builds(ast.Band, st.just("from"), _EXPRESSIONS, st.none(), _EXPRESSIONS),
)
_BANDS = _BOUNDED_BANDS | st.builds(
    ast.Band, st.just("otherwise"), st.none(), st.none(), _EXPRESSIONS
)


def bands() -> st.SearchStrategy[ast.Band]:
    """A band of each kind, with exactly the bounds its keyword writes."""
    return _BANDS


def bounded_bands() -> st.SearchStrategy[ast.Band]:
    """A `below`, `between` or `from` band: one with at least one threshold."""
    return _BOUNDED_BANDS


_OPTIONAL_ID = st.none() | identifiers
_NAMED_STEPS = st.one_of(
    st.builds(ast.Forfait, _OPTIONAL_ID, _EXPRESSIONS, _WHEN, **_META),
    st.builds(ast.Rate, _OPTIONAL_ID, _EXPRESSIONS, _WHEN, **_META),
    st.builds(
        ast.Adjustment,
        st.sampled_from(["bonus", "cap", "floor"]),
        identifiers,
        _EXPRESSIONS,
        _WHEN,
        **_META,
    ),
)
_AMOUNT_STEPS = st.one_of(
    st.builds(ast.Base, _EXPRESSIONS, **_META),
    st.builds(ast.Part, identifiers, _EXPRESSIONS, **_META),
    st.builds(ast.Total, **_META),
    st.builds(ast.Ceiling, identifiers, _EXPRESSIONS, _EXPRESSIONS, st.none() | _EXPRESSIONS, _WHEN,
              **_META),
    st.builds(ast.Minimum, identifiers, _EXPRESSIONS, _WHEN, **_META),
    st.builds(
        ast.ForfaitBands,
        _OPTIONAL_ID,
        _EXPRESSIONS,
        _WHEN,
        st.lists(_BANDS, min_size=1, max_size=4).map(tuple),
        **_META,
    ),
    _NAMED_STEPS,
)


def amount_steps() -> st.SearchStrategy[ast.AmountStep]:
    """Every kind of `amount` step."""
    return _AMOUNT_STEPS


def valued_steps() -> st.SearchStrategy[ast.Forfait | ast.Rate | ast.Adjustment]:
    """A forfait, rate, bonus, cap or floor: a step with one amount of its own."""
    return _NAMED_STEPS


def _declarations(
    param_defaults: st.SearchStrategy[ast.Expr], closes: st.SearchStrategy[ast.Expr]
) -> st.SearchStrategy[ast.Declaration]:
    return st.one_of(
        st.builds(ast.Param, identifiers, param_defaults),
        st.builds(ast.Let, identifiers, _EXPRESSIONS),
        st.builds(ast.Session, texts, closes),
        st.builds(
            ast.Rule,
            st.sampled_from(["require", "exclude", "review"]),
            identifiers,
            _EXPRESSIONS,
            **_META,
        ),
        st.builds(
            ast.Expenses,
            st.sampled_from(["eligible", "ineligible"]),
            st.lists(st.sampled_from(FIELDS), max_size=12).map(tuple),
        ),
        st.builds(ast.ExpensesBasis, st.sampled_from(["ht", "ttc"]), st.booleans()),
        st.builds(ast.Amount, st.lists(_AMOUNT_STEPS, min_size=1, max_size=6).map(tuple)),
        st.builds(
            ast.Score,
            st.lists(
                st.builds(ast.Criterion, identifiers, _EXPRESSIONS, _WHEN, **_META),
                min_size=1,
                max_size=4,
            ).map(tuple),
        ),
        st.builds(ast.Limit, identifiers, _EXPRESSIONS, _EXPRESSIONS, _WHEN, **_META),
        st.builds(ast.Invariant, identifiers, _EXPRESSIONS, **_META),
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
        draw(_OPTIONAL_TEXT),
        required,
        None if required else draw(st.none() | _EXPRESSIONS),
        draw(_OPTIONAL_TEXT),
    )


def vocabulary() -> tuple[st.SearchStrategy[ast.Declaration], ...]:
    """The declarations of a policy's vocabulary: categories, inputs, documents."""
    return (
        st.builds(ast.ExpenseCategory, identifiers, texts, _OPTIONAL_TEXT),
        st.composite(_input)(),
        st.builds(ast.Document, identifiers, texts, st.none() | _EXPRESSIONS, _OPTIONAL_TEXT),
    )


_DECLARATIONS = _declarations(_EXPRESSIONS, _EXPRESSIONS)


def declarations() -> st.SearchStrategy[ast.Declaration]:
    """Every kind of declaration."""
    return _DECLARATIONS


def _names(decl: ast.Declaration) -> list[str]:
    """The names a declaration gives: its own, and its criteria's and steps' ids."""
    own = getattr(decl, "id", getattr(decl, "name", None))
    inner = [c.id for c in getattr(decl, "criteria", ())]
    inner += [getattr(step, "id", None) for step in getattr(decl, "steps", ())]
    return [n for n in (own, *inner) if n is not None]


def declared_names(policy: ast.Policy) -> list[str]:
    """Every name the declarations of `policy` give, in order, repeats included.

    An empty session name `""` is a name too (two of them are two sessions of one name).
    """
    return [name for decl in policy.declarations for name in _names(decl)]


def _first_of_each_name(policy: ast.Policy) -> ast.Policy:
    """`policy` without the declarations, criteria and steps that reuse a name."""
    seen: set[str] = set()

    def fresh(name: str | None) -> bool:
        if name is None:
            return True
        if name in seen:
            return False
        seen.add(name)
        return True

    kept: list[ast.Declaration] = []
    for decl in policy.declarations:
        if isinstance(decl, ast.Score):
            criteria = tuple(c for c in decl.criteria if fresh(c.id))
            if criteria:
                kept.append(attrs.evolve(decl, criteria=criteria))
        elif isinstance(decl, ast.Amount):
            steps = tuple(s for s in decl.steps if fresh(getattr(s, "id", None)))
            if steps:
                kept.append(attrs.evolve(decl, steps=steps))
        elif fresh(getattr(decl, "id", getattr(decl, "name", None))):
            kept.append(decl)
    return attrs.evolve(policy, declarations=tuple(kept))


_POLICIES = st.builds(ast.Policy, _HEADERS, st.lists(_DECLARATIONS, max_size=8).map(tuple))
_UNIQUE_POLICIES = _POLICIES.map(_first_of_each_name)


def policies(*, unique_names: bool = False) -> st.SearchStrategy[ast.Policy]:
    """A whole policy: a header and up to eight declarations of any kind.

    With `unique_names`, no two declarations, criteria or steps share a name
    (ids, param, let and session names alike), as the checker demands.
    """
    return _UNIQUE_POLICIES if unique_names else _POLICIES


#: What the evaluator compiles without a checker: no unresolved `extends`, a
#: literal default for each param, a date for each session.
_EVALUABLE_POLICIES = st.builds(
    ast.Policy,
    _headers(st.none()),
    st.lists(
        _declarations(_CONSTANTS, st.dates().map(ast.DateLit)), max_size=8
    ).map(tuple),
)


def evaluable_policies() -> st.SearchStrategy[ast.Policy]:
    """Policies the evaluator compiles, typed or not, unless a name is unknown.

    Like `policies()`, but `compile_policy` refuses the others before any
    evaluation (an `extends` not merged in, a param default that is no
    literal, a session closing on no date): a test of evaluation would throw
    them away.
    """
    return _EVALUABLE_POLICIES
