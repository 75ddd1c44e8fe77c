"""The amount invariants of the shipped policies catch a wrong amount in a copy of the policy.

Each test copies a policy (and its base) to a temporary directory, changes one amount of
the text, and evaluates a shipped example dossier of the band concerned: the invariant
that guards that amount is false on the broken copy, and true on the shipped policy.
(Whether `fitn7 check --properties` *finds* such a dossier depends on the generator and
the number of examples; these tests check the invariants themselves, quickly.)
"""

from __future__ import annotations

from pathlib import Path

from fitn7.api import load_policy
from fitn7.evaluation import compile_policy
from fitn7.loading import load_dossier

POLICIES = Path(__file__).resolve().parents[1] / "policies"


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """`policies/NAME.fitn7` copied with its base, `old` replaced by `new` (once)."""
    for file in (f"{name}.fitn7", "axe3-commun.fitn7"):
        (tmp_path / file).write_text((POLICIES / file).read_text("utf-8"), "utf-8")
    policy = tmp_path / f"{name}.fitn7"
    text = policy.read_text("utf-8")
    assert text.count(old) == 1
    policy.write_text(text.replace(old, new), "utf-8")
    return policy


def invariants(policy: Path, example: Path) -> tuple[str, dict[str, bool | None]]:
    """The amount a policy gives an example dossier, and the value of each invariant."""
    program = compile_policy(load_policy(policy))
    dossier = load_dossier(example)
    decision = program.evaluate(dossier)
    values = {inv.meta.id: value for inv, value in program.check_invariants(dossier, decision)}
    return f"{decision.amount:f}", values


NATIONAL_BAND = ["autre_commune_10000", "forfait_autre_commune"]


def test_national_forfait_of_the_wrong_band_is_caught(tmp_path):
    """20 000 € for a commune of 5 000 inhabitants or more (N3A-02: 5 000 exactly, 12 000 €
    of eligible base) breaks the per-band invariants; `montant_forfaitaire` (any of the
    three forfaits) alone did not."""
    example = POLICIES / "national-3a" / "N3A-02-commune-5000-pile.toml"
    amount, values = invariants(POLICIES / "national-3a.fitn7", example)
    assert amount == "10000.00"
    assert all(values[name] is True for name in NATIONAL_BAND)
    broken = broken_copy(tmp_path, "national-3a", "otherwise   : 10_000 €",
                         "otherwise   : 20_000 €")
    amount, values = invariants(broken, example)
    assert amount == "12000.00"
    assert [name for name, value in values.items() if value is False] == NATIONAL_BAND
    assert values["montant_forfaitaire"] is True


def test_national_forfait_lowered_is_caught(tmp_path):
    """A forfait lowered below the text (9 000 € for the same commune) breaks the exact
    per-band invariant, not only `montant_forfaitaire`."""
    example = POLICIES / "national-3a" / "N3A-02-commune-5000-pile.toml"
    broken = broken_copy(tmp_path, "national-3a", "otherwise   : 10_000 €",
                         "otherwise   : 9_000 €")
    amount, values = invariants(broken, example)
    assert amount == "9000.00"
    assert values["forfait_autre_commune"] is False


def test_paca_cap_raised_is_caught(tmp_path):
    """A 40 000 € cap for a commune alone (PACA-02 asks 42 000 €) breaks
    `plafond_commune_respecte`."""
    example = POLICIES / "paca" / "PACA-02-commune-plafond.toml"
    amount, values = invariants(POLICIES / "paca.fitn7", example)
    assert amount == "30000.00" and values["plafond_commune_respecte"] is True
    broken = broken_copy(tmp_path, "paca", "cap plafond_commune: 30_000 €",
                         "cap plafond_commune: 40_000 €")
    amount, values = invariants(broken, example)
    assert amount == "40000.00"
    assert [name for name, value in values.items() if value is False] == [
        "plafond_commune_respecte"
    ]
