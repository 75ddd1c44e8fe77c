"""Coverage as text for people and JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fitn7.coverage.collect import Coverage


def text(coverages: Sequence[Coverage]) -> str:
    """One summary line per policy, then what its examples never exercised, with lines."""
    lines: list[str] = []
    for cov in coverages:
        covered = len(cov.counted) - len(cov.missed)
        lines.append(f"{cov.file}: {cov.percent}% ({covered}/{len(cov.counted)} outcomes, "
                     f"{cov.examples} examples)")
        for target in cov.missed:
            lines.append(f"  never {target.outcome:<8} {target.kind:<8} {target.id:<28} "
                         f"{target.where}")
        cannot = [t for t in cov.targets if t.key in cov.impossible]
        if cannot:
            names = ", ".join(f"{t.id} {t.outcome}" for t in cannot)
            lines.append(f"  cannot happen (proved, not counted): {names}")
        undetermined = [t for t in cov.targets if not t.counted and t.key in cov.seen]
        if undetermined:
            names = ", ".join(t.id for t in undetermined)
            lines.append(f"  seen undetermined (not counted): {names}")
    return "\n".join(lines)


def as_json(coverages: Sequence[Coverage]) -> str:
    """The coverage of every policy as one JSON document."""
    return json.dumps({"policies": [c.to_dict() for c in coverages]}, ensure_ascii=False,
                      indent=2)
