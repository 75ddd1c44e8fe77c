"""Reading an input file (a policy, a dossier, a history): regular files only.

Opening a named pipe waits for a writer, and a device such as `/dev/zero`
never ends: given as a policy or a dossier by mistake, either would hang
fitn7 without a word. The file is opened without blocking and refused unless
it is a regular file, so the check and the read are about the same file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """The path names a named pipe, a socket or a device: `strerror` says which."""


def _what(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse(path: str | os.PathLike[str], mode: int) -> OSError:
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    return NotRegularFile(
        errno.EINVAL, f"it is {_what(mode)}, not a regular file", str(path)
    )


def read_input_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file; `NotRegularFile` (an `OSError`) for a named pipe,
    socket or device, `IsADirectoryError` for a directory, other `OSError`s as `open`
    raises them."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        # A socket cannot be opened at all (ENXIO): say what it is rather than why.
        if exc.errno == errno.ENXIO:
            try:
                raise _refuse(path, os.stat(path).st_mode) from None
            except FileNotFoundError:
                pass
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def not_regular(path: str | os.PathLike[str]) -> str | None:
    """Why `path` is not a file to read (`it is a named pipe (FIFO), not a regular file`),
    or None for a regular file, a directory or a path that does not exist (the
    caller's own messages say those best)."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"it is {_what(mode)}, not a regular file"


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a regular file (following links), without opening it."""
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except OSError:
        return False
