"""The committee report as an xlsx workbook (openpyxl): numbers a spreadsheet can add up.

Sheets: the summary; one per session (the dossiers table, amounts as real
numbers with a € format); every rule outcome of every dossier; the limits
and whom they held back. Text from the dossiers is written as text, never as
a formula (`=HYPERLINK(…)` in a name stays those characters), and the
characters XML cannot hold are replaced, so the file opens in LibreOffice
and Excel without a repair prompt.

The bytes are the same for the same report: the document's dates are the
report's date and every zip entry has one fixed timestamp.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fitn7.report.extras import need

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from fitn7.render import Lang
    from fitn7.report.view import DossierRow, Report
    from fitn7.report.words import Words

#: Euros with their cents and the thousands grouped, as the reader's spreadsheet writes them.
EUROS = '#,##0.00\\ "€"'
#: A share of the envelope.
PERCENT = "0.0%"
#: Whole numbers, grouped.
WHOLE = "#,##0"
#: Dates as each language writes them in a spreadsheet.
DATES = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}

#: The timestamp of every zip entry (the earliest a zip can hold): no clock in the bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: The application properties: fitn7, not the version of the library that wrote the zip.
_APP = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Application>fitn7</Application></Properties>')
#: What a sheet's name cannot hold, and its longest length (Excel's rules).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_LENGTH = 31
#: Characters XML 1.0 cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def workbook_bytes(report: Report, lang: Lang) -> bytes:
    """The report as the bytes of an xlsx file."""
    from fitn7.report.words import Words

    openpyxl = need("openpyxl")
    w = Words(lang)
    book: Workbook = openpyxl.Workbook()
    summary = book.active
    assert summary is not None  # a new workbook has one sheet
    names: set[str] = set()
    summary.title = _sheet_name(w.t("report.sheet_summary"), names)
    _summary(summary, report, w)
    for block in report.sessions:
        title = block.name if block.is_session else w.t("report.no_session_short")
        sheet = book.create_sheet(_sheet_name(title, names))
        _dossiers(sheet, block.rows, block.proposed, report.mode == "allocation", w)
    _rules(book.create_sheet(_sheet_name(w.t("report.sheet_rules"), names)), report, w)
    if report.limits:
        _limits(book.create_sheet(_sheet_name(w.t("report.sheet_limits"), names)), report, w)
    when = datetime.datetime.combine(report.date or datetime.date(1980, 1, 1), datetime.time())
    book.properties.creator = "fitn7"
    book.properties.title = _text(w.t("report.title"))
    book.properties.created = when
    book.properties.modified = when
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    """The workbook's bytes, with no clock in them (openpyxl's `save` stamps the time) nor
    the version of openpyxl (its application properties name it)."""
    from openpyxl.writer.excel import ExcelWriter

    first = io.BytesIO()
    with zipfile.ZipFile(first, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(first) as written, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for info in written.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = _APP if info.filename == "docProps/app.xml" else written.read(info.filename)
            fixed.writestr(entry, data)
    return out.getvalue()


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name close to `wanted` (a session's name)."""
    base = _SHEET_FORBIDDEN.sub("-", _ILLEGAL.sub("", wanted)).strip("'").strip() or "-"
    base = base[:_SHEET_LENGTH]
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: _SHEET_LENGTH - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _text(value: str) -> str:
    return _ILLEGAL.sub("\ufffd", value)


