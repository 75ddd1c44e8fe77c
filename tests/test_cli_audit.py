"""`fitn7 diff`, `fitn7 hash`, `fitn7 replay` and the provenance of `fitn7 eval`.

Golden files: `tests/golden/diff/` holds frozen copies of PACA's policy
(`paca-2021.1.fitn7`, the cap raised in `2021.2`, many changes in `2021.3`),
its parent, a few dossiers, and the expected outputs `NAME.txt|json|toml`.
After an intended change of the output, run
`FITN7_UPDATE_GOLDEN=1 pytest tests/test_cli_audit.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from fitn7.audit.inputs import load_version
from fitn7.cli import main
from fitn7.hashing import policy_hash

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "diff"
UPDATE = os.environ.get("FITN7_UPDATE_GOLDEN") == "1"

#: name -> arguments of `fitn7 diff`, run from tests/golden/diff/: the text in English
#: (`NAME.txt`, `--lang en`) and in French, the default (`NAME.fr.txt`); JSON and TOML,
#: the same in both languages, with the default.
CASES = {
    "cap.txt": ["paca-2021.1.fitn7", "paca-2021.2.fitn7", "--lang", "en"],
    "cap.fr.txt": ["paca-2021.1.fitn7", "paca-2021.2.fitn7"],
    "cap.json": ["paca-2021.1.fitn7", "paca-2021.2.fitn7", "--format", "json"],
    "cap.toml": ["paca-2021.1.fitn7", "paca-2021.2.fitn7", "--format", "toml"],
    "cap-impact.txt": ["paca-2021.1.fitn7", "paca-2021.2.fitn7", "--impact", "dossiers",
                       "--lang", "en"],
    "cap-impact.fr.txt": ["paca-2021.1.fitn7", "paca-2021.2.fitn7", "--impact", "dossiers"],
    "many.txt": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--lang", "en"],
    "many.fr.txt": ["paca-2021.1.fitn7", "paca-2021.3.fitn7"],
    "many.json": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--format", "json"],
    "many.toml": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--format", "toml"],
    "many-impact.txt": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--impact", "dossiers",
                        "--allocate", "--lang", "en"],
    "many-impact.fr.txt": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--impact", "dossiers",
                           "--allocate"],
    "many-impact.json": ["paca-2021.1.fitn7", "paca-2021.3.fitn7", "--impact", "dossiers",
                         "--allocate", "--format", "json"],
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ golden


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_diff(name, capsys, monkeypatch):
    """`fitn7 diff` prints exactly the expected text, JSON or TOML, and exits 1 (changes)."""
    monkeypatch.chdir(GOLDEN)
    code, out, err = run(capsys, "diff", *CASES[name])
    assert (code, err) == (1, "")
    expected = GOLDEN / name
    if UPDATE:
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")


def test_golden_outputs_parse():
    """The golden JSON and TOML are valid and say the same thing."""
    as_json = json.loads((GOLDEN / "many.json").read_text(encoding="utf-8"))
    as_toml = tomllib.loads((GOLDEN / "many.toml").read_text(encoding="utf-8"))
    assert as_json["semantic_change"] is True
    assert [c["path"] for c in as_json["changes"]] == [c["path"] for c in as_toml["change"]]
    assert as_json["summary"] == as_toml["summary"] == {
        "added": 1, "removed": 1, "changed": 9, "renamed": 1}


def test_every_json_change_has_every_key():
    """Each change object has the same keys whatever its op (null when it does not apply);
    TOML, which has no null, leaves those out."""
    keys = ["op", "path", "kind", "new_path", "old", "new", "label", "source", "where"]
    changes = json.loads((GOLDEN / "many.json").read_text(encoding="utf-8"))["changes"]
    assert {c["op"] for c in changes} == {"added", "removed", "changed", "renamed"}
    assert all(list(c) == keys for c in changes)
    renamed = next(c for c in changes if c["op"] == "renamed")
    assert (renamed["old"], renamed["new"]) == (None, None) and renamed["new_path"]
    added = next(c for c in changes if c["op"] == "added")
    assert added["old"] is None and added["new"].startswith("review budget_important")
    toml_changes = tomllib.loads((GOLDEN / "many.toml").read_text(encoding="utf-8"))["change"]
    assert all(set(c) == {k for k in keys if changes[n][k] is not None}
               for n, c in enumerate(toml_changes))


def test_cap_diff_in_one_screen():
    """The text of the PACA cap change fits one screen and shows the cap, the label and
    the source of the rule."""
    text = (GOLDEN / "cap.txt").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 40
    assert "~ cap: 30_000 € → 40_000 €" in text
    assert "plafond_commune — Un plafond de financement à 40 000 euros" in text
    assert "001_86b2dea80e471264.txt, §5 Sélection des projets" in text


def test_added_and_removed_rules_are_shown_whole():
    """A rule added or removed is printed in full canonical text, its message never cut; a
    renamed rule's label is whole too."""
    text = (GOLDEN / "many.txt").read_text(encoding="utf-8")
    assert ("  + budget_important added  (paca-2021.3.fitn7:85)\n"
            "      review budget_important: total_expenses > 200_000 €\n"
            '        "Au-delà de 200 000 € de dépenses, le dossier est examiné par le comité '
            'interdépartemental"\n'
            '        source "001_86b2dea80e471264.txt, §5 Sélection des projets"\n') in text
    assert ("ni le personnel ni l'achat d'équipements informatiques ne sont financés\"\n"
            in text)
    assert "dans la mesure du possible\n" in text
    whole = [line for line in text.splitlines() if line.startswith(("  +", "  -", "  →"))]
    assert whole and not any("…" in line for line in whole)


