"""The plugin host: a typed facade over pluggy's PluginManager.

`PluginHost.load()` registers fitn7's built-ins (as the internal plugin
`fitn7`), the installed plugins of the entry-point group `fitn7`, and the
modules of a local directory (`--plugins-dir DIR` or `FITN7_PLUGINS_DIR`),
skipping the names listed in `FITN7_DISABLED_PLUGINS` (comma-separated). An
implementation of a hook fitn7 does not define is refused. Each host is its
own object: nothing is global.
"""

from __future__ import annotations

import datetime
import difflib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy

from fitn7 import builtin_plugin, hookspecs
from fitn7 import types as t
from fitn7.diagnostics import Diagnostic
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.errors import PluginError
from fitn7.evaluation.decision import TraceEntry
from fitn7.functions import BUILTIN_PLUGIN, FunctionDecl, FunctionRegistry
from fitn7.hookspecs import Enrichment, FieldDecl, LoaderDecl

PLUGINS_DIR_ENV = "FITN7_PLUGINS_DIR"
DISABLED_ENV = "FITN7_DISABLED_PLUGINS"
BUILTIN = BUILTIN_PLUGIN

_OWNER_RECORD = {"collectivite": "extra:collectivite", "project": "extra:project",
                 "dossier": "extra:dossier"}


@attrs.frozen
class PluginInfo:
    """What `fitn7 plugins` shows about one plugin."""

    name: str
    version: str | None
    hooks: tuple[str, ...]
    functions: tuple[FunctionDecl, ...]
    fields: tuple[FieldDecl, ...]
    loaders: tuple[LoaderDecl, ...]


@attrs.frozen
class Enriched:
    """A dossier after every enricher ran, with the trace entries saying what was set."""

    dossier: Dossier
    trace: tuple[TraceEntry, ...]
    warnings: tuple[str, ...]
    plugins: tuple[str, ...]


