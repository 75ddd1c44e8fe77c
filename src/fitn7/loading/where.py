"""Where a value sits while a dossier is read: its file and JSONPath-like path.

Every reader takes a `Where` so an error names the file and the field
(`BZH-014.toml: expected a date @ $.submitted`) without threading two strings
through every call.
"""

from __future__ import annotations

import re

import attrs

from fitn7.errors import DossierError
from fitn7.limits import text_shown

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def dossier_error(file: str, path: str, message: str, hint: str | None = None) -> DossierError:
    """A `DossierError` rendered as `file: message @ path (hint)`; no hint, no parentheses.

    A message may quote the dossier's own text: a lone surrogate in it (a JSON
    `"\\ud800"`) is written as its escape, so the error can always be printed.
    """
    return DossierError(
        file, text_shown(path), text_shown(message), None if hint is None else text_shown(hint)
    )


def error_hint(error: DossierError) -> str | None:
    """The hint of a dossier error (`did you mean …`), or None."""
    return error.hint


@attrs.frozen
class Where:
    """A file and a path inside it, e.g. `BZH-014.toml` and `$.expenses[2].amount`."""

    file: str
    path: str = "$"

    def key(self, name: str) -> Where:
        """The location of key `name` of the table here."""
        if _IDENTIFIER.fullmatch(name):
            return Where(self.file, f"{self.path}.{name}")
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return Where(self.file, f'{self.path}["{quoted}"]')

    def index(self, i: int) -> Where:
        """The location of element `i` of the list here."""
        return Where(self.file, f"{self.path}[{i}]")

    def error(self, message: str, hint: str | None = None) -> DossierError:
        """An error about the value here (to raise)."""
        return dossier_error(self.file, self.path, message, hint)
