"""The words and numbers of a report or a notice, in one language: `Words(lang)`.

Templates and the workbook writer call these (`w.money(amount)`,
`w.t("report.title")`) instead of formatting anything themselves, so that an
amount, a date or a status reads the same in the HTML, the workbook, the
terminal and the CSV: every one of them goes through `fitn7.render`.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Any

import attrs

from fitn7.render import Lang, date, integer, label, money, outcome_label, percent, status_label
from fitn7.render.labels import allocation_label, kind_label
from fitn7.render.report_labels import report_label
from fitn7.report.view import DossierRow, RuleLine

#: Decimal marks, for numbers that are no amount (a share read by a rule: `0,5`).
_POINT = {"fr": ",", "en": "."}


@attrs.frozen
class Words:
    """Labels and formats bound to one language."""

    lang: Lang

    @property
    def colon(self) -> str:
        """What separates a heading from its text: ` : ` in French, `: ` in English."""
        return report_label("report.colon", self.lang)

    def t(self, key: str, **fields: Any) -> str:
        """A label of the catalogue (`fitn7.render.labels` or the report's own)."""
        return report_label(key, self.lang, **fields)

    def money(self, amount: Decimal | None) -> str:
        """`12 500,00 €`; `—` for none."""
        return money(amount, self.lang)

    def date(self, day: datetime.date | None) -> str:
        """`4 juin 2021`; `—` for none."""
        return date(day, self.lang) if day is not None else "—"

    def percent(self, fraction: Decimal | None) -> str:
        """`50 %` for Decimal("0.5"); `—` for none."""
        return percent(fraction, self.lang) if fraction is not None else "—"

    def integer(self, n: int | None) -> str:
        """`12 500`; `—` for none."""
        return integer(n, self.lang) if n is not None else "—"

    def number(self, value: Decimal) -> str:
        """A decimal number that is no amount, with the digits it has: `0,5`, `1 440`."""
        if not value.is_finite():
            return str(value)
        sign = "-" if value < 0 else ""
        whole, _, fraction = f"{abs(value):f}".partition(".")
        text = integer(int(whole), self.lang)
        return f"{sign}{text}{_POINT[self.lang]}{fraction}" if fraction else f"{sign}{text}"

    def value(self, value: Any) -> str:
        """A value a rule read, for a reader: `oui`, `4 juin 2021`, `{"22", "29"}`, `absent`."""
        if value is None:
            return label("word.absent", self.lang)
        if isinstance(value, bool):
            return label("word.yes" if value else "word.no", self.lang)
        if isinstance(value, int):
            return integer(value, self.lang)
        if isinstance(value, Decimal):
            return self.number(value)
        if isinstance(value, datetime.date):
            return date(value, self.lang)
        if isinstance(value, enum.Enum):
            return str(value.value)
        if isinstance(value, str):
            return f"« {value} »" if self.lang == "fr" else f'"{value}"'
        if isinstance(value, frozenset):
            return "{" + ", ".join(sorted(self.value(v) for v in value)) + "}"
        if isinstance(value, tuple | list):
            return "[" + ", ".join(self.value(v) for v in value) + "]"
        from fitn7.evaluation.decision import plain

        return str(plain(value))

    def status(self, status: str | enum.Enum) -> str:
        """A decision status: `éligible`."""
        return status_label(status, self.lang)

    def outcome(self, outcome: str) -> str:
        """A row's outcome: `retenu`, `en attente` (allocation) or its status."""
        if outcome in ("awarded", "waitlisted"):
            return allocation_label(outcome, self.lang)
        return status_label(outcome, self.lang)

    def kind(self, kind: str) -> str:
        """A rule's or step's kind: `exclusion` for `exclude`."""
        return kind_label(kind, self.lang)

    def rule_outcome(self, line: RuleLine) -> str:
        """What a rule did for this dossier: `satisfaite`, `sans effet`, `+2`."""
        return outcome_label(line.kind, line.outcome, self.lang)

    def waiting(self, reason: str) -> str:
        """Why a dossier waits: `enveloppe épuisée`, `limite une_victoire`."""
        name, _, limit = reason.partition(":")
        if limit:
            return label(f"waiting.{name}", self.lang, limit=limit)
        return label(f"waiting.{name}", self.lang)

    def why(self, row: DossierRow) -> str:
        """The reason of a row in one line: why it waits, what is missing, or the rule
        that made its status (with its message), and how many more."""
        if row.waiting is not None:
            return self.waiting(row.waiting)
        if row.outcome in ("awarded", "waitlisted", "eligible"):
            return ""
        if row.outcome == "incomplete" and row.missing:
            return self.t("report.why_missing", fields=", ".join(row.missing))
        if not row.reasons:
            return ""
        first = row.reasons[0]
        text = f"{first.rule}{self.colon}{first.message}" if first.message else first.rule
        more = len(row.reasons) - 1
        return text + (self.t("report.why_more", n=more) if more else "")

    def applicant(self, row: DossierRow) -> str:
        """`Commune de Huelgoat (29081)`, with its partners for a joint project."""
        name, code = row.applicant_name, row.applicant_code
        text = f"{name} ({code})" if name and code else (name or code or "—")
        if row.members:
            text += self.t("report.with_partners", n=len(row.members))
        return text
