"""Writing a file so that a failure leaves the old one whole.

Every file fitn7 writes (`fitn7 fmt` rewriting a policy, a report, an
export) goes through `write_atomic`: the text is written to a temporary file
beside the target, flushed to the disk, then renamed over it. A full disk, a
size limit or an interrupted run leaves the old file as it was, never
truncated; a reader sees either the old or the new content. Writing in place
(`open(path, "w")`) empties the file first: with the disk full, `fitn7 fmt`
once left a policy of 200 rules with 27.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8"
) -> None:
    """Replace the content of `path` with `data` (text is encoded with `encoding`).

    The new file keeps the permissions of the one it replaces (or gets the
    usual ones for a new file); a symbolic link is followed, so the file it
    points to is replaced and the link kept. Raises `OSError` as writing
    does, with `path` unchanged and no temporary file left behind.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    target = Path(os.path.realpath(path))
    fd, temporary = _create_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(target.parent)


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty, hidden file in the directory of `target`, open for writing.

    Created with mode 0o666 less the umask, as `open` creates a file (where
    `tempfile.mkstemp` would make it readable by its owner only).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def _sync_directory(directory: Path) -> None:
    """Flush the rename itself to the disk, where the system allows it (not on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