# ---------------------------------------------------------------- exit codes


def test_no_semantic_change_exits_0(capsys, tmp_path):
    """A reformatted copy with other comments is no semantic change: exit 0, one line says so."""
    for name in ("paca-2021.1.fitn7", "axe3-commun.fitn7"):
        shutil.copy(GOLDEN / name, tmp_path / name)
    text = (GOLDEN / "paca-2021.1.fitn7").read_text(encoding="utf-8")
    (tmp_path / "copie.fitn7").write_text("# autre commentaire\n" + text.replace(
        "param max_projets_par_porteur = 2", "param max_projets_par_porteur=2"), encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(tmp_path / "paca-2021.1.fitn7"),
                       str(tmp_path / "copie.fitn7"))
    assert code == 0
    assert out.splitlines()[-1] == "aucun changement de sens"
    code, out, _ = run(capsys, "diff", str(tmp_path / "paca-2021.1.fitn7"),
                       str(tmp_path / "copie.fitn7"), "--format", "json")
    assert (code, json.loads(out)["semantic_change"], json.loads(out)["changes"]) == (0, False, [])


def test_errors_exit_2(capsys, tmp_path):
    """A missing file, a policy that does not parse, or `--allocate` alone: exit 2."""
    good = str(GOLDEN / "paca-2021.1.fitn7")
    code, _, err = run(capsys, "diff", good, str(tmp_path / "absent.fitn7"))
    assert code == 2 and "no such file" in err
    (tmp_path / "bad.fitn7").write_text('policy "x"\nrequire : true\n', encoding="utf-8")
    code, _, err = run(capsys, "diff", good, str(tmp_path / "bad.fitn7"))
    assert code == 2 and "bad.fitn7:2" in err
    code, _, err = run(capsys, "diff", good, good, "--allocate")
    assert code == 2 and "--allocate needs --impact" in err


def test_impact_needs_checked_policies(capsys, tmp_path):
    """With `--impact`, a policy with a type error is refused (exit 2) with its diagnostic."""
    (tmp_path / "typo.fitn7").write_text(
        'policy "x"\n  version "1"\nrequire r: applicant.populaton > 0\n', encoding="utf-8")
    code, _, err = run(capsys, "diff", str(tmp_path / "typo.fitn7"), str(tmp_path / "typo.fitn7"),
                       "--impact", str(GOLDEN / "dossiers"))
    assert code == 2
    assert "populaton" in err


