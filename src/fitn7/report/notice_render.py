"""The call's notice rendered: Markdown for standard output, one HTML page for a file."""

from __future__ import annotations

from fitn7.report.notice import Notice
from fitn7.report.templating import environment
from fitn7.report.words import Words


def notice_markdown(notice: Notice) -> str:
    """The notice as Markdown (CommonMark; tables as GitHub writes them)."""
    template = environment("markdown").get_template("notice.md.j2")
    return _tidy(template.render(n=notice, w=Words(notice.lang)))


def notice_html(notice: Notice) -> str:
    """The notice as one self-contained HTML page."""
    template = environment("html").get_template("notice.html.j2")
    return template.render(n=notice, w=Words(notice.lang))


def _tidy(text: str) -> str:
    """One blank line at most between blocks, and one newline at the end: what the
    template's conditionals leave is no part of the document."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"
