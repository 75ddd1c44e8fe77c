"""`fitn7 diff --symbolic`: equivalence proved, regions with direction, largest difference
and a witness the evaluator confirms (the "Done when" of issue 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("z3")

from fitn7.cli import main

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
PACA = (POLICIES / "paca.fitn7").read_text(encoding="utf-8")


def version(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(POLICIES / "axe3-commun.fitn7", folder)
    path = folder / "paca.fitn7"
    path.write_text(text, encoding="utf-8")
    return path


def symbolic(capsys, tmp_path: Path, old: Path, new: Path, *extra: str):
    code = main(["diff", "--symbolic", "--policy-path", str(POLICIES), "--witness-dir",
                 str(tmp_path / "w"), *extra, str(old), str(new)])
    out, err = capsys.readouterr()
    return code, out, err


def test_paca_cap_lowered_to_25000_is_one_region_amount_lower_by_5000(tmp_path, capsys):
    lowered = PACA.replace("cap plafond_commune: 30_000 €", "cap plafond_commune: 25_000 €")
    assert lowered != PACA
    new = version(tmp_path, "new", lowered)
    code, out, _ = symbolic(capsys, tmp_path, POLICIES / "paca.fitn7", new, "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["verdict"] == "different"
    assert result["complete"] is True
    [region] = result["regions"]
    assert region["direction"] == "amount lower"
    assert region["largest_difference"] == "5000.00"
    assert region["conditions"] == [
        "applicant.kind == commune and not joint",
        "amount before plafond_commune above 25_000 € [new]",
    ]
    assert region["confirmed"] is True
    # The witness runs with `fitn7 eval` under each version: 30 000 € then 25 000 €.
    witness = region["witness"]
    amounts = []
    for policy in (POLICIES / "paca.fitn7", new):
        assert main(["eval", "--format", "json", "--policy-path", str(POLICIES), str(policy),
                     witness]) == 0
        decision = json.loads(capsys.readouterr().out)
        decision = decision[0] if isinstance(decision, list) else decision
        amounts.append((decision["status"], decision["amount"]))
    assert amounts == [("eligible", "30000.00"), ("eligible", "25000.00")]


def test_text_output_names_region_direction_difference_and_witness(tmp_path, capsys):
    lowered = PACA.replace("cap plafond_commune: 30_000 €", "cap plafond_commune: 25_000 €")
    new = version(tmp_path, "new", lowered)
    code, out, _ = symbolic(capsys, tmp_path, POLICIES / "paca.fitn7", new)
    assert code == 1
    assert out.splitlines()[:4] == [
        "different: 1 region where decisions differ",
        "region 1: amount lower (eligible → eligible), largest difference 5 000,00 €",
        "  where: applicant.kind == commune and not joint",
        "         amount before plafond_commune above 25_000 € [new]",
    ]
    assert "(confirmed by evaluation: old eligible 30 000,00 €, new eligible 25 000,00 €)" \
        in out


def test_a_layout_only_change_is_equivalent(tmp_path, capsys):
    # What `fitn7 fmt` may change: blank lines, comments, line breaks inside a set.
    relaid = PACA.replace("\n\n", "\n").replace("# ", "#  ").replace(
        "{cc, ca, cu, metropole}", "{cc,\n                          ca, cu, metropole}")
    assert relaid != PACA
    new = version(tmp_path, "new", relaid)
    code, out, _ = symbolic(capsys, tmp_path, POLICIES / "paca.fitn7", new)
    assert (code, out.strip()) == (
        0, "equivalent: no possible dossier is decided differently (proved)")


def test_a_stricter_rule_makes_dossiers_newly_ineligible(tmp_path, capsys):
    stricter = PACA.replace('require hors_delai: submitted <= 2021-10-15',
                            'require hors_delai: submitted <= 2021-08-15')
    new = version(tmp_path, "new", stricter)
    code, out, _ = symbolic(capsys, tmp_path, POLICIES / "paca.fitn7", new, "--format", "json")
    assert code == 1
    regions = json.loads(out)["regions"]
    directions = {r["direction"] for r in regions}
    assert "newly ineligible" in directions
    assert "newly eligible" not in directions
    assert all(r["confirmed"] for r in regions)


def test_leader_cap_lowered_regions_are_complete_and_confirmed(tmp_path, capsys):
    # LEADER declares its own categories, inputs, a document and reads
    # `applicant.family`: the witnesses name only what it declares, so the evaluator
    # reads them back, and the search ends (no "may be incomplete").
    leader = (POLICIES / "leader.fitn7").read_text(encoding="utf-8")
    lowered = leader.replace("cap plafond: 55_000 €", "cap plafond: 45_834 €")
    assert lowered != leader
    new = tmp_path / "leader.fitn7"
    new.write_text(lowered, encoding="utf-8")
    code, out, _ = symbolic(capsys, tmp_path, POLICIES / "leader.fitn7", new, "--format",
                            "json")
    assert code == 1
    result = json.loads(out)
    assert (result["verdict"], result["complete"], result["reason"]) == (
        "different", True, None)
    regions = {r["direction"]: r for r in result["regions"]}
    assert sorted(regions) == ["amount lower", "newly ineligible"]
    assert regions["amount lower"]["largest_difference"] == "9166.00"
    # Above 45 834 €, 20 % of the prorated base can exceed the new cap: the minimum
    # rate then makes the dossier ineligible, losing the whole 55 000 €.
    assert regions["newly ineligible"]["largest_difference"] == "55000.00"
    assert all(r["confirmed"] is True for r in regions.values()), regions
    # Only the VAT condition (it reads a line's figures) is left unmodelled.
    notes = result["unmodelled"]
    assert notes
    assert all("vat_recovered" in n for n in notes), notes
    witness = regions["amount lower"]["witness"]
    assert main(["eval", "--format", "json", str(new), witness]) == 0
    decision = json.loads(capsys.readouterr().out)
    decision = decision[0] if isinstance(decision, list) else decision
    assert decision["amount"] == "45834.00"
