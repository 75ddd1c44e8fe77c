"""The hypothesis profiles of the root conftest.py and the example budget of the tests."""

from __future__ import annotations

import importlib
import os
import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import budget

ROOT = Path(__file__).resolve().parents[1]


def test_ci_profile_is_deterministic_and_untimed():
    """`ci`: same examples on every run, no database, no clock, the blob on failure."""
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.deadline is None
    assert HealthCheck.too_slow in ci.suppress_health_check
    assert ci.print_blob is True
    assert ci.max_examples == budget.STANDARD_EXAMPLES


def test_dev_and_explore_profiles_draw_new_examples():
    """`dev` runs the standard count, `explore` ten times it; both random, untimed."""
    dev, explore = settings.get_profile("dev"), settings.get_profile("explore")
    assert dev.max_examples == budget.STANDARD_EXAMPLES
    assert explore.max_examples == 10 * budget.STANDARD_EXAMPLES
    assert not dev.derandomize and not explore.derandomize
    assert dev.deadline is None and explore.deadline is None


def _draws(profile: str) -> list[int]:
    """What a test drawing integers sees under `profile`."""
    seen: list[int] = []
    previous = settings.get_current_profile_name()
    settings.load_profile(profile)  # before @settings, which starts from the loaded profile
    try:

        @settings(max_examples=200)
        @given(st.integers())
        def record(n: int) -> None:
            seen.append(n)

        record()
    finally:
        settings.load_profile(previous)
    return seen


def test_ci_draws_do_not_depend_on_the_modules_imported_before(tmp_path, monkeypatch):
    """Hypothesis draws some values from the literals of the local modules imported so
    far; under `ci` it must not (conftest.py), or a test would see other examples
    depending on which tests ran before it in its pytest-xdist worker, nor keep those a
    `dev` test cached."""
    before = _draws("ci")
    (tmp_path / "fitn7_constants_probe.py").write_text(
        "WHOLE = -987_654_321_987\nTEXT = ' fitn7-constants-probe'\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("fitn7_constants_probe")
    try:
        assert _draws("ci") == before
        _draws("dev")  # random, with the module's literals among its constants
        assert _draws("ci") == before
    finally:
        del sys.modules["fitn7_constants_probe"]


@pytest.mark.parametrize(("profile", "count", "expected"), [
    ("ci", 150, 150), ("dev", 60, 60), ("explore", 150, 1500), ("explore", 1, 10),
])
def test_examples_scale_with_the_profile(profile, count, expected):
    """`examples(n)` is n under ci and dev, ten times n under explore."""
    previous = settings.get_current_profile_name()
    settings.load_profile(profile)
    try:
        assert budget.examples(count) == expected
    finally:
        settings.load_profile(previous)


_PROBE = """
from hypothesis import settings

def pytest_collection_finish(session):
    print("PROFILE=" + settings.get_current_profile_name())
"""


@pytest.mark.parametrize(("folder", "args", "expected"), [
    # From the root: the option wins over the environment.
    (".", ["tests/test_docs_api.py", "--hypothesis-profile=ci"], "ci"),
    # From a plugin's folder (its own rootdir): the profiles are there too.
    ("plugins/fitn7-zrr", ["tests/test_zrr_table.py"], "explore"),
])
def test_profile_is_chosen_by_option_then_environment(tmp_path, folder, args, expected):
    """`--hypothesis-profile` wins over FITN7_HYPOTHESIS_PROFILE (here `explore`), for the
    repository's tests and a plugin's run from its folder alike."""
    (tmp_path / "fitn7_profile_probe.py").write_text(_PROBE, "utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environ.update(FITN7_HYPOTHESIS_PROFILE="explore", PYTHONPATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-s", "-p", "no:cacheprovider",
         "-p", "fitn7_profile_probe", *args],
        cwd=ROOT / folder, capture_output=True, text=True, env=environ, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [w for w in done.stdout.split() if w.startswith("PROFILE=")] == [f"PROFILE={expected}"]


@pytest.mark.parametrize(("numprocesses", "dist", "expected"), [
    (2, "no", "worksteal"), (2, "load", "load"), (None, "no", "no"), (0, "no", "no"),
])
def test_xdist_steals_work_unless_told_otherwise(numprocesses, dist, expected):
    """`-n 2` alone shares the tests out with `worksteal`; an explicit `--dist` wins."""
    previous = settings.get_current_profile_name()
    try:
        hooks = runpy.run_path(str(ROOT / "conftest.py"))
    finally:
        settings.load_profile(previous)  # running the file loaded a profile again
    config = types.SimpleNamespace(
        option=types.SimpleNamespace(numprocesses=numprocesses, dist=dist))
    hooks["pytest_cmdline_main"](config)
    assert config.option.dist == expected
