"""The fitn7 hooks of fitn7-demarches-simplifiees: the loader `ds` and the command `fitn7 ds`.

Vocabulary only: it reads dossiers and pulls them from the platform; it
decides nothing. Every dossier goes through fitn7's own dossier reader.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from fitn7.hookspecs import CommandDecl, LoaderDecl, hookimpl

from fitn7_demarches_simplifiees.suffixes import SUFFIXES

# The loader and the command are imported on first use: every fitn7 command loads
# the plugins, and `fitn7 check` should not pay for readers of workbooks it never runs.


def _load_demarche(
    path: Path, options: Mapping[str, str], vocabulary: Any = None
) -> Iterator[Any]:
    from fitn7_demarches_simplifiees.loader import load_demarche

    return load_demarche(path, options, vocabulary)


def _claims(path: Path, options: Mapping[str, str]) -> bool:
    from fitn7_demarches_simplifiees.loader import claims

    return claims(path, options)


def _configure(parser: argparse.ArgumentParser) -> None:
    from fitn7_demarches_simplifiees.command import configure

    configure(parser)


LOADER = LoaderDecl(
    format="ds",
    suffixes=SUFFIXES,
    doc="A Démarches Simplifiées démarche: its xlsx, ods or csv export, or an API snapshot "
    "(.json, from `fitn7 ds pull`), read through the démarche's TOML mapping "
    "(EXPORT.mapping.toml beside it, or --loader-option mapping=FILE); "
    "--loader-option state=en_instruction keeps only the dossiers in that state. Read for "
    "the policy: champs may fill its inputs.NAME and documents, lines use its categories.",
    load=_load_demarche,
    claims=_claims,
    # The policy's vocabulary: its categories, and the inputs and documents champs fill.
    load_with_vocabulary=_load_demarche,
)

COMMAND = CommandDecl(
    name="ds",
    doc="Démarches Simplifiées: `fitn7 ds pull DEMARCHE --out snapshot.json` fetches a "
    "démarche's dossiers through the GraphQL API",
    configure=_configure,
)


@hookimpl
def fitn7_register_loaders() -> Sequence[LoaderDecl]:
    """The `ds` loader."""
    return (LOADER,)


@hookimpl
def fitn7_register_commands() -> Sequence[CommandDecl]:
    """The `fitn7 ds` command."""
    return (COMMAND,)
