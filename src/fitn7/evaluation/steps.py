"""The compiled pieces of a policy: rules, amount steps, score criteria, limits, invariants.

Each holds its `Meta` (id, message, citation, where it is declared) and the
closures of its expressions (`fitn7.evaluation.compiler.Fn`). `Steps` is what
the two evaluators read of a compiled policy: they depend on it, not on
`fitn7.evaluation.program`, which imports them.
"""

from __future__ import annotations

import datetime
from typing import Protocol

import attrs

from fitn7.dsl.source import Span
from fitn7.evaluation.compiler import Fn
from fitn7.evaluation.decision import PolicyRef, Reason
from fitn7.evaluation.env import Basis


@attrs.frozen
class Meta:
    """Where a rule or step comes from: id, message, citation, file and line."""

    id: str
    kind: str
    message: str | None
    source: str | None
    span: Span | None

    @property
    def file(self) -> str | None:
        """The policy file that declared it (the parent's, under `extends`)."""
        return self.span.file if self.span else None

    @property
    def line(self) -> int | None:
        """The line of the declaration in that file."""
        return self.span.line if self.span else None


@attrs.frozen
class CompiledRule:
    """A `require`, `exclude` or `review` rule and its compiled condition."""

    meta: Meta
    condition: Fn


@attrs.frozen
class CompiledBand:
    """One band: `low <= x < high` (either bound may be open)."""

    low: Fn | None
    high: Fn | None
    value: Fn


@attrs.frozen
class Computation:
    """A forfait, banded forfait or rate: the first one whose `when` holds gives the amount."""

    meta: Meta
    when: Fn | None
    value: Fn | None
    by: Fn | None = None
    bands: tuple[CompiledBand, ...] = ()


@attrs.frozen
class CompiledAdjustment:
    """A bonus, cap or floor on the computed amount."""

    meta: Meta
    when: Fn | None
    value: Fn
    percent: bool


@attrs.frozen
class CompiledCeiling:
    """The ceiling on cumulative public aid: the amount is at most SHARE × COST − OTHER."""

    meta: Meta
    when: Fn | None
    share: Fn
    cost: Fn
    other: Fn | None


@attrs.frozen
class CompiledMinimum:
    """A minimum grant: a final amount below it makes the dossier ineligible."""

    meta: Meta
    when: Fn | None
    value: Fn


@attrs.frozen
class Pipeline:
    """The steps of one section of the amount: its base (None: the default one), the
    forfaits and rates (the first that applies), then bonuses, caps, floors and
    ceilings."""

    base: Fn | None
    base_meta: Meta
    computations: tuple[Computation, ...]
    adjustments: tuple[CompiledAdjustment | CompiledCeiling, ...]


@attrs.frozen
class CompiledPart:
    """A part of the grant: its expense lines and its pipeline."""

    meta: Meta
    lines: Fn
    pipeline: Pipeline
    #: The trace entry of the part's own cap: never above its base.
    assiette: Meta


@attrs.frozen
class CompiledCriterion:
    """A score criterion: points when its condition holds."""

    meta: Meta
    when: Fn | None
    value: Fn


@attrs.frozen
class CompiledLimit:
    """A cross-dossier limit, applied by allocation: at most `count` awards per key."""

    meta: Meta
    count: Fn
    per: Fn
    where: Fn | None


@attrs.frozen
class CompiledInvariant:
    """A property the policy promises; read by property tests, not by decisions."""

    meta: Meta
    condition: Fn


@attrs.frozen
class CompiledInput:
    """A required input: a dossier without it is incomplete, whatever the rules read."""

    meta: Meta
    name: str


@attrs.frozen
class CompiledDocument:
    """A required document and its compiled condition (None: always required)."""

    meta: Meta
    name: str
    when: Fn | None


def missing_input_reason(meta: Meta) -> Reason:
    """Why a dossier without a required input is incomplete: `Information manquante : …`."""
    return Reason(meta.id, "missing_input", f"Information manquante : {meta.message}",
                  meta.source)


def missing_document_reason(meta: Meta) -> Reason:
    """Why a dossier without a required document is incomplete: `Pièce manquante : …`."""
    return Reason(meta.id, "missing_document", f"Pièce manquante : {meta.message}", meta.source)


def unsure_document_reason(meta: Meta) -> Reason:
    """Why a dossier without a document that may be required is incomplete: its condition
    is unknown (the fields it lacks go to `missing`)."""
    return Reason(meta.id, "incomplete", f"Pièce peut-être requise : {meta.message}",
                  meta.source)


#: The implicit steps of every amount pipeline, as the trace names them.
BASE = Meta("base", "base", None, None, None)
#: The sum of the parts, when the policy writes no `total` line.
TOTAL = Meta("total", "total", None, None, None)
ELIGIBLE_BASE = Meta("assiette_eligible", "cap", None, None, None)
REQUESTED = Meta("montant_demande", "cap", None, None, None)


class Steps(Protocol):
    """The compiled steps of one policy, as its evaluators read them.

    `fitn7.evaluation.program.CompiledPolicy` is one. The reference evaluation
    (`fitn7.evaluation.reference`) and the generator of the fast and traced
    paths (`fitn7.evaluation.fastpath`) take a `Steps`, so the compiled program
    depends on its evaluators and neither of them on it: each can be read alone.
    """

    @property
    def ref(self) -> PolicyRef:
        """Which policy decides."""

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """Every `require`, `exclude` and `review`, in order."""

    @property
    def required_inputs(self) -> tuple[CompiledInput, ...]:
        """The inputs a dossier must give."""

    @property
    def documents(self) -> tuple[CompiledDocument, ...]:
        """The documents a dossier must list (when their condition holds)."""

    @property
    def base(self) -> Fn | None:
        """The `base` of the main pipeline (None: the eligible expenses)."""

    @property
    def base_meta(self) -> Meta:
        """The trace entry of that base."""

    @property
    def main(self) -> Pipeline:
        """The single pipeline of the amount, or the steps on the total of the parts."""

    @property
    def adjustments(self) -> tuple[CompiledAdjustment | CompiledCeiling, ...]:
        """The bonuses, caps, floors and ceilings of the main pipeline."""

    @property
    def parts(self) -> tuple[CompiledPart, ...]:
        """The parts of the grant, in order (none: a single pipeline)."""

    @property
    def total_meta(self) -> Meta:
        """The trace entry of the sum of the parts."""

    @property
    def minimums(self) -> tuple[CompiledMinimum, ...]:
        """Every `minimum`, parts first."""

    @property
    def criteria(self) -> tuple[CompiledCriterion, ...]:
        """The score criteria, in order."""

    @property
    def eligible_categories(self) -> frozenset[str]:
        """The expense categories the eligible base counts."""

    @property
    def basis(self) -> Basis:
        """Which figure of each expense line is funded."""

    @property
    def sessions(self) -> tuple[tuple[str, datetime.date], ...]:
        """The sessions by closing date: (name, closes)."""
