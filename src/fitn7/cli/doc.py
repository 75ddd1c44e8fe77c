"""`fitn7 doc POLICY`: the call's notice, generated from the policy.

Markdown on standard output, or a file with `-o`: `notice.html` (one
self-contained page) or `notice.md`. The notice and the decisions come from
the same file, so they cannot disagree. Exit 1 for a policy that does not
check, 2 for a wrong command line or a missing `report` extra.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fitn7.cli.common import UsageError, add_params, add_plugins_dir, add_policy_path, prepare

#: The suffixes `--out` may have, and the format each one means.
SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def register(sub: Any) -> None:
    """Add `fitn7 doc` to the parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "doc",
        help="write the call's notice from the policy (Markdown, or HTML with -o FILE.html)",
        description="Generate the notice of the call from the policy: who may apply, the "
        "territory, exclusions, eligible expenses, amounts (a forfait's bands as a table), "
        "caps, score criteria, limits, sessions and deadlines, documents and declared "
        "information, each with the citation of its text, and the policy's version and hash.",
    )
    parser.add_argument("policy", metavar="POLICY", help="the policy file (.fitn7)")
    parser.add_argument("-o", "--out", metavar="FILE", default=None,
                        help="write the notice to FILE.html or FILE.md instead of printing it "
                        "as Markdown")
    add_params(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write or print the notice; 2 for a wrong command line or a missing extra."""
    from fitn7.report.extras import MissingExtra

    try:
        return _run(args)
    except (UsageError, MissingExtra) as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from fitn7.cli.report import output_format, write_out
    from fitn7.evaluation.params import merge_params
    from fitn7.report.extras import need
    from fitn7.report.notice import build_notice
    from fitn7.report.notice_render import notice_html, notice_markdown

    fmt = "markdown" if args.out is None else output_format(args.out, SUFFIXES, ".html or .md")
    need("jinja2")
    _, program, params = prepare(args)
    values = merge_params(program.param_defaults, program.param_nodes, params)
    notice = build_notice(program, args.lang, values)
    text = notice_html(notice) if fmt == "html" else notice_markdown(notice)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_out(args.out, text)
    return 0
