"""`fitn7 fmt [--check] POLICY...`: exit codes, messages, rewriting in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitn7.cli import main

CANONICAL = 'policy "p"\n\nlet seuil = 5_000\n'
MESSY = 'policy   "p"\nlet seuil=5000\n'
BROKEN = 'policy "p"\nrequire r applicant.kind == commune\n'


def write(path: Path, text: str) -> Path:
    """Create a policy file (and its directory) with `text`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_check_passes_on_canonical_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--check on a canonical file prints nothing and exits 0."""
    policy = write(tmp_path / "p.fitn7", CANONICAL)
    assert main(["fmt", "--check", str(policy)]) == 0
    assert capsys.readouterr() == ("", "")


def test_check_lists_files_to_reformat_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check prints `would reformat FILE` for a messy file, leaves it alone, exits 1."""
    clean = write(tmp_path / "a.fitn7", CANONICAL)
    messy = write(tmp_path / "b.fitn7", MESSY)
    assert main(["fmt", "--check", str(clean), str(messy)]) == 1
    assert capsys.readouterr().out == f"would reformat {messy}\n"
    assert messy.read_text("utf-8") == MESSY


def test_fmt_rewrites_in_place_only_changed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --check, a messy file is rewritten and reported; a canonical one is untouched."""
    clean = write(tmp_path / "a.fitn7", CANONICAL)
    messy = write(tmp_path / "b.fitn7", MESSY)
    before = clean.stat().st_mtime_ns
    assert main(["fmt", str(clean), str(messy)]) == 0
    assert capsys.readouterr().out == f"reformatted {messy}\n"
    assert messy.read_text("utf-8") == CANONICAL
    assert clean.stat().st_mtime_ns == before


def test_second_run_has_nothing_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After fmt, fmt --check passes: the rewrite is canonical."""
    messy = write(tmp_path / "b.fitn7", MESSY)
    assert main(["fmt", str(messy)]) == 0
    capsys.readouterr()
    assert main(["fmt", "--check", str(messy)]) == 0
    assert capsys.readouterr() == ("", "")


def test_crlf_file_is_rewritten_with_unix_newlines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file with CRLF line ends is not canonical: fmt writes `\\n` line ends."""
    policy = tmp_path / "p.fitn7"
    policy.write_bytes(CANONICAL.replace("\n", "\r\n").encode("utf-8"))
    assert main(["fmt", str(policy)]) == 0
    assert capsys.readouterr().out == f"reformatted {policy}\n"
    assert policy.read_bytes() == CANONICAL.encode("utf-8")


def test_directory_means_every_policy_under_it_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory argument stands for its *.fitn7 files, recursively, in sorted order."""
    second = write(tmp_path / "policies" / "z.fitn7", MESSY)
    first = write(tmp_path / "policies" / "region" / "a.fitn7", MESSY)
    write(tmp_path / "policies" / "notes.txt", "pas une politique")
    assert main(["fmt", "--check", str(tmp_path / "policies")]) == 1
    assert capsys.readouterr().out == f"would reformat {first}\nwould reformat {second}\n"


def test_syntax_error_is_reported_and_other_files_still_formatted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that does not parse: its diagnostic on stderr, no traceback, exit 1; others done."""
    broken = write(tmp_path / "a.fitn7", BROKEN)
    messy = write(tmp_path / "b.fitn7", MESSY)
    assert main(["fmt", str(broken), str(messy)]) == 1
    out, err = capsys.readouterr()
    assert out == f"reformatted {messy}\n"
    assert err.startswith(f"{broken}:2:")
    assert "error[" in err
    assert "Traceback" not in err
    assert messy.read_text("utf-8") == CANONICAL
    assert broken.read_text("utf-8") == BROKEN


def test_missing_file_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that does not exist: `fitn7: cannot read FILE: …` on stderr and exit 1."""
    missing = tmp_path / "absent.fitn7"
    assert main(["fmt", "--check", str(missing)]) == 1
    assert capsys.readouterr().err == f"fitn7: cannot read {missing}: No such file or directory\n"


def test_file_that_is_not_utf8_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Latin-1 bytes: `fitn7: cannot read FILE: not UTF-8 text …` and exit 1."""
    policy = tmp_path / "latin1.fitn7"
    policy.write_bytes('policy "é"\n'.encode("latin-1"))
    assert main(["fmt", str(policy)]) == 1
    assert capsys.readouterr().err.startswith(f"fitn7: cannot read {policy}: not UTF-8 text")


def test_no_policy_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`fitn7 fmt` with no POLICY exits 2 with argparse's usage message."""
    with pytest.raises(SystemExit) as exit_info:
        main(["fmt"])
    assert exit_info.value.code == 2
    assert "POLICY" in capsys.readouterr().err
