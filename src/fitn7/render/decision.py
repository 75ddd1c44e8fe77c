"""Decisions as a person reads them at a terminal: `fitn7 eval` and its `--explain` trace.

One line per dossier (id, status, amount, score), the rules that made the
status with their message and citation, what is missing and, with
`explain`, every rule and amount step with the values it read. The words
come from `fitn7.render.labels`, the amounts from `fitn7.render.formats`;
rule ids, field paths and the values read are the policy's and the
dossier's own, shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fitn7.evaluation.decision import Decision, PolicyRef, Status, TraceEntry, plain
from fitn7.render.formats import money
from fitn7.render.labels import (
    LABELS,
    TRACE_KINDS,
    kind_label,
    label,
    outcome_label,
    status_label,
)
from fitn7.render.lang import Lang

#: The mark before a reason, by its effect (a failed rule is `-`).
_MARKS = {"ineligible": "✗", "review": "!", "incomplete": "?"}


def policy_line(ref: PolicyRef) -> str:
    """`fitn7-paca 2021.1 (sha256 0123456789ab…)`: which policy decided."""
    return f"{ref.id} {ref.version or ''} (sha256 {ref.sha256[:12]}…)".replace("  ", " ")


def decisions_text(
    decisions: Sequence[Decision], ref: PolicyRef, *, explain: bool = False, lang: Lang = "fr"
) -> str:
    """A short, readable summary per dossier; with `explain`, the trace under each."""
    lines = [policy_line(ref)]
    width = max((len(d.dossier) for d in decisions), default=8)
    status_width = max(len(status_label(s, lang)) for s in Status)
    for d in decisions:
        amount = money(d.amount, lang)
        score = label("word.score", lang)
        lines.append(f"{d.dossier:<{width}}  {status_label(d.status, lang):<{status_width}}  "
                     f"{amount:>14}  {score} {d.score}")
        for reason in d.reasons:
            mark = _MARKS.get(reason.effect, "-")
            text = f"  {mark} {reason.rule}"
            if reason.message:
                text += f": {reason.message}"
            lines.append(text)
            if reason.source:
                lines.append(f"      ({reason.source})")
        if d.missing:
            lines.append("  " + label("decision.missing", lang, fields=", ".join(d.missing)))
        if explain:
            lines.extend(trace_lines(d.trace, lang))
    if not decisions:
        lines.append(label("decision.none", lang))
    return "\n".join(lines) + "\n"


def trace_lines(trace: Sequence[TraceEntry], lang: Lang = "fr") -> list[str]:
    """The trace of a decision, an entry a line (then what it read, then where it is)."""
    kind_width = max(len(kind_label(k, lang)) for k in TRACE_KINDS)
    outcome_width = _outcome_width(lang)
    out = ["  " + label("decision.trace", lang)]
    for entry in trace:
        # A rule may read one field twice (`requested` in two conditions): once is enough
        # for a reader, as in the JSON, where `read` is a table keyed by path.
        reads = ", ".join(f"{path} = {_show(value, lang)}"
                          for path, value in dict(entry.read).items())
        where = f"{entry.file}:{entry.line}" if entry.file else ""
        amount = f" → {money(entry.amount, lang)}" if entry.amount is not None else ""
        kind = kind_label(entry.kind, lang)
        outcome = outcome_label(entry.kind, entry.outcome, lang)
        out.append(f"    {kind:<{kind_width}} {entry.rule:<28} "
                   f"{outcome:<{outcome_width}}{amount}")
        if reads:
            out.append("             " + label("decision.read", lang, reads=reads))
        if where or entry.source:
            out.append(f"             {' · '.join(x for x in (where, entry.source) if x)}")
    return out


def _outcome_width(lang: Lang) -> int:
    """The width of the outcome column: the longest outcome the language has a word for."""
    return max(len(t[lang]) for key, t in LABELS.items() if key.startswith("outcome."))


def _show(value: Any, lang: Lang) -> str:
    shown = plain(value)
    if shown is None:
        return label("word.absent", lang)
    return json.dumps(shown, ensure_ascii=False)
