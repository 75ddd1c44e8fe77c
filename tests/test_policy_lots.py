"""The committee batches shipped with the policies (`policies/NAME/allocation/lot-2021.toml`)
give, under `fitn7 allocate`, the outcome and reason of every dossier that docs/policies.md
describes: the `limit` of each call is applied by the committee, not by `fitn7 test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fitn7.cli import main

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
DOCS = ROOT / "docs" / "policies.md"


def allocate(capsys: pytest.CaptureFixture[str], name: str, *options: str) -> dict:
    """The JSON report of `fitn7 allocate policies/NAME.fitn7 policies/NAME/allocation/`."""
    code = main(["allocate", str(POLICIES / f"{name}.fitn7"),
                 str(POLICIES / name / "allocation"), "--format", "json", *options])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return json.loads(out)


def outcomes(report: dict) -> dict[str, tuple[str, str | None, str]]:
    """Outcome, reason and session of each dossier of a report."""
    return {d["dossier"]: (d["outcome"], d["reason"], d["session"]) for d in report["dossiers"]}


def test_bretagne_one_individual_win_per_collectivite(capsys):
    """Huelgoat wins alone in June; in September its second individual project is
    waitlisted by `une_victoire_individuelle`, while the project it carries with Berrien
    (joint: does not count) and Plouguerneau's project are awarded."""
    report = allocate(capsys, "bretagne")
    assert outcomes(report) == {
        "BZH-LOT-01": ("awarded", None, "comité T2 2021"),
        "BZH-LOT-02": ("waitlisted", "limit:une_victoire_individuelle", "comité T3 2021"),
        "BZH-LOT-03": ("awarded", None, "comité T3 2021"),
        "BZH-LOT-04": ("awarded", None, "comité T3 2021"),
    }
    rows = {d["dossier"]: d for d in report["dossiers"]}
    assert rows["BZH-LOT-02"]["applicant"] == rows["BZH-LOT-01"]["applicant"] == "29081"
    assert not rows["BZH-LOT-02"]["joint"]
    assert rows["BZH-LOT-03"]["applicant"] == "29081" and rows["BZH-LOT-03"]["joint"]
    assert report["awarded_total"] == "50000.00"


def test_paca_projects_per_applicant_limit(capsys):
    """Barcelonnette files three projects in the first wave: with the default
    `max_projets_par_porteur = 2` the third is waitlisted by `projets_par_porteur`."""
    report = allocate(capsys, "paca")
    assert report["params"]["max_projets_par_porteur"] == 2
    assert outcomes(report) == {
        "PACA-LOT-01": ("awarded", None, "vague 1"),
        "PACA-LOT-02": ("awarded", None, "vague 1"),
        "PACA-LOT-03": ("waitlisted", "limit:projets_par_porteur", "vague 1"),
    }
    assert {d["applicant"] for d in report["dossiers"]} == {"04019"}
    assert report["awarded_total"] == "19000.00"


def test_paca_limit_raised_by_the_committee(capsys):
    """With `--param max_projets_par_porteur=3` all three projects are awarded."""
    report = allocate(capsys, "paca", "--param", "max_projets_par_porteur=3")
    assert report["params"]["max_projets_par_porteur"] == 3
    assert outcomes(report) == {
        "PACA-LOT-01": ("awarded", None, "vague 1"),
        "PACA-LOT-02": ("awarded", None, "vague 1"),
        "PACA-LOT-03": ("awarded", None, "vague 1"),
    }
    assert report["awarded_total"] == "27000.00"


@pytest.mark.parametrize("dossier, reason", [
    ("BZH-LOT-02", "limit:une_victoire_individuelle"),
    ("PACA-LOT-03", "limit:projets_par_porteur"),
])
def test_docs_name_the_waitlisted_dossier_and_its_reason(dossier, reason):
    """docs/policies.md names each waitlisted dossier of the batches with the reason the
    report gives, so the page and the tests above describe the same outcomes."""
    text = DOCS.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if dossier in line)
    assert f"`{reason}`" in line
