"""`fitn7 report` as HTML: the shipped batches read back, untrusted text, the command line."""

from __future__ import annotations

import functools
import importlib.resources
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w

from fitn7.cli import main
from fitn7.evaluation import Status
from fitn7.loading import dossier_to_mapping
from fitn7.render.formats import money, parse_money, percent
from fitn7.render.labels import allocation_label, status_label
from fitn7.report.templating import report_html
from fitn7.testing import make_dossier
from tests.reports import POLICIES, SHIPPED, Batch, Page, cells_by_header, first, shipped_batch

BRETAGNE = str(POLICIES / "bretagne.fitn7")
GERS = str(POLICIES / "gers.fitn7")

batch_of = functools.cache(shipped_batch)


def expected_row(batch: Batch, ident: str) -> tuple[Decimal | None, str]:
    """What the report must propose for a dossier, and its outcome's label, computed from
    the allocation (or the decision) without the report's code."""
    decision = batch.decisions[ident]
    if batch.allocation is None:
        proposed = decision.amount if decision.status is Status.ELIGIBLE else None
        return proposed, status_label(decision.status, "fr")
    row = batch.allocation.get(ident)
    if row.outcome.value in ("awarded", "waitlisted"):
        label = allocation_label(row.outcome, "fr")
    else:
        label = status_label(row.outcome.value, "fr")
    return (row.amount if row.awarded else None), label


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_dossier_amount_and_total_of_the_html_report_matches_the_decisions(name):
    """Read back with an HTML parser, the sessions' tables list every dossier once, with
    its requested and proposed amounts, score and outcome as the allocation (or, with no
    session nor limit, the decision) has them; each session's total and the report's
    total are the sum of what they propose."""
    batch = batch_of(name)
    page = Page(report_html(batch.report, "fr"))
    seen: dict[str, dict] = {}
    grand_total = Decimal(0)
    for table in page.root.find_all("table", "dossiers"):
        session_total = Decimal(0)
        for cells in cells_by_header(table):
            ident = cells["Dossier"].all_text()
            assert ident not in seen
            seen[ident] = cells
            proposed, label = expected_row(batch, ident)
            assert parse_money(cells["Montant proposé"].all_text(), "fr") == proposed
            assert cells["Statut"].all_text() == label
            decision = batch.decisions[ident]
            assert cells["Score"].all_text() == str(decision.score)
            dossier = next(d for d in batch.dossiers if d.id == ident)
            assert parse_money(cells["Montant demandé"].all_text(), "fr") == dossier.requested
            session_total += proposed or 0
        footer = first(table.find_all("td", "session-total")).all_text()
        assert parse_money(footer, "fr") == session_total
        grand_total += session_total
    assert set(seen) == {d.id for d in batch.dossiers}
    expected_total = (batch.allocation.awarded_total if batch.allocation is not None else sum(
        (d.amount for d in batch.decisions.values() if d.status is Status.ELIGIBLE),
        Decimal(0)))
    total_cell = next(e for e in page.tags if e.attrs.get("id") == "proposed-total")
    assert parse_money(total_cell.all_text(), "fr") == expected_total == grand_total


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_dossier_is_explained_rule_by_rule(name):
    """Each dossier has its section: the amount its decision computes, and a row per
    rule and amount step of its trace, in order, with the citation of the source."""
    batch = batch_of(name)
    page = Page(report_html(batch.report, "fr"))
    sections = {s.attrs["id"]: s for s in page.root.find_all("section", "dossier")}
    assert len(sections) == len(batch.dossiers)
    for section in sections.values():
        ident = first(section.find_all("h3")).all_text().split(" — ")[0]
        decision = batch.program.evaluate(
            next(d for d in batch.dossiers if d.id == ident), trace=True)
        facts = dict(zip((dt.all_text() for dt in section.find_all("dt")),
                         (dd.all_text() for dd in section.find_all("dd")), strict=True))
        assert parse_money(facts["Montant calculé"], "fr") == decision.amount
        rules = first(section.find_all("table", "rules"))
        lines = cells_by_header(rules)
        assert [first(c["Règle"].find_all("code")).all_text() for c in lines] == [
            t.rule for t in decision.trace]
        for cells, entry in zip(lines, decision.trace, strict=True):
            if entry.source:
                assert entry.source in cells["Source"].all_text()
        for path in decision.missing:
            assert path in section.all_text()


