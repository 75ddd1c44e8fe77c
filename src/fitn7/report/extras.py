"""The optional libraries of `fitn7 report` and `fitn7 doc`, and the error when one is missing.

Jinja2 (templates) and openpyxl (workbooks) come with the `report` extra,
`pip install "fitn7[report]"`: the core of fitn7 (check, eval, allocate)
does not need them, and a command that does says how to get them instead of
showing an `ImportError`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from fitn7.errors import Fitn7Error

#: The extra that brings what reports and notices need.
INSTALL = 'pip install "fitn7[report]"'


class MissingExtra(Fitn7Error):
    """A library of the `report` extra is not installed."""

    def __init__(self, module: str) -> None:
        self.module = module
        super().__init__(
            f"fitn7: reports and notices need `{module}`, which is not installed: {INSTALL}"
        )


def need(module: str, package: str | None = None) -> ModuleType:
    """Import `module` (brought by `package`, by default the module itself), or raise
    `MissingExtra` naming the install command."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(package or module) from None
