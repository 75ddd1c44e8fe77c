"""Hypothesis settings profiles for every test folder (`tests/`, `plugins/*/tests/`).

This file sits at the root so that pytest loads it for all the `testpaths`
(a `tests/conftest.py` would not reach the plugins' tests); a plugin's
`tests/conftest.py` runs it too when the plugin's tests run from the plugin's
folder (its own rootdir). It imports nothing from the repository. It registers
three profiles and loads one, named by `--hypothesis-profile NAME` (which
wins) or the environment variable `FITN7_HYPOTHESIS_PROFILE`, else `dev`:

- `ci`: what CI and the README's test command run. Deterministic: the same
  examples on every run and every machine (derandomized, no example database,
  no deadline, no timing health check, no constants taken from the modules
  imported so far: see `_pin_local_constants`), so a red run is a real bug, found
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

import pytest
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


def _pin_local_constants() -> None:
    """Under `ci` (any derandomized profile), draw no constant from the modules' source.

    Hypothesis draws about one value in twenty from the literals of the "local"
    modules in `sys.modules` (fitn7, the plugins, benchmarks/fuzzlib, a plugin a
    test wrote to a temporary folder...), scanned again whenever a module is
    imported. Which ones a test sees then depends on the tests that ran before it
    in the same process, that is on pytest-xdist's scheduling: a derandomized test
    drew other examples from one run to the next (the broken-PACA property search
    ran 7 s alone and 27 s after the fuzz tests had imported fuzzlib). `dev` and
    `explore` keep the constants: there they find bugs, and nothing is replayed.
    Hypothesis caches the constants it may draw: emptied whenever the choice flips.
    """
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    scan = providers._get_local_constants
    if getattr(scan, "fitn7_pinned", False):
        return  # a plugin's conftest ran this file again
    none = Constants()
    pinned_before: list[bool] = []

    def local_constants() -> Constants:
        pinned = bool(settings.default.derandomize)
        if pinned_before != [pinned]:
            providers.CONSTANTS_CACHE.cache.clear()
            pinned_before[:] = [pinned]
        return none if pinned else scan()

    local_constants.fitn7_pinned = True  # type: ignore[attr-defined]
    providers._get_local_constants = local_constants


_pin_local_constants()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which would pick `load`
def pytest_cmdline_main(config: pytest.Config) -> None:
    """With `-n N` and no `--dist`, share the tests out with pytest-xdist's `worksteal`.

    Its default, `load`, hands each worker a fixed share up front: a worker left
    with the slow property tests at the end ran alone for the last ten seconds
    (82 s against 72 s with `worksteal` on two idle cores). Set here rather than in
    pyproject's addopts, where `--dist` would break a run with `-p no:xdist`.
    """
    option = config.option
    if getattr(option, "numprocesses", None) and getattr(option, "dist", "no") == "no":
        option.dist = "worksteal"
