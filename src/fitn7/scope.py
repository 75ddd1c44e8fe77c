"""How a bare name in a policy expression is resolved; shared by checker and evaluator.

Inside a filter or a quantifier (`expenses[category == etude]`,
`any(members, population < 3_500)`) the fields of the element come first.
Then, in order: `let` names, `param` names, the policy's `input` names, the
dossier's fields and derived values, the decision's fields (in an
`invariant` only), and the constants (applicant kinds and families, the
policy's expense categories, statuses).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping

import attrs

from fitn7 import types as t


class NameKind(enum.Enum):
    """What a bare name denotes."""

    ELEMENT_FIELD = "element field"
    LET = "let"
    PARAM = "param"
    INPUT = "input"
    FIELD = "dossier field"
    DECISION = "decision field"
    CONSTANT = "constant"


@attrs.frozen
class Scope:
    """What is visible where an expression stands."""

    lets: Collection[str]
    params: Collection[str]
    schema: t.Schema = t.DEFAULT_SCHEMA
    element: t.Record | None = None
    in_invariant: bool = False
    #: The policy's inputs and their types (`fitn7.vocabulary`).
    inputs: Mapping[str, t.Type] = attrs.field(factory=dict)
    #: The constants and their types: `t.CONSTANTS` with the policy's own categories.
    constants: Mapping[str, t.Type] = t.CONSTANTS

    def inside(self, element: t.Record | None) -> Scope:
        """The scope inside a filter or quantifier over elements of this record type."""
        return attrs.evolve(self, element=element)

    def resolve(self, name: str) -> NameKind | None:
        """What `name` denotes here, or None when it is unknown."""
        if self.element is not None and name in self.schema.fields(self.element):
            return NameKind.ELEMENT_FIELD
        if name in self.lets:
            return NameKind.LET
        if name in self.params:
            return NameKind.PARAM
        if name in self.inputs:
            return NameKind.INPUT
        if name in self.schema.fields(t.DOSSIER):
            return NameKind.FIELD
        if self.in_invariant and name in self.schema.fields(t.Record("decision")):
            return NameKind.DECISION
        if name in self.constants:
            return NameKind.CONSTANT
        return None

    def visible_names(self) -> list[str]:
        """Every name visible here, for "did you mean" hints."""
        names = set(self.lets) | set(self.params) | set(self.schema.fields(t.DOSSIER))
        names |= set(self.inputs) | set(self.constants)
        if self.element is not None:
            names |= set(self.schema.fields(self.element))
        if self.in_invariant:
            names |= set(self.schema.fields(t.Record("decision")))
        return sorted(names)
