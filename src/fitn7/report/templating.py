"""The Jinja2 templates of the report and the notice, and what they are given.

Two environments, one per kind of output:

- HTML, autoescaped: a dossier is written by an applicant, so its text (a
  name holding `<script>`) must come out as text, never as markup;
- Markdown, where Jinja2 has no escaping of its own: every value printed is
  escaped by `finalize` (`markdown_text`) unless the template marks it as
  Markdown it wrote itself (`Markup`), so that the default is safe there too.

Templates live in `fitn7/report/templates/` (package data) and take their
words and numbers from a `Words` (`w`), never formatting anything
themselves. Nothing printed depends on the clock: the same input gives the
same bytes.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from fitn7.report.extras import need

if TYPE_CHECKING:
    import jinja2

    from fitn7.render import Lang
    from fitn7.report.view import Report

Flavour = Literal["html", "markdown"]

#: The width of the gauge's SVG (its viewBox), the whole envelope.
GAUGE_WIDTH = Decimal(1000)


def cap(text: str) -> str:
    """`Text` with its first letter upper case, the rest untouched (unlike `capitalize`)."""
    return text[:1].upper() + text[1:]


#: What Markdown reads as markup anywhere in a line (emphasis, code, links, HTML,
#: tables, entities).
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
#: What Markdown reads as a block when a line starts with it (heading, list, rule).
_MARKDOWN_BLOCK = re.compile(r"^(?:([#+=-])(?=[\s#+=-]|$)|(\d+)([.)])(?=\s|$))")


def markdown_text(value: Any) -> str:
    """`value` as Markdown text, read back as the same characters: what Markdown or a
    table would read as markup is escaped with a backslash, and line breaks are spaces
    (a value is one line of the document). `Markup` (what a template wrote) is kept."""
    markupsafe = need("markupsafe", "jinja2")
    if isinstance(value, markupsafe.Markup):
        return str(value)
    if value is None:
        return ""
    text = re.sub(r"[\r\n]+", " ", str(value))
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    # A value may start a line of the document: `- x` or `1. x` must not become a list.
    return _MARKDOWN_BLOCK.sub(
        lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text, count=1)


def markdown_raw(value: Any) -> Any:
    """What the template itself wrote (a macro's output, a heading's `###`), kept as is."""
    markupsafe = need("markupsafe", "jinja2")
    return markupsafe.Markup(value)


def markdown_code(value: Any) -> Any:
    """`value` as a Markdown code span, long enough a fence for the backticks it holds."""
    markupsafe = need("markupsafe", "jinja2")
    text = re.sub(r"[\r\n]+", " ", str(value))
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return markupsafe.Markup(f"{fence}{pad}{text}{pad}{fence}")


@functools.cache
def environment(flavour: Flavour) -> jinja2.Environment:
    """The template environment of `flavour`, built once (it holds no state of a run)."""
    need("jinja2")
    import jinja2

    options: dict[str, Any] = {}
    if flavour == "markdown":
        options["finalize"] = markdown_text
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fitn7.report", "templates"),
        autoescape=flavour == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.filters["cap"] = cap
    env.filters["code"] = markdown_code
    env.filters["raw"] = markdown_raw
    return env


@attrs.frozen
class Gauge:
    """The envelope bar: widths in the SVG's units (`GAUGE_WIDTH` is the envelope)."""

    prior: str
    proposed: str
    #: What the prior awards and the proposal use of the envelope (`Decimal("0.42")`).
    share: Decimal
    #: True when they use more than the envelope.
    over: bool
    #: True when prior awards take a visible part of the bar.
    has_prior: bool


def gauge(report: Report) -> Gauge | None:
    """The bar of the summary; None when the envelope is unlimited or zero."""
    share = report.share_used
    if share is None or report.envelope is None:
        return None
    envelope = report.envelope

    def width(amount: Decimal) -> Decimal:
        share_of = min(max(amount / envelope, Decimal(0)), Decimal(1))
        return (share_of * GAUGE_WIDTH).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    prior = width(report.prior_total)
    proposed = min(width(report.used) - prior, GAUGE_WIDTH - prior)
    return Gauge(
        prior=f"{prior:f}",
        proposed=f"{max(proposed, Decimal(0)):f}",
        share=share.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        over=report.used > envelope,
        has_prior=prior > 0,
    )


def anchors(report: Report) -> dict[str, str]:
    """A link target per dossier: `d1`, `d2` … in report order (ids may hold anything)."""
    return {row.id: f"d{index}" for index, row in enumerate(report.rows, start=1)}


def report_html(report: Report, lang: Lang) -> str:
    """The committee report as one self-contained HTML page."""
    from fitn7.report.words import Words

    template = environment("html").get_template("report.html.j2")
    return template.render(
        report=report, w=Words(lang), gauge=gauge(report), anchors=anchors(report)
    )
