"""The call's notice, read from the policy: who may apply, for what, how much, until when.

`build_notice` turns a compiled policy (its parents merged in) into a
`Notice`: sections of items, each a declaration of the policy with its
message, the citation of the text it encodes, its value written for people
(`30 000,00 €`, `100 %`, `+2`) and its condition as the policy writes it.
The decisions come from the same file: the notice and the decisions cannot
disagree.

Eligibility rules are sorted into the sections an applicant looks for by
the dossier fields they read: the applicant's kind or legal form (who may
apply), its territory, the filing date (calendar); the others are
conditions. A rule reading a `let` reads what the let reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from fitn7.checker.context import unparse
from fitn7.dsl import ast
from fitn7.evaluation import CompiledPolicy
from fitn7.evaluation.decision import PolicyRef
from fitn7.evaluation.params import param_text
from fitn7.render import Lang
from fitn7.report.words import Words

#: Fields that say who the applicant is (its kind, legal form, family).
_WHO = frozenset({"applicant.kind", "applicant.family", "applicant.legal_form",
                  "applicant.categorie_juridique"})
#: Fields that say where the applicant is.
_WHERE = frozenset({"applicant.departement", "applicant.region", "applicant.code",
                    "applicant.siren", "applicant.siret"})


@attrs.frozen
class Band:
    """One row of a forfait's band table: the values it covers and the amount."""

    values: str
    amount: str


@attrs.frozen
class Item:
    """One declaration of the policy as the notice shows it."""

    id: str
    kind: str
    message: str | None
    source: str | None
    #: The value for people (`30 000,00 €`, `100 %`, `+2`); None when it is no literal.
    value: str | None = None
    #: The value as the policy writes it, when it is no literal (`floor(… / 10)`).
    value_code: str | None = None
    #: The condition as the policy writes it (`when`, `where`, a rule's condition).
    condition: str | None = None
    #: How the notice introduces the condition (a label key): a rule's own, a step's
    #: `when`, a limit's `where`.
    condition_label: str = "notice.condition"
    #: A forfait by bands: what `by` is, and its table.
    by: str | None = None
    bands: tuple[Band, ...] = ()
    #: Steps of a part (an `amount` block with parts).
    steps: tuple[Item, ...] = ()


@attrs.frozen
class Section:
    """A heading of the notice (a label key) and its items."""

    key: str
    items: tuple[Item, ...]
    #: A sentence under the heading (a label key), when the section needs one.
    note: str | None = None


@attrs.frozen
class Notice:
    """The notice of one call, ready for a template (texts in one language)."""

    policy: PolicyRef
    title: str
    authority: str | None
    envelope: str | None
    sessions: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    #: The expense categories that count (name, label) and those that do not.
    eligible_categories: tuple[tuple[str, str], ...]
    ineligible_categories: tuple[tuple[str, str], ...]
    #: `HT`, `TTC` …, when the policy says which figure of an expense it funds.
    basis: str | None
    params: tuple[tuple[str, str], ...]
    lang: Lang

    @property
    def items(self) -> Iterator[Item]:
        """Every item of every section, parts' steps included."""
        for section in self.sections:
            for item in section.items:
                yield item
                yield from item.steps


