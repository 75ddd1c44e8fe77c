"""An allocation as the committee reads it: text tables, CSV, JSON or TOML.

Every renderer is a pure function of the `Allocation`, so the same allocation
always gives the same bytes. JSON and TOML are `Allocation.to_dict` (TOML
leaves out the keys whose value is null); text and CSV are one table per
session with rank, dossier, applicant, score, amount, outcome and reason.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import tomli_w

from fitn7.allocation.model import AllocatedDossier, Allocation, Outcome, SessionTotal
from fitn7.render.formats import money

#: Formats `render` knows.
FORMATS = ("text", "json", "toml", "csv")

#: The heading of the dossiers of no session.
NO_SESSION_TITLE = "no session (filed after the last session closed, or with no filing date)"

_CSV_COLUMNS = (
    "session", "rank", "dossier", "applicant_code", "applicant", "joint", "score", "amount",
    "outcome", "reason",
)


def render(allocation: Allocation, fmt: str) -> str:
    """The allocation in one of `FORMATS`."""
    if fmt == "json":
        return render_json(allocation)
    if fmt == "toml":
        return render_toml(allocation)
    if fmt == "csv":
        return render_csv(allocation)
    if fmt == "text":
        return render_text(allocation)
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


def applicant_label(row: AllocatedDossier) -> str:
    """`Commune de Plouguerneau (29195)`, marked `+ partners` for a joint project."""
    if row.applicant_name and row.applicant:
        label = f"{row.applicant_name} ({row.applicant})"
    else:
        label = row.applicant_name or row.applicant or "—"
    return f"{label} + partners" if row.joint else label


def why(row: AllocatedDossier) -> str:
    """The reason column: the waitlist reason, or the rules behind a non-eligible status."""
    if row.reason is not None:
        return row.reason
    if row.outcome in (Outcome.AWARDED, Outcome.WAITLISTED):
        return ""
    # An incomplete dossier waits for fields, not rules: name what to ask the applicant for.
    if row.outcome is Outcome.INCOMPLETE and row.decision.missing:
        return "missing " + ", ".join(row.decision.missing)
    return ", ".join(r.rule for r in row.decision.reasons)


def _session_title(total: SessionTotal) -> str:
    closes = f" · closes {total.closes.isoformat()}" if total.closes else ""
    return (
        f"{total.name}{closes} · awarded {money(total.awarded_total, 'fr')} "
        f"({total.awarded} awarded, {total.waitlisted} waitlisted)"
    )


def _table(rows: list[AllocatedDossier]) -> list[str]:
    header = ("rank", "dossier", "applicant", "score", "amount", "outcome", "reason")
    cells = [
        (
            str(r.rank) if r.rank is not None else "—",
            r.dossier,
            applicant_label(r),
            str(r.score),
            money(r.amount, 'fr'),
            r.outcome.value,
            why(r),
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


def envelope_line(allocation: Allocation) -> str:
    """`envelope … · prior awards … · awarded … · remaining …`, or `unlimited`."""
    prior = f" · prior awards {money(allocation.prior_total, 'fr')} ({len(allocation.history)})"
    if allocation.envelope is None:
        return (
            f"envelope unlimited (none in the policy, none given){prior} · "
            f"awarded {money(allocation.awarded_total, 'fr')}"
        )
    return (
        f"envelope {money(allocation.envelope, 'fr')}{prior} · awarded "
        f"{money(allocation.awarded_total, 'fr')} · remaining {money(allocation.remaining, 'fr')}"
    )


def render_text(allocation: Allocation) -> str:
    """A table per session for the committee, then the envelope line and any warning."""
    ref = allocation.policy
    version = f" {ref.version}" if ref.version else ""
    lines = [f"{ref.id}{version} (sha256 {ref.sha256[:12]}…) — committee allocation"]
    # Every param the run used, defaults included: the committee sees the rules it applied.
    texts = allocation.param_texts or {k: str(v) for k, v in allocation.to_dict()["params"].items()}
    values = [f"{k} = {texts[k]}" for k in sorted(texts)]
    if values:
        lines.append("params: " + ", ".join(values))
    for total in allocation.sessions:
        rows = [r for r in allocation.dossiers if r.session == total.name]
        lines += ["", _session_title(total), *_table(rows)]
    lost = [r for r in allocation.dossiers if r.session is None]
    if lost:
        lines += ["", NO_SESSION_TITLE, *_table(lost)]
    if not allocation.dossiers:
        lines += ["", "no dossier to allocate"]
    lines += ["", envelope_line(allocation)]
    lines += [f"warning: {w}" for w in allocation.warnings]
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


def render_csv(allocation: Allocation) -> str:
    """One row per dossier for a spreadsheet: `;`-separated, decimal commas, UTF-8 with BOM.

    The French locale of office spreadsheets expects `;` between fields and a
    comma before the cents; the byte order mark makes them read UTF-8. Text
    from the dossiers that would start a formula is prefixed with `'`.
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
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
            why(r),
        ))
    return out.getvalue()