def test_bad_dossier_in_impact_exits_2_after_the_report(capsys, tmp_path):
    """A dossier that does not load is reported on stderr; the others are still compared."""
    shutil.copytree(GOLDEN / "dossiers", tmp_path / "dossiers")
    (tmp_path / "dossiers" / "casse.toml").write_text('id = "X"\nsubmitted = "hier"\n',
                                                      encoding="utf-8")
    code, out, err = run(capsys, "diff", str(GOLDEN / "paca-2021.1.fitn7"),
                         str(GOLDEN / "paca-2021.2.fitn7"), "--impact", str(tmp_path / "dossiers"))
    assert code == 2
    assert "casse.toml" in err and "$.submitted" in err
    assert "effet sur 8 dossiers : 2 décisions changent" in out


# ----------------------------------------------------------------- git


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository with two commits of `policies/paca.fitn7`: the cap raised in the second
    (the parent policy is committed once, beside it)."""
    policies = tmp_path / "policies"
    policies.mkdir()
    shutil.copy(GOLDEN / "axe3-commun.fitn7", policies / "axe3-commun.fitn7")
    shutil.copy(GOLDEN / "paca-2021.1.fitn7", policies / "paca.fitn7")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "2021.1")
    shutil.copy(GOLDEN / "paca-2021.2.fitn7", policies / "paca.fitn7")
    git(tmp_path, "commit", "-q", "-am", "2021.2")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_diff_against_a_git_revision(repo, capsys):
    """`REV:PATH` reads a version from git history, its parent at the same revision."""
    code, out, err = run(capsys, "diff", "HEAD~1:policies/paca.fitn7", "policies/paca.fitn7",
                         "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["old"]["file"] == "HEAD~1:policies/paca.fitn7"
    assert data["old"]["version"] == "2021.1"
    assert [c["path"] for c in data["changes"]][:2] == ["header.version",
                                                        "rule.plafond_commune.cap"]
    code, out, _ = run(capsys, "diff", "HEAD:policies/paca.fitn7", "policies/paca.fitn7")
    assert code == 0


def test_git_paths_relative_to_the_current_directory(repo, capsys, monkeypatch):
    """As with `git show`, `REV:./PATH` is relative to the current directory."""
    monkeypatch.chdir(repo / "policies")
    code, out, _ = run(capsys, "diff", "HEAD~1:./paca.fitn7", "HEAD:./paca.fitn7")
    assert code == 1
    assert "~ cap: 30_000 € → 40_000 €" in out


def test_git_errors_are_clear(repo, capsys, tmp_path_factory, monkeypatch):
    """An unknown revision, a path absent at that revision, or no repository: exit 2 with
    a message that says which."""
    code, _, err = run(capsys, "diff", "v9:policies/paca.fitn7", "policies/paca.fitn7")
    assert code == 2 and "unknown revision `v9`" in err
    code, _, err = run(capsys, "diff", "HEAD~1:policies/bretagne.fitn7", "policies/paca.fitn7")
    assert code == 2 and "`policies/bretagne.fitn7` does not exist at revision `HEAD~1`" in err
    elsewhere = tmp_path_factory.mktemp("not-a-repo")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(elsewhere.parent))
    code, _, err = run(capsys, "diff", "HEAD:paca.fitn7", "HEAD:paca.fitn7")
    assert code == 2 and "not in a git repository" in err


# -------------------------------------------------------------------- hash


def test_hash_prints_the_canonical_hash(capsys, repo):
    """`fitn7 hash` prints the hash every decision records, for files and `REV:PATH`."""
    code, out, _ = run(capsys, "hash", "policies/paca.fitn7", "HEAD~1:policies/paca.fitn7")
    assert code == 0
    new = policy_hash(load_version("policies/paca.fitn7"))
    old = policy_hash(load_version(str(GOLDEN / "paca-2021.1.fitn7")))
    assert out == f"{new}  policies/paca.fitn7\n{old}  HEAD~1:policies/paca.fitn7\n"


def test_hash_ignores_comments(capsys, tmp_path):
    """Comments and layout do not change the hash."""
    shutil.copy(GOLDEN / "axe3-commun.fitn7", tmp_path / "axe3-commun.fitn7")
    text = (GOLDEN / "paca-2021.1.fitn7").read_text(encoding="utf-8")
    (tmp_path / "a.fitn7").write_text(text, encoding="utf-8")
    (tmp_path / "b.fitn7").write_text("# note\n" + text.replace("  ", "   "), encoding="utf-8")
    code, out, _ = run(capsys, "hash", str(tmp_path / "a.fitn7"), str(tmp_path / "b.fitn7"))
    assert code == 0
    first, second = (line.split()[0] for line in out.splitlines())
    assert first == second


def test_hash_of_a_missing_file_exits_2(capsys, tmp_path):
    """A policy that does not exist is an error on stderr, exit 2."""
    code, out, err = run(capsys, "hash", str(tmp_path / "absent.fitn7"))
    assert (code, out) == (2, "")
    assert "no such file" in err


# ------------------------------------------------------------ eval, replay


@pytest.fixture
def decisions(capsys, tmp_path):
    """Decisions recorded by `fitn7 eval --format json` on the golden dossiers."""
    code, out, _ = run(capsys, "eval", str(GOLDEN / "paca-2021.1.fitn7"),
                       str(GOLDEN / "dossiers" / "paca.toml"), "--format", "json")
    assert code == 0
    path = tmp_path / "decisions.json"
    path.write_text(out, encoding="utf-8")
    return path


def test_eval_records_provenance(decisions):
    """Each decision `fitn7 eval` writes records the dossier hash, fitn7 and plugin versions."""
    import fitn7

    records = json.loads(decisions.read_text(encoding="utf-8"))
    assert {r["fitn7"] for r in records} == {fitn7.__version__}
    assert all(len(r["dossier_sha256"]) == 64 and r["plugins"] == {} for r in records)


def test_replay_reproduces_recorded_decisions(decisions, capsys):
    """Replaying untouched decisions: exit 0, everything reproduced."""
    code, out, _ = run(capsys, "replay", str(decisions), str(GOLDEN / "paca-2021.1.fitn7"),
                       str(GOLDEN / "dossiers" / "paca.toml"))
    assert code == 0
    assert out.splitlines()[0].endswith(" : 7 reproduites, 0 non")


def test_replay_detects_a_tampered_decision(decisions, capsys):
    """A decision file edited after the fact: exit 1, the decision and field are named."""
    records = json.loads(decisions.read_text(encoding="utf-8"))
    records[1]["amount"] = "45000.00"
    decisions.write_text(json.dumps(records), encoding="utf-8")
    code, out, _ = run(capsys, "replay", str(decisions), str(GOLDEN / "paca-2021.1.fitn7"),
                       str(GOLDEN / "dossiers" / "paca.toml"))
    assert code == 1
    assert out.splitlines()[1:] == [
        f"  #2 {records[1]['dossier']}: NE SE REPRODUIT PAS",
        '      amount: enregistré "45000.00", rejoué "30000.00"',
    ]
    code, out, _ = run(capsys, "replay", str(decisions), str(GOLDEN / "paca-2021.1.fitn7"),
                       str(GOLDEN / "dossiers" / "paca.toml"), "--format", "json")
    assert code == 1 and json.loads(out)["failed"] == 1


def test_replay_under_another_policy_fails(decisions, capsys):
    """Decisions replayed under another version of the policy do not reproduce."""
    code, out, _ = run(capsys, "replay", str(decisions), str(GOLDEN / "paca-2021.2.fitn7"),
                       str(GOLDEN / "dossiers" / "paca.toml"))
    assert code == 1
    assert "policy.sha256: enregistré" in out


def test_replay_of_toml_decisions(capsys, tmp_path):
    """Decisions recorded as TOML replay as well."""
    code, out, _ = run(capsys, "eval", str(GOLDEN / "paca-2021.1.fitn7"),
                       str(GOLDEN / "dossiers"), "--format", "toml")
    (tmp_path / "d.toml").write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "replay", str(tmp_path / "d.toml"),
                       str(GOLDEN / "paca-2021.1.fitn7"), str(GOLDEN / "dossiers"))
    assert code == 0, out


def test_decisions_record_param_overrides_and_replay_uses_them(capsys, tmp_path):
    """`--param` values are recorded in each decision as the value they became; replay
    uses them again, and a replay with other params does not reproduce."""
    policy, dossiers = str(GOLDEN / "paca-2021.1.fitn7"), str(GOLDEN / "dossiers" / "paca.toml")
    code, out, _ = run(capsys, "eval", policy, dossiers, "--format", "json",
                       "--param", "seuil_petite_collectivite=20_000")
    assert code == 0
    records = json.loads(out)
    assert {json.dumps(r["params"]) for r in records} == {'{"seuil_petite_collectivite": "20000"}'}
    recorded = tmp_path / "decisions.json"
    recorded.write_text(out, encoding="utf-8")

    code, out, _ = run(capsys, "replay", str(recorded), policy, dossiers)
    assert code == 0
    assert out.splitlines()[0].endswith(" : 7 reproduites, 0 non")

    code, out, _ = run(capsys, "replay", str(recorded), policy, dossiers, "--param",
                       "seuil_petite_collectivite=10000")
    assert code == 1
    assert '      params: enregistré {"seuil_petite_collectivite": "20000"}, rejoué ' \
           '{"seuil_petite_collectivite": "10000"}' in out.splitlines()


def test_decisions_without_overrides_record_empty_params(decisions):
    """The policy's own values decided: `params` is empty, not absent."""
    records = json.loads(decisions.read_text(encoding="utf-8"))
    assert all(r["params"] == {} for r in records)


