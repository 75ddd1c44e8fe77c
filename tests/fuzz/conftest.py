"""The fuzz harness lives in `benchmarks/fuzzlib` (a tool, not part of the package)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from fuzzlib.targets import World  # noqa: E402


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    """The seeds parsed and compiled once for every fuzz test."""
    built = World().warm()
    yield built
    built.close()
