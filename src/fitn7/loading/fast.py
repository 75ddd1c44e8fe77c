"""The fast reader of a dossier mapping: the common shape, read without tracking where.

Most dossiers are well formed: plain tables and lists, text, whole numbers,
booleans, dates, amounts in whole euros or cents, a collectivité of one of
the eleven kinds, categories the policy declares. `common_dossier` reads
those field by field as `fitn7.loading.mapping` does, giving the very same
`Dossier`, but without building the place of every value (`Where`) nor
checking again what the type already says: several times faster.

At the first value it does not take as it comes (an unknown key, a code
written as a number, an amount as text, an association, anything wrong), it
gives up and returns None: the full reader then reads the dossier and, when
something is wrong, says what and where. So a dossier is read the same and
an error is worded the same whichever reader met it first. Less common
values (identifiers, local fields, inputs, documents, amounts as text) go
through the full reader's own functions, which raise here rather than name
a place (`Anywhere`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

import attrs

from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider
from fitn7.limits import EUROS_DIGITS, WHOLE_DIGITS
from fitn7.loading import values as v
from fitn7.loading.keys import (
    COLLECTIVITE_KEYS,
    DOSSIER_KEYS,
    EXPENSE_KEYS,
    PROJECT_KEYS,
    PROVIDER_KEYS,
)
from fitn7.loading.vocabulary import read_documents, read_inputs
from fitn7.loading.where import Where
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary


class Unusual(Exception):
    """A value the fast reader leaves to the full one."""


@attrs.frozen
class Anywhere(Where):
    """The place of a value the fast reader does not track: a reader of the full one
    that finds something wrong there raises `Unusual` instead of naming it."""

    def key(self, name: str) -> Where:
        """Still anywhere."""
        return self

    def index(self, i: int) -> Where:
        """Still anywhere."""
        return self

    def error(self, message: str, hint: str | None = None) -> NoReturn:
        """Give the dossier to the full reader, which will say what and where."""
        raise Unusual


_ANYWHERE = Anywhere("", "")
_DOSSIER = frozenset(DOSSIER_KEYS[0])
_COLLECTIVITE = frozenset(COLLECTIVITE_KEYS[0])
_PROJECT = frozenset(PROJECT_KEYS[0])
_EXPENSE = frozenset(EXPENSE_KEYS[0])
_PROVIDER = frozenset(PROVIDER_KEYS[0])
#: The eleven collectivité kinds by their names: read as such, they have no other code
#: and every field of a collectivité (`tests/test_loading_fast.py` checks it).
_KINDS = {kind.value: kind for kind in Kind}
#: A built-in category as a dossier holds it (`fitn7.loading.vocabulary.category_value`).
_BUILT_IN = {category.value: category for category in Category}
def _builder(cls: type[Any]) -> Any:
    """`cls(...)`, all fields given in order, for a frozen attrs class: its slots filled
    one by one directly, about half the cost of its `__init__` (which goes through
    `object.__setattr__`); the class itself when a field has a validator, converter or
    hook that the `__init__` runs."""
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None or f.on_setattr is not None
           for f in fields) or "__slots__" not in cls.__dict__:
        return cls  # pragma: no cover - the dossier classes have plain fields
    names = [f.name for f in fields]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    namespace.update({f"_set_{name}": cls.__dict__[name].__set__ for name in names})
    source = (f"def build({', '.join(names)}):\n    o = _new(_cls)\n"
              + "".join(f"    _set_{name}(o, {name})\n" for name in names)
              + "    return o\n")
    exec(compile(source, f"<build {cls.__name__}>", "exec"), namespace)
    return namespace["build"]


_APPLICANT = _builder(Collectivite)
_PROJECT_OF = _builder(Project)
_PROVIDER_OF = _builder(Provider)
_EXPENSE_OF = _builder(Expense)
_DOSSIER_OF = _builder(Dossier)
_WHOLE_LIMIT = 10**WHOLE_DIGITS
_EUROS_LIMIT = 10**EUROS_DIGITS
_CENT = Decimal("0.01")


def common_dossier(
    data: Any, *, file: str, vocabulary: Vocabulary | None = None
) -> Dossier | None:
    """The `Dossier` `fitn7.loading.mapping.dossier_from_mapping` reads from `data`, when
    `data` has the common shape; else None (see the module)."""
    try:
        return _dossier(data, file, vocabulary)
    except Exception:  # Unusual, or anything odd: the full reader knows what to say
        return None


def _table(value: Any, keys: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not keys.issuperset(value):
        raise Unusual
    return value


def _list(value: Any) -> list[Any] | tuple[Any, ...]:
    if type(value) is not list and type(value) is not tuple:
        raise Unusual
    return value


def _text(value: Any) -> str | None:
    if value is None or (type(value) is str and value.isascii()):
        return value
    return v.read_str(value, _ANYWHERE)


def _whole(value: Any) -> int | None:
    if value is None or (type(value) is int and 0 <= value < _WHOLE_LIMIT):
        return value
    return v.read_int(value, _ANYWHERE)


def _flag(value: Any) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise Unusual


def _money(value: Any) -> Decimal | None:
    """Euros to the cent, as `read_money` gives them (two decimals)."""
    if value is None:
        return None
    if type(value) is int and 0 <= value < _EUROS_LIMIT:
        return Decimal(value).quantize(_CENT)
    if type(value) is Decimal and value.is_finite() and not value.is_signed() \
            and value.adjusted() < EUROS_DIGITS:
        cents = value.quantize(_CENT)
        if cents == value:
            return cents
    return v.read_money(value, _ANYWHERE)


def _date(value: Any) -> datetime.date | None:
    if value is None or type(value) is datetime.date:
        return value
    return v.read_date(value, _ANYWHERE)


def _extra(data: dict[str, Any]) -> dict[str, Any]:
    extra = data.get("extra")
    return {} if extra is None else v.read_extra(extra, _ANYWHERE)


def _collectivite(value: Any) -> Collectivite:
    data = _table(value, _COLLECTIVITE)
    kind = data.get("kind")
    if kind is not None:
        kind = _KINDS.get(kind) if type(kind) is str else None
        if kind is None:
            raise Unusual  # another legal form, or a code: the full reader knows them
    siret = data.get("siret")
    siren = data.get("siren")
    if siret is not None:
        siret = v.read_siret(siret, _ANYWHERE)
    if siren is not None:
        siren = v.read_siren(siren, _ANYWHERE)
        if siret is not None and siret[:9] != siren:
            raise Unusual
    elif siret is not None:
        siren = siret[:9]
    return _APPLICANT(  # type: ignore[no-any-return]
        _text(data.get("name")), kind, _text(data.get("code")),
        _whole(data.get("population")), _text(data.get("departement")),
        _text(data.get("region")), _flag(data.get("zrr")), _flag(data.get("qpv")),
        _extra(data), siret, siren, None,
    )


def _words(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    words = _list(value)
    if all(type(word) is str and word.isascii() for word in words):
        return tuple(words)
    return v.read_str_list(value, _ANYWHERE)


def _project(value: Any) -> Project:
    data = _table(value, _PROJECT)
    return _PROJECT_OF(  # type: ignore[no-any-return]
        _text(data.get("title")), _words(data.get("themes")), _words(data.get("tags")),
        _flag(data.get("started")), _whole(data.get("duration_months")),
        _flag(data.get("participatory")), _flag(data.get("open_source")),
        _whole(data.get("communes_covered")), _extra(data),
    )


def _provider(value: Any) -> Provider | None:
    if value is None:
        return None
    data = _table(value, _PROVIDER)
    return _PROVIDER_OF(  # type: ignore[no-any-return]
        _text(data.get("name")), _text(data.get("siret")), _text(data.get("region")))


def _expense(value: Any, categories: Mapping[str, str]) -> Expense:
    data = _table(value, _EXPENSE)
    category = data.get("category")
    if category is not None:
        if type(category) is not str or category not in categories:
            raise Unusual
        category = _BUILT_IN.get(category, category)
    amount_ht = _money(data.get("amount_ht"))
    amount_ttc = _money(data.get("amount_ttc"))
    if amount_ht is not None and amount_ttc is not None and amount_ttc < amount_ht:
        raise Unusual
    return _EXPENSE_OF(  # type: ignore[no-any-return]
        _text(data.get("label")), category, _money(data.get("amount")),
        _provider(data.get("provider")), amount_ht, amount_ttc,
        _flag(data.get("vat_recovered")),
    )


def _dossier(value: Any, file: str, vocabulary: Vocabulary | None) -> Dossier:
    data = _table(value, _DOSSIER)
    ident = data.get("id")
    if type(ident) is not str or not ident.isascii() or not ident.strip():
        raise Unusual
    categories = vocabulary.categories if vocabulary is not None else DEFAULT_CATEGORIES
    applicant = data.get("applicant")
    members = data.get("members")
    project = data.get("project")
    expenses = data.get("expenses")
    inputs = data.get("inputs")
    documents = data.get("documents")
    if inputs is None:
        inputs = {}
    elif vocabulary is None:
        inputs = v.read_extra(inputs, _ANYWHERE)
    else:
        inputs = read_inputs(inputs, _ANYWHERE, vocabulary)
    return _DOSSIER_OF(  # type: ignore[no-any-return]
        ident,
        _date(data.get("submitted")),
        None if applicant is None else _collectivite(applicant),
        () if members is None else tuple(_collectivite(m) for m in _list(members)),
        None if project is None else _project(project),
        None if expenses is None else tuple(
            _expense(line, categories) for line in _list(expenses)),
        _money(data.get("requested")),
        _extra(data),
        inputs,
        () if documents is None else read_documents(documents, _ANYWHERE, vocabulary),
        file,
    )

