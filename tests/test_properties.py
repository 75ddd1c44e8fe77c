"""Invariants of the shipped policies hold on generated dossiers; a broken one is caught."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from fitn7.api import load_policy
from fitn7.cli import main
from fitn7.evaluation import compile_policy
from fitn7.loading import load_dossier
from fitn7.properties import check_properties

POLICIES = Path(__file__).resolve().parents[1] / "policies"
SHIPPED = sorted(POLICIES.glob("*.fitn7"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_invariant_of_a_shipped_policy_holds(path):
    """Every shipped policy declares invariants, and none breaks on generated dossiers."""
    program = compile_policy(load_policy(path))
    report = check_properties(program, examples=150)
    assert len(report.checked) >= 2
    assert [c.to_toml() for c in report.counterexamples] == []


def _broken_paca(tmp_path: Path) -> Path:
    """PACA with a slip in its territory rule: Bretagne (région 53) let in by mistake.

    The policy's own invariant `hors_region_ineligible` must catch it.
    """
    for name in ("paca.fitn7", "axe3-commun.fitn7"):
        (tmp_path / name).write_text((POLICIES / name).read_text("utf-8"), "utf-8")
    broken = tmp_path / "paca.fitn7"
    text = broken.read_text("utf-8")
    rule = 'require territoire: applicant.region == "93"'
    assert rule in text
    broken.write_text(text.replace(rule, 'require territoire: applicant.region in {"93", "53"}'),
                      "utf-8")
    return broken


def test_a_broken_invariant_gets_a_counterexample_that_really_breaks_it(tmp_path, capsys):
    """`fitn7 check --properties` exits 1 and prints the counterexample as TOML: a
    collectivité outside PACA found eligible; saved as is and evaluated again, it breaks
    the same invariant and no other.

    One test for the command and the counterexample, so that the search (most of the
    cost) runs once; the command prints `Counterexample.to_toml()`.
    """
    broken = _broken_paca(tmp_path)
    code = main(["check", "--properties", "--examples", "200", str(broken)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines()[-1] == "properties: an invariant fails in 1 policy"
    assert out.count("fails; counterexample:") == 1
    assert "invariant `hors_region_ineligible` fails; counterexample:" in out
    assert "invariant `jamais_urbanisme` holds for 200 generated dossiers" in out

    # The TOML runs from its header comment to the next line the command prints.
    lines = out.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("# counterexample")))
    toml = []
    for line in lines[first:]:
        if line.startswith(f"{broken}: "):
            break
        toml.append(line)
    assert toml[0].startswith("# counterexample to invariant `hors_region_ineligible`")
    saved = tmp_path / "contre-exemple.toml"
    saved.write_text("\n".join(toml) + "\n", "utf-8")
    dossier = load_dossier(saved)
    assert dossier.id == "contre-exemple-hors_region_ineligible"
    assert dossier.applicant is not None and dossier.applicant.region == "53"
    program = compile_policy(load_policy(broken))
    decision = program.evaluate(dossier)
    assert decision.status.value != "ineligible"
    results = {inv.meta.id: value for inv, value in program.check_invariants(dossier, decision)}
    assert results["hors_region_ineligible"] is False
    assert all(value is not False for key, value in results.items()
               if key != "hors_region_ineligible")


def test_check_properties_command_passes_on_a_sound_policy(capsys):
    """On a shipped policy every invariant holds and the exit code is 0."""
    code = main(["check", "--properties", "--examples", "100", str(POLICIES / "gers.fitn7")])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines()[-1] == "properties: every invariant holds in 1 policy"
    assert "fails" not in out
    assert out.count("holds for 100 generated dossiers") >= 2


@contextmanager
def _found_not_shrunk() -> Iterator[None]:
    """`check_properties` reports the first counterexample it finds, not the smallest:
    its searches start from the loaded profile, here the current one without the shrink
    phase (three quarters of the time of a search that finds something)."""
    previous = settings.get_current_profile_name()
    phases = [p for p in settings.get_profile(previous).phases if p is not Phase.shrink]
    settings.register_profile("fitn7-found-not-shrunk", settings.get_profile(previous),
                              phases=phases)
    settings.load_profile("fitn7-found-not-shrunk")
    try:
        yield
    finally:
        settings.load_profile(previous)


def test_a_forfait_raised_for_large_communes_is_caught(tmp_path):
    """The national forfait of communes of 5 000 inhabitants or more raised from 10 000 €
    to 20 000 €: found at the default 500 examples, because generated dossiers are steered
    to the policy's population thresholds and above its amounts (a random dossier is
    rarely a large, eligible commune asking for more than 10 000 €).

    What is tested is the search: the counterexamples are not shrunk (shrinking took
    three quarters of the 18 s this test took); test_a_broken_invariant_gets_a_\
    counterexample_that_really_breaks_it checks a shrunk one."""
    text = (POLICIES / "national-3a.fitn7").read_text(encoding="utf-8")
    assert "otherwise   : 10_000 €" in text
    broken = tmp_path / "national-3a.fitn7"
    broken.write_text(text.replace("otherwise   : 10_000 €", "otherwise   : 20_000 €"), "utf-8")
    program = compile_policy(load_policy(broken, search_path=[POLICIES]))
    with _found_not_shrunk():
        report = check_properties(program, examples=500)
    broken_ids = {c.invariant.meta.id for c in report.counterexamples}
    assert "autre_commune_10000" in broken_ids
    (counter,) = [c for c in report.counterexamples if c.invariant.meta.id == "autre_commune_10000"]
    assert counter.dossier.applicant is not None
    assert counter.dossier.applicant.population is not None
    assert counter.dossier.applicant.population >= 5_000
    # The slip breaks two promises; each is reported once, with a dossier that breaks it.
    ids = [c.invariant.meta.id for c in report.counterexamples]
    assert len(ids) == len(set(ids))
    assert "forfait_autre_commune" in broken_ids
    for c in report.counterexamples:
        results = {inv.meta.id: value
                   for inv, value in program.check_invariants(c.dossier, c.decision)}
        assert results[c.invariant.meta.id] is False
