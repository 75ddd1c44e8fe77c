"""The repository's hypothesis profiles (ci, dev, explore) for these tests.

From the repository root the root conftest.py registers them; run from this
plugin's folder (its own pytest rootdir), pytest does not see it, so it is
run from here. Outside the repository (an installed sdist) there is none.
"""

import runpy
from pathlib import Path

_PROFILES = Path(__file__).resolve().parents[3] / "conftest.py"
if _PROFILES.is_file():
    runpy.run_path(str(_PROFILES))