def test_replay_errors_exit_2(capsys, tmp_path):
    """An unreadable decisions file is an error, not a failed replay: exit 2."""
    code, _, err = run(capsys, "replay", str(tmp_path / "absent.json"),
                       str(GOLDEN / "paca-2021.1.fitn7"), str(GOLDEN / "dossiers"))
    assert code == 2 and "cannot read" in err


def test_empty_inputs_are_not_silent(capsys, tmp_path, decisions):
    """A decisions file holding `[]` is an error (exit 2), as `{}` is; `--impact` or replay
    on a directory without dossiers says so on stderr."""
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    policy = str(GOLDEN / "paca-2021.1.fitn7")
    code, out, err = run(capsys, "replay", str(tmp_path / "empty.json"), policy,
                         str(GOLDEN / "dossiers"))
    assert (code, out) == (2, "")
    assert "holds no decisions (an empty list)" in err
    (tmp_path / "vide").mkdir()
    code, out, err = run(capsys, "diff", policy, str(GOLDEN / "paca-2021.2.fitn7"),
                         "--impact", str(tmp_path / "vide"))
    assert code == 1 and "effet sur 0 dossier :" in out
    assert err == f"fitn7: warning: no dossier found in `{tmp_path / 'vide'}`\n"
    code, out, err = run(capsys, "replay", str(decisions), policy, str(tmp_path / "vide"))
    assert code == 1 and "warning: no dossier found" in err
    # An empty folder beside others is said too, as the docs promise.
    code, out, err = run(capsys, "replay", str(decisions), policy,
                         str(GOLDEN / "dossiers" / "paca.toml"), str(tmp_path / "vide"))
    assert (code, err) == (0, f"fitn7: warning: no dossier found in `{tmp_path / 'vide'}`\n")


def test_docs_worked_example_is_the_real_output():
    """docs/audit.md shows exactly what `fitn7 diff … --impact` prints on the golden files
    (in French, the default)."""
    doc = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    command = "$ fitn7 diff paca-2021.1.fitn7 paca-2021.2.fitn7 --impact dossiers/\n"
    start = doc.index(command) + len(command)
    shown = doc[start:doc.index("```", start)]
    assert shown == (GOLDEN / "cap-impact.fr.txt").read_text(encoding="utf-8")
