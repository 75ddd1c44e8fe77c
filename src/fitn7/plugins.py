"""The plugin host: a typed facade over pluggy's PluginManager.

`PluginHost.load()` registers fitn7's built-ins (as the internal plugin
`fitn7`, which cannot be disabled), the installed plugins of the entry-point
group `fitn7` one at a time (one that fails is left out with a warning and
refused only to a policy that `uses` it), and the modules of a local
directory (`--plugins-dir DIR` or `FITN7_PLUGINS_DIR`), skipping the names
listed in `FITN7_DISABLED_PLUGINS` (comma-separated). An implementation of a
hook fitn7 does not define, a malformed declaration, or two plugins claiming
the same word is refused. A policy sees the built-ins and the words of the
plugins it names in `uses` only (`PluginHost.check`, `functions_for`,
`schema_for`). Each host is its own object: nothing is global.
"""

from __future__ import annotations

import datetime
import difflib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from fitn7 import builtin_plugin, hookspecs
from fitn7 import types as t
from fitn7.checker.context import Unused
from fitn7.diagnostics import Diagnostic
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.errors import Fitn7Error, PluginError
from fitn7.evaluation.decision import TraceEntry
from fitn7.functions import BUILTIN_PLUGIN, BUILTINS, FunctionDecl, FunctionRegistry
from fitn7.hookspecs import CommandDecl, Enrichment, FieldDecl, LoaderDecl

PLUGINS_DIR_ENV = "FITN7_PLUGINS_DIR"
DISABLED_ENV = "FITN7_DISABLED_PLUGINS"
BUILTIN = BUILTIN_PLUGIN

_OWNER_RECORD = {"collectivite": "extra:collectivite", "project": "extra:project",
                 "dossier": "extra:dossier"}
_OWNER_PATH = {"collectivite": "applicant", "project": "project", "dossier": "dossier"}
#: The hooks fitn7 defines.
HOOKS = frozenset(
    name for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
)


@attrs.frozen
class PluginInfo:
    """What `fitn7 plugins` shows about one plugin."""

    name: str
    version: str | None
    hooks: tuple[str, ...]
    functions: tuple[FunctionDecl, ...]
    fields: tuple[FieldDecl, ...]
    loaders: tuple[LoaderDecl, ...]
    commands: tuple[CommandDecl, ...] = ()


@attrs.frozen
class Enriched:
    """A dossier after every enricher ran, with the trace entries saying what was set."""

    dossier: Dossier
    trace: tuple[TraceEntry, ...]
    warnings: tuple[str, ...]
    plugins: tuple[str, ...]


@attrs.frozen
class Broken:
    """An installed plugin (entry point) that could not be loaded, and why."""

    name: str
    #: `fitn7-zrr 0.1.0`: the distribution that declares the entry point.
    distribution: str
    #: `ModuleNotFoundError: No module named 'x'`.
    reason: str
    #: What to do about it.
    fix: str