class PluginHost:
    """The loaded plugins and what they declare; build one with `PluginHost.load`."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self._pm = manager
        self._functions = self._collect_functions()
        self._fields = self._collect_fields()
        self._loaders = self._collect_loaders()

    # ------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        plugins_dir: str | Path | None = None,
        *,
        entry_points: bool = True,
        disabled: Iterable[str] | None = None,
        plugins: Sequence[tuple[str, object]] = (),
    ) -> PluginHost:
        """Load built-ins, entry points (unless `entry_points=False`), a local directory
        and the given `(name, module)` pairs; raise `PluginError` on a bad plugin."""
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        blocked = set(disabled if disabled is not None else _env_list(DISABLED_ENV))
        for name in blocked:
            pm.set_blocked(name)
        pm.register(builtin_plugin, name=BUILTIN)
        try:
            if entry_points:
                pm.load_setuptools_entrypoints(hookspecs.PROJECT)
            directory = plugins_dir if plugins_dir is not None else os.environ.get(PLUGINS_DIR_ENV)
            if directory:
                for name, module in _modules_in(Path(directory)):
                    if name not in blocked and pm.get_plugin(name) is None:
                        pm.register(module, name=name)
            for name, given in plugins:
                if name not in blocked:
                    pm.register(given, name=name)
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"plugin `{getattr(exc.plugin, '__name__', exc.plugin)}` is not valid: {exc}; "
                "every hook it implements "
                "must be one of fitn7's (see `fitn7 plugins` and docs/plugins.md)"
            ) from None
        except PluginError:
            raise
        except Exception as exc:  # a plugin failing at import must not crash the CLI
            raise PluginError(f"a plugin failed to load: {type(exc).__name__}: {exc}") from None
        return cls(pm)

    # --------------------------------------------------------- declarations

    def _call(self, hook: str) -> list[tuple[str, Any]]:
        """(plugin name, result) for every implementation of a register hook."""
        out = []
        for impl in reversed(getattr(self._pm.hook, hook).get_hookimpls()):
            name = impl.plugin_name
            try:
                result = impl.function()
            except Exception as exc:
                raise PluginError(f"plugin `{name}` failed in `{hook}`: {exc}") from None
            out.append((name, result or ()))
        return out

    def _collect_functions(self) -> FunctionRegistry:
        decls: dict[str, FunctionDecl] = {}
        for plugin, declared in self._call("fitn7_register_functions"):
            for decl in declared:
                if not isinstance(decl, FunctionDecl):
                    raise PluginError(f"plugin `{plugin}` declared a function that is not a "
                                      "`fitn7.functions.FunctionDecl`")
                if decl.name in decls and decls[decl.name].plugin != plugin:
                    raise PluginError(
                        f"function `{decl.name}` is declared by both `{decls[decl.name].plugin}` "
                        f"and `{plugin}`; disable one with {DISABLED_ENV}"
                    )
                tagged = attrs.evolve(decl, plugin=plugin)
                decls[decl.name] = tagged if plugin == BUILTIN else _guarded(tagged)
        return FunctionRegistry(decls)

    def _collect_fields(self) -> tuple[FieldDecl, ...]:
        out: list[FieldDecl] = []
        for plugin, declared in self._call("fitn7_register_fields"):
            out.extend(attrs.evolve(f, plugin=plugin) for f in declared)
        return tuple(out)

    def _collect_loaders(self) -> dict[str, LoaderDecl]:
        out: dict[str, LoaderDecl] = {}
        for plugin, declared in self._call("fitn7_register_loaders"):
            for loader in declared:
                out[loader.format] = attrs.evolve(loader, plugin=plugin)
        return out

    @property
    def functions(self) -> FunctionRegistry:
        """Every callable function: built-ins and the plugins'."""
        return self._functions

    @property
    def schema(self) -> t.Schema:
        """The dossier schema with the plugins' `extra` fields."""
        schema = t.DEFAULT_SCHEMA
        for owner in _OWNER_RECORD:
            fields = {f.name: f.type for f in self._fields if f.owner == owner}
            if fields:
                schema = schema.with_extra(owner, fields)
        return schema

    @property
    def loaders(self) -> Mapping[str, LoaderDecl]:
        """Dossier loaders by format name."""
        return self._loaders

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
        plugin = self._pm.get_plugin(name)
        for registered, dist in self._pm.list_plugin_distinfo():
            if registered is plugin:
                return str(dist.version)
        return getattr(plugin, "__version__", None)

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
            ))
        return out

    # ------------------------------------------------------------ policies

    def missing_uses(self, policy: ast.Policy) -> list[Diagnostic]:
        """A diagnostic for each plugin the policy `uses` that is not loaded."""
        loaded = self.names()
        out = []
        for name in policy.header.uses:
            if name not in loaded:
                hint = _similar_plugin(name, loaded) or (
                    f"install it (pip install {name.replace('_', '-')}) or pass --plugins-dir"
                )
                out.append(Diagnostic(
                    "E130",
                    f"policy needs plugin `{name}`: install it or pass --plugins-dir",
                    policy.header.span,
                    hint,
                ))
        return out

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


def _modules_in(directory: Path) -> list[tuple[str, ModuleType]]:
    """Import every `*.py` of a directory as a plugin module named after the file."""
    if not directory.is_dir():
        raise PluginError(f"plugins directory `{directory}` does not exist")
    modules = []
    for file in sorted(directory.glob("*.py")):
        if file.name.startswith("_"):
            continue
        name = file.stem
        spec = importlib.util.spec_from_file_location(f"fitn7_local_plugins.{name}", file)
        if spec is None or spec.loader is None:
            raise PluginError(f"cannot import plugin file `{file}`")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise PluginError(f"plugin file `{file}` failed to import: {exc}") from None
        sys.modules.setdefault(spec.name, module)
        modules.append((name, module))
    return modules


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
