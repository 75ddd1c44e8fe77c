"""W422: a collectivité's field read where the applicant may be of another legal form.

`applicant.population` (or `code`, `departement`, `region`, `zrr`, `qpv`) is
unknown for an association or a company, so a rule that reads it leaves
their dossiers incomplete (`sans objet`). That is right when the call is
open to them and the rule is meant for collectivités only, but then the rule
says so: a warning unless the read is guarded, which is kept simple and
sound:

- the policy has a `require` (or an `exclude` of the contrary) that admits
  only collectivités and groupements: the others are ineligible whatever
  else is unknown; or
- the rule's own condition restricts the kind first: `applicant.kind ==
  commune and applicant.population < 3_500`, `applicant.family ==
  collectivite implies …`; for an amount step or score criterion, its
  `when` does; for a document, its `when`.

A restriction is a comparison of `applicant.kind` or `applicant.family`
with names (or a `let`/`param` set of names) that stand only for
collectivités and groupements (`fitn7.applicants.collectivite_names`), or
an `or` of such. Reads of members' fields are not followed.

The warning is for policies that expect other applicants: those that name a
legal form or family other than a collectivité's somewhere (`association`,
`entreprise`, `ess` …). A policy that names none was written for
collectivités (as every policy before legal forms); its dossiers from
another applicant still say `sans objet` in their decision.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fitn7 import types as t
from fitn7.applicants import COLLECTIVITE_FIELDS, collectivite_names
from fitn7.checker.context import CheckContext, attr_span
from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dsl import ast


def check_collectivite_fields(policy: ast.Policy, ctx: CheckContext) -> list[Diagnostic]:
    """W422 at each unguarded read of a collectivité field of the applicant."""
    values: dict[str, ast.Expr] = {d.name: d.default for d in policy.of_type(ast.Param)}
    values.update({d.name: d.value for d in policy.of_type(ast.Let)})
    names = collectivite_names()
    guard = _Guard(names, values)
    if not _names_other_forms(policy, names) or any(
            guard.admits_only_collectivites(d) for d in policy.of_type(ast.Rule)):
        return []
    out: list[Diagnostic] = []
    for where, expr, guarded in _reads(policy, guard):
        if guarded:
            continue
        seen: set[str] = set()
        for node in ast.walk(expr):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.name == "applicant" and node.attr in COLLECTIVITE_FIELDS
                    and node.attr not in seen):
                seen.add(node.attr)
                out.append(Diagnostic(
                    "W422",
                    f"`applicant.{node.attr}` is read in {where}, but nothing restricts the "
                    "applicant to collectivités: for another legal form it is unknown "
                    "(`sans objet`) and the dossier incomplete",
                    attr_span(node),
                    "admit only collectivités (`require porteur: applicant.family in "
                    "{collectivite, groupement}`), or guard the rule: `applicant.family == "
                    f"collectivite and applicant.{node.attr} …`, or a `when` on the step",
                    Severity.WARNING,
                ))
    return out


def _names_other_forms(policy: ast.Policy, collectivites: frozenset[str]) -> bool:
    """Whether the policy names a legal form or family that is not a collectivité's."""
    forms = {n for n, ty in t.CONSTANTS.items() if ty in (t.KIND, t.FAMILY)}
    return any(isinstance(node, ast.Name) and node.name in forms
               and node.name not in collectivites for node in ast.walk(policy.declarations))


def _reads(policy: ast.Policy, guard: _Guard) -> Iterator[tuple[str, ast.Expr, bool]]:
    """(where, expression, guarded) for every expression a dossier's decision evaluates."""
    for decl in policy.declarations:
        match decl:
            case ast.Rule():
                yield f"rule `{decl.id}`", decl.condition, guard.restricts(decl.condition)
            case ast.Let():
                yield f"`let {decl.name}`", decl.value, guard.restricts(decl.value)
            case ast.Document() if decl.when is not None:
                yield f"document `{decl.name}`", decl.when, guard.restricts(decl.when)
            case ast.Amount(steps=steps):
                for step in steps:
                    yield from _step(step, guard)
            case ast.Score(criteria=criteria):
                for crit in criteria:
                    when = crit.when is not None and guard.restricts(crit.when)
                    yield f"score criterion `{crit.id}`", crit.value, when
                    if crit.when is not None:
                        yield f"score criterion `{crit.id}`", crit.when, when


