"""The static types of policy expressions and the typed schema of a dossier.

The checker types every expression against this schema before anything is
evaluated, so `applicant.populaton` or `population < "5000"` fail at
`fitn7 check` time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from fitn7.dossier import Category, Kind
from fitn7.legal_forms import FAMILIES, READABLE_NAMES


@attrs.frozen
class Prim:
    """A scalar type: int, decimal, money, percent, date, string, bool, or an enum."""

    name: str

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class SetOf:
    """A set literal's type: `{"22", "29"}` is a set of string."""

    element: Type

    def __str__(self) -> str:
        return f"set of {self.element}"


@attrs.frozen
class ListOf:
    """A list from the dossier: `members`, `expenses`, `project.tags`."""

    element: Type

    def __str__(self) -> str:
        return f"list of {self.element}"


@attrs.frozen
class Record:
    """A structured part of the dossier: `collectivite`, `project`, `expense`, `provider`."""

    name: str

    def __str__(self) -> str:
        return self.name


Type = Prim | SetOf | ListOf | Record

INT = Prim("int")
DECIMAL = Prim("decimal")
MONEY = Prim("money")
PERCENT = Prim("percent")
DATE = Prim("date")
STRING = Prim("string")
BOOL = Prim("bool")
KIND = Prim("kind")
#: A family of legal forms (`epci`, `ess`): `applicant.family` is a set of them. A name
#: that is both a legal form and a family (`commune`, `association`) is typed `KIND`
#: and read as a family where one is expected (`fitn7.checker.forms`).
FAMILY = Prim("family")
CATEGORY = Prim("category")
STATUS = Prim("status")
#: The type of an expression the checker could not type (already reported):
#: it is compatible with everything so one mistake gives one error.
ANY = Prim("any")

COLLECTIVITE = Record("collectivite")
PROJECT = Record("project")
EXPENSE = Record("expense")
PROVIDER = Record("provider")
DOSSIER = Record("dossier")

NUMBERS = frozenset({INT, DECIMAL})
ORDERED = frozenset({INT, DECIMAL, MONEY, PERCENT, DATE, STRING})

#: The four statuses a decision can take, as the names a policy writes.
STATUSES = ("eligible", "review", "ineligible", "incomplete")


def element_type(t: Type) -> Type | None:
    """The element type of a set or list, None for anything else."""
    if isinstance(t, SetOf | ListOf):
        return t.element
    if t == ANY:
        return ANY
    return None


def compatible(a: Type, b: Type) -> bool:
    """Whether values of the two types can be compared for equality or order."""
    if a == ANY or b == ANY:
        return True
    if a in NUMBERS and b in NUMBERS:
        return True
    ea, eb = element_type(a), element_type(b)
    if ea is not None and eb is not None:
        return compatible(ea, eb)
    return a == b


@attrs.frozen
class Schema:
    """Field types of each record, plus the root names a policy can read."""

    records: Mapping[str, Mapping[str, Type]]

    def fields(self, record: Record) -> Mapping[str, Type]:
        """The fields of a record type (empty for an unknown record)."""
        return self.records.get(record.name, {})

    def with_extra(self, record: str, fields: Mapping[str, Type]) -> Schema:
        """A schema where `record.extra` has these typed fields (declared by plugins)."""
        key = f"extra:{record}"
        records = dict(self.records)
        records[key] = {**records.get(key, {}), **fields}
        return Schema(records)


_COLLECTIVITE_FIELDS: dict[str, Type] = {
    "name": STRING,
    "kind": KIND,
    "code": STRING,
    "population": INT,
    "departement": STRING,
    "region": STRING,
    "zrr": BOOL,
    "qpv": BOOL,
    "extra": Record("extra:collectivite"),
    "siret": STRING,
    "siren": STRING,
    # derived from `kind`: the catégorie juridique code, and the families of the form
    "legal_form": STRING,
    "family": SetOf(FAMILY),
}

DEFAULT_SCHEMA = Schema(
    {
        "collectivite": _COLLECTIVITE_FIELDS,
        "project": {
            "title": STRING,
            "themes": ListOf(STRING),
            "tags": ListOf(STRING),
            "started": BOOL,
            "duration_months": INT,
            "participatory": BOOL,
            "open_source": BOOL,
            "communes_covered": INT,
            "extra": Record("extra:project"),
        },
        "expense": {
            "label": STRING,
            "category": CATEGORY,
            "amount": MONEY,
            "provider": PROVIDER,
            "amount_ht": MONEY,
            "amount_ttc": MONEY,
            "vat_recovered": BOOL,
            # derived: the policy's `expenses` declaration counts this line
            "eligible": BOOL,
        },
        "provider": {"name": STRING, "siret": STRING, "region": STRING},
        "dossier": {
            "id": STRING,
            "submitted": DATE,
            "applicant": COLLECTIVITE,
            "members": ListOf(COLLECTIVITE),
            "project": PROJECT,
            "expenses": ListOf(EXPENSE),
            "requested": MONEY,
            "extra": Record("extra:dossier"),
            # derived values
            "joint": BOOL,
            "total_expenses": MONEY,
            "eligible_expenses": MONEY,
            "session": STRING,
        },
        # what an `invariant` may also read: the decision being checked
        "decision": {"status": STATUS, "amount": MONEY, "score": INT},
        "extra:collectivite": {},
        "extra:project": {},
        "extra:dossier": {},
    }
)

def _forms() -> dict[str, Type]:
    """The readable names of legal forms and the family names, with their type (a name
    that is both is a kind, see `FAMILY`)."""
    families = dict.fromkeys(FAMILIES, FAMILY)
    kinds = {**{k.value: KIND for k in Kind}, **dict.fromkeys(READABLE_NAMES, KIND)}
    return {**families, **kinds}


def is_family_name(name: str) -> bool:
    """Whether a name is that of a family of legal forms (`epci`, and `commune` too)."""
    return name in FAMILIES


_FORMS = _forms()


def may_hide(name: str) -> bool:
    """Whether a `let` or `param` may take this constant's name: a legal form or family
    fitn7 came to know after policies were written (`epci`, `ess`, `sa` …), which a
    policy's own `let epci = {…}` then means instead. The eleven collectivité kinds,
    categories and statuses may not be hidden."""
    return _FORMS.get(name) is not None and name not in Kind._value2member_map_


def constants_for(categories: Iterable[str]) -> Mapping[str, Type]:
    """The bare names that denote constants, with their type, for a policy with these
    expense categories: legal forms and their families, the categories, statuses."""
    return {
        **_FORMS,
        **{str(c): CATEGORY for c in categories},
        **{s: STATUS for s in STATUSES},
    }


#: Bare names that denote constants, with their type, for a policy that declares
#: no category (the built-in ten).
CONSTANTS: Mapping[str, Type] = constants_for(Category)
