"""Provenance of a decision: what it was computed from, so an auditor can replay it.

A decision already names its policy and the policy's canonical SHA-256.
`stamp` adds, as top-level keys of the decision's JSON (`Decision.to_dict`
merges `Decision.provenance` in):

- `dossier_sha256`: the SHA-256 of the dossier's canonical JSON
  (`fitn7.loading.canonical_dossier_json`), so a recorded decision cannot be
  matched with an edited dossier without it showing;
- `fitn7`: the version of fitn7 that evaluated;
- `plugins`: name → version of each plugin that took part;
- `params`: name → value of each param overridden at run time
  (`--param`), as text (`fitn7.evaluation.params.param_text`); empty when
  the policy's own values decided.

`fitn7 replay` (see docs/audit.md) checks all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import attrs

from fitn7.dossier import Dossier
from fitn7.evaluation import Decision
from fitn7.loading import canonical_dossier_json

#: The provenance keys `stamp` writes, in the order they appear in a decision.
PROVENANCE_KEYS = ("dossier_sha256", "fitn7", "plugins", "params")


def dossier_hash(dossier: Dossier) -> str:
    """The SHA-256 (hex) of the UTF-8 canonical JSON of a dossier.

    It depends on the dossier's values only: the file format, key order,
    `12000` versus `"12000.00"` and comments do not change it.
    """
    return hashlib.sha256(canonical_dossier_json(dossier).encode("utf-8")).hexdigest()


def fitn7_version() -> str:
    """The version of the running fitn7."""
    # Read at call time: `fitn7/__init__.py` may import this module before it
    # has defined `__version__`.
    import fitn7

    return str(fitn7.__version__)


def provenance(
    dossier: Dossier,
    plugins: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The provenance keys of a decision on `dossier` evaluated by this fitn7."""
    return {
        "dossier_sha256": dossier_hash(dossier),
        "fitn7": fitn7_version(),
        "plugins": dict(sorted((plugins or {}).items())),
        "params": dict(sorted((params or {}).items())),
    }


def stamp(
    decision: Decision,
    dossier: Dossier,
    plugins: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Decision:
    """The decision with its provenance recorded (other provenance keys are kept).

    `plugins` maps each plugin that took part to its version; `params` each
    param overridden for this run to its value as text (`param_text`).
    """
    if decision.dossier != dossier.id:
        raise ValueError(
            f"decision on `{decision.dossier}` stamped with dossier `{dossier.id}`"
        )
    return attrs.evolve(
        decision, provenance={**decision.provenance, **provenance(dossier, plugins, params)}
    )
