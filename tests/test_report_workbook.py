"""`fitn7 report -o FILE.xlsx`: the workbook read back, its numbers, its text, its bytes."""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import tomli_w

from fitn7.cli import main
from fitn7.evaluation import Status
from fitn7.loading import dossier_to_mapping
from fitn7.report.workbook import EUROS, workbook_bytes
from fitn7.testing import make_dossier
from tests.reports import POLICIES, SHIPPED, shipped_batch
from tests.test_report import expected_row

batch_of = functools.cache(shipped_batch)


def book_of(name: str, lang: str = "fr") -> openpyxl.Workbook:
    """The workbook of a shipped batch, as openpyxl reads it back."""
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(batch_of(name).report, lang)))


def records(sheet) -> list[dict[str, object]]:
    """The rows of a sheet below its header, as {header: cell}."""
    rows = list(sheet.iter_rows())
    heads = [c.value for c in rows[0]]
    return [dict(zip(heads, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_dossier_and_amount_of_the_workbook_matches_the_decisions(name):
    """One sheet per session; each dossier once, its amounts as numbers in euros, equal to
    the allocation's (or the decision's); each sheet's total is the sum of its column."""
    batch = batch_of(name)
    book = book_of(name)
    blocks = batch.report.sessions
    assert book.sheetnames[1:1 + len(blocks)] == [
        b.name if b.is_session else "hors session" for b in blocks]
    seen = set()
    for block in blocks:
        sheet = book[block.name if block.is_session else "hors session"]
        rows = records(sheet)
        total_row = rows.pop()
        column = 0
        for cells in rows:
            ident = cells["Dossier"].value
            seen.add(ident)
            proposed, label = expected_row(batch, ident)
            cell = cells["Montant proposé"]
            assert (Decimal(str(cell.value)) if cell.value is not None else None) == proposed
            assert cells["Statut"].value == label
            assert cells["Score"].value == batch.decisions[ident].score
            for head in ("Montant demandé", "Montant proposé", "Montant calculé"):
                assert cells[head].number_format == EUROS
                assert cells[head].value is None or isinstance(cells[head].value, int | float)
            column += proposed or 0
        assert Decimal(str(total_row["Montant proposé"].value)) == column == block.proposed
    assert seen == {d.id for d in batch.dossiers}
    summary = {row[0].value: row[1].value for row in book["Synthèse"].iter_rows(max_col=2)
               if row[0].value}
    expected_total = batch.allocation.awarded_total if batch.allocation else sum(
        (d.amount for d in batch.decisions.values() if d.status is Status.ELIGIBLE), Decimal(0))
    assert Decimal(str(summary["Montant proposé"])) == expected_total
    assert summary["Empreinte"] == batch.program.ref.sha256


@pytest.mark.parametrize("name", ["bretagne", "gers"])
def test_the_rules_sheet_has_every_rule_outcome(name):
    """The `Règles` sheet: one row per trace entry of every dossier, in order."""
    batch = batch_of(name)
    rows = records(book_of(name)["Règles"])
    expected = [(d.id, t.rule) for d in batch.report.rows
                for t in batch.program.evaluate(
                    next(x for x in batch.dossiers if x.id == d.id), trace=True).trace]
    assert [(r["Dossier"].value, r["Règle"].value) for r in rows] == expected


def test_another_reader_reads_the_same_numbers():
    """python-calamine (a reader independent of openpyxl, in Rust) reads every sheet and
    the same proposed amounts."""
    calamine = pytest.importorskip("python_calamine")
    batch = batch_of("paca")
    data = workbook_bytes(batch.report, "fr")
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for block in batch.report.sessions:
        sheet = block.name if block.is_session else "hors session"
        rows = book.get_sheet_by_name(sheet).to_python()
        heads = rows[0]
        got = {r[heads.index("Dossier")]: r[heads.index("Montant proposé")] for r in rows[1:-1]}
        for row in block.rows:
            value = got[row.id]
            assert (Decimal(str(value)) if value != "" else None) == row.proposed


def test_the_file_is_a_valid_package_and_the_same_bytes_each_time():
    """Every part is well-formed XML and declared in [Content_Types].xml; no clock in the
    bytes: the same report gives the same file."""
    report = batch_of("bretagne").report
    data = workbook_bytes(report, "fr")
    assert data == workbook_bytes(report, "fr")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))
        types = archive.read("[Content_Types].xml").decode()
        for name in names:
            if name.startswith("xl/worksheets/"):
                assert f'PartName="/{name}"' in types
        core = archive.read("docProps/core.xml").decode()
    assert "2022-02-09T00:00:00Z" in core  # the report's date, not the clock's


HOSTILE = ("=HYPERLINK(\"http://example.invalid\",\"clic\")", "+1+2", "@SUM(A1)",
           "<script>alert(1)</script>", "tab\there\x01")


def test_dossier_text_never_becomes_a_formula(tmp_path, capsys):
    """Text starting with `=`, `+` or `@` stays text (no formula in the file), markup is
    text, and a control character XML cannot hold is replaced, not a broken file."""
    dossier = make_dossier(applicant_name=HOSTILE[0], project_title=HOSTILE[4],
                           applicant_code="29195")
    path = tmp_path / "d.toml"
    path.write_text(tomli_w.dumps(dossier_to_mapping(dossier)), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["report", str(POLICIES / "bretagne.fitn7"), str(path), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode()
    book = openpyxl.load_workbook(out)
    sheet = book["comité T2 2021"]
    names = [c.value for c in sheet["C"]]
    assert f"{HOSTILE[0]} (29195)" in names
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_english_sheet_names_and_words():
    """--lang en names the summary and rule sheets in English."""
    book = book_of("bretagne", "en")
    assert book.sheetnames[0] == "Summary" and "Rules" in book.sheetnames
    statuses = {c.value for c in book["comité T3 2021"]["K"][1:] if c.value}
    assert statuses <= {"awarded", "waitlisted", "ineligible", "review", "incomplete"}


def test_sheet_names_are_valid_and_unique():
    """A session name with `/` or `:`, longer than 31 characters, or equal to another once
    cut, still gives valid, distinct sheet names."""
    from fitn7.report.workbook import _sheet_name

    taken: set[str] = set()
    long = "comité de programmation n°1 : juin/juillet 2021"
    names = [_sheet_name(long, taken), _sheet_name(long, taken), _sheet_name("Synthèse", taken),
             _sheet_name("synthèse", taken)]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.casefold() for n in names}) == 4


def test_the_command_writes_what_the_library_renders(tmp_path, capsys):
    """`fitn7 report … -o x.xlsx` gives the bytes `workbook_bytes` gives."""
    out = tmp_path / "r.xlsx"
    code = main(["report", str(POLICIES / "paca.fitn7"), *map(str, SHIPPED["paca"]),
                 "-o", str(out)])
    assert code == 0
    assert out.read_bytes() == workbook_bytes(batch_of("paca").report, "fr")
