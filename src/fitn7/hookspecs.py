"""The hooks a fitn7 plugin may implement (pluggy project name `fitn7`).

A plugin adds *vocabulary*, never a hidden decision: functions a policy may
call, typed fields under `extra`, dossier loaders, and enrichers that fill
fields from reference data and say where each value came from. The rules
that use them stay in the policy file, where an auditor reads them.

Every hook is prefixed `fitn7_`; implement it with `fitn7.hookimpl`. The
`register_*` hooks return declarations, so the checker knows the names and
types before anything runs. See docs/plugins.md for each hook with an example.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import pluggy

from fitn7 import types as t
from fitn7.dossier import Dossier
from fitn7.functions import FunctionDecl

#: The pluggy project name: entry points are looked up in the group `fitn7`.
PROJECT = "fitn7"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

#: Where a declared field lives: `applicant.extra.X` and `members[i].extra.X`
#: (`collectivite`), `project.extra.X`, or the dossier's own `extra.X`.
FieldOwner = Literal["collectivite", "project", "dossier"]


@attrs.frozen
class FieldDecl:
    """A typed field a plugin declares under `extra` (`applicant.extra.arrete_zrr`)."""

    owner: FieldOwner
    name: str
    type: t.Type
    doc: str
    plugin: str = ""


@attrs.frozen
class LoaderDecl:
    """A dossier loader for a format (`csv`), with the file suffixes it reads.

    `load(path, options)` yields, for each dossier of the file, a
    `fitn7.loading.Loaded` or a `fitn7.loading.Failed` naming the row and
    column at fault; it must not raise for bad data.

    `claims(path, options)`, when given, lets the loader read a file whose
    suffix another reader owns, because of what the file is rather than its
    name: an API snapshot that is a `.json` file, a `.csv` export whose mapping
    beside it is a démarche's. It is asked before the suffix decides, must be
    cheap (peek, do not parse the whole file) and must not raise.

    `load_with_vocabulary(path, options, vocabulary)`, when given, is called
    instead of `load`, with the vocabulary of the policy that will read the
    dossiers (a `fitn7.vocabulary.Vocabulary`: its expense categories, inputs
    and documents; None when no policy is known), so that a loader can map
    columns to the policy's inputs and documents and report a wrong value at
    its cell, as fitn7's own reader reports it at its field.
    """

    format: str
    suffixes: tuple[str, ...]
    doc: str
    load: Callable[[Path, Mapping[str, str]], Iterator[Any]]
    plugin: str = ""
    claims: Callable[[Path, Mapping[str, str]], bool] | None = None
    load_with_vocabulary: Callable[[Path, Mapping[str, str], Any], Iterator[Any]] | None = None


@attrs.frozen
class CommandDecl:
    """A subcommand a plugin adds to the `fitn7` command line (`fitn7 ds pull`).

    `configure(parser)` adds the command's arguments to its own
    `argparse.ArgumentParser` (subcommands included) and sets `run` with
    `parser.set_defaults(run=FUNCTION)`; `run(args)` returns the exit code
    (0 ok, 1 bad input, 2 usage) and reports bad input as a message, never a
    traceback.
    """

    name: str
    doc: str
    configure: Callable[[argparse.ArgumentParser], None]
    plugin: str = ""


@attrs.frozen
class Provenance:
    """One value an enricher set: the field path, the value, and its source."""

    path: str
    value: Any
    source: str


@attrs.frozen
class Enrichment:
    """What an enricher returns: the completed dossier, what it set, what it doubts."""

    dossier: Dossier
    provenance: tuple[Provenance, ...] = ()
    warnings: tuple[str, ...] = ()


@hookspec
def fitn7_register_functions() -> Sequence[FunctionDecl]:  # type: ignore[empty-body]
    """Declare functions a policy may call: name, typed parameters, result type, doc, code.

    Called once when the plugins are loaded; return a list. A policy may
    call them when it names the plugin in `uses`. The checker types every
    call from these declarations; at evaluation the implementation receives
    only the declared arguments, already evaluated (None for unknown). An
    item that is not a `FunctionDecl`, or a name another plugin declares, is
    a `PluginError` naming the plugin(s).
    """


@hookspec
def fitn7_register_fields() -> Sequence[FieldDecl]:  # type: ignore[empty-body]
    """Declare typed fields under `extra` on the applicant (and members), project or dossier.

    Called once when the plugins are loaded; return a list. A policy that
    names the plugin in `uses` may then read `applicant.extra.NAME`, and a
    dossier value of another type is an error. An item that is not a
    `FieldDecl`, an unknown owner, a type not from `fitn7.types`, or a field
    another plugin declares with another type is a `PluginError` naming the
    plugin(s).
    """


@hookspec
def fitn7_register_loaders() -> Sequence[LoaderDecl]:  # type: ignore[empty-body]
    """Declare dossier loaders by format name (`csv`) and file suffix.

    Called once when the plugins are loaded; return a list. `fitn7 eval
    --loader NAME` (or a file with one of the suffixes) uses it. An item that
    is not a `LoaderDecl`, or a format or suffix another loader claims, is a
    `PluginError` naming the plugin(s).
    """


@hookspec
def fitn7_register_commands() -> Sequence[CommandDecl]:  # type: ignore[empty-body]
    """Declare subcommands of `fitn7` (`ds` for `fitn7 ds pull ...`).

    Called once when the plugins are loaded; return a list. The command line
    adds them only when it names no command of fitn7's own (and for `fitn7
    --help`), so a plugin's command never slows or breaks `fitn7 eval`: keep
    heavy imports inside `run`. An item that is not a `CommandDecl`, or a
    name another plugin declares, is a `PluginError` naming the plugin(s); a
    name of fitn7's own commands is left out with a warning.
    """


@hookspec
def fitn7_enrich_dossier(dossier: Dossier) -> Enrichment | None:
    """Fill fields of a dossier from reference data, before evaluation.

    Called once per dossier, when the policy evaluated names the plugin in
    `uses`, in plugin order, each enricher seeing the previous one's result.
    Return None to leave the dossier alone, or an `Enrichment` listing every
    value set with its source (the decision's trace shows them). Keep values
    the dossier already has; report a disagreement as a warning.
    """