class PluginHost:
    """The loaded plugins and what they declare; build one with `PluginHost.load`."""

    def __init__(
        self,
        manager: pluggy.PluginManager,
        *,
        distributions: Mapping[str, str] | None = None,
        broken: Mapping[str, Broken] | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        self._pm = manager
        self._distributions = dict(distributions or {})
        self._broken = dict(broken or {})
        self.warnings: tuple[str, ...] = tuple(warnings)
        self._functions = self._collect_functions()
        self._fields = self._collect_fields()
        self._loaders = self._collect_loaders()
        self._commands = self._collect_commands()

    # ------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        plugins_dir: str | Path | None = None,
        *,
        entry_points: bool = True,
        disabled: Iterable[str] | None = None,
        plugins: Sequence[tuple[str, object]] = (),
        environment: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> PluginHost:
        """Load built-ins, entry points (unless `entry_points=False`), a local directory
        and the given `(name, module)` pairs; raise `PluginError` on a bad plugin.

        `plugins_dir` and `disabled` default to `FITN7_PLUGINS_DIR` and
        `FITN7_DISABLED_PLUGINS`, unless `environment=False`. An installed
        plugin that fails to import is left out with a warning (a policy that
        `uses` it is then refused, saying why); a local or given plugin that
        fails is a `PluginError`. Warnings go to `warn` (default: a line on
        stderr) and stay in `host.warnings`.
        """
        warnings: list[str] = []

        def note(message: str) -> None:
            warnings.append(message)
            (warn or _print_warning)(message)

        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        if disabled is None:
            disabled = _env_list(DISABLED_ENV) if environment else []
        blocked = set(disabled)
        if BUILTIN in blocked:
            blocked.discard(BUILTIN)
            note(f"{DISABLED_ENV}: `{BUILTIN}` is fitn7's own functions "
                 f"({', '.join(d.name for d in BUILTINS)}), which cannot be disabled; "
                 "ignored")
        for name in blocked:
            pm.set_blocked(name)
        pm.register(builtin_plugin, name=BUILTIN)
        #: Where each registered (or broken) plugin came from, to name both sides of a clash.
        origins: dict[str, str] = {BUILTIN: "fitn7's own functions"}
        #: Every plugin name found, loaded or not, for the did-you-mean of `disabled`.
        found: set[str] = set()
        distributions: dict[str, str] = {}
        broken: dict[str, Broken] = {}
        available = _entry_points() if entry_points or blocked else []
        found.update(ep.name for ep in available)
        for ep in available if entry_points else []:
            if ep.name in blocked:
                continue
            dist = _distribution(ep)
            if ep.name in origins:
                # Which one would decide is a guess: neither is loaded.
                if pm.has_plugin(ep.name):
                    pm.unregister(name=ep.name)
                    distributions.pop(ep.name, None)
                reason = (f"two installed distributions provide it, {origins[ep.name]} and "
                          f"{dist}; uninstall one")
                broken[ep.name] = Broken(ep.name, f"{origins[ep.name]} and {dist}", reason,
                                         "uninstall one of them (pip uninstall NAME)")
                note(f"plugin `{ep.name}` is left out: {reason}")
                continue
            origins[ep.name] = dist
            module: object = None
            try:
                module = ep.load()
                _register(pm, module, ep.name)
            except Exception as exc:  # one broken plugin must not stop the others
                reason = _one_line(f"{type(exc).__name__}: {exc}")
                if module is None and isinstance(exc, Fitn7Error):
                    # The plugin itself said what is wrong at import (its data, its
                    # settings, e.g. a bad FITN7_ZRR_TABLE): reinstalling would not help.
                    fix = short = "correct what the message names, then run again"
                else:
                    reinstall = (f" (pip install --force-reinstall {ep.dist.name})"
                                 if ep.dist is not None else "")
                    fix, short = f"fix or reinstall it{reinstall}", "fix or reinstall it"
                broken[ep.name] = Broken(ep.name, dist, reason, fix)
                note(
                    f"plugin `{ep.name}` (distribution {dist}) failed to load and is left "
                    f"out: {reason}; a policy that uses it is refused; {short}, "
                    f"or disable it with {DISABLED_ENV}={ep.name}"
                )
                continue
            distributions[ep.name] = dist
        directory = plugins_dir
        if directory is None and environment:
            directory = os.environ.get(PLUGINS_DIR_ENV)
        if directory:
            for name, file in _plugin_files(Path(directory)):
                found.add(name)
                if name in blocked:
                    continue
                if name in origins:
                    raise PluginError(
                        f"plugin file `{file}` cannot be loaded: the name `{name}` is taken by "
                        f"{_described(name, origins[name])}; rename the file (a plugin is "
                        "named after its file)"
                    )
                _register(pm, _import(file), name, where=f" (file `{file}`)")
                origins[name] = f"file `{file}`"
        for name, given in plugins:
            found.add(name)
            if name in blocked:
                continue
            if name in origins:
                raise PluginError(
                    f"two plugins are named `{name}`: the one given and "
                    f"{_described(name, origins[name])}; give it another name"
                )
            _register(pm, given, name)
            origins[name] = "given"
        for name in sorted(blocked - found):
            hint = _similar_plugin(name, found) or (
                "the plugins found are " + ", ".join(f"`{n}`" for n in sorted(found))
                if found else "no plugin is installed"
            )
            note(f"{DISABLED_ENV}: no plugin is named `{name}`; {hint}")
        return cls(pm, distributions=distributions, broken=broken, warnings=warnings)

    # --------------------------------------------------------- declarations

    def _call(self, hook: str, kind: type) -> list[tuple[str, Sequence[Any]]]:
        """(plugin name, declarations) for every implementation of a register hook."""
        out: list[tuple[str, Sequence[Any]]] = []
        # In the order the plugins were registered: built-ins first.
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            name = impl.plugin_name
            try:
                result = impl.function()
            except Exception as exc:
                raise PluginError(
                    f"plugin `{name}` failed in `{hook}`: {type(exc).__name__}: {exc}"
                ) from None
            if result is None:
                result = ()
            if not isinstance(result, list | tuple):
                raise PluginError(
                    f"plugin `{name}` returned {type(result).__name__} from `{hook}`, not a "
                    f"list of `{kind.__module__}.{kind.__name__}`"
                )
            for item in result:
                if not isinstance(item, kind):
                    raise PluginError(
                        f"plugin `{name}` returned `{_short_repr(item)}` from `{hook}`, "
                        f"not a `{kind.__module__}.{kind.__name__}`"
                    )
            out.append((name, result))
        return out

    def _collect_functions(self) -> FunctionRegistry:
        decls: dict[str, FunctionDecl] = {}
        for plugin, declared in self._call("fitn7_register_functions", FunctionDecl):
            for decl in declared:
                _check_function(plugin, decl)
                if decl.name in decls and decls[decl.name].plugin == plugin:
                    raise PluginError(f"plugin `{plugin}` declares the function `{decl.name}` "
                                      "twice; declare it once")
                if decl.name in decls:
                    raise PluginError(
                        f"function `{decl.name}` is declared by both `{decls[decl.name].plugin}` "
                        f"and `{plugin}`; disable one with {DISABLED_ENV}"
                    )
                tagged = attrs.evolve(decl, plugin=plugin)
                decls[decl.name] = tagged if plugin == BUILTIN else _guarded(tagged)
        return FunctionRegistry(decls)

    def _collect_fields(self) -> tuple[FieldDecl, ...]:
        out: dict[tuple[str, str, str], FieldDecl] = {}
        seen: dict[tuple[str, str], FieldDecl] = {}
        for plugin, declared in self._call("fitn7_register_fields", FieldDecl):
            for field in declared:
                _check_field(plugin, field)
                tagged = attrs.evolve(field, plugin=plugin)
                key = (field.owner, field.name)
                earlier = seen.get(key)
                if earlier is not None and earlier.type != field.type:
                    path = field_path(field)
                    if earlier.plugin == plugin:
                        raise PluginError(
                            f"plugin `{plugin}` declares the field `{path}` twice, as "
                            f"{earlier.type} and as {field.type}; declare it once"
                        )
                    raise PluginError(
                        f"the field `{path}` is declared by both `{earlier.plugin}` "
                        f"({earlier.type}) and `{plugin}` ({field.type}); disable one with "
                        f"{DISABLED_ENV}"
                    )
                seen.setdefault(key, tagged)
                out.setdefault((field.owner, field.name, plugin), tagged)
        return tuple(out.values())

    def _collect_loaders(self) -> dict[str, LoaderDecl]:
        out: dict[str, LoaderDecl] = {}
        suffixes: dict[str, LoaderDecl] = {}
        for plugin, declared in self._call("fitn7_register_loaders", LoaderDecl):
            for loader in declared:
                _check_loader(plugin, loader)
                tagged = attrs.evolve(loader, plugin=plugin, suffixes=tuple(loader.suffixes))
                earlier = out.get(loader.format)
                if earlier is not None and earlier.plugin == plugin:
                    raise PluginError(f"plugin `{plugin}` declares the loader "
                                      f"`{loader.format}` twice; declare it once")
                if earlier is not None:
                    raise PluginError(
                        f"the loader `{loader.format}` is declared by both `{earlier.plugin}` "
                        f"and `{plugin}`; disable one with {DISABLED_ENV}"
                    )
                for suffix in tagged.suffixes:
                    owner = suffixes.get(suffix.lower())
                    if owner is not None and owner is not tagged:
                        raise PluginError(
                            f"files ending in `{suffix}` are claimed by the loader "
                            f"`{owner.format}` of `{owner.plugin}` and the loader "
                            f"`{loader.format}` of `{plugin}`"
                            + (f"; disable one with {DISABLED_ENV}" if owner.plugin != plugin
                               else "")
                        )
                    suffixes[suffix.lower()] = tagged
                out[loader.format] = tagged
        return out

    def _collect_commands(self) -> dict[str, CommandDecl]:
        out: dict[str, CommandDecl] = {}
        for plugin, declared in self._call("fitn7_register_commands", CommandDecl):
            for command in declared:
                if not isinstance(command.name, str) or not command.name.isidentifier() \
                        or not callable(command.configure):
                    raise PluginError(f"plugin `{plugin}` declared a command {command.name!r} "
                                      "without a plain name or a callable `configure`")
                earlier = out.get(command.name)
                if earlier is not None:
                    raise PluginError(
                        f"the command `{command.name}` is declared by both `{earlier.plugin}` "
                        f"and `{plugin}`; disable one with {DISABLED_ENV}"
                    )
                out[command.name] = attrs.evolve(command, plugin=plugin)
        return out

    @property
    def commands(self) -> Mapping[str, CommandDecl]:
        """Subcommands of `fitn7` that plugins add, by name."""
        return self._commands

    def loader_for(self, path: Path, options: Mapping[str, str]) -> LoaderDecl | None:
        """The loader that reads the file `path`, or None for fitn7's own TOML/JSON reader.

        A loader whose `claims` says the file is its own comes first (a `.json`
        API snapshot), then the loader owning the file's suffix (`.csv`).
        """
        if not path.is_file():
            return None
        for loader in self._loaders.values():
            if loader.claims is None:
                continue
            try:
                if loader.claims(path, options):
                    return loader
            except Exception:  # a claim that fails is no claim
                continue
        suffix = path.suffix.lower()
        return next(
            (ld for ld in self._loaders.values() if suffix in (s.lower() for s in ld.suffixes)),
            None,
        )

    def read(
        self,
        paths: Iterable[str | os.PathLike[str]],
        loader: str | None = None,
        options: Mapping[str, str] | None = None,
        vocabulary: Any = None,
    ) -> Iterator[Any]:
        """Every dossier of the files and directories given, as `Loaded` or `Failed`.

        `vocabulary` (a `fitn7.vocabulary.Vocabulary`) is the policy's, for
        fitn7's own TOML/JSON reader and for the loaders that take it
        (`LoaderDecl.load_with_vocabulary`).

        Each file goes to the loader named, else to `loader_for` it, else to
        fitn7's TOML/JSON reader; a directory stands for its TOML and JSON
        files only (a second CSV of expense lines beside an export is not a
        dossier file). A path that is not a regular file (a named pipe would
        block a loader) is a `Failed` naming it, and the other paths are still
        read. A loader that crashes
        is a `PluginError` naming it.
        """
        from fitn7.input_file import not_regular
        from fitn7.loading import Failed, Loaded, load_dossiers
        from fitn7.loading.where import dossier_error

        options = dict(options or {})
        chosen = self._loaders[loader] if loader is not None else None
        for given in paths:
            path = Path(given)
            if path.is_dir():
                yield from load_dossiers(path, vocabulary=vocabulary)
                continue
            odd = not_regular(path)
            if odd is not None:
                yield Failed(dossier_error(str(path), "", f"cannot read the file: {odd}"))
                continue
            decl = chosen if chosen is not None else self.loader_for(path, options)
            if decl is None:
                yield from load_dossiers(path, vocabulary=vocabulary)
                continue
            try:
                results = (decl.load(path, options) if decl.load_with_vocabulary is None
                           else decl.load_with_vocabulary(path, options, vocabulary))
                for loaded in results:
                    # The decision records the plugin that read its dossier, like
                    # any plugin that took part.
                    if isinstance(loaded, Loaded) and loaded.loader is None:
                        loaded = attrs.evolve(loaded, loader=decl.plugin or decl.format)
                    yield loaded
            except Fitn7Error:
                raise
            except Exception as exc:  # a loader must report bad data, not crash the batch
                raise PluginError(
                    f"plugin `{decl.plugin}` loader `{decl.format}` failed on {path}: "
                    f"{type(exc).__name__}: {exc}"
                ) from None

    @property
    def functions(self) -> FunctionRegistry:
        """Every function of every loaded plugin, built-ins included.

        A policy sees only `functions_for(policy.header.uses)`."""
        return self._functions

    @property
    def schema(self) -> t.Schema:
        """The dossier schema with every loaded plugin's `extra` fields (to read dossiers).

        A policy sees only `schema_for(policy.header.uses)`."""
        return self._schema_of(self._fields)

    def functions_for(self, uses: Iterable[str]) -> FunctionRegistry:
        """The functions a policy with this `uses` list may call: the built-ins and
        those of the plugins it names, never another installed plugin's."""
        wanted = {BUILTIN, *uses}
        return FunctionRegistry({
            name: decl for name, decl in self._functions.functions.items()
            if decl.plugin in wanted
        })

    def schema_for(self, uses: Iterable[str]) -> t.Schema:
        """The schema a policy with this `uses` list reads: `extra` fields of the
        plugins it names only."""
        wanted = set(uses)
        return self._schema_of([f for f in self._fields if f.plugin in wanted])

    def unused(self, uses: Iterable[str]) -> Unused:
        """What loaded plugins a policy does not name declare: for the checker's hints."""
        wanted = {BUILTIN, *uses}
        functions = {
            name: (decl.plugin,) for name, decl in self._functions.functions.items()
            if decl.plugin not in wanted
        }
        fields: dict[tuple[str, str], tuple[str, ...]] = {}
        for f in self._fields:
            if f.plugin not in wanted:
                key = (_OWNER_RECORD[f.owner], f.name)
                fields[key] = (*fields.get(key, ()), f.plugin)
        return Unused(functions, fields)

    @staticmethod
    def _schema_of(declared: Iterable[FieldDecl]) -> t.Schema:
        schema = t.DEFAULT_SCHEMA
        fields = list(declared)
        for owner in _OWNER_RECORD:
            typed = {f.name: f.type for f in fields if f.owner == owner}
            if typed:
                schema = schema.with_extra(owner, typed)
        return schema

    @property
    def loaders(self) -> Mapping[str, LoaderDecl]:
        """Dossier loaders by format name."""
        return self._loaders

    @property
    def broken(self) -> Mapping[str, Broken]:
        """The installed plugins that failed to load, by name."""
        return self._broken

    def names(self) -> list[str]:
        """Names of the loaded plugins, built-ins included."""
        # pluggy keeps a blocked name mapped to None: it is not loaded.
        return sorted(
            name for name, plugin in self._pm.list_name_plugin()
            if name is not None and plugin is not None
        )

    def version(self, name: str) -> str | None:
        """The installed version of a plugin (its distribution's), if known."""
        if name == BUILTIN:
            from fitn7 import __version__

            return __version__
        if name in self._distributions:
            return self._distributions[name].rpartition(" ")[2]
        plugin = self._pm.get_plugin(name)
        version = getattr(plugin, "__version__", None)
        return version if isinstance(version, str) else None

    def info(self) -> list[PluginInfo]:
        """One entry per plugin, for `fitn7 plugins`."""
        out = []
        for name in self.names():
            plugin = self._pm.get_plugin(name)
            hooks = tuple(sorted(h.name for h in self._pm.get_hookcallers(plugin) or ()))
            out.append(PluginInfo(
                name,
                self.version(name),
                hooks,
                tuple(f for f in self._functions.functions.values() if f.plugin == name),
                tuple(f for f in self._fields if f.plugin == name),
                tuple(ld for ld in self._loaders.values() if ld.plugin == name),
                tuple(c for c in self._commands.values() if c.plugin == name),
            ))
        return out

    # ------------------------------------------------------------ policies

    def missing_uses(self, policy: ast.Policy) -> list[Diagnostic]:
        """A diagnostic for each plugin the policy `uses` that is not loaded."""
        loaded = self.names()
        out = []
        for name in policy.header.uses:
            if name in loaded:
                continue
            if self._pm.is_blocked(name):
                out.append(Diagnostic(
                    "E130",
                    f"policy needs plugin `{name}`, which is disabled by {DISABLED_ENV}",
                    policy.header.place(f"uses:{name}"),
                    f"remove `{name}` from {DISABLED_ENV} to use this policy",
                ))
                continue
            broken = self._broken.get(name)
            if broken is not None:
                out.append(Diagnostic(
                    "E130",
                    f"policy needs plugin `{name}`, which is installed (distribution "
                    f"{broken.distribution}) but cannot be loaded: {broken.reason}",
                    policy.header.place(f"uses:{name}"),
                    broken.fix,
                ))
                continue
            out.append(Diagnostic(
                "E130",
                f"policy needs plugin `{name}`: install it or pass --plugins-dir",
                policy.header.place(f"uses:{name}"),
                _similar_plugin(name, loaded) or _install_hint(name),
            ))
        return out

    def check(self, policy: ast.Policy) -> list[Diagnostic]:
        """Every problem of a (resolved) policy, with the vocabulary it names in `uses`.

        The plugins it names must be loaded (E130 otherwise); the checker then
        knows the built-ins and the functions and `extra` fields of those
        plugins only. A call of a function of another loaded plugin is an
        unknown function whose hint names the plugin to add to `uses`.
        """
        from fitn7.checker import check as run_checker

        missing = self.missing_uses(policy)
        if missing:
            return missing
        uses = policy.header.uses
        return run_checker(policy, functions=self.functions_for(uses),
                           schema=self.schema_for(uses), unused=self.unused(uses))

    def versions_for(self, policy: ast.Policy, also: Iterable[str] = ()) -> dict[str, str | None]:
        """Name -> version of the plugins a decision under this policy relied on."""
        names = dict.fromkeys([*policy.header.uses, *also])
        return {name: self.version(name) for name in names if name in self.names()}

    # ------------------------------------------------------------ dossiers

    def enrich(self, dossier: Dossier, uses: Iterable[str] | None = None) -> Enriched:
        """Run the enrichers in turn; a failing one raises `PluginError` for this dossier.

        With `uses` (a policy's `uses` list), only the enrichers of those
        plugins run: a policy says which reference data its decisions rely on,
        and an installed plugin never changes the decisions of a policy that
        does not name it.
        """
        trace: list[TraceEntry] = []
        warnings: list[str] = []
        used: list[str] = []
        # By plugin name, so the order does not depend on how entry points were found.
        impls = sorted(self._pm.hook.fitn7_enrich_dossier.get_hookimpls(),
                       key=lambda i: i.plugin_name)
        wanted = set(uses) if uses is not None else None
        for impl in impls:
            if wanted is not None and impl.plugin_name not in wanted:
                continue
            name = impl.plugin_name
            try:
                result = impl.function(dossier=dossier)
            except Exception as exc:
                raise PluginError(
                    f"plugin `{name}` failed to enrich dossier `{dossier.id}`: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
            if result is None:
                continue
            if not isinstance(result, Enrichment) or not isinstance(result.dossier, Dossier):
                raise PluginError(
                    f"plugin `{name}` returned {type(result).__name__} from "
                    f"`fitn7_enrich_dossier` for dossier `{dossier.id}`, not an Enrichment"
                )
            dossier = result.dossier
            warnings.extend(f"{dossier.id}: {name}: {w}" for w in result.warnings)
            if result.provenance:
                used.append(name)
                trace.append(TraceEntry(
                    rule=name,
                    kind="enrich",
                    outcome="applied",
                    read=tuple((p.path, p.value) for p in result.provenance),
                    source="; ".join(dict.fromkeys(p.source for p in result.provenance)),
                ))
        return Enriched(dossier, tuple(trace), tuple(warnings), tuple(used))


def _env_list(var: str) -> list[str]:
    return [item.strip() for item in os.environ.get(var, "").split(",") if item.strip()]


def _print_warning(message: str) -> None:
    print(f"fitn7: warning: {message}", file=sys.stderr)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    """The installed plugins: entry points of the group `fitn7`, by name."""
    return sorted(importlib.metadata.entry_points(group=hookspecs.PROJECT),
                  key=lambda ep: (ep.name, _distribution(ep)))


def _distribution(ep: importlib.metadata.EntryPoint) -> str:
    """`fitn7-zrr 0.1.0`: the distribution that declares an entry point."""
    dist = ep.dist
    if dist is None:
        return f"unknown (entry point `{ep.name} = {ep.value}`)"
    return f"{dist.metadata['Name'] or dist.name} {dist.version}"


def _register(pm: pluggy.PluginManager, plugin: object, name: str, where: str = "") -> None:
    """Register one plugin; raise `PluginError` naming it if it is not a valid plugin
    (a hook fitn7 does not define, a hook with the wrong parameters).

    `where` says where it comes from: ` (file `DIR/NAME.py`)`."""
    if plugin is None:
        raise PluginError(f"plugin `{name}`{where} is None, not a module")
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            f"plugin `{name}` is not valid{where}: {_one_line(str(exc))}; see the hooks in "
            "docs/plugins.md"
        ) from None
    except ValueError:
        other = next((n for n, p in pm.list_name_plugin() if p is plugin), None)
        raise PluginError(
            f"plugin `{name}`{where} is the same module as the plugin `{other}`; load it once"
        ) from None
    hooks = sorted(HOOKS)
    for caller in pm.get_hookcallers(plugin) or ():
        if not caller.has_spec():
            pm.unregister(name=name)
            close = difflib.get_close_matches(caller.name, hooks, n=1)
            hint = f"did you mean `{close[0]}`?" if close else (
                "the hooks are " + ", ".join(f"`{h}`" for h in hooks)
            )
            raise PluginError(
                f"plugin `{name}` is not valid{where}: it implements `{caller.name}`, which "
                f"is not a fitn7 hook; {hint}"
            )


def _described(name: str, origin: str) -> str:
    """The plugin already registered under `name`, for a clash message."""
    if name == BUILTIN:
        return origin
    if origin == "given":
        return f"the plugin `{name}` given before"
    if origin.startswith("file "):
        return f"the plugin `{name}` ({origin})"
    return f"the installed plugin `{name}` (distribution {origin})"


def _plugin_files(directory: Path) -> list[tuple[str, Path]]:
    """The plugin files of a directory (`*.py` not starting with `_`), by name."""
    if directory.is_file():
        raise PluginError(f"plugins directory `{directory}` is a file: pass the directory "
                          f"that holds it (`{directory.parent}`)")
    if not directory.is_dir():
        raise PluginError(f"plugins directory `{directory}` does not exist")
    return [(file.stem, file) for file in sorted(directory.glob("*.py"))
            if not file.name.startswith("_")]


def _import(file: Path) -> ModuleType:
    """Import one plugin file as the module `fitn7_local_plugins.NAME`."""
    spec = importlib.util.spec_from_file_location(f"fitn7_local_plugins.{file.stem}", file)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot import plugin file `{file}`")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise PluginError(
            f"plugin file `{file}` failed to import: {type(exc).__name__}: {exc}"
        ) from None
    sys.modules.setdefault(spec.name, module)
    return module


