"""The `fitn7` command line: one module per subcommand, dispatched from here.

Every command takes `--lang fr|en` (also `FITN7_LANG`; French by default):
the language of what it prints for people, resolved once here into
`args.lang` (see `fitn7.render`).

Exit codes: 0 ok, 1 a policy or dossier is wrong (the message says which and
where), 2 usage. Bad input never shows a Python traceback; neither does a bug
in fitn7 (exit 70, with a line asking to report it), unless FITN7_DEBUG=1 is
set to see where it is.

`build_parser` imports every command's module to list it: a module imports
what its command runs inside its run function, not at its top, so that each
command pays for its own imports only (`fitn7 check` does not load the
compiler, allocation or audit).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from fitn7.cli import (
    allocate,
    check,
    diff,
    doc,
    evaluate,
    fmt,
    plugins_cmd,
    replay,
    report,
    testing,
)
from fitn7.cli import hash as hash_command
from fitn7.cli.common import UsageError
from fitn7.errors import Fitn7Error
from fitn7.render.lang import LangError, choose_lang

#: The exit code of a bug in fitn7 (EX_SOFTWARE of sysexits.h).
INTERNAL_ERROR = 70

_COMMANDS = (
    check, fmt, evaluate, testing, allocate, report, doc, diff, replay, hash_command,
    plugins_cmd,
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered.

    Plugins' commands (`fitn7 ds`) are added when `argv` names no command of
    fitn7's own, so that loading plugins never slows or breaks one of those.
    """
    parser = argparse.ArgumentParser(
        prog="fitn7",
        description="Policy-as-code for FITN7 calls for projects: check policies, "
        "evaluate dossiers, explain decisions.",
    )
    from fitn7 import __version__

    parser.add_argument("--version", action="version", version=f"fitn7 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _COMMANDS:
        module.register(sub)
    own = set(sub.choices)
    word = next((a for a in argv or () if not a.startswith("-")), None)
    if argv is not None and word not in own:
        _add_plugin_commands(sub, own)
    for command in sub.choices.values():
        add_lang(command)
    return parser


def add_lang(parser: argparse.ArgumentParser) -> None:
    """`--lang fr|en` on a command (a plugin's command that has its own keeps it)."""
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument(
            "--lang", metavar="LANG", default=None,
            help="the language of the output for people: fr (default) or en (also "
            "FITN7_LANG); JSON and TOML keys and values are the same in both",
        )


def _add_plugin_commands(sub: Any, own: set[str]) -> None:
    """The subcommands plugins declare (`fitn7_register_commands`)."""
    from fitn7.plugins import PluginHost

    try:
        # Warnings about broken plugins are printed by the command that loads them.
        host = PluginHost.load(warn=lambda message: None)
    except Fitn7Error:
        return  # `fitn7 plugins` says what is wrong; the command word is then unknown
    for name, decl in sorted(host.commands.items()):
        if name in own:
            print(f"fitn7: warning: plugin `{decl.plugin}` declares the command `{name}`, one "
                  "of fitn7's own: left out", file=sys.stderr)
            continue
        parser = sub.add_parser(name, help=f"{decl.doc} (plugin {decl.plugin})",
                                description=decl.doc)
        decl.configure(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        args.lang = choose_lang(getattr(args, "lang", None), os.environ)
    except LangError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        code: int = args.run(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except Fitn7Error as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("FITN7_DEBUG") == "1":
            raise
        print(
            f"fitn7: internal error ({type(exc).__name__}: {exc}); this is a bug in fitn7, "
            "please report it with the command you ran (FITN7_DEBUG=1 shows where it is)",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
