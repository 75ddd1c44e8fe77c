"""What the examples of a policy can exercise: one `Target` per outcome worth seeing."""

from __future__ import annotations

from decimal import Decimal

import attrs

from fitn7.dsl import ast
from fitn7.evaluation.program import CompiledPolicy
from fitn7.evaluation.steps import Meta

#: The outcomes a rule's condition can take, as coverage names them.
HOLDS = "holds"
FAILS = "fails"
UNDETERMINED = "undetermined"


@attrs.frozen
class Target:
    """One outcome of one rule or amount step that an example may exercise.

    `counted` targets make the percentage; the others (a rule left
    undetermined) are reported but only happen on incomplete dossiers, which
    a policy need not exemplify for every rule.
    """

    kind: str
    id: str
    outcome: str
    file: str | None
    line: int | None
    counted: bool = True
    #: For a band: its bounds and value when they are constants (to find the band
    #: an example reached from the value it read); None when not constant.
    band: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None
    #: For a band: the dossier path its forfait reads (`applicant.population`).
    by: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """How trace entries are matched to the target."""
        return (self.kind, self.id, self.outcome)

    @property
    def where(self) -> str:
        """`file:line`, or `?` for an implicit step."""
        if self.file is None:
            return "?"
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def _target(meta: Meta, outcome: str, *, counted: bool = True) -> Target:
    return Target(meta.kind, meta.id, outcome, meta.file, meta.line, counted)


def targets(program: CompiledPolicy) -> tuple[Target, ...]:
    """Every outcome of the policy's rules and amount steps, in file order."""
    out: list[Target] = []
    for rule in program.rules:
        out += [_target(rule.meta, HOLDS), _target(rule.meta, FAILS),
                _target(rule.meta, UNDETERMINED, counted=False)]
    pipes = [part.pipeline for part in program.parts] + [program.main]
    for part in program.parts:
        out.append(_target(part.meta, "applied"))
    bands = _band_nodes(program.policy)
    for pipe in pipes:
        for comp in pipe.computations:
            if comp.bands:
                node = bands.get(comp.meta.id)
                for index, _ in enumerate(comp.bands):
                    band = node.bands[index] if node is not None else None
                    out.append(Target(
                        "band", f"{comp.meta.id}[{index + 1}]", "reached",
                        comp.meta.file,
                        band.span.line if band is not None and band.span else comp.meta.line,
                        band=_band_bounds(band, program) if band is not None else None,
                        by=_path(node.by) if node is not None else None,
                    ))
            else:
                out.append(_target(comp.meta, "applied"))
        for adj in pipe.adjustments:
            out.append(_target(adj.meta, "applied" if adj.meta.kind == "bonus" else "binds"))
    for minimum in program.minimums:
        out += [_target(minimum.meta, "pass"), _target(minimum.meta, "fail")]
    for criterion in program.criteria:
        out.append(_target(criterion.meta, "scores"))
    return tuple(out)


def _band_nodes(policy: ast.Policy) -> dict[str, ast.ForfaitBands]:
    found: dict[str, ast.ForfaitBands] = {}
    for block in policy.of_type(ast.Amount):
        for index, step in enumerate(block.steps, start=1):
            if isinstance(step, ast.ForfaitBands):
                found[step.id or f"forfait#{index}"] = step
    return found


def _path(node: ast.Expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Attribute):
        inner = _path(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def _constant(node: ast.Expr | None, program: CompiledPolicy) -> Decimal | None:
    if isinstance(node, ast.IntLit | ast.MoneyLit | ast.DecimalLit):
        return Decimal(node.value)
    if isinstance(node, ast.Name) and node.name in program.param_defaults:
        value = program.param_defaults[node.name]
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return Decimal(value)
    return None


def _band_bounds(
    band: ast.Band, program: CompiledPolicy
) -> tuple[Decimal | None, Decimal | None, Decimal | None] | None:
    low = _constant(band.low, program)
    high = _constant(band.high, program)
    if (band.low is not None and low is None) or (band.high is not None and high is None):
        return None
    return (low, high, _constant(band.value, program))
