"""Rule coverage of a policy's example dossiers (`fitn7 test --coverage`).

`targets` lists what a policy's examples can exercise (each rule holding and
failing, each forfait, band, bonus, cap, floor, ceiling, part, minimum and
score criterion); `collect` reads the traces of the example decisions and
marks what they exercised; `report` prints it as text or JSON.
"""

from __future__ import annotations

from fitn7.coverage.collect import Coverage, collect
from fitn7.coverage.targets import Target, targets

__all__ = ["Coverage", "Target", "collect", "targets"]
