"""`fitn7 report POLICY DOSSIER... -o FILE`: the committee report, as HTML or an xlsx workbook.

The dossiers are decided and allocated exactly as `fitn7 allocate` does
(with the same params, history, envelope, session and loaders), or only
decided when the policy declares neither a session nor a limit; the report
adds to each dossier the full explanation of its decision. The format comes
from the suffix of `--out`. As for `allocate`, a dossier that fails to load
is reported on stderr and the others are in the report (exit 1); exit 2 for
a wrong command line, or when the `report` extra is not installed.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitn7.cli.common import (
    UsageError,
    add_loader,
    add_params,
    add_plugins_dir,
    add_policy_path,
    decide_all,
    prepare,
)
from fitn7.errors import DossierError, Fitn7Error

if TYPE_CHECKING:
    from fitn7.render import Lang
    from fitn7.report.view import Report

#: The suffixes `--out` may have, and the format each one means.
SUFFIXES = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def register(sub: Any) -> None:
    """Add `fitn7 report` to the parser."""
    from fitn7.cli.allocate import add_committee_options

    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="write the committee report (HTML or xlsx): the allocation and why, dossier by "
        "dossier",
        description="Decide and allocate the dossiers as `fitn7 allocate` does, and write the "
        "committee's report: a summary (envelope used, counts by status and session), the "
        "dossiers of each session, the limits applied and whom they held back, and each "
        "dossier's decision rule by rule with the values read and the text cited. The format "
        "comes from the suffix of --out: .html (one self-contained page) or .xlsx.",
    )
    parser.add_argument("policy", metavar="POLICY", help="the policy file (.fitn7)")
    parser.add_argument("dossiers", metavar="DOSSIER", nargs="+",
                        help="dossier files or directories")
    parser.add_argument("-o", "--out", required=True, metavar="FILE",
                        help="the report to write: FILE.html or FILE.xlsx")
    parser.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                        help="the date printed on the report (the committee's); by default the "
                        "report gives the latest filing date of the dossiers instead")
    add_committee_options(parser)
    add_params(parser)
    add_policy_path(parser)
    add_plugins_dir(parser)
    add_loader(parser)
    parser.set_defaults(run=run)


def iso_date(text: str) -> datetime.date:
    """An argparse type: a date written `2021-06-22`."""
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date written YYYY-MM-DD, got `{text}`") from None


def output_format(out: str, suffixes: dict[str, str] = SUFFIXES,
                  expected: str = ".html or .xlsx") -> str:
    """The format `suffixes` gives the suffix of `out`; a usage error saying the `expected`
    ones otherwise (shared with `fitn7 doc`)."""
    suffix = Path(out).suffix.lower()
    if suffix not in suffixes:
        raise UsageError(
            f"fitn7: --out `{out}`: the format comes from the suffix, which must be {expected}")
    return suffixes[suffix]


def write_out(out: str, data: str | bytes) -> None:
    """Write `data` to `out` atomically (a failure leaves any old file whole); a
    `Fitn7Error` saying why when it cannot be written."""
    from fitn7.atomic_write import write_atomic

    try:
        write_atomic(out, data)
    except OSError as exc:
        raise Fitn7Error(f"fitn7: cannot write `{out}`: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    """Write the report; 1 when a dossier could not be loaded, 2 for a wrong command line."""
    from fitn7.report.extras import MissingExtra

    try:
        return _run(args)
    except (UsageError, MissingExtra) as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from fitn7.allocation import allocate
    from fitn7.cli.allocate import committee_start, unique_dossiers
    from fitn7.report.extras import need
    from fitn7.report.view import build_report, has_committee
    from fitn7.runner import Runner

    fmt = output_format(args.out)
    lang: Lang = args.lang  # resolved by `fitn7.cli.main` (--lang, FITN7_LANG, French)
    # Before any dossier is read: a missing library is said at once.
    need("jinja2") if fmt == "html" else need("openpyxl")
    host, program, params = prepare(args)
    committee = has_committee(program)
    if not committee and (args.history or args.session):
        option = "--history" if args.history else "--session"
        raise UsageError(
            f"fitn7: {option}: `{program.ref.id}` declares no session nor limit: its report "
            "shows the decisions, with no committee walk to take a history or a session")
    start = committee_start(args, program)
    runner = Runner(program, host, params)
    refused: list[DossierError] = []
    outcomes, failed = decide_all(args, host, runner, trace=True, refused=refused)
    dossiers, repeated = unique_dossiers(outcomes, refused)
    allocation = None
    if committee:
        allocation = allocate(
            program, dossiers, history=start.history, envelope=start.envelope, params=params,
            session=args.session,
        )
        for warning in allocation.warnings:
            print(f"fitn7: warning: {warning}", file=sys.stderr)
        kept = {row.dossier for row in allocation.dossiers}
    else:
        kept = {d.id for d in dossiers}
    decided = [(o.dossier, o.decision, o.file) for o in outcomes if o.dossier.id in kept]
    report = build_report(program, decided, allocation, params=params, date=args.date,
                          envelope=start.envelope)
    write_report(report, fmt, lang, args.out)
    print(f"fitn7: wrote {args.out} ({len(report.rows)} dossier(s))", file=sys.stderr)
    return 1 if failed or repeated else 0


def write_report(report: Report, fmt: str, lang: Lang, out: str) -> None:
    """Render `report` in `fmt` and write it to `out` (see `write_out`)."""
    from fitn7.report.templating import report_html
    from fitn7.report.workbook import workbook_bytes

    write_out(out, report_html(report, lang) if fmt == "html" else workbook_bytes(report, lang))
