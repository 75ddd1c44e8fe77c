"""The abstract syntax tree of a policy: frozen attrs nodes.

Children are tuples; every node has a `span` that is excluded from equality
and hashing, so two policies compare equal when they mean the same thing
whatever their layout. Comments are kept on `Policy.comments` for the
formatter and are not part of the meaning either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, TypeVar

import attrs

from fitn7.dsl.source import SourceText, Span

_D = TypeVar("_D")


# ------------------------------------------------------------------ literals


@attrs.frozen
class IntLit:
    """An integer literal: `1_188_000`."""

    value: int
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class DecimalLit:
    """A decimal number literal: `2.5`."""

    value: Decimal
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class MoneyLit:
    """An amount in euros: `5_000 €` or `5000 EUR`."""

    value: Decimal
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class PercentLit:
    """A percentage: `80%` (value 80, not 0.8)."""

    value: Decimal
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class DateLit:
    """An ISO date: `2021-06-21`."""

    value: datetime.date
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class StringLit:
    """A string in double quotes."""

    value: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class BoolLit:
    """`true` or `false`."""

    value: bool
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class SetLit:
    """A set literal: `{"22", "29"}` or `{commune, cc}`."""

    items: tuple[Expr, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


# --------------------------------------------------------------- expressions


@attrs.frozen
class Name:
    """A bare name: a field of the dossier, a `let`, a `param` or a constant."""

    name: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Attribute:
    """Field access: `applicant.population`; on a list, the list of the fields."""

    value: Expr
    attr: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Filter:
    """The elements of a list for which a predicate holds: `expenses[category == etude]`."""

    value: Expr
    predicate: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Call:
    """A call of a registered function: `count(members)`."""

    func: str
    args: tuple[Expr, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


UnaryOperator = Literal["-", "+"]
ArithOperator = Literal["+", "-", "*", "/"]
CompareOperator = Literal["==", "!=", "<", "<=", ">", ">="]
MembershipOperator = Literal["in", "not in", "meets"]
BoolOperator = Literal["and", "or"]


@attrs.frozen
class Unary:
    """A sign in front of a number: `-x`, `+2`."""

    op: UnaryOperator
    operand: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class BinOp:
    """Arithmetic: `a + b`, `a * b`."""

    op: ArithOperator
    left: Expr
    right: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Compare:
    """A comparison chain: `a <= b <= c` means `a <= b and b <= c`."""

    operands: tuple[Expr, ...]
    ops: tuple[CompareOperator, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Membership:
    """`x in s`, `x not in s`, `s meets t` (the two share an element)."""

    op: MembershipOperator
    left: Expr
    right: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class BoolOp:
    """`a and b and c`, `a or b` (Kleene three-valued logic)."""

    op: BoolOperator
    operands: tuple[Expr, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Not:
    """`not a`."""

    operand: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Implies:
    """`a implies b`, that is `not a or b`."""

    left: Expr
    right: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


Literal_ = IntLit | DecimalLit | MoneyLit | PercentLit | DateLit | StringLit | BoolLit
Expr = (
    IntLit
    | DecimalLit
    | MoneyLit
    | PercentLit
    | DateLit
    | StringLit
    | BoolLit
    | SetLit
    | Name
    | Attribute
    | Filter
    | Call
    | Unary
    | BinOp
    | Compare
    | Membership
    | BoolOp
    | Not
    | Implies
)

# ------------------------------------------------------------------- header


@attrs.frozen
class Header:
    """The `policy` header: id, title, authority, version, envelope, parent, plugins."""

    id: str
    title: str | None = None
    authority: str | None = None
    version: str | None = None
    envelope: Expr | None = None
    extends: str | None = None
    uses: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    #: Where each field is written, for diagnostics about it: `extends`, and
    #: `uses:NAME` for each plugin named. Not part of what the header says.
    places: Mapping[str, Span] = attrs.field(factory=dict, eq=False, repr=False, kw_only=True)

    def place(self, key: str) -> Span | None:
        """Where field `key` (`extends`, `uses:fitn7_zrr`) is written, else the header."""
        return self.places.get(key, self.span)


# -------------------------------------------------------------- declarations


@attrs.frozen
class Param:
    """`param name = default`: a value a committee may override at run time."""

    name: str
    default: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Let:
    """`let name = expr`: a named value or predicate."""

    name: str
    value: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Session:
    """`session "name" closes DATE`: a committee and the last filing day it takes."""

    name: str
    closes: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


RuleKind = Literal["require", "exclude", "review"]


@attrs.frozen
class Rule:
    """An eligibility rule: `require`, `exclude` or `review`, with id, message, source."""

    kind: RuleKind
    id: str
    condition: Expr
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


ExpensesMode = Literal["eligible", "ineligible"]


@attrs.frozen
class Expenses:
    """Which expense categories count towards the eligible base."""

    mode: ExpensesMode
    categories: tuple[str, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


BasisKind = Literal["ht", "ttc"]


@attrs.frozen
class ExpensesBasis:
    """`expenses basis ht|ttc [excluding recovered_vat]`: which figure of each expense
    line the policy funds. Without it, a line's `amount` is read."""

    basis: BasisKind
    excluding_recovered_vat: bool = False
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Base:
    """`base expr`: what the amount is computed from (default: `eligible_expenses`,
    or in a part the eligible lines of that part), with an optional message and source."""

    value: Expr
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