def test_the_limits_say_whom_they_held_back_and_which_award_held_the_room():
    """Bretagne's batches: Huelgoat is awarded once on its own; its other individual
    dossiers wait for `une_victoire_individuelle`, and the report names the award that
    used the room."""
    batch = batch_of("bretagne")
    (limit,) = batch.report.limits
    assert limit.id == "une_victoire_individuelle"
    moved = {m.row.id: m.held_by for m in limit.moved}
    assert moved == {"BZH-LOT-01": ("BZH-2021-001",), "BZH-LOT-02": ("BZH-2021-001",)}
    page = Page(report_html(batch.report, "fr"))
    section = next(s for s in page.root.find_all("section") if s.attrs.get("id") == "limits")
    text = section.all_text()
    assert "BZH-LOT-02" in text and "déjà retenu : BZH-2021-001" in text


def test_the_summary_shows_the_envelope_used_as_an_inline_svg_gauge():
    """The gauge's bar is the share of the envelope the proposal uses, drawn in SVG inside
    the page (no image file, no script)."""
    batch = batch_of("bretagne")
    page = Page(report_html(batch.report, "fr"))
    svg = first(page.root.find_all("svg"))
    bars = [r for r in svg.find_all("rect") if "gauge-proposed" in r.classes]
    envelope = batch.allocation.envelope
    width = Decimal(bars[0].attrs["width"])
    assert abs(width - 1000 * batch.allocation.awarded_total / envelope) <= Decimal("0.05")
    share = (batch.allocation.awarded_total / envelope).quantize(Decimal("0.001"))
    assert f"({percent(share, 'fr')} de l'enveloppe)" in page.root.all_text()


def test_the_page_is_self_contained_and_prints_on_a4():
    """No address outside the page (only `#` links), no external script, style or image;
    print rules for A4 with a page break before each dossier's explanation."""
    html = report_html(batch_of("paca").report, "fr")
    page = Page(html)
    for element in page.tags:
        for name in ("src", "href"):
            value = element.attrs.get(name)
            assert value is None or value.startswith("#"), (element.tag, value)
    assert not [e for e in page.tags if e.tag in ("link", "img", "iframe", "object")]
    assert "@page { size: A4" in html and "break-before: page" in html


def test_the_same_batch_gives_the_same_bytes_in_any_order():
    """No clock, no dict order, no input order in the page."""
    batch = batch_of("bretagne")
    from fitn7.report.view import build_report

    traced = [(r_d, batch.program.evaluate(r_d, trace=True), None) for r_d in batch.dossiers]
    forward = build_report(batch.program, traced, batch.allocation)
    backward = build_report(batch.program, traced[::-1], batch.allocation)
    assert report_html(forward, "fr") == report_html(backward, "fr")


HOSTILE = ('<script>alert("fitn7")</script>', '"><img src=x onerror=alert(1)>',
           "' onmouseover='alert(2)")


def hostile_dossier(tmp_path: Path) -> Path:
    """A Bretagne dossier whose texts hold markup and script."""
    dossier = make_dossier(
        id='BZH-"><script>alert(3)</script>',
        applicant_name=" ".join(HOSTILE),
        project_title=HOSTILE[1],
    )
    path = tmp_path / "hostile.toml"
    path.write_text(tomli_w.dumps(dossier_to_mapping(dossier)), encoding="utf-8")
    return path


