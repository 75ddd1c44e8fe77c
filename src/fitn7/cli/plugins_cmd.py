"""`fitn7 plugins`: the loaded plugins, their versions, hooks, functions, fields, loaders."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fitn7.cli.common import add_plugins_dir, plugin_host

if TYPE_CHECKING:
    from fitn7.plugins import PluginInfo


def register(sub: Any) -> None:
    """Add `fitn7 plugins` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "plugins",
        help="list the installed plugins and what they provide",
        description="List fitn7's built-ins and every plugin found (entry points of the group "
        "`fitn7`, --plugins-dir, FITN7_PLUGINS_DIR), with version, hooks, functions, fields "
        "and loaders.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the plugins; exit 1 when a plugin cannot be loaded."""
    import json

    host = plugin_host(args)
    infos = host.info()
    broken = sorted(host.broken.values(), key=lambda b: b.name)
    if args.format == "json":
        listed = [_as_dict(i) for i in infos] + [
            {"name": b.name, "distribution": b.distribution, "error": b.reason, "fix": b.fix}
            for b in broken
        ]
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 1 if broken else 0
    for info in infos:
        print(f"{info.name} {info.version or '(version unknown)'}")
        print(f"  hooks: {', '.join(info.hooks) or 'none'}")
        for f in info.functions:
            print(f"  function {f.signature()}")
            print(f"      {f.doc}")
        for field in info.fields:
            print(f"  field {_owner_path(field.owner)}.extra.{field.name}: {field.type}")
            print(f"      {field.doc}")
        for loader in info.loaders:
            print(f"  loader {loader.format} ({', '.join(loader.suffixes)})")
            print(f"      {loader.doc}")
    for b in broken:
        # Installed but left out: listed, so that `fitn7 plugins` is where to look.
        print(f"{b.name} (distribution {b.distribution}): cannot be loaded")
        print(f"  error: {b.reason}")
        print(f"  fix: {b.fix}")
    return 1 if broken else 0


def _owner_path(owner: str) -> str:
    return {"collectivite": "applicant", "project": "project", "dossier": "dossier"}[owner]


def _as_dict(info: PluginInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "version": info.version,
        "hooks": list(info.hooks),
        "functions": [{"signature": f.signature(), "doc": f.doc} for f in info.functions],
        "fields": [
            {"path": f"{_owner_path(f.owner)}.extra.{f.name}", "type": str(f.type), "doc": f.doc}
            for f in info.fields
        ],
        "loaders": [
            {"format": ld.format, "suffixes": list(ld.suffixes), "doc": ld.doc}
            for ld in info.loaders
        ],
    }
