"""`fitn7 allocate`: formats, history files, options, exit codes, and the docs' examples."""

from __future__ import annotations

import datetime
import json
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w

from fitn7.api import load_policy
from fitn7.cli import main
from fitn7.dossier import Collectivite, Kind
from fitn7.loading import dossier_to_mapping
from fitn7.testing import make_dossier
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "allocation"
BRETAGNE = str(ROOT / "policies" / "bretagne.fitn7")
PACA = str(ROOT / "policies" / "paca.fitn7")
JUIN = str(FIXTURES / "bretagne-juin.toml")
SEPTEMBRE = str(FIXTURES / "bretagne-septembre.toml")
PRIOR = str(FIXTURES / "prior-awards.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `fitn7 allocate ARGV...`."""
    code = main(["allocate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> dict[str, tuple[str, str | None]]:
    """Outcome and reason of each dossier of a JSON report."""
    return {d["dossier"]: (d["outcome"], d["reason"]) for d in json.loads(out)["dossiers"]}


def test_text_report_for_the_committee(capsys):
    """The default output is the committee's table and the envelope line; exit 0."""
    code, out, err = run(capsys, BRETAGNE, JUIN)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("fitn7-bretagne 2021-04-13 (sha256 ")
    assert lines[0].endswith("…) — répartition proposée au comité")
    assert lines[1] == "paramètres : part_materiel_finalite = 50%"
    assert lines[7].split()[:2] == ["3", "BZH-2021-102"]
    assert lines[7].endswith("en attente  limite une_victoire_individuelle")
    assert lines[-1].startswith("enveloppe 1 188 000,00 € · aides déjà attribuées 0,00 € (0)")
    # In English, the words fitn7 always printed.
    code, out, err = run(capsys, BRETAGNE, JUIN, "--lang", "en")
    lines = out.splitlines()
    assert lines[0].endswith("…) — committee allocation")
    assert lines[7].endswith("waitlisted  limit:une_victoire_individuelle")
    assert lines[-1].startswith("envelope €1,188,000.00 · prior awards €0.00 (0)")


def test_json_report(capsys):
    """`--format json` gives the documented shape with money as strings."""
    code, out, _ = run(capsys, BRETAGNE, JUIN, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["envelope"], data["awarded_total"], data["remaining"]) == (
        "1188000.00", "67500.00", "1120500.00"
    )
    assert rows(out)["BZH-2021-102"] == ("waitlisted", "limit:une_victoire_individuelle")
    assert data["sessions"][0]["name"] == "comité T2 2021"


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_output_of_one_run_is_the_history_of_the_next(capsys, tmp_path, fmt):
    """June's JSON or TOML output, as it is, is September's `--history`."""
    _, june, _ = run(capsys, BRETAGNE, JUIN, "--format", fmt)
    history = tmp_path / f"juin.{fmt}"
    history.write_text(june, encoding="utf-8")
    code, out, err = run(capsys, BRETAGNE, SEPTEMBRE, "--history", str(history),
                         "--format", "json")
    assert (code, err) == (0, "")
    assert rows(out) == {
        "BZH-2021-201": ("waitlisted", "limit:une_victoire_individuelle"),
        "BZH-2021-202": ("awarded", None),
    }
    data = json.loads(out)
    assert (data["prior_total"], data["remaining"]) == ("67500.00", "1112500.00")
    assert [h["dossier"] for h in data["history"]] == [
        "BZH-2021-101", "BZH-2021-103", "BZH-2021-104",
    ]


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_three_committees_chain_through_outputs(capsys, tmp_path, fmt):
    """September's output carries June's awards: October needs only September's file."""
    _, june, _ = run(capsys, BRETAGNE, JUIN, "--format", fmt)
    (tmp_path / f"juin.{fmt}").write_text(june, encoding="utf-8")
    _, sept, _ = run(capsys, BRETAGNE, SEPTEMBRE, "--history", str(tmp_path / f"juin.{fmt}"),
                     "--format", fmt)
    (tmp_path / f"sept.{fmt}").write_text(sept, encoding="utf-8")
    october = tmp_path / "octobre.toml"
    late = make_dossier(id="BZH-2021-301", submitted=datetime.date(2021, 10, 1))
    october.write_text(tomli_w.dumps(dossier_to_mapping(late)), encoding="utf-8")
    code, out, _ = run(capsys, BRETAGNE, str(october), "--history",
                       str(tmp_path / f"sept.{fmt}"), "--format", "json")
    assert code == 0
    assert rows(out) == {"BZH-2021-301": ("waitlisted", "limit:une_victoire_individuelle")}
    assert json.loads(out)["prior_total"] == "75500.00"


def test_prior_awards_file_and_envelope_option(capsys):
    """A hand-written history and `--envelope`: prior awards are deducted from it."""
    code, out, _ = run(capsys, BRETAGNE, JUIN, "--history", PRIOR, "--envelope", "100_000",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["envelope"], data["prior_total"], data["remaining"]) == (
        "100000.00", "55000.00", "27000.00"
    )
    assert rows(out)["BZH-2021-104"] == ("waitlisted", "limit:une_victoire_individuelle")


def test_session_option(capsys):
    """`--session` allocates only that session's dossiers."""
    code, out, _ = run(capsys, BRETAGNE, JUIN, SEPTEMBRE, "--session", "comité T3 2021",
                       "--format", "json")
    assert code == 0
    assert rows(out) == {"BZH-2021-201": ("awarded", None), "BZH-2021-202": ("awarded", None)}


def test_already_awarded_dossiers_are_left_out_with_a_warning_on_stderr(capsys, tmp_path):
    """Running on every dossier with June's output as history does not pay June twice."""
    _, june, _ = run(capsys, BRETAGNE, JUIN, "--format", "json")
    (tmp_path / "juin.json").write_text(june, encoding="utf-8")
    code, out, err = run(capsys, BRETAGNE, JUIN, SEPTEMBRE, "--history",
                         str(tmp_path / "juin.json"), "--format", "json")
    assert code == 0
    assert set(rows(out)) == {"BZH-2021-102", "BZH-2021-201", "BZH-2021-202"}
    assert err.splitlines()[0] == (
        "fitn7: warning: dossier `BZH-2021-101` was already awarded in session "
        "`comité T2 2021` (history): not allocated again"
    )


def test_text_report_shows_its_warnings_itself(capsys, tmp_path):
    """In text, warnings end the report on stdout and are not repeated on stderr."""
    _, june, _ = run(capsys, BRETAGNE, JUIN, "--format", "json")
    (tmp_path / "juin.json").write_text(june, encoding="utf-8")
    code, out, err = run(capsys, BRETAGNE, JUIN, "--history", str(tmp_path / "juin.json"))
    assert (code, err) == (0, "")
    # The warnings are data of the allocation (its JSON holds them): only their mark is French.
    assert out.splitlines()[-4:-1] == [
        f"avertissement : dossier `{d}` was already awarded in session `comité T2 2021` "
        "(history): not allocated again"
        for d in ("BZH-2021-101", "BZH-2021-103", "BZH-2021-104")
    ]
    assert out.splitlines()[-1].startswith(
        "avertissement : session `comité T2 2021` already met")


def test_history_piped_from_the_previous_run(capsys, monkeypatch):
    """`--history -` reads the previous run's JSON output from standard input."""
    import io
    import sys

    _, june, _ = run(capsys, BRETAGNE, JUIN, "--format", "json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(june.encode("utf-8"))))
    code, out, err = run(capsys, BRETAGNE, SEPTEMBRE, "--history", "-", "--format", "json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["prior_total"] == json.loads(june)["awarded_total"]
    assert {d["dossier"]: d["reason"] for d in report["dossiers"]}["BZH-2021-201"] == \
        "limit:une_victoire_individuelle"


def paca_file(tmp_path: Path) -> str:
    """Three first-wave PACA dossiers of Forcalquier, one TOML file."""
    applicant = Collectivite("Commune de Forcalquier", Kind.COMMUNE, "04088", 5222, "04", "93",
                             False, False)
    dossiers = [
        dossier_to_mapping(make_dossier(
            id=f"PACA-2021-00{i}", submitted=datetime.date(2021, 5, i),
            applicant=applicant, project_themes=("relation_usagers",),
        ))
        for i in (1, 2, 3)
    ]
    path = tmp_path / "paca.toml"
    path.write_text(tomli_w.dumps({"dossier": dossiers}), encoding="utf-8")
    return str(path)


def test_paca_param_overrides_the_limit(capsys, tmp_path):
    """`--param max_projets_par_porteur=3` lets a third project of one applicant through."""
    batch = paca_file(tmp_path)
    _, out, _ = run(capsys, PACA, batch, "--format", "json")
    assert rows(out)["PACA-2021-003"] == ("waitlisted", "limit:projets_par_porteur")
    _, out, _ = run(capsys, PACA, batch, "--format", "json", "--param",
                    "max_projets_par_porteur=3")
    assert rows(out)["PACA-2021-003"] == ("awarded", None)
    assert json.loads(out)["params"]["max_projets_par_porteur"] == 3


def test_csv_report(capsys):
    """`--format csv`: a header and one `;`-separated row per dossier."""
    code, out, _ = run(capsys, BRETAGNE, JUIN, "--format", "csv")
    lines = out.removeprefix("\ufeff").splitlines()
    assert code == 0
    assert lines[0].split(";")[:3] == ["session", "rang", "dossier"]
    assert lines[4] == (
        "comité T2 2021;4;BZH-2021-104;29239;Commune de Roscoff;no;1;9500,00;awarded;"
    )


def test_bad_dossier_is_reported_and_the_others_are_allocated(capsys, tmp_path):
    """A broken dossier file: stderr names file and field, the rest is allocated, exit 1."""
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "BZH-X"\nsubmitted = "le 3 juin"\n', encoding="utf-8")
    code, out, err = run(capsys, BRETAGNE, JUIN, str(bad), "--format", "json")
    assert code == 1
    assert err.startswith(f"fitn7: {bad}: expected a date @ $.submitted")
    assert len(rows(out)) == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--envelope", "beaucoup"], "fitn7: --envelope: expected an envelope in euros, to "
                                     "the cent at most, got `beaucoup`"),
        (["--envelope", "-5"], "fitn7: --envelope: expected an envelope in euros"),
        (["--session", "comite T2 2021"], "fitn7: --session: unknown session `comite T2 2021` of "
                                          "`fitn7-bretagne` (did you mean `comité T2 2021`?)"),
        (["--session", "x"], "fitn7: --session: unknown session `x` of `fitn7-bretagne` "
                             "(sessions: `comité T2 2021`, "),
        (["--param", "nothing"], "fitn7: --param takes NAME=VALUE, got `nothing`"),
        (["--param", "max=3"], "fitn7: --param: unknown param `max`"),
    ],
)
def test_wrong_command_line_exits_2(capsys, argv, message):
    """An envelope that is not an amount, an unknown session or param: usage error, exit 2."""
    code, out, err = run(capsys, BRETAGNE, JUIN, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_wrong_history_file_exits_1(capsys, tmp_path):
    """A history file that is wrong or of another policy is an input error: exit 1."""
    code, out, err = run(capsys, PACA, JUIN, "--history", PRIOR)
    assert (code, out) == (1, "")
    assert "this history is of policy `fitn7-bretagne`, not `fitn7-paca` @ $.policy" in err
    code, _, err = run(capsys, BRETAGNE, JUIN, "--history", str(tmp_path / "none.json"))
    assert code == 1
    assert "none.json: no such file or directory" in err


def test_wrong_policy_exits_1(capsys, tmp_path):
    """A policy that does not parse is reported, exit 1."""
    policy = tmp_path / "p.fitn7"
    policy.write_text('policy "x"\n  version\n', encoding="utf-8")
    code, out, err = run(capsys, str(policy), JUIN)
    assert (code, out) == (1, "")
    assert "p.fitn7:" in err


@pytest.mark.parametrize("policy", sorted((ROOT / "policies").glob("*.fitn7")),
                         ids=lambda p: p.stem)
def test_allocate_runs_on_every_shipped_policy(capsys, policy):
    """Every shipped policy allocates its example dossiers and committee batch
    (`policies/<name>/`, `policies/<name>/allocation/`, when it has them), and, for the
    FITN7 policies, the fixture dossiers, in every format, with exit 0."""
    examples = policy.with_suffix("")
    lot = examples / "allocation"
    shipped = [str(d) for d in (examples, lot) if d.is_dir()]
    # Separate runs: fixture and example dossiers may share ids. The fixtures are FITN7
    # dossiers: their expense categories are those of the FITN7 policies only (another
    # call, such as LEADER, declares its own and refuses them).
    fitn7_call = Vocabulary.of(load_policy(policy)).categories.keys() == DEFAULT_CATEGORIES.keys()
    batches = [[str(ROOT / "tests" / "fixtures" / "dossiers"), JUIN]] if fitn7_call else []
    if shipped:
        batches.append(shipped)
    for inputs in batches:
        for fmt in ("text", "json", "toml", "csv"):
            code, out, err = run(capsys, str(policy), *inputs, "--format", fmt)
            assert (code, err) == (0, ""), err
            assert out
    if lot.is_dir():
        _, out, _ = run(capsys, str(policy), *shipped, "--format", "json")
        assert "awarded" in {d["outcome"] for d in json.loads(out)["dossiers"]}


# ------------------------------------------------------------------ docs/allocation.md

_HASH = re.compile(r"sha256 [0-9a-f]{12}…")


def _console_examples() -> list[tuple[list[str], str]]:
    """The `$ fitn7 allocate …` commands of docs/allocation.md and the output shown after each."""
    text = (ROOT / "docs" / "allocation.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        commands = re.split(r"^\$ ", block, flags=re.M)[1:]
        for command in commands:
            first, _, output = command.partition("\n")
            if "POLICY" not in first:
                examples.append((shlex.split(first), output))
    return examples


def test_docs_examples_give_the_output_shown(capsys, tmp_path, monkeypatch):
    """Each console example of docs/allocation.md prints what the page shows (the policy
    hash aside, which changes with every edit of the policy)."""
    monkeypatch.chdir(ROOT)
    examples = _console_examples()
    assert len(examples) >= 4
    for argv, shown in examples:
        assert argv[0] == "fitn7"
        args = [str(tmp_path / a) if (tmp_path / a).exists() else a for a in argv[1:]]
        target = None
        if ">" in args:
            target = tmp_path / args[args.index(">") + 1]
            args = args[: args.index(">")]
        code = main(args)
        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), argv
        if target is not None:
            target.write_text(out, encoding="utf-8")
            assert shown == ""
        else:
            # The page cannot show the CSV's invisible byte order mark.
            out = out.removeprefix("\ufeff")
            assert _HASH.sub("sha256 …", out) == _HASH.sub("sha256 …", shown), argv


def test_docs_json_example_has_the_keys_of_the_real_output(capsys):
    """The JSON shape shown in the docs has exactly the keys the command writes."""
    text = (ROOT / "docs" / "allocation.md").read_text(encoding="utf-8")
    shown = json.loads(re.findall(r"```json\n(.*?)```", text, flags=re.S)[0])
    _, out, _ = run(capsys, BRETAGNE, JUIN, "--history", PRIOR, "--format", "json")
    real = json.loads(out)
    assert list(shown) == list(real)
    assert list(shown["dossiers"][0]) == list(real["dossiers"][0])
    assert shown["dossiers"][0] == next(
        d for d in json.loads(run(capsys, BRETAGNE, JUIN, "--format", "json")[1])["dossiers"]
        if d["dossier"] == "BZH-2021-102"
    )
    assert list(shown["history"][0]) == list(real["history"][0])
    assert Decimal(shown["awarded_total"]) == Decimal("67500")


def test_csv_opens_right_in_a_spreadsheet(capsys, tmp_path):
    """UTF-8 with a byte order mark, and no cell a spreadsheet would run as a formula."""
    (tmp_path / "f.toml").write_text(
        (FIXTURES / "bretagne-juin.toml").read_text(encoding="utf-8").replace(
            'name = "Commune de Roscoff"', 'name = "=HYPERLINK(\\"http://x\\")"'),
        encoding="utf-8")
    code, out, _ = run(capsys, BRETAGNE, str(tmp_path / "f.toml"), "--format", "csv")
    assert code == 0
    assert out.startswith("\ufeffsession;rang;dossier;")
    (roscoff,) = [line for line in out.splitlines() if "29239" in line]
    assert ';"\'=HYPERLINK(""http://x"")";' in roscoff


def test_a_dossier_id_given_twice_is_left_out_and_the_rest_allocated(capsys, tmp_path):
    """Two files with one dossier id: both named on stderr, both left out, exit 1; the
    other dossiers are still allocated."""
    copy = tmp_path / "copie.toml"
    copy.write_text((FIXTURES / "bretagne-juin.toml").read_text(encoding="utf-8"), "utf-8")
    code, out, err = run(capsys, BRETAGNE, JUIN, str(copy), SEPTEMBRE, "--format", "json")
    assert code == 1
    assert f"fitn7: dossier id `BZH-2021-101` is given 2 times ({JUIN}, {copy}): left out " \
           "of the allocation" in err.splitlines()
    assert [d["dossier"] for d in json.loads(out)["dossiers"]] == ["BZH-2021-201",
                                                                   "BZH-2021-202"]


@pytest.mark.parametrize(("given", "expected"), [
    ("500 000,50", "500000.50"), ("500000,5", "500000.50"), ("1_188_000 €", "1188000.00"),
])
def test_envelope_in_french_notation(capsys, given, expected):
    """A decimal comma is read as such; thousands may be separated by spaces or `_`."""
    code, out, _ = run(capsys, BRETAGNE, JUIN, "--envelope", given, "--format", "json")
    assert code == 0
    assert json.loads(out)["envelope"] == expected


@pytest.mark.parametrize("given", ["1_188_000.005", "1,188,000", "-5", "abc"])
def test_envelope_that_is_not_an_amount_in_cents(capsys, given):
    """Finer than a cent, a comma as thousands separator, negative: a usage error."""
    code, _, err = run(capsys, BRETAGNE, JUIN, "--envelope", given)
    assert code == 2
    assert "expected an envelope in euros, to the cent at most" in err


def test_empty_piped_history_is_an_error(capsys, monkeypatch):
    """`--history -` with nothing on standard input (the first command of the pipe
    failed) is an error, not an empty history."""
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run(capsys, BRETAGNE, SEPTEMBRE, "--history", "-")
    assert code == 1
    assert "-: standard input is empty (the command before the pipe wrote no allocation)" in err
