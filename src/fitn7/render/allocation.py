"""An allocation as the committee reads it: text tables, CSV, JSON or TOML.

Every renderer is a pure function of the `Allocation` (and the language of
the words), so the same allocation always gives the same bytes. JSON and
TOML are `Allocation.to_dict` (TOML leaves out the keys whose value is
null), the same in every language; text and CSV are one table per session
with rank, dossier, applicant, score, amount, outcome and reason. The text
speaks the language asked for; the CSV's headers do too, its values stay the
identifiers tools read (`awarded`, `yes`, `envelope`, amounts `18000,00`).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import tomli_w

from fitn7.allocation.model import (
    AllocatedDossier,
    Allocation,
    Outcome,
    SessionTotal,
)
from fitn7.render.formats import date, money
from fitn7.render.labels import allocation_label, count_label, label, waiting_label
from fitn7.render.lang import Lang

#: Formats `render` knows.
FORMATS = ("text", "json", "toml", "csv")

#: The columns of the CSV, by their label key (`csv.*`).
_CSV_COLUMNS = (
    "session", "rank", "dossier", "applicant_code", "applicant", "joint", "score", "amount",
    "outcome", "reason",
)
#: The columns of the text tables, by their label key (`column.*`).
_TEXT_COLUMNS = ("rank", "dossier", "applicant", "score", "amount", "outcome", "reason")


def render(allocation: Allocation, fmt: str, lang: Lang = "fr") -> str:
    """The allocation in one of `FORMATS`; `lang` is the language of the text and of the
    CSV's headers (JSON and TOML are the same in every language)."""
    if fmt == "json":
        return render_json(allocation)
    if fmt == "toml":
        return render_toml(allocation)
    if fmt == "csv":
        return render_csv(allocation, lang)
    if fmt == "text":
        return render_text(allocation, lang)
    raise ValueError(f"unknown format `{fmt}`")


def render_json(allocation: Allocation) -> str:
    """The documented JSON shape, indented, ending with a newline."""
    return json.dumps(allocation.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _toml_ready(value: Any) -> Any:
    """A JSON-like value TOML can hold: keys whose value is null are left out."""
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value if v is not None]
    return value


def render_toml(allocation: Allocation) -> str:
    """The JSON shape as TOML; a key left out means null (TOML has no null)."""
    return tomli_w.dumps(_toml_ready(allocation.to_dict()))


def applicant_label(row: AllocatedDossier, lang: Lang = "fr") -> str:
    """`Commune de Plouguerneau (29195)`, marked `+ partenaires` (`+ partners`) for a joint
    project."""
    if row.applicant_name and row.applicant:
        text = f"{row.applicant_name} ({row.applicant})"
    else:
        text = row.applicant_name or row.applicant or "—"
    return label("allocation.joint", lang, applicant=text) if row.joint else text


def why(row: AllocatedDossier, lang: Lang = "fr") -> str:
    """The reason column: why the dossier waits, or the rules behind a non-eligible status.

    In English, a waiting reason is its identifier (`envelope`, `limit:ID`), as
    the JSON has it; in French, words (`enveloppe épuisée`, `limite ID`).
    """
    if row.reason is not None:
        return waiting_label(row.reason, lang)
    if row.outcome in (Outcome.AWARDED, Outcome.WAITLISTED):
        return ""
    # An incomplete dossier waits for fields, not rules: name what to ask the applicant for.
    if row.outcome is Outcome.INCOMPLETE and row.decision.missing:
        return label("allocation.missing", lang, fields=", ".join(row.decision.missing))
    return ", ".join(r.rule for r in row.decision.reasons)


def session_title(total: SessionTotal, lang: Lang = "fr") -> str:
    """`juin · closes 2021-06-04 · awarded 120 000,00 € (4 awarded, 1 waitlisted)`."""
    closes = (label("allocation.closes", lang, date=date(total.closes, lang))
              if total.closes else "")
    counts = ", ".join((count_label("count.awarded", total.awarded, lang),
                        count_label("count.waitlisted", total.waitlisted, lang)))
    return label("allocation.session", lang, session=total.name, closes=closes,
                 awarded=money(total.awarded_total, lang), counts=counts)


