"""From a dossier as filed to a recorded decision: enrich, evaluate, stamp.

Every command that decides (`eval`, `test`, `allocate`, `replay`) goes
through a `Runner`, so a dossier is treated the same way everywhere: the
plugins' enrichers fill what reference data knows (each value set becomes a
trace entry naming its source), the compiled policy decides, and the
decision records the hash of the dossier *as filed*, the version of fitn7 and
of each plugin that took part, and the params overridden for the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from fitn7.dossier import Dossier
from fitn7.errors import DossierError, PluginError
from fitn7.evaluation import CompiledPolicy, Decision
from fitn7.evaluation.params import override_texts
from fitn7.loading.canonical import dossier_to_mapping
from fitn7.loading.extra import typed_extra
from fitn7.loading.mapping import dossier_from_mapping
from fitn7.loading.vocabulary import apply_vocabulary
from fitn7.plugins import Enriched, PluginHost
from fitn7.provenance import stamp


@attrs.frozen
class Outcome:
    """A decision and the warnings raised on the way (an enricher's doubts)."""

    decision: Decision
    dossier: Dossier
    warnings: tuple[str, ...] = ()
    #: The file the dossier was read from, when it came from one.
    file: str | None = None


@attrs.frozen
class Runner:
    """A compiled policy with the plugins and params of one run."""

    program: CompiledPolicy
    plugins: PluginHost | None = None
    params: Mapping[str, Any] | None = None

    def enrich(self, dossier: Dossier) -> Enriched:
        """The dossier completed by the enrichers, with their trace entries and warnings."""
        if self.plugins is None:
            return Enriched(dossier, (), (), ())
        return self.plugins.enrich(dossier, self.program.policy.header.uses)

    def decide(
        self, dossier: Dossier, *, trace: bool = True, read_by: str | None = None
    ) -> Outcome:
        """Enrich, evaluate and stamp one dossier.

        `read_by` names the plugin whose loader read the dossier, recorded with
        the plugins that took part.

        Raises `DossierError` for what the policy's vocabulary refuses (an
        undeclared category, input or document, an input of the wrong type) or
        a plugin-declared field of the wrong type in the dossier, and
        `PluginError` for a failing plugin or an enricher that set a value of
        the wrong type.
        """
        filed = dossier  # what the hash in the decision is taken on
        dossier = apply_vocabulary(dossier, self.program.vocabulary)
        if self.plugins is not None:
            dossier = typed_extra(dossier, self.plugins.schema)
        done = self.enrich(dossier)
        enriched, entries, warnings, used = done.dossier, done.trace, done.warnings, done.plugins
        if enriched is not dossier:
            enriched = self._checked_enrichment(enriched, used)
        decision = self.program.evaluate(enriched, self.params, trace=trace)
        if trace and entries:
            decision = attrs.evolve(decision, trace=(*entries, *decision.trace))
        versions: dict[str, str] = {}
        if self.plugins is not None:
            also = (*used, read_by) if read_by else used
            found = self.plugins.versions_for(self.program.policy, also)
            versions = {name: version or "unknown" for name, version in found.items()}
        return Outcome(stamp(decision, filed, versions, self.recorded_params),
                       enriched, warnings)

    def _checked_enrichment(self, enriched: Dossier, used: tuple[str, ...]) -> Dossier:
        """The enriched dossier read again as a file would be: an enricher may not set a
        value a dossier could not hold (`population = "beaucoup"`)."""
        assert self.plugins is not None
        try:
            again = dossier_from_mapping(dossier_to_mapping(enriched), file="<enriched>",
                                         vocabulary=self.program.vocabulary)
            return attrs.evolve(typed_extra(again, self.plugins.schema, "<enriched>"),
                                origin=enriched.origin)
        except DossierError as exc:
            names = ", ".join(f"`{n}`" for n in used) or "an enricher"
            raise PluginError(
                f"plugin {names} enriched dossier `{enriched.id}` with a value it cannot "
                f"hold: {exc.message}{f' @ {exc.path}' if exc.path else ''}"
            ) from None

    @property
    def recorded_params(self) -> dict[str, str]:
        """The params overridden for this run, as a decision records them."""
        if not self.params:
            return {}
        program = self.program
        return override_texts(program.param_defaults, program.param_nodes, self.params)
