"""`fitn7 check --prove`: invariants proved for every dossier, counterexamples the
evaluator confirms, unknowns with reasons, and the static findings (P5xx)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("z3")

from fitn7.cli import main

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"

BROKEN = '''policy "plafond"
require commune: applicant.kind == commune
  source "s"
amount
  rate taux: 100%
  cap plafond: 30_000 € when not joint
invariant plafond_respecte: amount <= 30_000 €
invariant jamais_cc: applicant.kind == cc implies status == ineligible
'''


def test_every_shipped_invariant_is_proved(tmp_path, capsys):
    code = main(["check", "--prove", "--policy-path", str(POLICIES), "--witness-dir",
                 str(tmp_path), str(POLICIES)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "proofs: 45 proved, 0 failed, 0 unknown" in err
    assert "fails" not in out


def test_a_broken_invariant_gives_a_counterexample_eval_confirms(tmp_path, capsys):
    policy = tmp_path / "plafond.fitn7"
    policy.write_text(BROKEN, encoding="utf-8")
    witnesses = tmp_path / "w"
    code = main(["check", "--prove", "--witness-dir", str(witnesses), str(policy)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "proofs: 1 proved, 1 failed, 0 unknown" in err
    assert "invariant `jamais_cc` proved" in out
    witness = witnesses / "plafond-plafond_respecte.toml"
    assert "invariant `plafond_respecte` fails: counterexample" in out
    assert main(["eval", "--format", "json", str(policy), str(witness)]) == 0
    decision = json.loads(capsys.readouterr().out)
    decision = decision[0] if isinstance(decision, list) else decision
    # The joint project escapes the cap: the amount the evaluator gives breaks the promise.
    assert float(decision["amount"]) > 30_000


def test_findings_name_dead_rules_unreachable_bands_and_idle_caps(tmp_path, capsys):
    policy = tmp_path / "mort.fitn7"
    policy.write_text('''policy "mort"
  envelope 1_000 €
require grand: applicant.population > 10_000
  source "s"
exclude jamais: applicant.population > 10_000 and applicant.population < 5_000
  source "s"
amount
  forfait f: by applicant.population
    below 5_000 : 5_000 €
    otherwise : 10_000 €
  cap inutile: 50_000 €
  minimum mini: 2_000 €
''', encoding="utf-8")
    code = main(["check", "--prove", "--witness-dir", str(tmp_path / "w"), str(policy)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert f"{policy}:5:1: warning[P501]: the condition of exclude `jamais` can never hold" \
        in out
    assert f"{policy}:9:5: warning[P503]: no eligible dossier reaches band f[1]" in out
    assert "warning[P504]: cap `inutile` never changes the amount" in out
    assert "warning[P505]: every award is above the envelope of 1000 €" in out
    assert "P503]: no eligible dossier reaches band f[2]" not in out


def test_unmodelled_parts_are_reported_never_ignored(tmp_path, capsys):
    policy = tmp_path / "listes.fitn7"
    policy.write_text('''policy "listes"
require etude: any(expenses, category == etude)
  source "s"
invariant etude_requise: status == eligible implies eligible_expenses > 0 €
''', encoding="utf-8")
    code = main(["check", "--prove", "--witness-dir", str(tmp_path / "w"), str(policy)])
    out, err = capsys.readouterr()
    assert "warning[P500]: `any(expenses, category == etude)` is not modelled" in out
    # Unmodelled, `any` could hold with no eligible expense: the solver's candidate is
    # checked by the evaluator, which refuses it (an `etude` line is eligible).
    assert "invariant `etude_requise` unknown: the model found a counterexample the " \
        "evaluator does not confirm" in out
    assert "1 unknown" in err
    assert code == 0


def test_without_z3_the_commands_say_how_to_install_it(monkeypatch, tmp_path, capsys):
    # `None` in sys.modules makes `import z3` raise ImportError, as when it is absent.
    monkeypatch.setitem(__import__("sys").modules, "z3", None)
    policy = POLICIES / "paca.fitn7"
    path = ["--policy-path", str(POLICIES)]
    assert main(["check", "--prove", *path, str(policy)]) == 2
    assert "pip install 'fitn7[proofs]'" in capsys.readouterr().err
    assert main(["diff", "--symbolic", *path, str(policy), str(policy)]) == 2
    assert "pip install 'fitn7[proofs]'" in capsys.readouterr().err
