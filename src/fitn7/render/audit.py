"""What auditors read: diffs, impacts and replays as text, JSON-ready data or TOML.

The text is for a person at a terminal, on one screen, in the language
asked for (French by default): changes grouped by section, each rule with
its label (its message) beside its id, the old and new values in canonical
form, and the citation of the text the rule comes from. The data forms
(`*_to_dict`) are for other tools, the same in every language; TOML is the
same data through `tomli_w` (a key absent from TOML means `null`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import tomli_w

from fitn7.audit.committee import CommitteeImpact
from fitn7.audit.diff import Added, Changed, Edit, PolicyDiff, PolicyVersion, Removed, Renamed
from fitn7.audit.impact import Impact
from fitn7.audit.replay import Replayed, ReplayReport
from fitn7.render.formats import money
from fitn7.render.labels import allocation_label, count_label, label, status_label, waiting_label
from fitn7.render.lang import Lang
from fitn7.render.toml import toml_ready

#: Sections, in the order the text shows them (their titles are `diff.section.NAME`
#: labels), by the kinds of the edits they hold.
_SECTIONS = (
    ("policy", {"header"}),
    ("params", {"param"}),
    ("let", {"let"}),
    ("sessions", {"session"}),
    ("categories", {"category"}),
    ("inputs", {"input"}),
    ("documents", {"document"}),
    ("expenses", {"expenses"}),
    ("rules", {"require", "exclude", "review"}),
    ("amount", {"base", "forfait", "rate", "bonus", "cap", "floor", "amount"}),
    ("score", {"score"}),
    ("limits", {"limit"}),
    ("invariants", {"invariant"}),
)
_OPS = {Added: "added", Removed: "removed", Changed: "changed", Renamed: "renamed"}
#: The label beside a changed rule's id is cut at this width (the JSON has it whole; the
#: text shows it whole for a rule added, removed or renamed, and when it changed).
LABEL_WIDTH = 76
#: Old and new values longer than this together go on two lines.
INLINE_WIDTH = 64


# ---------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, width: int = LABEL_WIDTH) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _shown(value: str | None, lang: Lang) -> str:
    """A value on one line: `(none)` for absent, a line break as `\\n` as in the policy."""
    return label("diff.none", lang) if value is None else value.replace("\n", "\\n")


def _item(path: str) -> str:
    """The declaration a path is about: `rule.x.bands[1].below` → `rule.x`."""
    if path.startswith("rule."):
        return "rule." + path[5:].split(".", 1)[0]
    for prefix in ("category.", "input.", "document."):
        if path.startswith(prefix):
            return prefix + path[len(prefix):].split(".", 1)[0]
    if path.startswith("header."):
        return "header"
    if path.startswith("expenses."):
        return "expenses"
    return path


def _name(path: str) -> str:
    """The name of a declaration for a reader: `rule.x` → `x`, `param.p` → `p`."""
    return path.split(".", 1)[1] if "." in path else path


def _field(edit: Edit) -> str:
    """The part of the path after the declaration: `cap`, `bands[1].below`, `version`."""
    item = _item(edit.path)
    return edit.path[len(item) + 1:] if edit.path != item else ""


def summary_counts(edits: Iterable[Edit]) -> dict[str, int]:
    """How many edits of each kind: added, removed, changed, renamed."""
    counts = dict.fromkeys(("added", "removed", "changed", "renamed"), 0)
    for edit in edits:
        counts[_OPS[type(edit)]] += 1
    return counts


def _version_line(old: PolicyVersion, new: PolicyVersion) -> str:
    ident = old.id if old.id == new.id else f"{old.id} → {new.id}"
    version = (
        (old.version or "?") if old.version == new.version
        else f"{old.version or '?'} → {new.version or '?'}"
    )
    files = f" ({old.file} → {new.file})" if old.file and new.file else ""
    return (f"{ident} {version}{files}\n"
            f"sha256 {old.sha256[:16]}… → {new.sha256[:16]}…")


# ------------------------------------------------------------------- diff


def diff_text(d: PolicyDiff, lang: Lang = "fr") -> str:
    """The diff for a person: sections, one block per declaration, a count at the end."""
    lines = [_version_line(d.old, d.new)]
    if not d:
        return "\n".join([*lines, label("diff.no_change", lang)]) + "\n"
    for name, kinds in _SECTIONS:
        edits = [e for e in d.edits if e.kind in kinds]
        if not edits:
            continue
        lines += ["", label(f"diff.section.{name}", lang)]
        lines += _section_lines(edits, lang)
    counts = summary_counts(d.edits)
    total = sum(counts.values())
    parts = ", ".join(count_label(f"count.{op}", n, lang) for op, n in counts.items() if n)
    lines += ["", label("diff.summary", lang, changes=count_label("count.changes", total, lang),
                        parts=parts)]
    return "\n".join(lines) + "\n"


def _section_lines(edits: list[Edit], lang: Lang) -> list[str]:
    out: list[str] = []
    groups: dict[str, list[Edit]] = {}
    for edit in edits:
        groups.setdefault(_item(edit.path), []).append(edit)
    for item, group in groups.items():
        first = group[0]
        if item in ("header", "expenses"):
            out += [_inline(e, _field(e) or item, lang) for e in group]
            continue
        whole = [e for e in group if e.path == item]
        if whole and isinstance(whole[0], Added | Removed | Renamed):
            out += _whole_lines(whole[0], lang)
            continue
        if whole and len(group) == 1:
            # A param, let, session or the base: one value, one line.
            where = f"  ({first.where})" if first.where else ""
            out.append(_inline(first, _name(item), lang) + where)
            continue
        out.append(f"  ~ {_name(item)}{_label(first.label)}")
        for edit in group:
            field = _field(edit) or label("diff.value", lang)
            out.append("    " + _inline(edit, field, lang).lstrip())
        out += _provenance_lines(first, "    ")
    return out


def _label(label: str | None) -> str:
    return f" — {_short(label)}" if label else ""


def _inline(edit: Edit, field: str, lang: Lang) -> str:
    """`  ~ version: "2021.1" → "2021.2"`, or the same on two lines for long values."""
    if isinstance(edit, Added):
        return f"  + {field}: {edit.new}"
    if isinstance(edit, Removed):
        return f"  - {field}: {edit.old}"
    if isinstance(edit, Renamed):
        return f"  ~ {field}: {_name(edit.path)} → {_name(edit.new_path)}"
    # Values are shown whole: the change may be at the end of a long condition.
    old, new = _shown(edit.old, lang), _shown(edit.new, lang)
    if len(old) + len(new) <= INLINE_WIDTH:
        return f"  ~ {field}: {old} → {new}"
    pad = " " * (len(field) + 4)
    was, now = label("diff.was", lang), label("diff.now", lang)
    # The two words are as wide in each language, so that the values line up.
    return f"  ~ {field}: {was} {old}\n{pad}  {now} {new}"


def _whole_lines(edit: Added | Removed | Renamed, lang: Lang) -> list[str]:
    """A declaration added or removed: its full canonical text, message and source
    included, under a line with its id and where it is; a rename: both ids and the full
    label, then where."""
    if isinstance(edit, Renamed):
        text = f" — {_one_line(edit.label)}" if edit.label else ""
        renamed = label("diff.renamed", lang, old=_name(edit.path), new=_name(edit.new_path))
        out = [f"  → {renamed}{text}"]
        return out + _provenance_lines(edit, "    ")
    mark, body = ("+", edit.new) if isinstance(edit, Added) else ("-", edit.old)
    word = label("diff.added" if isinstance(edit, Added) else "diff.removed", lang)
    where = f"  ({edit.where})" if edit.where else ""
    out = [f"  {mark} {_name(edit.path)} {word}{where}"]
    return out + [f"      {line}" for line in body.splitlines()]


def _provenance_lines(edit: Edit, indent: str) -> list[str]:
    parts = [p for p in (edit.source, edit.where) if p]
    return [f"{indent}  ({' · '.join(parts)})"] if parts else []


def _version_dict(v: PolicyVersion) -> dict[str, Any]:
    return {"id": v.id, "version": v.version, "sha256": v.sha256, "file": v.file}


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    """One edit as JSON-ready data, every key present whatever the kind of edit (null
    when it does not apply): `op`, `path`, `kind`, `new_path`, `old`, `new`, `label`,
    `source`, `where`."""
    return {
        "op": _OPS[type(edit)],
        "path": edit.path,
        "kind": edit.kind,
        "new_path": edit.new_path if isinstance(edit, Renamed) else None,
        "old": edit.old if isinstance(edit, Removed | Changed) else None,
        "new": edit.new if isinstance(edit, Added | Changed) else None,
        "label": edit.label,
        "source": edit.source,
        "where": edit.where,
    }


def diff_to_dict(
    d: PolicyDiff, impact: Impact | None = None, committee: CommitteeImpact | None = None
) -> dict[str, Any]:
    """The diff (and its impact on dossiers and committee, when given) as JSON-ready data."""
    out: dict[str, Any] = {
        "old": _version_dict(d.old),
        "new": _version_dict(d.new),
        "semantic_change": bool(d),
        "summary": summary_counts(d.edits),
        "changes": [edit_to_dict(e) for e in d.edits],
    }
    if impact is not None:
        out["impact"] = impact.to_dict()
    if committee is not None:
        out["committee"] = committee.to_dict()
    return out


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 characters as they are."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_toml(data: dict[str, Any]) -> str:
    """TOML of JSON-ready data; lists of tables become `[[…]]`, null keys are left out."""
    ready = toml_ready(data)
    if "changes" in ready:
        ready["change"] = ready.pop("changes")  # `[[change]]` reads better than `[[changes]]`
    return tomli_w.dumps(ready)


# ----------------------------------------------------------------- impact


def _change(before: str, after: str, same: bool | None = None) -> str:
    """`before`, or `before → after` when the values differ (`same`, else the texts)."""
    if same is None:
        same = before == after
    return before if same else f"{before} → {after}"


def _total_line(key: str, before: Decimal, after: Decimal, delta: Decimal, lang: Lang) -> str:
    """`  total …: 408 000,00 € → 423 000,00 € (+15 000,00 €)`: a total before and after."""
    sign = "+" if delta > 0 else ""
    return "  " + label(key, lang, before=money(before, lang), after=money(after, lang),
                        delta=f"{sign}{money(delta, lang)}")


def impact_text(impact: Impact, lang: Lang = "fr") -> str:
    """The impact for a person: a summary, then the changed dossiers, largest first."""
    n = len(impact.changes)
    lines = [label("impact.title", lang,
                   dossiers=count_label("count.dossiers", impact.evaluated, lang),
                   decisions=count_label("count.decisions_change", n, lang))]
    for before, after, count in impact.flips:
        lines.append(f"  {count} {status_label(before, lang)} → {status_label(after, lang)}")
    lines.append(_total_line("impact.total", impact.total_before, impact.total_after,
                             impact.delta, lang))
    if not impact.changes:
        return "\n".join(lines) + "\n"
    width = max(len(c.dossier) for c in impact.changes)
    lines.append("")
    none = label("diff.none", lang)
    for change in impact.changes:
        b, a = change.before, change.after
        status = _change(status_label(b.status, lang), status_label(a.status, lang))
        amount = _change(money(b.amount, lang), money(a.amount, lang), b.amount == a.amount)
        score = _change(str(b.score), str(a.score))
        lines.append(f"  {change.dossier:<{width}}  {status}  {amount}  "
                     f"{label('word.score', lang)} {score}")
        old_reasons, new_reasons = [r.rule for r in b.reasons], [r.rule for r in a.reasons]
        if old_reasons != new_reasons:
            lines.append(f"  {'':<{width}}  " + label(
                "impact.reasons", lang, before=", ".join(old_reasons) or none,
                after=", ".join(new_reasons) or none))
        if change.causes:
            lines.append(f"  {'':<{width}}  " + label(
                "impact.causes", lang, causes=", ".join(change.causes)))
    return "\n".join(lines) + "\n"


def committee_text(result: CommitteeImpact, lang: Lang = "fr") -> str:
    """The committee impact for a person: totals, flips, then each dossier that moved."""
    n = len(result.changes)
    b, a = result.before, result.after
    lines = [label("committee.title", lang,
                   outcomes=count_label("count.outcomes_change", n, lang))]
    for before, after, count in result.flips:
        lines.append(f"  {count} {allocation_label(before, lang)} → "
                     f"{allocation_label(after, lang)}")
    lines.append(_total_line("committee.awarded", b.awarded_total, a.awarded_total,
                             result.delta, lang))
    if b.remaining is not None or a.remaining is not None:
        lines.append("  " + label("committee.remaining", lang, before=money(b.remaining, lang),
                                  after=money(a.remaining, lang)))
    if not result.changes:
        return "\n".join(lines) + "\n"
    width = max(len(c.dossier) for c in result.changes)
    lines.append("")
    no = label("committee.not_waiting", lang)
    for change in result.changes:
        was, now = change.before, change.after
        outcome = _change(allocation_label(was.outcome, lang), allocation_label(now.outcome, lang))
        amount = _change(money(was.amount, lang), money(now.amount, lang),
                         was.amount == now.amount)
        lines.append(f"  {change.dossier:<{width}}  {outcome}  {amount}")
        if was.reason != now.reason:
            lines.append(f"  {'':<{width}}  " + label(
                "committee.waiting", lang,
                before=waiting_label(was.reason, lang) if was.reason else no,
                after=waiting_label(now.reason, lang) if now.reason else no))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- replay


def _value(field: str, value: Any, lang: Lang) -> str:
    if value is None:
        return label("replay.absent", lang)
    if field == "reasons" and isinstance(value, list):
        rules = [r.get("rule", "?") if isinstance(r, dict) else "?" for r in value]
        return "[" + ", ".join(rules) + "]"
    if field == "trace" and isinstance(value, list):
        return count_label("count.entries", len(value), lang)
    if field.endswith("sha256") and isinstance(value, str):
        return value[:16] + "…"
    return json.dumps(value, ensure_ascii=False)


def replay_text(report: ReplayReport, lang: Lang = "fr") -> str:
    """The replay for a person: one line of counts, then each decision that does not
    reproduce with the fields that differ (recorded, then replayed), and for reasons and
    the trace, which entries and which of their keys."""
    total, bad = len(report.results), len(report.failures)
    v = report.policy
    policy = f"{v.id} {v.version or ''} (sha256 {v.sha256[:16]}…)".replace("  ", " ")
    lines = [label("replay.title", lang,
                   decisions=count_label("count.decisions_replayed", total, lang), policy=policy,
                   reproduced=count_label("count.reproduced", total - bad, lang), bad=bad)]
    for result in report.results:
        if result.reproduced and not result.notes:
            continue
        where = f"#{result.index + 1} {result.dossier or _missing_id(result, lang)}"
        verdict = label("replay.reproduced" if result.reproduced else "replay.differs", lang)
        lines.append(f"  {where}: {verdict}")
        for m in result.mismatches:
            lines.append(f"      {m.field}: " + label(
                "replay.values", lang, recorded=_value(m.field, m.recorded, lang),
                replayed=_value(m.field, m.replayed, lang)))
            if m.field in ("reasons", "trace") and isinstance(m.recorded, list) and isinstance(
                    m.replayed, list):
                # A reason or rule only on one side shows in the lists above already.
                lines += [f"        {line}" for line in _entry_differences(
                    m.recorded, m.replayed, one_sided=m.field == "trace", lang=lang)]
        # The notes are data of the replay (its JSON has them): they stay as written.
        lines += ["      " + label("replay.note", lang, note=note) for note in result.notes]
    return "\n".join(lines) + "\n"


def _missing_id(result: Replayed, lang: Lang) -> str:
    """How a record without a usable dossier id is named: `(no id)`, `(id 5, not a string)`."""
    shown = next((m.recorded for m in result.mismatches if m.field == "dossier"), None)
    if shown is None:
        return label("replay.no_id", lang)
    return label("replay.bad_id", lang, id=json.dumps(shown, ensure_ascii=False, default=str))


#: At most this many entries of a reasons or trace mismatch are detailed.
ENTRIES_SHOWN = 5


def _entry_differences(recorded: list[Any], replayed: list[Any], *,
                       one_sided: bool, lang: Lang) -> list[str]:
    """One line per reason or trace entry that differs, paired by rule, with the keys
    that differ: `hors_delai: effect recorded "ineligible", replayed "review"`."""
    def by_rule(entries: list[Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for entry in entries:
            rule = entry.get("rule") if isinstance(entry, dict) else None
            out.setdefault(rule if isinstance(rule, str) else "?", []).append(entry)
        return out

    was, now = by_rule(recorded), by_rule(replayed)
    lines: list[str] = []
    for rule in [*was, *(r for r in now if r not in was)]:
        before, after = was.get(rule, []), now.get(rule, [])
        for n in range(max(len(before), len(after))):
            a = before[n] if n < len(before) else None
            b = after[n] if n < len(after) else None
            if a == b:
                continue
            if a is None or b is None:
                if one_sided:
                    only = "replay.replayed_only" if a is None else "replay.recorded_only"
                    lines.append(f"{rule}: {label(only, lang)}")
                continue
            if not isinstance(a, dict) or not isinstance(b, dict):
                lines.append(f"{rule}: " + label("replay.values", lang, recorded=_shown_json(
                    a, lang), replayed=_shown_json(b, lang)))
                continue
            keys = [k for k in [*a, *(k for k in b if k not in a)] if a.get(k) != b.get(k)]
            lines.append(f"{rule}: " + "; ".join(
                f"{k} " + label("replay.values", lang, recorded=_shown_json(a.get(k), lang),
                                replayed=_shown_json(b.get(k), lang))
                for k in keys))
    if len(lines) > ENTRIES_SHOWN:
        more = len(lines) - ENTRIES_SHOWN
        lines = [*lines[:ENTRIES_SHOWN], label("replay.more", lang, more=more)]
    return lines


def _shown_json(value: Any, lang: Lang) -> str:
    if value is None:
        return label("replay.absent", lang)
    return json.dumps(value, ensure_ascii=False, default=str)