def _table(rows: list[AllocatedDossier], lang: Lang) -> list[str]:
    header = tuple(label(f"column.{c}", lang) for c in _TEXT_COLUMNS)
    cells = [
        (
            str(r.rank) if r.rank is not None else "—",
            r.dossier,
            applicant_label(r, lang),
            str(r.score),
            money(r.amount, lang),
            allocation_label(r.outcome, lang),
            why(r, lang),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in (header, *cells)) for i in range(len(header))]
    right = {0, 3, 4}  # numbers line up on the right

    def line(cols: tuple[str, ...]) -> str:
        text = "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cols, widths, strict=True))
        )
        return text.rstrip()

    return [line(header), *(line(c) for c in cells)]


def envelope_line(allocation: Allocation, lang: Lang = "fr") -> str:
    """`envelope … · prior awards … · awarded … · remaining …`, or `unlimited`."""
    prior = label("allocation.prior", lang, amount=money(allocation.prior_total, lang),
                  count=len(allocation.history))
    awarded = money(allocation.awarded_total, lang)
    if allocation.envelope is None:
        return label("allocation.unlimited", lang, prior=prior, awarded=awarded)
    return label("allocation.envelope", lang, envelope=money(allocation.envelope, lang),
                 prior=prior, awarded=awarded, remaining=money(allocation.remaining, lang))


def render_text(allocation: Allocation, lang: Lang = "fr") -> str:
    """A table per session for the committee, then the envelope line and any warning."""
    ref = allocation.policy
    version = f" {ref.version}" if ref.version else ""
    lines = [label("allocation.title", lang,
                   policy=f"{ref.id}{version} (sha256 {ref.sha256[:12]}…)")]
    # Every param the run used, defaults included: the committee sees the rules it applied.
    texts = allocation.param_texts or {k: str(v) for k, v in allocation.to_dict()["params"].items()}
    values = [f"{k} = {texts[k]}" for k in sorted(texts)]
    if values:
        lines.append(label("allocation.params", lang, params=", ".join(values)))
    for total in allocation.sessions:
        rows = [r for r in allocation.dossiers if r.session == total.name]
        lines += ["", session_title(total, lang), *_table(rows, lang)]
    lost = [r for r in allocation.dossiers if r.session is None]
    if lost:
        lines += ["", label("title.no_session", lang), *_table(lost, lang)]
    if not allocation.dossiers:
        lines += ["", label("allocation.none", lang)]
    lines += ["", envelope_line(allocation, lang)]
    # The warnings are data of the allocation (its JSON has them): they stay as written.
    lines += [label("allocation.warning", lang, warning=w) for w in allocation.warnings]
    return "\n".join(lines) + "\n"


def _csv_amount(amount: Decimal | None) -> str:
    # A decimal comma: French spreadsheets read `18000,00` as a number, `18000.00` as text.
    return "" if amount is None else f"{amount:.2f}".replace(".", ",")


#: Marks the text as UTF-8 for spreadsheets that would otherwise guess a
#: Windows code page and garble `comité`.
BOM = "\ufeff"
#: A cell starting with one of these is read as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str | None) -> str:
    """A cell of text from the dossiers, never run as a formula (`'=…` stays text)."""
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(allocation: Allocation, lang: Lang = "fr") -> str:
    """One row per dossier for a spreadsheet: `;`-separated, decimal commas, UTF-8 with BOM.

    The French locale of office spreadsheets expects `;` between fields and a
    comma before the cents; the byte order mark makes them read UTF-8. Text
    from the dossiers that would start a formula is prefixed with `'`. The
    headers are for people, in `lang` (`rang`, `porteur`… or `rank`,
    `applicant`…); the values are the same in every language: outcomes and
    waiting reasons as the JSON has them, `yes`/`no`, amounts as numbers.
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([label(f"csv.{c}", lang) for c in _CSV_COLUMNS])
    for r in allocation.dossiers:
        writer.writerow((
            _text_cell(r.session),
            "" if r.rank is None else r.rank,
            _text_cell(r.dossier),
            _text_cell(r.applicant),
            _text_cell(r.applicant_name),
            "yes" if r.joint else "no",
            r.score,
            _csv_amount(r.amount),
            r.outcome.value,
            why(r, "en"),
        ))
    return out.getvalue()