def _put(sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None,
         *, bold: bool = False) -> None:
    """One cell: text stays text (never a formula), numbers stay numbers."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _text(value)
        # openpyxl takes any text starting with `=` for a formula: a dossier's text is not one.
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)


def _row(sheet: Worksheet, row: int, values: Sequence[Any], formats: Sequence[str | None] = (),
         *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        fmt = formats[column - 1] if column - 1 < len(formats) else None
        _put(sheet, row, column, value, fmt, bold=bold)


def _widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _summary(sheet: Worksheet, report: Report, w: Words) -> None:
    ref = report.policy
    lines: list[tuple[str, Any, str | None]] = [
        (w.t("word.policy"), ref.id, None),
        (w.t("word.version"), ref.version or "", None),
        (w.t("word.hash"), ref.sha256, None),
        (w.t("report.date_given" if report.date_given else "report.date_filed"),
         report.date or "", DATES[w.lang]),
        (w.t("word.envelope"), report.envelope if report.envelope is not None
         else w.t("report.unlimited"), EUROS),
        (w.t("word.prior_awards"), report.prior_total, EUROS),
        (w.t("report.proposed"), report.proposed, EUROS),
        (w.t("word.remaining"), report.remaining if report.remaining is not None else "", EUROS),
        (w.t("report.share_used"), report.share_used if report.share_used is not None else "",
         PERCENT),
    ]
    _put(sheet, 1, 1, report.title or ref.id, bold=True)
    row = 3
    for name, value, fmt in lines:
        _put(sheet, row, 1, _cap(name), bold=True)
        _put(sheet, row, 2, value, fmt if not isinstance(value, str) else None)
        row += 1
    row += 1
    blocks = report.sessions
    heads = [_cap(w.t("column.outcome"))]
    heads += [b.name if b.is_session else w.t("report.no_session_short") for b in blocks]
    heads.append(w.t("report.all"))
    _row(sheet, row, heads, bold=True)
    for outcome, n in report.counts:
        row += 1
        counts = [sum(r.outcome == outcome for r in b.rows) for b in blocks]
        _row(sheet, row, [w.outcome(outcome), *counts, n])
    row += 1
    _row(sheet, row, [w.t("report.all"), *(len(b.rows) for b in blocks), len(report.rows)],
         bold=True)
    row += 2
    for name, text in report.params:
        _row(sheet, row, [name, text])
        row += 1
    for warning in report.warnings:
        _row(sheet, row, [_cap(w.t("word.warning")), warning])
        row += 1
    _widths(sheet, [34, 24, *([18] * len(blocks))])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dossiers(sheet: Worksheet, rows: Sequence[DossierRow], proposed: Decimal,
              ranked: bool, w: Words) -> None:
    heads = [
        "column.rank", "column.dossier", "column.applicant", "report.applicant_code",
        "column.applicant_kind", "column.population", "column.requested", "column.proposed",
        "report.computed", "column.score", "column.status", "column.reason",
    ]
    if not ranked:
        heads = heads[1:]
    _row(sheet, 1, [_cap(w.t(h)) for h in heads], bold=True)
    formats = [WHOLE, None, None, None, None, WHOLE, EUROS, EUROS, EUROS, WHOLE, None, None]
    if not ranked:
        formats = formats[1:]
    line = 1
    for line, r in enumerate(rows, start=2):
        values: list[Any] = [
            r.rank, r.id, w.applicant(r), r.applicant_code or "", r.applicant_kind or "",
            r.population, r.requested, r.proposed, r.amount, r.score, w.outcome(r.outcome),
            w.why(r),
        ]
        _row(sheet, line, values if ranked else values[1:], formats)
    total_column = heads.index("column.proposed") + 1
    _put(sheet, line + 1, total_column - 1, w.t("report.session_total"), bold=True)
    _put(sheet, line + 1, total_column, proposed, EUROS, bold=True)
    sheet.freeze_panes = "A2"
    widths = [6, 16, 40, 12, 14, 11, 16, 16, 16, 7, 14, 60]
    _widths(sheet, widths if ranked else widths[1:])


def _rules(sheet: Worksheet, report: Report, w: Words) -> None:
    heads = ["column.dossier", "column.session", "column.rule", "column.kind", "column.outcome",
             "report.message", "column.read", "column.amount", "column.source", "column.where"]
    _row(sheet, 1, [_cap(w.t(h)) for h in heads], bold=True)
    line = 2
    for r in report.rows:
        for entry in r.explanation:
            read = "; ".join(f"{path} = {w.value(value)}" for path, value in entry.read)
            _row(sheet, line, [
                r.id, r.session or "", entry.rule, w.kind(entry.kind), w.rule_outcome(entry),
                entry.message or "", read, entry.amount, entry.source or "", entry.where or "",
            ], [None] * 7 + [EUROS])
            line += 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:J{max(line - 1, 1)}"
    _widths(sheet, [16, 18, 26, 12, 14, 50, 50, 14, 40, 28])


def _limits(sheet: Worksheet, report: Report, w: Words) -> None:
    heads = ["column.rule", "report.moved", "column.applicant", "column.reason",
             "report.held_by_column", "column.source"]
    _row(sheet, 1, [_cap(w.t(h)) for h in heads], bold=True)
    line = 2
    for limit in report.limits:
        if not limit.moved:
            _row(sheet, line, [limit.id, "", "", w.t("report.limit_moved_none"), "",
                               limit.source or ""])
            line += 1
        for moved in limit.moved:
            _row(sheet, line, [
                limit.id, moved.row.id, w.applicant(moved.row),
                w.waiting(moved.row.waiting or ""), ", ".join(moved.held_by), limit.source or "",
            ])
            line += 1
    _widths(sheet, [26, 16, 40, 30, 24, 40])
