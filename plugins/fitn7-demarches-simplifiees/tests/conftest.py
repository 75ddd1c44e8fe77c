"""Shared fixtures: the Gers démarche written to a temporary folder in each format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gers_demarche import MAPPING


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A temporary folder holding the Gers mapping as `gers.mapping.toml`."""
    shutil.copy(MAPPING, tmp_path / "gers.mapping.toml")
    return tmp_path
