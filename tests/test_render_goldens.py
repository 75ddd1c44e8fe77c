"""What people read, in French (the default) and in English (`--lang en`), as golden files.

`tests/golden/render/NAME.LANG.txt` holds the expected output of a command
run from the repository's root; the policy hash is masked, as it changes
with every edit of a policy. After an intended change of the output, run
`FITN7_UPDATE_GOLDEN=1 pytest tests/test_render_goldens.py` and review the diff.
The diff's goldens (`tests/golden/diff/`) are in tests/test_cli_audit.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from fitn7.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "render"
UPDATE = os.environ.get("FITN7_UPDATE_GOLDEN") == "1"
_HASH = re.compile(r"sha256 [0-9a-f]{12}…")

_ALLOCATION = ["policies/bretagne.fitn7", "tests/fixtures/allocation/bretagne-juin.toml",
               "tests/fixtures/allocation/bretagne-septembre.toml"]

#: name -> arguments of `fitn7`; each runs once per language.
CASES = {
    "eval-explain": ["eval", "policies/paca.fitn7", "policies/paca/", "--explain"],
    "eval-bretagne": ["eval", "policies/bretagne.fitn7", "policies/bretagne/"],
    "allocate": ["allocate", *_ALLOCATION],
    "allocate-csv": ["allocate", *_ALLOCATION, "--format", "csv"],
    "test-coverage": ["test", "policies/paca.fitn7", "-v", "--coverage"],
}


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), argv
    return _HASH.sub("sha256 …", out)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output(name: str, lang: str, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The command prints exactly the golden text in each language; French is the default,
    and `FITN7_LANG` gives what `--lang` gives."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FITN7_LANG", raising=False)
    argv = CASES[name] + (["--lang", lang] if lang == "en" else [])
    out = _run(capsys, argv)
    expected = GOLDEN / f"{name}.{lang}.txt"
    if UPDATE:
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")
    monkeypatch.setenv("FITN7_LANG", lang)
    assert _run(capsys, CASES[name]) == out


def test_the_french_words_are_there() -> None:
    """The French goldens say what the issue asks for: no English status or outcome left."""
    explain = (GOLDEN / "eval-explain.fr.txt").read_text(encoding="utf-8")
    assert "éligible" in explain and "satisfaite" in explain and "sans effet" in explain
    assert "appliqué" in explain
    for english in (" eligible ", " pass ", " applied ", "not binding", "trace:", "read "):
        assert english not in explain, english
    allocation = (GOLDEN / "allocate.fr.txt").read_text(encoding="utf-8")
    assert "retenu" in allocation and "enveloppe" in allocation
    assert " awarded" not in allocation


@pytest.mark.parametrize("fmt", ["json", "toml"])
@pytest.mark.parametrize("command", [
    ["eval", "policies/paca.fitn7", "policies/paca/"],
    ["allocate", *_ALLOCATION],
])
def test_data_is_the_same_in_every_language(
    command: list[str], fmt: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """JSON and TOML are an API: their keys and values are the English identifiers, the same
    bytes whatever the language."""
    monkeypatch.chdir(ROOT)
    french = _run(capsys, [*command, "--format", fmt])
    english = _run(capsys, [*command, "--format", fmt, "--lang", "en"])
    assert french == english
    if fmt == "json":
        statuses = {d.get("status") or d.get("outcome")
                    for d in _records(json.loads(french))}
        assert statuses <= {"eligible", "review", "ineligible", "incomplete", "awarded",
                            "waitlisted", None}


def _records(data: object) -> list[dict[str, object]]:
    if isinstance(data, list):
        return data
    assert isinstance(data, dict)
    dossiers = data["dossiers"]
    assert isinstance(dossiers, list)
    return dossiers


@pytest.mark.parametrize("argv", [
    ["eval", "policies/paca.fitn7", "policies/paca/", "--lang", "de"],
    ["check", "policies/paca.fitn7", "--lang", "english"],
])
def test_an_unknown_language_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 2 and one line naming the accepted languages, no traceback."""
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"fitn7: --lang: unknown language `{argv[-1]}` (accepted: fr, en)\n"


def test_an_unknown_language_in_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`FITN7_LANG` is checked like `--lang`, and `--lang` wins over it."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("FITN7_LANG", "klingon")
    assert main(["hash", "policies/paca.fitn7"]) == 2
    assert "FITN7_LANG: unknown language `klingon`" in capsys.readouterr().err
    assert main(["hash", "policies/paca.fitn7", "--lang", "en"]) == 0


def test_every_command_takes_lang(capsys: pytest.CaptureFixture[str]) -> None:
    """`--lang` is in the help of each of fitn7's own commands."""
    from fitn7.cli import build_parser

    parser = build_parser([])
    sub = next(a for a in parser._actions if a.dest == "command")
    choices = getattr(sub, "choices", None)
    assert choices
    for name, command in choices.items():
        assert "--lang" in command.format_help(), name
