"""What the committee and the applicants read: the committee report and the call's notice.

    from fitn7.report import build_report, report_html, write_workbook

`build_report` joins an allocation, the traced decisions and the policy's
rule texts into a `Report`; `report_html` and `workbook_bytes` render it
(HTML: one self-contained page; xlsx: a workbook). `build_notice` reads a
policy into a `Notice`, which `notice_markdown` and `notice_html` render.
Rendering needs the `report` extra (`pip install "fitn7[report]"`: Jinja2,
openpyxl); see docs/report.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitn7.lazy import exports

if TYPE_CHECKING:
    from fitn7.report.extras import MissingExtra
    from fitn7.report.notice import Notice, build_notice
    from fitn7.report.notice_render import notice_html, notice_markdown
    from fitn7.report.templating import report_html
    from fitn7.report.view import Report, build_report
    from fitn7.report.workbook import workbook_bytes

__getattr__ = exports(
    __name__,
    {
        "MissingExtra": "fitn7.report.extras",
        "Notice": "fitn7.report.notice",
        "build_notice": "fitn7.report.notice",
        "notice_html": "fitn7.report.notice_render",
        "notice_markdown": "fitn7.report.notice_render",
        "report_html": "fitn7.report.templating",
        "Report": "fitn7.report.view",
        "build_report": "fitn7.report.view",
        "workbook_bytes": "fitn7.report.workbook",
    },
)

__all__ = [
    "MissingExtra",
    "Notice",
    "Report",
    "build_notice",
    "build_report",
    "notice_html",
    "notice_markdown",
    "report_html",
    "workbook_bytes",
]
