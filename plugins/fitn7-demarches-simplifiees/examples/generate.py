"""Write the Gers démarche's example exports from their one description (tests/gers_demarche.py).

    python plugins/fitn7-demarches-simplifiees/examples/generate.py

writes gers.xlsx, gers.ods, gers.csv with gers-depenses.csv (the repetition
block's sheet saved as CSV) and gers.json (an API snapshot) beside this file;
gers.mapping.toml, written by hand, reads all four. Needs the test extras
(openpyxl, odfpy). tests/test_ds_examples.py checks the files match.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_ds import write_csv, write_ods, write_snapshot, write_xlsx  # noqa: E402
from gers_demarche import GERS  # noqa: E402


def generate(directory: Path = HERE) -> list[Path]:
    """Write the four sources into `directory`; the files written."""
    written = [directory / n for n in ("gers.xlsx", "gers.ods", "gers.csv", "gers-depenses.csv",
                                       "gers.json")]
    write_xlsx(GERS, written[0])
    write_ods(GERS, written[1])
    write_csv(GERS, written[2], written[3])
    write_snapshot(GERS, written[4])
    return written


if __name__ == "__main__":
    for path in generate():
        print(path.name)