BandKind = Literal["below", "between", "from", "otherwise"]


@attrs.frozen
class Band:
    """One population band: `below 5_000 : 5_000 €`, `from 5_000 below 20_000 : …`."""

    kind: BandKind
    low: Expr | None
    high: Expr | None
    value: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class ForfaitBands:
    """A flat amount chosen by bands of a value: `forfait by applicant.population …`."""

    id: str | None
    by: Expr
    when: Expr | None
    bands: tuple[Band, ...]
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Forfait:
    """A flat amount, when its condition holds: `forfait 20_000 € when …`."""

    id: str | None
    value: Expr
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Rate:
    """A share of the base: `rate 100%`."""

    id: str | None
    value: Expr
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


AdjustmentKind = Literal["bonus", "cap", "floor"]


@attrs.frozen
class Adjustment:
    """`bonus`, `cap` or `floor` applied to the computed amount, with an id."""

    kind: AdjustmentKind
    id: str
    value: Expr
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Part:
    """`part NAME: LINES`: the steps after it compute one part of the grant over these
    expense lines, until the next `part` or `total` (see `fitn7.dsl.amounts`)."""

    id: str
    lines: Expr
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Total:
    """`total`: the steps after it apply to the sum of the parts."""

    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Ceiling:
    """`ceiling ID: SHARE of COST minus OTHER`: the grant is at most SHARE × COST − OTHER
    (the ceiling on cumulative public aid; OTHER is the other public aid)."""

    id: str
    share: Expr
    cost: Expr
    other: Expr | None
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Minimum:
    """`minimum ID: AMOUNT`: a grant below this makes the dossier ineligible."""

    id: str
    value: Expr
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


AmountStep = Base | ForfaitBands | Forfait | Rate | Adjustment | Part | Total | Ceiling | Minimum


@attrs.frozen
class Amount:
    """The `amount` block: base, then the first matching forfait or rate, then adjustments;
    or parts, each such a pipeline over some expense lines, then steps on their total.

    The steps stay flat, in file order, as written; `fitn7.dsl.amounts.sections`
    groups them into parts and the total.
    """

    steps: tuple[AmountStep, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Criterion:
    """A score criterion: `inclusion: +2 when "inclusion" in project.tags`."""

    id: str
    value: Expr
    when: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Score:
    """The `score` block: criteria summed for ranking."""

    criteria: tuple[Criterion, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Limit:
    """`limit id: at most N awards per PATH where COND`, applied by allocation."""

    id: str
    count: Expr
    per: Expr
    where: Expr | None
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Invariant:
    """A property the policy promises for every dossier, checked by property tests."""

    id: str
    condition: Expr
    message: str | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class ExpenseCategory:
    """`category etude "Études"`: an expense category of the policy's vocabulary, with its
    French label. Expense lines of a dossier name one of these."""

    name: str
    label: str
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


#: The types an `input` may have, as the policy writes them (`set of string` too).
INPUT_TYPES = ("money", "int", "decimal", "percent", "date", "string", "bool")


@attrs.frozen
class Input:
    """`input autres_aides: money "Autres aides publiques" optional default 0 €`: a value the
    dossier gives in its `[inputs]` table, typed, read by its bare name.

    `type` is as written (`money`, `set of string`); the checker says whether it
    is one of `INPUT_TYPES`. A required input (the default) missing from a dossier
    makes the decision incomplete; an optional one is unknown, or its `default`.
    """

    name: str
    type: str
    label: str | None = None
    required: bool = True
    default: Expr | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Document:
    """`document deliberation: "Délibération" when …`: a pièce justificative the dossier must
    list in `documents` (when its condition holds), or the decision is incomplete."""

    name: str
    label: str
    when: Expr | None = None
    source: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


#: The declarations of a policy's own vocabulary.
VocabularyDecl = ExpenseCategory | Input | Document

Declaration = (
    Param | Let | Session | Rule | Expenses | ExpensesBasis | Amount | Score | Limit | Invariant
    | ExpenseCategory | Input | Document
)


@attrs.frozen
class Comment:
    """A `#` comment; `trailing` when code precedes it on its line."""

    line: int
    column: int
    text: str
    trailing: bool


@attrs.frozen
class Policy:
    """A whole policy file: the header and the declarations in file order."""

    header: Header
    declarations: tuple[Declaration, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False, repr=False)
    source: SourceText | None = attrs.field(default=None, eq=False, repr=False)
    span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    #: True once `extends` was resolved (`fitn7.resolve`): the parents' declarations
    #: are merged in. A parsed file that names a parent is not ready to evaluate.
    resolved: bool = attrs.field(default=False, eq=False, repr=False, kw_only=True)

    @property
    def id(self) -> str:
        """The policy id from its header: `fitn7-bretagne`."""
        return self.header.id

    def of_type(self, kind: type[_D]) -> tuple[_D, ...]:
        """The declarations of one node type, in file order."""
        return tuple(d for d in self.declarations if isinstance(d, kind))


def walk(node: Any) -> Iterator[Any]:
    """`node` and every node under it, depth first: declarations, expressions, literals.

    Spans, comments and sources are not visited (they are no part of the meaning).
    """
    yield node
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif attrs.has(type(node)):
        for field in attrs.fields(type(node)):
            if field.eq:
                yield from walk(getattr(node, field.name))
