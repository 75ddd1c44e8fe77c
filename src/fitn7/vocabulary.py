"""A policy's own vocabulary: its expense categories, typed inputs and required documents.

A policy declares what a dossier may name (`category`, `input`, `document`,
see docs/language.md); `Vocabulary.of(policy)` gathers the declarations of a
resolved policy (its parents' included) so that the checker, the evaluator
and dossier loading read one description. A policy that declares no
category has the ten FITN7 categories of `DEFAULT_CATEGORIES`: the
vocabulary fitn7 had built in before policies could declare their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from fitn7 import types as t
from fitn7.dossier import Category
from fitn7.dsl import ast

#: The ten FITN7 expense categories and their French labels: the categories of a
#: policy that declares none. `policies/axe3-commun.fitn7` declares exactly these.
DEFAULT_CATEGORIES: Mapping[str, str] = MappingProxyType({
    Category.ETUDE: "Études",
    Category.CONSEIL: "Conseil",
    Category.INGENIERIE: "Ingénierie",
    Category.ACCOMPAGNEMENT: "Accompagnement",
    Category.DEVELOPPEMENT: "Développement",
    Category.FORMATION: "Formation",
    Category.LICENCE: "Licences",
    Category.PERSONNEL: "Personnel",
    Category.MATERIEL: "Matériel",
    Category.AUTRE: "Autres dépenses",
})

#: The scalar types an input may have, as a policy writes them.
INPUT_TYPES: Mapping[str, t.Type] = MappingProxyType({
    "money": t.MONEY,
    "int": t.INT,
    "decimal": t.DECIMAL,
    "percent": t.PERCENT,
    "date": t.DATE,
    "string": t.STRING,
    "bool": t.BOOL,
})

_SET_OF = "set of "


def input_type(written: str) -> t.Type | None:
    """The type of an input as written (`money`, `set of string`), None if it is no type."""
    if written.startswith(_SET_OF):
        element = INPUT_TYPES.get(written.removeprefix(_SET_OF))
        return t.SetOf(element) if element is not None else None
    return INPUT_TYPES.get(written)


def input_type_names() -> list[str]:
    """Every type an input may have, as written: for hints."""
    return [*INPUT_TYPES, *(f"{_SET_OF}{n}" for n in INPUT_TYPES if n != "bool")]


def declared_categories(policy: ast.Policy) -> tuple[ast.ExpenseCategory, ...]:
    """The `category` declarations of a policy, the last of each name kept."""
    by_name = {c.name: c for c in policy.of_type(ast.ExpenseCategory)}
    return tuple(by_name.values())


def default_category_declarations() -> tuple[ast.ExpenseCategory, ...]:
    """`DEFAULT_CATEGORIES` as the declarations a policy would write for them."""
    return tuple(ast.ExpenseCategory(name, label) for name, label in DEFAULT_CATEGORIES.items())


def effective_categories(policy: ast.Policy) -> tuple[ast.ExpenseCategory, ...]:
    """The categories a policy has: those it declares, or the defaults when it declares none."""
    return declared_categories(policy) or default_category_declarations()


def declares_default_categories(policy: ast.Policy) -> bool:
    """Whether the policy declares exactly the default categories (names and labels, no
    source): it then means what a policy declaring none means."""
    declared = declared_categories(policy)
    return bool(declared) and {(c.name, c.label, c.source) for c in declared} == {
        (c.name, c.label, None) for c in default_category_declarations()
    }


@attrs.frozen
class InputSpec:
    """One declared input as loading and evaluation need it."""

    name: str
    #: The declared type (None when the checker refuses it: kept as written).
    type: t.Type | None
    label: str | None
    required: bool
    #: The default of an optional input, as the policy writes it.
    default: ast.Expr | None
    source: str | None


@attrs.frozen
class Vocabulary:
    """What a dossier may name under a policy: categories, inputs and documents."""

    #: Category name -> French label (the defaults for a policy that declares none).
    categories: Mapping[str, str] = attrs.field(factory=lambda: dict(DEFAULT_CATEGORIES))
    inputs: Mapping[str, InputSpec] = attrs.field(factory=dict)
    #: Document name -> French label.
    documents: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(cls, policy: ast.Policy) -> Vocabulary:
        """The vocabulary of a (resolved) policy."""
        inputs = {
            i.name: InputSpec(i.name, input_type(i.type), i.label, i.required, i.default,
                              i.source)
            for i in policy.of_type(ast.Input)
        }
        return cls(
            {c.name: c.label for c in effective_categories(policy)},
            inputs,
            {d.name: d.label for d in policy.of_type(ast.Document)},
        )

    def union(self, other: Vocabulary) -> Vocabulary:
        """What either vocabulary allows (for dossiers two policy versions read): the
        names of both, `other`'s declaration where both declare one."""
        return Vocabulary(
            {**self.categories, **other.categories},
            {**self.inputs, **other.inputs},
            {**self.documents, **other.documents},
        )


def scope_names(policy: ast.Policy) -> tuple[Mapping[str, t.Type], Mapping[str, t.Type]]:
    """The inputs (name -> type; an undeclarable type is `ANY`) and the constants of a
    policy, as its `Scope` sees them."""
    inputs = {i.name: input_type(i.type) or t.ANY for i in policy.of_type(ast.Input)}
    constants = t.constants_for(c.name for c in effective_categories(policy))
    return inputs, constants