def build_notice(program: CompiledPolicy, lang: Lang = "fr",
                 params: Mapping[str, Any] | None = None) -> Notice:
    """The notice of `program` (a policy compiled from `fitn7.load_policy`), in `lang`.

    `params` are the values the committee gives the policy's params (the
    defaults for those it does not give).
    """
    policy = program.policy
    w = Words(lang)
    values = dict(program.param_defaults)
    values.update(params or {})
    reader = _Reader(policy, values, w)
    # The order of the notice; `expenses`, `calendar` and `params` also show what
    # no item holds (the categories, the sessions, the params' values).
    groups: dict[str, list[Item]] = {k: [] for k in (
        "who", "territory", "calendar", "conditions", "exclusions", "review", "expenses",
        "amount", "score", "limits", "documents", "inputs", "params", "promises")}
    for decl in policy.declarations:
        match decl:
            case ast.Rule(kind="require"):
                groups[reader.rule_section(decl)].append(reader.rule(decl))
            case ast.Rule(kind="exclude"):
                groups["exclusions"].append(reader.rule(decl))
            case ast.Rule():
                groups["review"].append(reader.rule(decl))
            case ast.Amount():
                groups["amount"].extend(reader.amount(decl))
            case ast.Score():
                groups["score"].extend(reader.criterion(c) for c in decl.criteria)
            case ast.Limit():
                groups["limits"].append(reader.limit(decl))
            case ast.Document():
                groups["documents"].append(Item(decl.name, "document", decl.label, decl.source,
                                                condition=_code(decl.when),
                                                condition_label="notice.when"))
            case ast.Input():
                groups["inputs"].append(reader.input(decl))
            case ast.Invariant():
                groups["promises"].append(Item(decl.id, "invariant", decl.message, decl.source,
                                               condition=unparse(decl.condition)))
    notes = {"amount": "notice.amount_note", "score": "notice.score_note",
             "review": "notice.review_note", "limits": "notice.limits_note"}
    expenses = policy.of_type(ast.Expenses)
    shown_anyway = {"calendar": bool(program.sessions), "expenses": bool(expenses),
                    "params": bool(values)}
    sections = tuple(
        Section(f"notice.{key}", tuple(items), notes.get(key))
        for key, items in groups.items() if items or shown_anyway.get(key, False)
    )
    labels = {c.name: c.label for c in policy.of_type(ast.ExpenseCategory)}
    counted = sorted(program.eligible_categories)
    basis = policy.of_type(ast.ExpensesBasis)
    return Notice(
        policy=program.ref,
        title=policy.header.title or policy.id,
        authority=policy.header.authority,
        envelope=w.money(program.envelope) if program.envelope is not None else None,
        sessions=tuple((name, w.date(closes)) for name, closes in program.sessions),
        sections=sections,
        eligible_categories=tuple((c, labels.get(c, c)) for c in counted) if expenses else (),
        ineligible_categories=tuple(
            (c, labels.get(c, c)) for c in sorted(set(labels) - set(counted))) if expenses else (),
        basis=_basis(basis[-1], w) if basis else None,
        params=tuple((name, reader.param_value(name)) for name in sorted(values)),
        lang=lang,
    )


def _code(expr: ast.Expr | None) -> str | None:
    return unparse(expr) if expr is not None else None


def _basis(node: ast.ExpensesBasis, w: Words) -> str:
    key = "notice.basis_ttc_net" if node.excluding_recovered_vat else f"notice.basis_{node.basis}"
    return w.t(key)