def field_path(field: FieldDecl) -> str:
    """Where a policy reads a declared field: `applicant.extra.zrr_arrete`."""
    return f"{_OWNER_PATH.get(field.owner, field.owner)}.extra.{field.name}"


def _check_function(plugin: str, decl: FunctionDecl) -> None:
    if not isinstance(decl.name, str) or not decl.name.isidentifier():
        raise PluginError(f"plugin `{plugin}` declared a function named `{decl.name!r}`, "
                          "which is not a name a policy can call")
    if not callable(decl.impl):
        raise PluginError(f"plugin `{plugin}` declared the function `{decl.name}` with an "
                          f"`impl` that is not callable ({type(decl.impl).__name__})")
    params = decl.params if isinstance(decl.params, tuple | list) else None
    if params is None or not all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) and _is_type(p[1])
        for p in params
    ) or not _is_type(decl.returns):
        raise PluginError(f"plugin `{plugin}` declared the function `{decl.name}` with "
                          "wrong types: `params` is a tuple of (name, type) pairs and "
                          "`returns` a type, each type from `fitn7.types`")


def _check_field(plugin: str, field: FieldDecl) -> None:
    if not isinstance(field.owner, str) or field.owner not in _OWNER_RECORD:
        raise PluginError(
            f"plugin `{plugin}` declared the field `{field.name}` on `{field.owner}`; the "
            "owner is one of " + ", ".join(f"`{o}`" for o in _OWNER_RECORD)
        )
    if not isinstance(field.name, str) or not field.name.isidentifier():
        raise PluginError(f"plugin `{plugin}` declared a field named `{field.name!r}`, "
                          "which is not a name a policy can read")
    if not _is_type(field.type):
        raise PluginError(f"plugin `{plugin}` declared the field `{field_path(field)}` with "
                          f"the type `{field.type!r}`, not a `fitn7.types` type")


