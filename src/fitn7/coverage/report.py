"""Coverage as text for people and JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from fitn7.coverage.collect import Coverage
from fitn7.render.formats import percent
from fitn7.render.labels import count_label, kind_label, label
from fitn7.render.lang import Lang


def text(coverages: Sequence[Coverage], lang: Lang = "fr") -> str:
    """One summary line per policy, then what its examples never exercised, with lines."""
    lines: list[str] = []
    never = label("coverage.never", lang)
    for cov in coverages:
        covered = len(cov.counted) - len(cov.missed)
        lines.append(label("coverage.summary", lang, file=cov.file,
                           percent=_percent(cov.percent, lang), covered=covered,
                           total=len(cov.counted),
                           examples=count_label("count.examples", cov.examples, lang)))
        for target in cov.missed:
            lines.append(f"  {never} {_outcome(target.outcome, lang):<8} "
                         f"{kind_label(target.kind, lang):<8} {target.id:<28} {target.where}")
        cannot = [t for t in cov.targets if t.key in cov.impossible]
        if cannot:
            names = ", ".join(f"{t.id} {_outcome(t.outcome, lang)}" for t in cannot)
            lines.append("  " + label("coverage.line.impossible", lang, names=names))
        undetermined = [t for t in cov.targets if not t.counted and t.key in cov.seen]
        if undetermined:
            names = ", ".join(t.id for t in undetermined)
            lines.append("  " + label("coverage.line.undetermined", lang, names=names))
    return "\n".join(lines)


def _outcome(outcome: str, lang: Lang) -> str:
    try:
        return label(f"coverage.outcome.{outcome}", lang)
    except KeyError:
        return outcome


def _percent(value: Decimal, lang: Lang) -> str:
    """A coverage of 0 to 100 as `87,5 %` (fr) or `87.5%` (en)."""
    return percent(value / 100, lang)


def as_json(coverages: Sequence[Coverage]) -> str:
    """The coverage of every policy as one JSON document."""
    return json.dumps({"policies": [c.to_dict() for c in coverages]}, ensure_ascii=False,
                      indent=2)
