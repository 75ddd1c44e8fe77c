"""Names of a package imported from their modules on first use (PEP 562).

`import fitn7` and the CLI must start fast: a package's `__init__` that
imported every module it re-exports would load the compiler, the allocation
engine and the audit tools for a command that needs none of them. A package
lists where each of its names lives; `exports` gives the module `__getattr__`
that imports one on the first read.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: each name of `homes` read from its module."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        # Kept on the package: the next read is a plain attribute.
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
