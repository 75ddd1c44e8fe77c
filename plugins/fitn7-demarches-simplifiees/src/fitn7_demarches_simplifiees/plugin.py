"""The fitn7 hooks of fitn7-demarches-simplifiees: the loader `ds` and the command `fitn7 ds`.

Vocabulary only: it reads dossiers and pulls them from the platform; it
decides nothing. Every dossier goes through fitn7's own dossier reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from fitn7.hookspecs import CommandDecl, LoaderDecl, hookimpl

from fitn7_demarches_simplifiees.command import configure
from fitn7_demarches_simplifiees.loader import SUFFIXES, claims, load_demarche

LOADER = LoaderDecl(
    format="ds",
    suffixes=SUFFIXES,
    doc="A Démarches Simplifiées démarche: its xlsx, ods or csv export, or an API snapshot "
    "(.json, from `fitn7 ds pull`), read through the démarche's TOML mapping "
    "(EXPORT.mapping.toml beside it, or --loader-option mapping=FILE); "
    "--loader-option state=en_instruction keeps only the dossiers in that state.",
    load=load_demarche,
    claims=claims,
)

COMMAND = CommandDecl(
    name="ds",
    doc="Démarches Simplifiées: `fitn7 ds pull DEMARCHE --out snapshot.json` fetches a "
    "démarche's dossiers through the GraphQL API",
    configure=configure,
)


@hookimpl
def fitn7_register_loaders() -> Sequence[LoaderDecl]:
    """The `ds` loader."""
    return (LOADER,)


@hookimpl
def fitn7_register_commands() -> Sequence[CommandDecl]:
    """The `fitn7 ds` command."""
    return (COMMAND,)
