"""Hypothesis settings profiles for every test folder (`tests/`, `plugins/*/tests/`).

This file sits at the root so that pytest loads it for all the `testpaths`
(a `tests/conftest.py` would not reach the plugins' tests); a plugin's
`tests/conftest.py` runs it too when the plugin's tests run from the plugin's
folder (its own rootdir). It imports nothing from the repository. It registers
three profiles and loads one, named by `--hypothesis-profile NAME` (which
wins) or the environment variable `FITN7_HYPOTHESIS_PROFILE`, else `dev`:

- `ci`: what CI and the README's test command run. Deterministic: the same
  examples on every run and every machine (derandomized, no example database,
  no deadline, no timing health check), so a red run is a real bug, found
  again by running it again; a failure prints the `@reproduce_failure` blob.
- `dev` (the default): as many examples as `ci`, but new ones at each run,
  and a failure is saved in `.hypothesis/` and replayed first next time.
- `explore`: ten times the examples, new ones at each run, to look for bugs
  before a release or after a change to a strategy.

Each test states its count for `ci`/`dev` with `tests.budget.examples(n)`,
which scales with the profile. See CONTRIBUTING.md.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: The max_examples of `ci` and `dev`: the count every `tests.budget.examples(n)` is
#: written for (tests/budget.py has the same number, and a test checks they agree).
STANDARD_EXAMPLES = 100

# too_slow measures the clock: on a loaded machine it would fail a test that
# passes elsewhere. The deadline is off for the same reason.
_NOT_TIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

# Hypothesis loads its own `ci` profile when the CI variable is set, and a profile
# inherits the settings in force when it is registered: each of ours starts from
# Hypothesis's defaults, so `dev` and `explore` stay random on a CI machine too.
_DEFAULTS = settings.get_profile("default")

settings.register_profile(
    "ci",
    parent=_DEFAULTS,
    max_examples=STANDARD_EXAMPLES,
    derandomize=True,
    database=None,
    print_blob=True,
    **_NOT_TIMED,
)
settings.register_profile(
    "dev", parent=_DEFAULTS, max_examples=STANDARD_EXAMPLES, **_NOT_TIMED
)
settings.register_profile(
    "explore", parent=_DEFAULTS, max_examples=10 * STANDARD_EXAMPLES, print_blob=True,
    **_NOT_TIMED,
)
settings.load_profile(os.environ.get("FITN7_HYPOTHESIS_PROFILE", "dev"))
