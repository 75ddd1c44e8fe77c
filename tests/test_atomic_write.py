"""Writing files so that a failure leaves the old one whole (`fitn7.atomic_write`), and
`fitn7 fmt` using it: a policy is never cut short by a full disk."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fitn7.atomic_write import write_atomic
from fitn7.cli import main

UGLY = 'policy "p"\n  title "t"\n  authority "a"\n  version "1"\n' + "".join(
    f"require r{i}:    applicant.population >  {i}\n" for i in range(200)
)


def leftovers(directory: Path) -> list[str]:
    """Temporary files left in `directory`."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_replaces_the_content(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old", "utf-8")
    write_atomic(target, "nouveau é")
    assert target.read_text("utf-8") == "nouveau é"
    write_atomic(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert leftovers(tmp_path) == []


def test_write_atomic_creates_a_file_with_the_usual_mode(tmp_path):
    target = tmp_path / "new.txt"
    umask = os.umask(0o022)
    try:
        write_atomic(target, "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_write_atomic_keeps_the_mode_and_follows_a_link(tmp_path):
    real = tmp_path / "real.fitn7"
    real.write_text("old", "utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.fitn7"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text("utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old", "utf-8")

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new" * 1000)
    assert target.read_text("utf-8") == "old"
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------- fmt


def test_fmt_leaves_the_policy_whole_when_writing_fails(tmp_path, monkeypatch, capsys):
    """The write raises (a full disk): exit 1, a message, the file byte for byte as it was."""
    policy = tmp_path / "p.fitn7"
    policy.write_text(UGLY, "utf-8")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:1024])
            raise OSError(28, "No space left on device")

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return Full(handle) if "w" in mode else handle  # reading the policy still works

    monkeypatch.setattr(os, "fdopen", fdopen)
    code = main(["fmt", str(policy)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == f"fitn7: cannot write {policy}: No space left on device (the file is unchanged)\n"
    assert policy.read_text("utf-8") == UGLY
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_fmt_under_a_file_size_limit_keeps_the_policy(tmp_path):
    """The case found by fuzzing: `ulimit -f 1` (1 024 bytes) and a 9 kB policy. Before,
    fmt emptied the file then wrote 1 024 bytes of it; now the policy is untouched."""
    policy = tmp_path / "p.fitn7"
    policy.write_text(UGLY, "utf-8")
    assert policy.stat().st_size > 4096
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
        from fitn7.cli import main
        sys.exit(main(["fmt", {str(policy)!r}]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"fitn7: cannot write {policy}: File too large (the file is unchanged)\n"
    assert policy.read_text("utf-8") == UGLY
    assert leftovers(tmp_path) == []


def test_fmt_still_rewrites_and_keeps_the_mode(tmp_path, capsys):
    policy = tmp_path / "p.fitn7"
    policy.write_text(UGLY, "utf-8")
    policy.chmod(0o600)
    assert main(["fmt", str(policy)]) == 0
    assert capsys.readouterr().out == f"reformatted {policy}\n"
    assert "require r1: applicant.population > 1\n" in policy.read_text("utf-8")
    assert stat.S_IMODE(policy.stat().st_mode) == 0o600
    assert main(["fmt", "--check", str(policy)]) == 0