def _check_loader(plugin: str, loader: LoaderDecl) -> None:
    if not isinstance(loader.format, str) or not loader.format:
        raise PluginError(f"plugin `{plugin}` declared a loader without a format name")
    if not callable(loader.load):
        raise PluginError(f"plugin `{plugin}` declared the loader `{loader.format}` with a "
                          "`load` that is not callable")
    if loader.claims is not None and not callable(loader.claims):
        raise PluginError(f"plugin `{plugin}` declared the loader `{loader.format}` with a "
                          "`claims` that is not callable")
    suffixes = loader.suffixes
    if not isinstance(suffixes, tuple | list) or not all(
        isinstance(s, str) and s.startswith(".") for s in suffixes
    ):
        raise PluginError(f"plugin `{plugin}` declared the loader `{loader.format}` with "
                          f"suffixes {suffixes!r}; give a tuple such as (\".csv\",)")


def _is_type(value: object) -> bool:
    return isinstance(value, t.Prim | t.ListOf | t.SetOf | t.Record)


def _install_hint(name: str) -> str:
    """How to get a missing plugin: a `fitn7_…` name is a package on PyPI, another name
    is most likely a local module."""
    if name.startswith(f"{BUILTIN}_"):
        return f"install it (pip install {name.replace('_', '-')}) or pass --plugins-dir"
    return (f"pass --plugins-dir DIR (or set {PLUGINS_DIR_ENV}) where DIR holds "
            f"`{name}.py`, or install the package that provides it")


