"""`fitn7 doc`: the call's notice from the policy, in Markdown and HTML."""

from __future__ import annotations

import functools
import re

import pytest

from fitn7 import load_policy, parse_policy
from fitn7.cli import main
from fitn7.evaluation import compile_policy
from fitn7.report.notice import build_notice
from fitn7.report.notice_render import notice_html, notice_markdown
from fitn7.report.rules import rule_texts
from fitn7.report.templating import markdown_text
from tests.reports import POLICIES, Page, first

SHIPPED = sorted(p.stem for p in POLICIES.glob("*.fitn7"))


@functools.cache
def program_of(name: str):
    """A shipped policy, compiled with its parents merged in."""
    return compile_policy(load_policy(POLICIES / f"{name}.fitn7"))


def unescape(markdown: str) -> str:
    """The text a Markdown reader sees: backslash escapes and code fences removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("`", "")


@pytest.mark.parametrize("name", SHIPPED)
def test_the_notice_mentions_every_rule_with_its_message_and_citation(name):
    """Every declaration with an id (rules, amount steps, score criteria, limits,
    invariants, inputs, documents) is in the notice with its id, its message and its
    citation, in Markdown and in HTML; and the policy's version and hash are at the foot."""
    program = program_of(name)
    notice = build_notice(program)
    markdown = unescape(notice_markdown(notice))
    page = Page(notice_html(notice))
    html_text = page.root.all_text()
    texts = rule_texts(program.policy)
    assert texts, name
    for text in texts.values():
        for shown in (text.id, text.message, text.source):
            if shown:
                assert shown in markdown, (text.id, shown)
                assert " ".join(shown.split()) in html_text, (text.id, shown)
    foot_md = markdown.split("\n---\n")[-1]
    foot_html = first(page.root.find_all("footer")).all_text()
    for foot in (foot_md, foot_html):
        assert program.ref.sha256 in foot
        assert (program.ref.version or "—") in foot


def test_a_forfait_by_bands_is_a_table():
    """National 3a: the communes' forfait by population is a table of bands and amounts."""
    markdown = notice_markdown(build_notice(program_of("national-3a")))
    assert "| `applicant.population` | Montant |" in markdown
    assert "| moins de 5 000 | 5 000,00 € |" in markdown
    assert "| autres cas | 10 000,00 € |" in markdown
    page = Page(notice_html(build_notice(program_of("national-3a"))))
    (table,) = [t for t in page.root.find_all("table", "bands")
                if "applicant.population" in t.all_text()]
    rows = [[c.all_text() for c in row.find_all("td")] for row in table.find_all("tr")]
    assert [r for r in rows if r] == [["moins de 5 000", "5 000,00 €"],
                                     ["autres cas", "10 000,00 €"]]


def test_rules_are_sorted_by_what_they_read():
    """Bretagne: `porteur` reads the kind (who may apply), `territoire` the département,
    `hors_delai` the filing date (with the sessions and their deadlines)."""
    notice = build_notice(program_of("bretagne"))
    where = {item.id: section.key for section in notice.sections for item in section.items}
    assert where["porteur"] == "notice.who"
    assert where["territoire"] == "notice.territory"
    assert where["hors_delai"] == "notice.calendar"
    assert where["urbanisme"] == "notice.exclusions"
    assert where["methode_participative"] == "notice.review"
    assert notice.sessions[0] == ("comité T2 2021", "22 juin 2021")
    assert notice.envelope == "1 188 000,00 €"
    assert dict(notice.params) == {"part_materiel_finalite": "50 %"}


PARTS = """
policy "parts"
  version "1"
input autres_aides: money "Autres aides publiques" optional default 0 €
document rib: "Relevé d'identité bancaire"
  source "AAP, §6"
amount
  part fonctionnement: expenses[category in {etude, conseil}]
    "Fonctionnement : 50 %"
    rate taux_f: 50%
    cap plafond_f: 20_000 €
  part autres: expenses
    rate taux_a: 30%
  total
    ceiling aides: 80% of eligible_expenses minus autres_aides
      source "CGCT, art. L1111-10"
    minimum aide_minimale: 2_500 €
      "L'aide ne peut être inférieure à 2 500 €"
"""


def test_parts_ceilings_minimums_inputs_and_documents():
    """A policy with parts: each part's steps under it, then the total's ceiling and
    minimum; the declared input and the required document."""
    program = compile_policy(parse_policy(PARTS, "parts.fitn7"))
    notice = build_notice(program)
    amount = next(s for s in notice.sections if s.key == "notice.amount")
    parts = {i.id: i for i in amount.items}
    assert [s.id for s in parts["fonctionnement"].steps] == ["taux_f", "plafond_f"]
    assert parts["fonctionnement"].steps[1].value == "20 000,00 €"
    assert parts["aides"].value == "au plus 80 % de eligible_expenses, moins autres_aides"
    assert parts["aide_minimale"].value == "2 500,00 €"
    markdown = unescape(notice_markdown(notice))
    assert "Relevé d'identité bancaire" in markdown and "AAP, §6" in markdown
    assert "facultative (money), 0,00 € si absente" in markdown


HOSTILE = """
policy "hostile"
  title "<script>alert(1)</script> | *gras* [lien](http://example.invalid)"
  version "1"
require r: applicant.departement == "29"
  "- une liste ? # un titre ? <img src=x onerror=alert(2)> `code`"
  source "1. source"
"""


def test_policy_text_is_text_in_both_formats():
    """Markup in a policy's texts is escaped: no element from it in the HTML, and Markdown
    reads it back as the same characters (no list, heading, link, emphasis nor HTML)."""
    notice = build_notice(compile_policy(parse_policy(HOSTILE, "hostile.fitn7")))
    page = Page(notice_html(notice))
    assert [e.tag for e in page.tags if e.tag in ("script", "img", "a")] == []
    assert "<script>alert(1)</script>" in page.root.all_text()
    markdown = notice_markdown(notice)
    assert "\\<script\\>" in markdown and "\\*gras\\*" in markdown and "\\[lien\\]" in markdown
    assert "\n\\- une liste" in markdown
    assert "1\\. source" in markdown
    assert "\\`code\\`" in markdown


@pytest.mark.parametrize(("text", "markdown"), [
    ("a_b*c", "a\\_b\\*c"),
    ("- item", "\\- item"),
    ("12. douze", "12\\. douze"),
    ("2021.1", "2021.1"),
    ("# titre", "\\# titre"),
    ("x | y", "x \\| y"),
    ("ligne\nsuivante", "ligne suivante"),
])
def test_markdown_escaping(text, markdown):
    """What Markdown would read as markup is escaped, the rest left as it reads."""
    assert markdown_text(text) == markdown


def test_the_command_prints_markdown_and_writes_html(tmp_path, capsys):
    """`fitn7 doc POLICY` prints the Markdown; `-o x.html` writes the page; another suffix
    is a usage error."""
    policy = str(POLICIES / "paca.fitn7")
    assert main(["doc", policy]) == 0
    out = capsys.readouterr().out
    assert out == notice_markdown(build_notice(program_of("paca")))
    target = tmp_path / "notice.html"
    assert main(["doc", policy, "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == notice_html(build_notice(program_of("paca")))
    assert main(["doc", policy, "-o", str(tmp_path / "notice.pdf")]) == 2
    assert "must be .html or .md" in capsys.readouterr().err


def test_english_headings_on_request(capsys):
    """`--lang en`: the notice's own words in English (the policy's texts as written)."""
    assert main(["doc", str(POLICIES / "gers.fitn7"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "## Who may apply" in out and "## Qui peut déposer" not in out
