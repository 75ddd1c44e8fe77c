"""`dossier_from_mapping`: a dossier from the tables TOML or JSON give, checked field by field.

The shape is the one of `fitn7.dossier`: a key left out (or JSON `null`) is
absent, `members` absent is no members, `expenses` absent is missing while an
empty list is a value, and `extra` holds the local fields. Any other key is an
error, with a `did you mean` when it is a typo: a misspelt `aplicant` must not
become a dossier without applicant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from fitn7.applicants import COLLECTIVITE_FIELDS, alias_code, form_text, is_collectivite, main_code
from fitn7.diagnostics import did_you_mean
from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider
from fitn7.limits import text_shown
from fitn7.loading import values as v
from fitn7.loading.fast import common_dossier
from fitn7.loading.keys import (
    COLLECTIVITE_KEYS,
    DOSSIER_KEYS,
    EXPENSE_KEYS,
    PROJECT_KEYS,
    PROVIDER_KEYS,
    Keys,
)
from fitn7.loading.vocabulary import read_category, read_documents, read_inputs
from fitn7.loading.where import Where
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary

_T = TypeVar("_T")


def _table(value: Any, at: Where) -> Mapping[str, Any]:
    """`value` if it is a table (a JSON object), else an error."""
    if not isinstance(value, Mapping):
        raise at.error("expected a table")
    return value


def _check_keys(data: Mapping[str, Any], at: Where, keys: Keys) -> None:
    """Refuse the first key that is not a field of this table, with the best hint we have."""
    written, derived = keys
    for key in data:
        if key in written:
            continue
        name = str(key)
        v.check_text(name, at.key(text_shown(name)))
        hint = did_you_mean(name, written)
        if hint is None and name in derived:
            hint = f"`{name}` is computed by fitn7 from the dossier: remove it"
        if hint is None:
            if "extra" in written:
                hint = "local fields go under `extra`"
            else:
                hint = "known keys: " + ", ".join(f"`{k}`" for k in written)
        raise at.error(f"unknown key `{name}`", hint)


def _optional(
    data: Mapping[str, Any], key: str, at: Where, read: Callable[[Any, Where], _T]
) -> _T | None:
    """`read` applied to `data[key]`, or None when the key is absent or null."""
    value = data.get(key)
    if value is None:
        return None
    return read(value, at.key(key))


def _list(value: Any, at: Where, key: str) -> Sequence[Any]:
    """`value` if it is a list (its items are checked as tables by the caller)."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value
    raise at.error("expected a list of tables", f"write each one as a `[[{key}]]` table")


def _str(field: str) -> Callable[[Any, Where], str]:
    """A reader of text for `field` (which words the hint for numeric-looking codes)."""
    return lambda value, at: v.read_str(value, at, field=field)


def _collectivite(value: Any, at: Where, role: str) -> Collectivite:
    """The applicant or a member: a collectivité, or any other legal form."""
    data = _table(value, at)
    _check_keys(data, at, COLLECTIVITE_KEYS)
    kind = _optional(data, "kind", at, lambda x, w: v.read_kind(x, w, role=role))
    alias = alias_code(data["kind"], kind) if kind is not None else None
    if kind is not None:
        _collectivite_fields_only(data, at, alias or main_code(kind))
    siret = _optional(data, "siret", at, v.read_siret)
    siren = _optional(data, "siren", at, v.read_siren)
    if siret is not None and siren is not None and siret[:9] != siren:
        raise at.key("siren").error(
            f"SIREN `{siren}` is not the one of SIRET `{siret}`",
            f"a SIRET starts with its SIREN: `{siret[:9]}`; give one of the two",
        )
    return Collectivite(
        name=_optional(data, "name", at, _str("name")),
        kind=kind,
        code=_optional(data, "code", at, _str("code")),
        population=_optional(data, "population", at, v.read_int),
        departement=_optional(data, "departement", at, _str("departement")),
        region=_optional(data, "region", at, _str("region")),
        zrr=_optional(data, "zrr", at, v.read_bool),
        qpv=_optional(data, "qpv", at, v.read_bool),
        extra=_extra(data, at),
        siret=siret,
        siren=siren if siren is not None else (siret[:9] if siret is not None else None),
        categorie_juridique=alias,
    )


def _collectivite_fields_only(data: Mapping[str, Any], at: Where, code: str | None) -> None:
    """Refuse the fields of a collectivité on an applicant of another legal form: an
    association has no INSEE commune code nor population a rule could read."""
    if code is None or is_collectivite(code):
        return
    for key in COLLECTIVITE_FIELDS:
        if data.get(key) is not None:
            raise at.key(key).error(
                f"`{key}` is for a collectivité or a groupement, not for "
                f"{form_text(code)}",
                "remove it: a rule that reads it finds it `sans objet` (docs/dossiers.md); "
                "identify the applicant by `siret` or `siren`",
            )


def _project(value: Any, at: Where) -> Project:
    """What the dossier asks funding for."""
    data = _table(value, at)
    _check_keys(data, at, PROJECT_KEYS)
    return Project(
        title=_optional(data, "title", at, _str("title")),
        themes=_optional(data, "themes", at, v.read_str_list),
        tags=_optional(data, "tags", at, v.read_str_list),
        started=_optional(data, "started", at, v.read_bool),
        duration_months=_optional(data, "duration_months", at, v.read_int),
        participatory=_optional(data, "participatory", at, v.read_bool),
        open_source=_optional(data, "open_source", at, v.read_bool),
        communes_covered=_optional(data, "communes_covered", at, v.read_int),
        extra=_extra(data, at),
    )