_PYTHON_TYPES: Mapping[t.Type, tuple[type, ...]] = {
    t.INT: (int,),
    t.DECIMAL: (Decimal, int),
    t.MONEY: (Decimal, int),
    t.PERCENT: (Decimal, int),
    t.BOOL: (bool,),
    t.STRING: (str,),
    t.DATE: (datetime.date,),
}


def conforms(value: Any, ty: t.Type) -> bool:
    """Whether a Python value is of a policy type (None, unknown, always conforms)."""
    if value is None or ty == t.ANY:
        return True
    if isinstance(ty, t.ListOf | t.SetOf):
        return isinstance(value, tuple | list | frozenset) and all(
            conforms(v, ty.element) for v in value
        )
    expected = _PYTHON_TYPES.get(ty) if isinstance(ty, t.Prim) else None
    if expected is None:
        return True
    if bool not in expected and isinstance(value, bool):
        return False
    return isinstance(value, expected)


def _guarded(decl: FunctionDecl) -> FunctionDecl:
    """The declaration with its code wrapped: failures and wrong types become PluginError."""
    impl: Callable[..., Any] = decl.impl

    def call(*args: Any) -> Any:
        try:
            result = impl(*args)
        except Exception as exc:
            raise PluginError(
                f"plugin `{decl.plugin}` function `{decl.name}` failed: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        if not conforms(result, decl.returns):
            raise PluginError(
                f"plugin `{decl.plugin}` function `{decl.name}` returned "
                f"`{result!r}`, not a value of type {decl.returns}"
            )
        if decl.returns in (t.MONEY, t.DECIMAL, t.PERCENT) and isinstance(result, int):
            return Decimal(result)
        return result

    return attrs.evolve(decl, impl=call)


def _similar_plugin(name: str, loaded: Iterable[str]) -> str | None:
    """A "did you mean" for a misspelt plugin name, judged on what follows `fitn7_`.

    Every plugin name shares that prefix, so comparing whole names would offer
    `fitn7_csv` for a missing `fitn7_zrr`; fitn7's own functions are never
    the plugin a policy means.
    """
    def stem(n: str) -> str:
        return n.removeprefix(f"{BUILTIN}_")

    by_stem = {stem(n): n for n in loaded if n != BUILTIN}
    close = difflib.get_close_matches(stem(name), sorted(by_stem), n=1, cutoff=0.6)
    return f"did you mean `{by_stem[close[0]]}`?" if close else None