def test_markup_in_a_dossier_comes_out_as_text(tmp_path, capsys):
    """A name holding `<script>` and `"><img onerror=…>` is text in the page: the only
    script is the page's own sorting script, no element has an event attribute, no
    image appears, and the text reads as the applicant wrote it."""
    out = tmp_path / "report.html"
    assert main(["report", BRETAGNE, str(hostile_dossier(tmp_path)), "-o", str(out)]) == 0
    page = Page(out.read_text(encoding="utf-8"))
    scripts = [e for e in page.tags if e.tag == "script"]
    ours = (importlib.resources.files("fitn7.report") / "templates" / "sort.js").read_text(
        encoding="utf-8")
    assert len(scripts) == 1 and scripts[0].all_text() == " ".join(ours.split())
    assert [(e.tag, a) for e in page.tags for a in e.attrs if a.lower().startswith("on")] == []
    assert not [e for e in page.tags if e.tag == "img"]
    text = page.root.all_text()
    for hostile in HOSTILE:
        assert hostile in text
    assert 'BZH-"><script>alert(3)</script>' in text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `fitn7 ARGV...`."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_writes_what_the_library_renders(tmp_path, capsys):
    """`fitn7 report … -o x.html` decides, allocates and renders as the API does."""
    out = tmp_path / "bretagne.html"
    code, _, err = run(capsys, "report", BRETAGNE, *map(str, SHIPPED["bretagne"]),
                       "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == report_html(batch_of("bretagne").report, "fr")
    assert "17 dossier(s)" in err


def test_the_date_comes_from_the_option_or_the_dossiers(tmp_path, capsys):
    """Without --date the report gives the latest filing date of its dossiers; with it,
    the committee's date."""
    out = tmp_path / "r.html"
    run(capsys, "report", BRETAGNE, *map(str, SHIPPED["bretagne"]), "-o", str(out))
    assert "Dossiers déposés jusqu'au 9 février 2022" in Page(out.read_text()).root.all_text()
    run(capsys, "report", BRETAGNE, *map(str, SHIPPED["bretagne"]), "-o", str(out),
        "--date", "2021-06-22")
    text = Page(out.read_text()).root.all_text()
    assert "Date 22 juin 2021" in text and "9 février 2022 " not in text.split("Synthèse")[0]


def test_english_on_request(tmp_path, capsys):
    """--lang en writes the report's words in English, amounts the English way."""
    out = tmp_path / "r.html"
    code, _, _ = run(capsys, "report", BRETAGNE, *map(str, SHIPPED["bretagne"]),
                     "-o", str(out), "--lang", "en")
    assert code == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert page.root.find_all("html") is not None
    table = first(page.root.find_all("table", "dossiers"))
    statuses = {c["Status"].all_text() for c in cells_by_header(table)}
    assert statuses <= {"awarded", "waitlisted", "ineligible", "review", "incomplete"}
    assert money(batch_of("bretagne").allocation.awarded_total, "en") in page.root.all_text()


@pytest.mark.parametrize(("argv", "message"), [
    (("-o", "report.pdf"), "must be .html or .xlsx"),
    (("-o", "report.html", "--history", "h.toml"), "declares no session nor limit"),
    (("-o", "report.html", "--session", "juin"), "declares no session nor limit"),
])
def test_usage_errors(tmp_path, capsys, argv, message):
    """A wrong command line is exit 2 with a message saying what to write."""
    argv = tuple(str(tmp_path / a) if a.startswith("report.") else a for a in argv)
    code, _, err = run(capsys, "report", GERS, str(POLICIES / "gers"), *argv)
    assert code == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_a_date_is_written_yyyy_mm_dd(tmp_path, capsys):
    """`--date 22/06/2021` is refused by the argument parser (exit 2), saying the form."""
    with pytest.raises(SystemExit) as exit_:
        main(["report", GERS, str(POLICIES / "gers"), "-o", str(tmp_path / "r.html"),
              "--date", "22/06/2021"])
    assert exit_.value.code == 2
    assert "expected a date written YYYY-MM-DD" in capsys.readouterr().err


def test_a_missing_report_extra_names_the_install_command(tmp_path, capsys, monkeypatch):
    """Without Jinja2, `fitn7 report` says how to install it, and writes nothing."""
    monkeypatch.setitem(sys.modules, "jinja2", None)
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "report", GERS, str(POLICIES / "gers"), "-o", str(out))
    assert code == 2
    assert 'pip install "fitn7[report]"' in err and "jinja2" in err
    assert not out.exists()


def test_a_bad_dossier_is_reported_and_the_others_are_in_the_report(tmp_path, capsys):
    """A dossier that does not load is on stderr with its file; the report holds the
    others and the exit code is 1."""
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "X"\nrequested = "beaucoup"\n', encoding="utf-8")
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "report", GERS, str(POLICIES / "gers"), str(bad),
                       "-o", str(out))
    assert code == 1
    assert "bad.toml" in err
    table = first(Page(out.read_text(encoding="utf-8")).root.find_all("table", "dossiers"))
    assert len(cells_by_header(table)) == len(batch_of("gers").dossiers)


def test_params_given_are_the_ones_shown_and_applied(tmp_path, capsys):
    """`--param` changes the decisions of a policy without session nor limit, and the
    summary shows the value the run used."""
    out = tmp_path / "r.html"
    code, _, _ = run(capsys, "report", GERS, str(POLICIES / "gers"), "-o", str(out),
                     "--param", "communes_par_point=5")
    assert code == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert "communes_par_point = 5" in page.root.all_text()
    table = first(page.root.find_all("table", "dossiers"))
    scores = {c["Dossier"].all_text(): c["Score"].all_text() for c in cells_by_header(table)}
    default = {r.id: str(r.score) for r in batch_of("gers").report.rows}
    assert scores != default
