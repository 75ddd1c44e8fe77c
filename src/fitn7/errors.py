"""The exception hierarchy: one root, one branch per phase.

Every error a user can cause is a `Fitn7Error`; the command line prints its
rendered diagnostics and never a Python traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fitn7.diagnostics import Diagnostic
    from fitn7.dsl.source import SourceText


class Fitn7Error(Exception):
    """Root of every error fitn7 raises for bad input."""


class PolicyError(Fitn7Error):
    """A policy file is wrong; carries the diagnostics that say where and why."""

    def __init__(
        self,
        diagnostics: Sequence[Diagnostic],
        sources: Sequence[SourceText] = (),
    ) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = {s.name: s for s in sources}
        super().__init__(self.render())

    def render(self) -> str:
        """The diagnostics as a user reads them, with source lines and carets."""
        from fitn7.diagnostics import render_all

        return render_all(self.diagnostics, self.sources)


class PolicyFileError(Fitn7Error):
    """A policy file cannot be read at all: missing, a directory, not UTF-8 text."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: cannot read the policy: {reason}")


class PolicySyntaxError(PolicyError):
    """The text of a policy does not follow the grammar."""


class PolicyCheckError(PolicyError):
    """A policy parses but the checker found problems (names, types, bands...)."""


class InputError(Fitn7Error):
    """A data file is wrong: names the file and the path of the field, then a hint.

    Rendered `BZH-014.toml: expected a date @ $.submitted (did you mean …)`.
    """

    def __init__(self, file: str, path: str, message: str, hint: str | None = None) -> None:
        self.file = file
        self.path = path
        self.message = message
        self.hint = hint
        where = f" @ {path}" if path else ""
        # The hint goes after the path so the location keeps its place in every message.
        tail = f" ({hint})" if hint else ""
        super().__init__(f"{file}: {message}{where}{tail}")


class DossierError(InputError):
    """A dossier could not be loaded: names the file and the path of the field."""


class HistoryError(InputError):
    """A history of prior awards could not be read (see `fitn7 allocate --history`)."""


class EvaluationError(Fitn7Error):
    """Evaluating a dossier failed for a reason other than missing data."""


class PluginError(Fitn7Error):
    """A plugin is missing, misdeclared, or failed while evaluating a dossier."""