class _Reader:
    """Reads declarations into items, knowing the policy's lets and params."""

    def __init__(self, policy: ast.Policy, params: Mapping[str, Any], w: Words) -> None:
        self.lets = {let.name: let.value for let in policy.of_type(ast.Let)}
        self.param_nodes = {p.name: p for p in policy.of_type(ast.Param)}
        self.params = params
        self.w = w

    # ------------------------------------------------------------------ values

    def param_value(self, name: str) -> str:
        """A param's value for people: `50 %`, `30 000,00 €`, `2`."""
        value, node = self.params[name], self.param_nodes.get(name)
        if isinstance(value, Decimal) and node is not None:
            if isinstance(node.default, ast.PercentLit):
                return self.w.percent(value)
            if isinstance(node.default, ast.MoneyLit):
                return self.w.money(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.w.integer(value)
        if isinstance(value, datetime.date):
            return self.w.date(value)
        return param_text(value, node)

    def literal(self, expr: ast.Expr) -> str | None:
        """A literal (or a param) written for people; None for anything else."""
        w = self.w
        match expr:
            case ast.MoneyLit(value=v):
                return w.money(v)
            case ast.PercentLit(value=v):
                return w.percent(v / 100)
            case ast.IntLit(value=v):
                return w.integer(v)
            case ast.DecimalLit(value=v):
                return w.number(v)
            case ast.DateLit(value=d):
                return w.date(d)
            case ast.Unary(op="+", operand=inner):
                shown = self.literal(inner)
                return f"+{shown}" if shown is not None else None
            case ast.Name(name=name) if name in self.param_nodes:
                return w.t("notice.param_value", value=self.param_value(name), name=name)
        return None

    def valued(self, item: Item, expr: ast.Expr) -> Item:
        """`item` with its value: a literal for people, or the expression as written."""
        shown = self.literal(expr)
        if shown is not None:
            return attrs.evolve(item, value=shown)
        return attrs.evolve(item, value_code=unparse(expr))

    # ------------------------------------------------------------------ rules

    def reads(self, expr: ast.Expr, seen: frozenset[str] = frozenset()) -> set[str]:
        """The dotted field paths `expr` reads, through the lets it names."""
        out: set[str] = set()
        for node in ast.walk(expr):
            if isinstance(node, ast.Attribute):
                path = _path(node)
                if path is not None:
                    out.add(path)
            elif isinstance(node, ast.Name):
                out.add(node.name)
                if node.name in self.lets and node.name not in seen:
                    out |= self.reads(self.lets[node.name], seen | {node.name})
        return out

    def rule_section(self, rule: ast.Rule) -> str:
        """Where a `require` goes: calendar, territory, who may apply, or conditions."""
        reads = self.reads(rule.condition)
        if "submitted" in reads:
            return "calendar"
        if reads & _WHERE:
            return "territory"
        if reads & _WHO:
            return "who"
        return "conditions"

    def rule(self, rule: ast.Rule) -> Item:
        """A `require`, `exclude` or `review`."""
        return Item(rule.id, rule.kind, rule.message, rule.source,
                    condition=unparse(rule.condition))

    def criterion(self, criterion: ast.Criterion) -> Item:
        """A score criterion: its points and when it holds."""
        return self.valued(Item(criterion.id, "score", criterion.message, criterion.source,
                                condition=_code(criterion.when), condition_label="notice.when"),
                           criterion.value)

    def limit(self, limit: ast.Limit) -> Item:
        """A limit: at most N awards per PATH, where …"""
        count = self.literal(limit.count) or unparse(limit.count)
        per = unparse(limit.per)
        if per in ("applicant", "applicant.code"):
            per = self.w.t("column.applicant")
        value = self.w.t("notice.limit_value", count=count, per=per)
        return Item(limit.id, "limit", limit.message, limit.source, value=value,
                    condition=_code(limit.where), condition_label="notice.where")

    def input(self, node: ast.Input) -> Item:
        """A value the dossier declares: its label, type, whether it is required."""
        w = self.w
        value = w.t("notice.input_required" if node.required else "notice.input_optional",
                    type=node.type)
        if node.default is not None:
            default = self.literal(node.default) or unparse(node.default)
            value += w.t("notice.input_default", default=default)
        return Item(node.name, "input", node.label, node.source, value=value)

    # ------------------------------------------------------------------ amount

    def amount(self, block: ast.Amount) -> list[Item]:
        """The steps of the amount, a part's steps under it."""
        from fitn7.report.rules import step_text

        items: list[Item] = []
        part: Item | None = None
        steps: list[Item] = []
        for index, step in enumerate(block.steps, start=1):
            item = self.step(step, step_text(step, index).id)
            if isinstance(step, ast.Part | ast.Total):
                if part is not None:
                    items.append(attrs.evolve(part, steps=tuple(steps)))
                part, steps = (item, []) if isinstance(step, ast.Part) else (None, [])
                if isinstance(step, ast.Total):
                    items.append(item)
            elif part is not None:
                steps.append(item)
            else:
                items.append(item)
        if part is not None:
            items.append(attrs.evolve(part, steps=tuple(steps)))
        return items

    def step(self, step: ast.AmountStep, ident: str) -> Item:
        """One amount step as an item."""
        w = self.w
        match step:
            case ast.Base():
                return Item(ident, "base", step.message, step.source,
                            value_code=unparse(step.value))
            case ast.ForfaitBands():
                bands = tuple(Band(self.band(b), self.literal(b.value) or unparse(b.value))
                              for b in step.bands)
                return Item(ident, "forfait", step.message, step.source,
                            condition=_code(step.when), condition_label="notice.when",
                            by=unparse(step.by), bands=bands)
            case ast.Forfait() | ast.Rate() | ast.Adjustment() | ast.Minimum():
                kind = step.kind if isinstance(step, ast.Adjustment) else (
                    "forfait" if isinstance(step, ast.Forfait)
                    else "rate" if isinstance(step, ast.Rate) else "minimum")
                return self.valued(Item(ident, kind, step.message, step.source,
                                        condition=_code(step.when),
                                        condition_label="notice.when"), step.value)
            case ast.Ceiling():
                share = self.literal(step.share) or unparse(step.share)
                other = unparse(step.other) if step.other is not None else None
                value = w.t("notice.ceiling_value", share=share, cost=unparse(step.cost))
                if other is not None:
                    value += w.t("notice.ceiling_minus", other=other)
                return Item(ident, "ceiling", step.message, step.source, value=value,
                            condition=_code(step.when), condition_label="notice.when")
            case ast.Part():
                return Item(ident, "part", step.message, step.source,
                            value_code=unparse(step.lines))
            case ast.Total():
                return Item(ident, "total", step.message, step.source)

    def band(self, band: ast.Band) -> str:
        """The values a band covers: `moins de 5 000`, `de 5 000 à moins de 20 000`."""
        low = self.literal(band.low) or unparse(band.low) if band.low is not None else None
        high = self.literal(band.high) or unparse(band.high) if band.high is not None else None
        match band.kind:
            case "below":
                return self.w.t("notice.band_below", high=high)
            case "between":
                return self.w.t("notice.band_between", low=low, high=high)
            case "from":
                return self.w.t("notice.band_from", low=low)
        return self.w.t("notice.band_otherwise")


def _path(node: ast.Attribute) -> str | None:
    """`applicant.kind` from the nested attributes; None when the root is no name."""
    parts = [node.attr]
    value: ast.Expr = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if not isinstance(value, ast.Name):
        return None
    parts.append(value.name)
    return ".".join(reversed(parts))
