"""Every subcommand, fed files it cannot use: a message naming the file and why, an
exit code, and never a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitn7 import cli
from fitn7.cli import main

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@pytest.fixture
def bad(tmp_path: Path) -> dict[str, str]:
    """Files a user may name by mistake."""
    latin1 = tmp_path / "latin1.fitn7"
    latin1.write_bytes('policy "é"\n'.encode("latin-1"))
    return {
        "missing": str(tmp_path / "absent.fitn7"),
        "directory": str(tmp_path),
        "latin1": str(latin1),
    }


REASONS = {
    "missing": "cannot read the policy: no such file",
    "directory": "cannot read the policy: it is a directory (name a `.fitn7` file)",
    "latin1": "cannot read the policy: it is not UTF-8 text (save it as UTF-8)",
}

COMMANDS = {
    "eval": (["eval", "{policy}", str(POLICIES / "bretagne")], 1),
    "test": (["test", "{policy}"], 1),
    "allocate": (["allocate", "{policy}", str(POLICIES / "bretagne")], 1),
    "hash": (["hash", "{policy}"], 1),
    "diff": (["diff", "{policy}", str(POLICIES / "paca.fitn7")], 2),
    "replay": (["replay", str(ROOT / "tests" / "golden" / "diff" / "dossiers" / "paca.toml"),
                "{policy}", str(POLICIES / "paca")], 2),
}


@pytest.mark.parametrize("kind", sorted(REASONS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unreadable_policy_is_named_with_the_reason(command, kind, bad, capsys):
    """A missing file, a directory or a non-UTF-8 file given as the policy."""
    if command == "test" and kind == "directory":
        pytest.skip("`fitn7 test DIR` runs the policies of DIR: see the test below")
    argv, expected_code = COMMANDS[command]
    code = main([a.replace("{policy}", bad[kind]) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if command == "hash" and kind == "missing":
        # Documented: a file that does not exist is exit 2 for hash, as for diff.
        assert (code, err) == (2, f"fitn7 hash: no such file: `{bad[kind]}`\n")
        return
    assert code == expected_code, err
    assert f"{bad[kind]}: {REASONS[kind]}" in err, err


def test_test_of_a_directory_without_policies_is_a_usage_error(tmp_path, capsys):
    """`fitn7 test DIR` with no policy in DIR says so (exit 2) rather than `0 passed`."""
    assert main(["test", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"fitn7 test: no `*.fitn7` file in `{tmp_path}`\n"


def test_properties_needs_at_least_one_example(capsys):
    """`--examples 0` is a usage error, not hypothesis' traceback."""
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--properties", "--examples", "0", str(POLICIES / "gers.fitn7")])
    assert exit_info.value.code == 2
    assert "argument --examples: expected at least 1, got `0`" in capsys.readouterr().err


def test_a_bug_in_fitn7_is_a_line_asking_to_report_it(monkeypatch, capsys):
    """An unexpected exception is not shown as a traceback, unless FITN7_DEBUG=1."""
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.hash_command, "run", broken)
    monkeypatch.delenv("FITN7_DEBUG", raising=False)
    assert main(["hash", str(POLICIES / "gers.fitn7")]) == cli.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.startswith("fitn7: internal error (RuntimeError: boom); this is a bug in fitn7")
    monkeypatch.setenv("FITN7_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["hash", str(POLICIES / "gers.fitn7")])
