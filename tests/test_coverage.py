"""`fitn7 test --coverage`: what the example dossiers exercised, from their traces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fitn7.cli import main

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"

BANDED = '''policy "bandes"
require commune: applicant.kind == commune
  source "s"
amount
  forfait f: by applicant.population
    below 1_000: 1_000 €
    from 1_000 below 5_000: 2_000 €
    otherwise: 3_000 €
  cap plafond: 1_500 € when applicant.zrr
'''

EXAMPLE = '''id = "{id}"
submitted = 2021-06-01
requested = 50000
[applicant]
name = "C"
kind = "commune"
code = "29195"
population = {population}
departement = "29"
region = "53"
zrr = {zrr}
[[expenses]]
label = "e"
category = "etude"
amount = 10000
[expected]
status = "eligible"
'''


def banded(tmp_path: Path, *examples: tuple[int, bool]) -> Path:
    policy = tmp_path / "bandes.fitn7"
    policy.write_text(BANDED, encoding="utf-8")
    folder = tmp_path / "bandes"
    folder.mkdir()
    for i, (population, zrr) in enumerate(examples):
        (folder / f"ex{i}.toml").write_text(
            EXAMPLE.format(id=f"EX-{i}", population=population, zrr=str(zrr).lower()),
            encoding="utf-8")
    return policy


def test_bands_reached_and_caps_bound_are_read_from_the_traces(tmp_path, capsys):
    policy = banded(tmp_path, (500, False), (2_000, True))
    code = main(["test", "--coverage", "--format", "json", str(policy)])
    out, _ = capsys.readouterr()
    assert code == 0
    [report] = json.loads(out)["policies"]
    seen = {(t["kind"], t["id"], t["outcome"]): t["seen"] for t in report["targets"]}
    assert seen[("band", "f[1]", "reached")] is True
    assert seen[("band", "f[2]", "reached")] is True
    assert seen[("band", "f[3]", "reached")] is False
    assert seen[("cap", "plafond", "binds")] is True
    assert seen[("require", "commune", "holds")] is True
    assert seen[("require", "commune", "fails")] is False
    # commune holds/fails, three bands, the forfait's cap: 4 of 6.
    assert (report["covered"], report["total"]) == (4, 6)
    assert report["percent"] == 66.7


def test_text_lists_what_was_never_exercised_with_its_line(tmp_path, capsys):
    policy = banded(tmp_path, (500, False))
    code = main(["test", "--coverage", str(policy)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "50,0 %" not in out
    assert "33,3 % (2/6 issues, 1 exemple)" in out
    assert "jamais atteinte tranche  f[3]" in out
    assert f"{policy}:8" in out  # the `otherwise` band's line
    assert "jamais effectif plafond  plafond" in out
    main(["test", "--coverage", str(policy), "--lang", "en"])
    out, _ = capsys.readouterr()
    assert "33.3% (2/6 outcomes, 1 examples)" in out
    assert "never reached  band     f[3]" in out
    assert "never binds    cap      plafond" in out


def test_fail_under_fails_below_and_passes_at_the_threshold(tmp_path, capsys):
    policy = banded(tmp_path, (500, False), (2_000, True))
    assert main(["test", "--coverage", "--fail-under", "70", str(policy)]) == 1
    assert "couverture inférieure à 70 %" in capsys.readouterr().err
    assert main(["test", "--coverage", "--fail-under", "66", str(policy)]) == 0


def test_fail_under_needs_coverage(tmp_path, capsys):
    policy = banded(tmp_path, (500, True))
    assert main(["test", "--fail-under", "50", str(policy)]) == 2
    assert "--coverage" in capsys.readouterr().err


def test_shipped_policies_coverage(tmp_path, capsys):
    # The numbers of today's shipped examples; adding an example only raises them.
    for name in ("paca", "gers", "seine-maritime"):
        shutil.copytree(POLICIES / name, tmp_path / name)
        shutil.copy(POLICIES / f"{name}.fitn7", tmp_path)
    shutil.copy(POLICIES / "axe3-commun.fitn7", tmp_path)
    code = main(["test", "--coverage", "--format", "json", "--policy-path", str(tmp_path),
                 *(str(tmp_path / f"{n}.fitn7") for n in ("paca", "gers", "seine-maritime"))])
    out, _ = capsys.readouterr()
    assert code == 0
    percents = {Path(p["file"]).stem: p["percent"] for p in json.loads(out)["policies"]}
    assert percents == {"paca": 100.0, "gers": 100.0, "seine-maritime": 100.0}


def test_outcomes_proved_impossible_are_not_counted(tmp_path, capsys):
    pytest.importorskip("z3")
    policy = tmp_path / "toujours.fitn7"
    policy.write_text('''policy "toujours"
require commune: applicant.kind == commune
  source "s"
require positif: applicant.population >= 0
  source "s"
''', encoding="utf-8")
    folder = tmp_path / "toujours"
    folder.mkdir()
    (folder / "ex.toml").write_text(EXAMPLE.format(id="EX", population=10, zrr="false"),
                                    encoding="utf-8")
    code = main(["test", "--coverage", "--format", "json", str(policy)])
    out, _ = capsys.readouterr()
    assert code == 0
    [report] = json.loads(out)["policies"]
    possible = {(t["id"], t["outcome"]): t["possible"] for t in report["targets"]}
    # A population is never negative: `positif` cannot fail, and is not asked to.
    assert possible[("positif", "fails")] is False
    assert possible[("commune", "fails")] is True
    assert (report["covered"], report["total"]) == (2, 3)
