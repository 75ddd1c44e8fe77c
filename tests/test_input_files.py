"""Inputs a user may give by mistake: a named pipe, a device, an empty folder, one
dossier id in two arguments. Each gets a clear message and an exit code; nothing blocks."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitn7.cli import main
from fitn7.errors import PolicyFileError
from fitn7.input_file import NotRegularFile, not_regular, read_input_bytes
from fitn7.loading import Failed, Loaded, load_dossiers
from fitn7.resolve import load_resolved

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
PACA = str(POLICIES / "paca.fitn7")
FIFO_REASON = "it is a named pipe (FIFO), not a regular file"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.fixture(autouse=True)
def never_blocks() -> Iterator[None]:
    """Fail the test, rather than hang the suite, if reading a pipe blocks."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("blocked on an input")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe.fitn7"
    os.mkfifo(path)
    yield path


# ---------------------------------------------------------------- the module


def test_read_input_bytes_refuses_what_is_not_a_regular_file(tmp_path, fifo):
    regular = tmp_path / "a.txt"
    regular.write_bytes(b"abc")
    assert read_input_bytes(regular) == b"abc"
    with pytest.raises(NotRegularFile) as caught:
        read_input_bytes(fifo)
    assert caught.value.strerror == FIFO_REASON
    with pytest.raises(NotRegularFile) as caught:
        read_input_bytes("/dev/null")
    assert caught.value.strerror == "it is a device, not a regular file"
    with pytest.raises(IsADirectoryError):
        read_input_bytes(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_input_bytes(tmp_path / "absent")
    assert not_regular(fifo) == FIFO_REASON
    assert not_regular(regular) is None and not_regular(tmp_path) is None


def test_a_socket_is_named_as_such(tmp_path):
    import socket

    path = tmp_path / "s.json"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(NotRegularFile) as caught:
            read_input_bytes(path)
        assert caught.value.strerror == "it is a socket, not a regular file"
    finally:
        server.close()


# ----------------------------------------------------------------- policies


@pytest.mark.parametrize(("argv", "code"), [
    (["check", "{fifo}"], 1),
    (["eval", "{fifo}", str(POLICIES / "paca")], 1),
    (["allocate", "{fifo}", str(POLICIES / "paca")], 1),
    (["test", "{fifo}"], 1),
    (["hash", "{fifo}"], 1),
    (["diff", "{fifo}", PACA], 2),
])
def test_a_named_pipe_as_the_policy_is_refused(fifo, capsys, argv, code):
    """Every command that reads a policy says what the file is, and exits at once."""
    assert main([a.replace("{fifo}", str(fifo)) for a in argv]) == code
    out, err = capsys.readouterr()
    assert FIFO_REASON in out + err
    assert "Traceback" not in out + err and "internal error" not in out + err


def test_load_resolved_raises_policy_file_error(fifo):
    with pytest.raises(PolicyFileError) as caught:
        load_resolved(fifo, [])
    assert caught.value.reason == FIFO_REASON


def test_fmt_refuses_a_named_pipe(fifo, capsys):
    assert main(["fmt", str(fifo)]) == 1
    _, err = capsys.readouterr()
    assert err == f"fitn7: cannot read {fifo}: {FIFO_REASON}\n"


# ----------------------------------------------------------------- dossiers


def test_a_named_pipe_or_a_device_as_a_dossier_fails_alone(tmp_path, capsys):
    """API and CLI: the pipe and the device are failures; the good dossier is decided."""
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    good = POLICIES / "paca" / "PACA-01-commune-zrr.toml"
    results = list(load_dossiers(pipe, "/dev/null", good))
    assert [str(r.error) for r in results if isinstance(r, Failed)] == [
        f"{pipe}: cannot read the file: {FIFO_REASON}",
        "/dev/null: cannot read the file: it is a device, not a regular file",
    ]
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == ["PACA-2021-001"]

    code = main(["eval", PACA, str(pipe), str(good)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == f"fitn7: {pipe}: cannot read the file: {FIFO_REASON}\n"
    assert "PACA-2021-001" in out


def test_a_named_pipe_given_to_a_plugin_loader_is_refused(tmp_path, capsys):
    """`--loader csv` would open the pipe itself: it is refused before."""
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    code = main(["eval", PACA, str(pipe), "--loader", "csv"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == f"fitn7: {pipe}: cannot read the file: {FIFO_REASON}\n"


@pytest.mark.parametrize("command", ["eval", "allocate"])
def test_an_empty_folder_is_an_error(tmp_path, capsys, command):
    """A folder without dossiers: said so, exit 1; the other arguments are still used."""
    empty = tmp_path / "vide"
    empty.mkdir()
    (empty / "notes.txt").write_text("pas un dossier", "utf-8")
    code = main([command, PACA, str(empty)])
    out, err = capsys.readouterr()
    assert code == 1
    message = (f"fitn7: {empty}: no dossier in this folder (dossiers are `*.toml` or `*.json` "
               "files directly in the folder named)")
    assert message in err.splitlines()

    code = main([command, PACA, str(empty), str(POLICIES / "paca")])
    out, err = capsys.readouterr()
    assert code == 1
    assert message in err.splitlines()
    assert "PACA-2021-001" in out


def test_one_dossier_id_in_two_arguments_is_refused(tmp_path, capsys):
    """The duplicate-id rule holds across arguments (files and folders) as within one
    folder: the second is refused, and the message names where the first is."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    text = 'id = "D-1"\nrequested = 100\n'
    (first / "d.toml").write_text(text, "utf-8")
    (second / "d.toml").write_text(text, "utf-8")
    lot = tmp_path / "lot.json"
    lot.write_text('[{"id": "D-2"}, {"id": "D-1"}]', "utf-8")

    results = list(load_dossiers(first, second, lot))
    assert [r.dossier.id for r in results if isinstance(r, Loaded)] == ["D-1", "D-2"]
    errors = [str(r.error) for r in results if isinstance(r, Failed)]
    assert errors == [
        f"{second / 'd.toml'}: duplicate dossier id `D-1`, first in {first / 'd.toml'} @ $.id",
        f"{lot}: duplicate dossier id `D-1`, first in {first / 'd.toml'} @ $[1].id",
    ]

    code = main(["eval", PACA, str(first), str(second), str(lot)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [f"fitn7: {e}" for e in errors]
    assert [line.split()[0] for line in out.splitlines()[1:] if line[:1] == "D"] == \
        ["D-1", "D-2"]


def test_a_dossier_id_repeated_inside_a_file_names_both_places(tmp_path):
    lot = tmp_path / "lot.toml"
    lot.write_text('[[dossier]]\nid = "A"\n[[dossier]]\nid = "B"\n[[dossier]]\nid = "A"\n',
                   "utf-8")
    (failed,) = [r for r in load_dossiers(lot) if isinstance(r, Failed)]
    assert str(failed.error) == (f"{lot}: duplicate dossier id `A`, first in {lot} at "
                                 "$.dossier[0] @ $.dossier[2].id")


def test_a_named_pipe_as_a_history_is_refused(tmp_path, capsys):
    pipe = tmp_path / "awards.json"
    os.mkfifo(pipe)
    code = main(["allocate", PACA, str(POLICIES / "paca"), "--history", str(pipe)])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{pipe}: cannot read the file: {FIFO_REASON}" in err