def _provider(value: Any, at: Where) -> Provider:
    """Who is paid for an expense line."""
    data = _table(value, at)
    _check_keys(data, at, PROVIDER_KEYS)
    return Provider(
        name=_optional(data, "name", at, _str("name")),
        siret=_optional(data, "siret", at, _str("siret")),
        region=_optional(data, "region", at, _str("region")),
    )


def _expense(value: Any, at: Where, categories: Mapping[str, str]) -> Expense:
    """One budget line."""
    data = _table(value, at)
    _check_keys(data, at, EXPENSE_KEYS)
    line = Expense(
        label=_optional(data, "label", at, _str("label")),
        category=_optional(data, "category", at,
                           lambda x, w: read_category(x, w, categories)),
        amount=_optional(data, "amount", at, v.read_money),
        provider=_optional(data, "provider", at, _provider),
        amount_ht=_optional(data, "amount_ht", at, v.read_money),
        amount_ttc=_optional(data, "amount_ttc", at, v.read_money),
        vat_recovered=_optional(data, "vat_recovered", at, v.read_bool),
    )
    if line.amount_ht is not None and line.amount_ttc is not None and (
            line.amount_ttc < line.amount_ht):
        # Swapped figures would fund the wrong one silently.
        raise at.key("amount_ttc").error(
            f"`amount_ttc` ({line.amount_ttc}) is less than `amount_ht` ({line.amount_ht})",
            "the figure with VAT (TTC) is the larger one: check whether the two are swapped",
        )
    return line


def _members(data: Mapping[str, Any], at: Where) -> tuple[Collectivite, ...]:
    """The other collectivités of a joint project; none written is a lone project."""
    value = data.get("members")
    if value is None:
        return ()
    at = at.key("members")
    items = _list(value, at, "members")
    return tuple(_collectivite(item, at.index(i), "member") for i, item in enumerate(items))


def _extra(data: Mapping[str, Any], at: Where) -> dict[str, Any]:
    """The local fields of a table; none written is an empty table, not a missing one."""
    extra = _optional(data, "extra", at, v.read_extra)
    return extra if extra is not None else {}


def _expenses(value: Any, at: Where, categories: Mapping[str, str]) -> tuple[Expense, ...]:
    """The budget lines; an empty list is a budget with no lines, not a missing one."""
    items = _list(value, at, "expenses")
    return tuple(_expense(item, at.index(i), categories) for i, item in enumerate(items))


def _inputs(data: Mapping[str, Any], at: Where, vocabulary: Vocabulary | None) -> dict[str, Any]:
    """The values of the policy's inputs: typed with the policy's vocabulary, else kept as
    written (floats refused) until the policy that reads them is known."""
    value = data.get("inputs")
    if value is None:
        return {}
    if vocabulary is None:
        return v.read_extra(value, at.key("inputs"))
    return read_inputs(value, at.key("inputs"), vocabulary)


def _id(data: Mapping[str, Any], at: Where) -> str:
    """The dossier id, which every dossier must have: decisions and batches refer to it."""
    value = data.get("id")
    if value is None:
        raise at.error("missing dossier id")
    ident = v.read_str(value, at.key("id"), field="id")
    if not ident.strip():
        raise at.key("id").error("empty dossier id")
    return ident


def dossier_from_mapping(
    data: Mapping[str, Any], *, file: str, base_path: str = "$",
    vocabulary: Vocabulary | None = None,
) -> Dossier:
    """A `Dossier` from a table as TOML or JSON give it (or a plugin builds it).

    `file` and `base_path` (`$.dossier[3]` for the fourth dossier of a file)
    locate errors. Money must arrive as int, Decimal or a dot-decimal string,
    never float. `vocabulary` is that of the policy that will read the dossier
    (its categories, inputs and documents); without it, categories are the
    built-in FITN7 ones and inputs and documents are kept as written (see
    `fitn7.loading.vocabulary`). Raises `DossierError` for the first problem
    found: unknown keys of a table before its values, fields in the order of
    the schema.

    A table of the common shape is read by `fitn7.loading.fast`, several times
    faster; any other by `read_in_full`, which gives the same dossier and says
    what is wrong.
    """
    dossier = common_dossier(data, file=file, vocabulary=vocabulary)
    if dossier is not None:
        return dossier
    return read_in_full(data, file=file, base_path=base_path, vocabulary=vocabulary)


def read_in_full(
    data: Mapping[str, Any], *, file: str, base_path: str = "$",
    vocabulary: Vocabulary | None = None,
) -> Dossier:
    """`dossier_from_mapping` without the fast reader: every value read at its place, so
    that the first problem is raised with its path."""
    at = Where(file, base_path)
    table = _table(data, at)
    _check_keys(table, at, DOSSIER_KEYS)
    ident = _id(table, at)
    categories = vocabulary.categories if vocabulary is not None else DEFAULT_CATEGORIES
    return Dossier(
        id=ident,
        submitted=_optional(table, "submitted", at, v.read_date),
        applicant=_optional(table, "applicant", at, lambda x, w: _collectivite(x, w, "applicant")),
        members=_members(table, at),
        project=_optional(table, "project", at, _project),
        expenses=_optional(table, "expenses", at, lambda x, w: _expenses(x, w, categories)),
        requested=_optional(table, "requested", at, v.read_money),
        extra=_extra(table, at),
        inputs=_inputs(table, at, vocabulary),
        documents=_optional(table, "documents", at,
                            lambda x, w: read_documents(x, w, vocabulary)) or (),
        origin=file,
    )