def _step(step: ast.AmountStep, guard: _Guard) -> Iterator[tuple[str, ast.Expr, bool]]:
    name = getattr(step, "id", None) or type(step).__name__.lower()
    where = f"amount step `{name}`"
    when = getattr(step, "when", None)
    guarded = when is not None and guard.restricts(when)
    if when is not None:
        yield where, when, guarded
    match step:
        case ast.Base(value=value) | ast.Forfait(value=value) | ast.Rate(value=value):
            yield where, value, guarded
        case ast.Adjustment(value=value):
            yield where, value, guarded
        case ast.ForfaitBands(by=by, bands=bands):
            yield where, by, guarded
            for band in bands:
                for part in (band.low, band.high, band.value):
                    if part is not None:
                        yield where, part, guarded


class _Guard:
    """Recognises conditions that hold only for collectivités and groupements."""

    def __init__(self, names: frozenset[str], values: Mapping[str, ast.Expr]) -> None:
        self.names = names
        self.values = values

    def _only_collectivites(self, expr: ast.Expr, depth: int = 0) -> bool:
        """Whether `expr` is a name, or a set of names, of collectivités only."""
        if isinstance(expr, ast.Name):
            if expr.name in self.names:
                return True
            value = self.values.get(expr.name)
            return value is not None and depth < 5 and self._only_collectivites(value, depth + 1)
        if isinstance(expr, ast.SetLit):
            return bool(expr.items) and all(self._only_collectivites(i, depth)
                                            for i in expr.items)
        return False

    @staticmethod
    def _form(expr: ast.Expr) -> bool:
        return (isinstance(expr, ast.Attribute) and expr.attr in ("kind", "family")
                and isinstance(expr.value, ast.Name) and expr.value.name == "applicant")

    def holds_only_for_collectivites(self, expr: ast.Expr) -> bool:
        """A condition true only of a collectivité or groupement applicant."""
        match expr:
            case ast.Compare(operands=(left, right), ops=("==",)):
                return (self._form(left) and self._only_collectivites(right)) or (
                    self._form(right) and self._only_collectivites(left))
            case ast.Membership(op="in" | "meets", left=left, right=right):
                return self._form(left) and self._only_collectivites(right)
            case ast.BoolOp(op="or", operands=operands):
                return all(self.holds_only_for_collectivites(o) for o in operands)
            case ast.BoolOp(op="and", operands=operands):
                return any(self.holds_only_for_collectivites(o) for o in operands)
        return False

    def restricts(self, expr: ast.Expr) -> bool:
        """A condition that settles without the fields for any other applicant: a guard
        conjunct, or the premise of an `implies`."""
        if isinstance(expr, ast.Implies):
            return self.holds_only_for_collectivites(expr.left)
        return self.holds_only_for_collectivites(expr)

    def admits_only_collectivites(self, rule: ast.Rule) -> bool:
        """A `require` of a collectivité, or an `exclude` of everything else."""
        if rule.kind == "require":
            return self.holds_only_for_collectivites(rule.condition)
        if rule.kind == "exclude":
            match rule.condition:
                case ast.Not(operand=operand):
                    return self.holds_only_for_collectivites(operand)
                case ast.Membership(op="not in", left=left, right=right):
                    return self._form(left) and self._only_collectivites(right)
                case ast.Compare(operands=(left, right), ops=("!=",)):
                    return (self._form(left) and self._only_collectivites(right)) or (
                        self._form(right) and self._only_collectivites(left))
        return False
