"""Provenance and replay: recorded decisions carry hashes; replay finds any that do not hold."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
import tomli_w

import fitn7
from fitn7.audit import DecisionsFileError, read_decisions, replay
from fitn7.audit.inputs import dossiers_or_errors, load_version
from fitn7.cli.common import toml_ready
from fitn7.evaluation import compile_policy
from fitn7.loading import canonical_dossier_json, dossier_from_mapping, dossier_to_mapping
from fitn7.provenance import dossier_hash, provenance, stamp
from fitn7.testing import make_dossier

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "diff"
V1 = GOLDEN / "paca-2021.1.fitn7"
V2 = GOLDEN / "paca-2021.2.fitn7"


@pytest.fixture(scope="module")
def program():
    return compile_policy(load_version(str(V1), checked=True))


@pytest.fixture(scope="module")
def dossiers():
    found, errors = dossiers_or_errors([GOLDEN / "dossiers"])
    assert errors == []
    return found


@pytest.fixture
def recorded(program, dossiers):
    """The decisions `fitn7 eval --format json` would write, as read back from JSON."""
    decisions = [stamp(program.evaluate(d), d).to_dict() for d in dossiers]
    return json.loads(json.dumps(decisions))


def find(records, ident):
    return next(r for r in records if r["dossier"] == ident)


# -------------------------------------------------------------- provenance


def test_stamp_records_dossier_hash_and_versions(program):
    """A stamped decision records the dossier's canonical hash, fitn7's version and plugins."""
    dossier = make_dossier(id="X")
    decision = stamp(program.evaluate(dossier), dossier)
    data = decision.to_dict()
    assert data["dossier_sha256"] == dossier_hash(dossier)
    assert data["fitn7"] == fitn7.__version__
    assert data["plugins"] == {}
    assert data["policy"]["sha256"] == program.ref.sha256


def test_dossier_hash_ignores_how_the_file_is_written():
    """`12000`, `12000.0` and `"12000.00"` are one value: one hash; another value, another."""
    dossier = make_dossier(id="X", requested=Decimal("12000"))
    again = dossier_from_mapping({**dossier_to_mapping(dossier), "requested": "12000.00"},
                                 file="x.json")
    assert dossier_hash(again) == dossier_hash(dossier)
    assert len(dossier_hash(dossier)) == 64
    other = attrs.evolve(dossier, requested=Decimal("12000.01"))
    assert dossier_hash(other) != dossier_hash(dossier)
    assert canonical_dossier_json(other) != canonical_dossier_json(dossier)


def test_stamp_keeps_other_provenance_and_refuses_another_dossier(program):
    """Stamping keeps provenance already there and refuses a dossier of another id."""
    dossier = make_dossier(id="X")
    decision = attrs.evolve(program.evaluate(dossier), provenance={"batch": "juin"})
    assert stamp(decision, dossier).provenance == {"batch": "juin", **provenance(dossier)}
    with pytest.raises(ValueError, match="stamped with dossier `Y`"):
        stamp(decision, make_dossier(id="Y"))


# ------------------------------------------------------------------ replay


def test_recorded_decisions_reproduce(recorded, dossiers):
    """Decisions as `fitn7 eval` records them replay identically: nothing to report."""
    report = replay(recorded, V1, dossiers)
    assert report.ok
    assert [r.dossier for r in report.results] == [d.id for d in dossiers]
    assert all(r.reproduced and r.notes == () for r in report.results)


def test_toml_records_reproduce(recorded, dossiers, tmp_path):
    """Decisions recorded as TOML (`[[decision]]`, no null keys) replay too."""
    path = tmp_path / "decisions.toml"
    path.write_text(tomli_w.dumps({"decision": [toml_ready(r) for r in recorded]}),
                    encoding="utf-8")
    assert replay(path, V1, dossiers).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "40000.00"),
        ("status", "ineligible"),
        ("score", 9),
        ("missing", ["applicant.population"]),
        ("dossier_sha256", "0" * 64),
    ],
)
def test_a_tampered_field_does_not_reproduce(recorded, dossiers, field, value):
    """Editing any compared field of one decision makes exactly that decision fail, on that
    field, with the recorded and replayed values."""
    tampered = copy.deepcopy(recorded)
    target = find(tampered, "PACA-T-001")
    original = target[field]
    target[field] = value
    report = replay(tampered, V1, dossiers)
    [failure] = report.failures
    assert failure.dossier == "PACA-T-001"
    assert [(m.field, m.recorded, m.replayed) for m in failure.mismatches] == [
        (field, value, original)]


def test_an_edited_reason_message_does_not_reproduce(recorded, dossiers):
    """A reason whose message was reworded is caught, though the rule id is the same."""
    tampered = copy.deepcopy(recorded)
    target = find(tampered, "PACA-T-008")
    target["reasons"][0]["message"] = "Projet refusé"
    [failure] = replay(tampered, V1, dossiers).failures
    assert [m.field for m in failure.mismatches] == ["reasons"]


def test_a_tampered_trace_does_not_reproduce_and_an_absent_one_is_fine(recorded, dossiers):
    """An edited trace entry is a mismatch; a decision recorded without trace still replays."""
    tampered = copy.deepcopy(recorded)
    find(tampered, "PACA-T-002")["trace"][0]["outcome"] = "fail"
    assert [f.dossier for f in replay(tampered, V1, dossiers).failures] == ["PACA-T-002"]
    for record in tampered:
        del record["trace"]
    assert replay(tampered, V1, dossiers).ok


def test_another_policy_does_not_reproduce(recorded, dossiers):
    """Replaying under another version fails on its hash and version for every decision,
    and on the amounts that version changes."""
    report = replay(recorded, V2, dossiers)
    assert len(report.failures) == len(recorded)
    fields = {r.dossier: [m.field for m in r.mismatches] for r in report.failures}
    assert fields["PACA-T-003"] == ["policy.version", "policy.sha256"]
    assert fields["PACA-T-001"] == ["policy.version", "policy.sha256", "amount", "trace"]


def test_an_edited_dossier_does_not_reproduce(recorded, dossiers):
    """A dossier changed since the decision: its hash no longer matches."""
    changed = [attrs.evolve(d, requested=Decimal("36000")) if d.id == "PACA-T-001" else d
               for d in dossiers]
    [failure] = replay(recorded, V1, changed).failures
    assert failure.dossier == "PACA-T-001"
    # `montant_demande` read the new amount requested: the trace shows it too.
    assert [m.field for m in failure.mismatches] == ["dossier_sha256", "trace"]


def test_missing_dossier_and_missing_hash(recorded, dossiers):
    """A decision whose dossier is not given fails; so does one that records no dossier hash."""
    records = copy.deepcopy(recorded)
    del find(records, "PACA-T-003")["dossier_sha256"]
    report = replay(records, V1, [d for d in dossiers if d.id != "PACA-T-002"])
    failures = {f.dossier: f for f in report.failures}
    assert set(failures) == {"PACA-T-002", "PACA-T-003"}
    assert failures["PACA-T-002"].notes == ("no dossier `PACA-T-002` among the dossiers given",)
    assert [(m.field, m.recorded) for m in failures["PACA-T-003"].mismatches] == [
        ("dossier_sha256", None)]


def test_another_fitn7_version_is_a_note(recorded, dossiers):
    """A decision made by another fitn7 version that still reproduces is only noted."""
    records = copy.deepcopy(recorded)
    find(records, "PACA-T-001")["fitn7"] = "0.0.9"
    report = replay(records, V1, dossiers)
    assert report.ok
    [noted] = [r for r in report.results if r.notes]
    assert noted.notes == (f"recorded with fitn7 0.0.9, replayed with {fitn7.__version__}",)


def test_a_copy_of_the_policy_elsewhere_reproduces(recorded, dossiers, tmp_path):
    """The same policy read from another file (another line layout, other comments)
    reproduces: the trace's file and line say where a rule is written, not what it decided."""
    for name in ("paca-2021.1.fitn7", "axe3-commun.fitn7"):
        text = (GOLDEN / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text("# copie de l'auditeur\n\n" + text, encoding="utf-8")
    assert replay(recorded, tmp_path / "paca-2021.1.fitn7", dossiers).ok


def test_record_without_dossier_id(recorded, dossiers):
    """A record that names no dossier cannot reproduce."""
    [failure] = replay([{"status": "eligible"}], V1, dossiers).failures
    assert failure.dossier is None
    assert failure.mismatches[0].field == "dossier"


def test_read_decisions_shapes_and_errors(tmp_path, recorded):
    """Decisions are read from a JSON list, `{"decision": [...]}`, one decision, or TOML;
    anything else is a clear error."""
    (tmp_path / "list.json").write_text(json.dumps(recorded), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps(recorded[0]), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "none.json").write_text('{"x": 1}', encoding="utf-8")
    assert read_decisions(tmp_path / "list.json") == recorded
    assert read_decisions(tmp_path / "one.json") == [recorded[0]]
    with pytest.raises(DecisionsFileError, match="is not valid JSON or TOML"):
        read_decisions(tmp_path / "bad.json")
    with pytest.raises(DecisionsFileError, match="holds no decisions"):
        read_decisions(tmp_path / "none.json")
    with pytest.raises(DecisionsFileError, match="cannot read"):
        read_decisions(tmp_path / "absent.json")


def test_report_to_dict(recorded, dossiers):
    """The JSON form counts the decisions and lists each with its mismatches."""
    tampered = copy.deepcopy(recorded)
    find(tampered, "PACA-T-001")["amount"] = "40000.00"
    data = replay(tampered, V1, dossiers).to_dict()
    assert (data["replayed"], data["reproduced"], data["failed"]) == (8, 7, 1)
    failed = [r for r in data["results"] if not r["reproduced"]]
    assert failed[0]["mismatches"] == [
        {"field": "amount", "recorded": "40000.00", "replayed": "30000.00"}]


def test_the_same_dossier_written_otherwise_reproduces(tmp_path, capsys):
    """`35000` and `"35000.00"` are one amount: the hash, the trace and so the replay agree."""
    from fitn7.cli import main

    original = GOLDEN / "dossiers" / "paca.toml"
    assert main(["eval", str(V1), str(original), "--format", "json"]) == 0
    recorded = tmp_path / "decisions.json"
    recorded.write_text(capsys.readouterr().out, encoding="utf-8")
    rewritten = tmp_path / "paca.toml"
    rewritten.write_text(original.read_text(encoding="utf-8").replace(
        "amount = 35000", 'amount = "35000.00"'), encoding="utf-8")
    assert rewritten.read_text(encoding="utf-8") != original.read_text(encoding="utf-8")
    assert main(["replay", str(recorded), str(V1), str(rewritten)]) == 0
    assert " : 7 reproduites, 0 non" in capsys.readouterr().out


# ------------------------------------------------------- what the text says


def _text(records, dossiers, lang="en") -> str:
    """The replay's text; in English, as these tests were written (the French is checked
    by test_the_replay_text_in_french and the CLI's tests)."""
    from fitn7.render.audit import replay_text

    return replay_text(replay(records, V1, dossiers), lang)


def test_a_changed_effect_is_named(recorded, dossiers):
    """A reason whose effect was edited names the rule and the effect, recorded then
    replayed, instead of a vague `different messages or sources`."""
    tampered = copy.deepcopy(recorded)
    find(tampered, "PACA-T-008")["reasons"][0]["effect"] = "review"
    text = _text(tampered, dossiers)
    assert "      reasons: recorded [urbanisme], replayed [urbanisme]\n" \
           '        urbanisme: effect recorded "review", replayed "ineligible"\n' in text
    find(tampered, "PACA-T-008")["reasons"][0]["message"] = "Refusé"
    assert '        urbanisme: effect recorded "review", replayed "ineligible"; message ' \
           'recorded "Refusé", replayed "' in _text(tampered, dossiers)


def test_a_trace_mismatch_shows_the_keys_that_differ(recorded, dossiers):
    """The trace entries that differ are named by rule with each key, recorded and replayed."""
    tampered = copy.deepcopy(recorded)
    trace = find(tampered, "PACA-T-002")["trace"]
    entry = next(e for e in trace if e["rule"] == "plafond_commune")
    entry["outcome"], entry["amount"] = "not binding", "45000.00"
    trace.append({"rule": "inventee", "kind": "require", "outcome": "pass"})
    text = _text(tampered, dossiers)
    assert ('        plafond_commune: outcome recorded "not binding", replayed "applied"; '
            'amount recorded "45000.00", replayed "30000.00"\n') in text
    assert "        inventee: recorded only\n" in text


def test_plugin_versions_are_written_for_a_person(recorded, dossiers):
    """A plugin note reads `foo 1.0`, not a Python dict."""
    records = copy.deepcopy(recorded)
    find(records, "PACA-T-001")["plugins"] = {"foo": "1.0", "bar": "2"}
    [noted] = [r for r in replay(records, V1, dossiers).results if r.notes]
    assert noted.notes == ("recorded with plugins foo 1.0, bar 2, replayed with no plugin",)


def test_a_dossier_id_that_is_not_a_string(recorded, dossiers):
    """`dossier = 5` is told apart from a record without id, and from a record that is not
    a table."""
    [number, absent, listed] = replay(
        [{**recorded[0], "dossier": 5}, {"status": "eligible"}, ["x"]], V1, dossiers).results
    assert number.notes == ("the dossier id 5 is a number, not a string",)
    assert absent.notes == ("the record names no dossier id",)
    assert listed.notes == ("the record is a list, not a decision",)
    text = _text([{**recorded[0], "dossier": 5}, {"status": "eligible"}], dossiers)
    assert "  #1 (id 5, not a string): DOES NOT REPRODUCE\n" in text
    assert "  #2 (no id): DOES NOT REPRODUCE\n" in text
    text = _text([{**recorded[0], "dossier": 5}, {"status": "eligible"}], dossiers, "fr")
    assert "  #1 (id 5, pas un texte): NE SE REPRODUIT PAS\n" in text
    assert "  #2 (sans id): NE SE REPRODUIT PAS\n" in text


def test_duplicate_decisions_are_noted(recorded, dossiers):
    """A decision recorded twice, or a second and different decision on one dossier, is noted
    (the replay itself still says whether each reproduces)."""
    records = copy.deepcopy(recorded)
    other = copy.deepcopy(find(records, "PACA-T-003"))
    other["amount"] = "1.00"
    records += [copy.deepcopy(records[0]), other]
    report = replay(records, V1, dossiers)
    copy_of_first, second = report.results[-2:]
    assert copy_of_first.reproduced
    assert copy_of_first.notes == ("the same decision as #1 (recorded twice)",)
    first_003 = next(i for i, r in enumerate(records) if r["dossier"] == "PACA-T-003")
    assert not second.reproduced
    assert second.notes == (f"dossier `PACA-T-003` is also decided at #{first_003 + 1}, "
                            "differently",)
    assert [r.notes for r in report.results[:-2]] == [()] * len(recorded)


def test_a_decisions_file_with_no_decision_is_an_error(tmp_path):
    """`[]`, or `decision = []` in TOML, is refused like `{}`: nothing would be checked."""
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    (tmp_path / "empty.toml").write_text("decision = []\n", encoding="utf-8")
    for name in ("empty.json", "empty.toml"):
        with pytest.raises(DecisionsFileError, match="holds no decisions"):
            read_decisions(tmp_path / name)
