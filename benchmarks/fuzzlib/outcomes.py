"""What an entry point did with an input: ok, a clean diagnostic, or an internal error.

A clean diagnostic is an error fitn7 reports to the user (a `Fitn7Error`,
or diagnostics returned): the input was bad and the user is told why. Any
other exception is an internal error, and so is a `FormatterError` (the
formatter's own consistency check: a bug, never a user mistake), a
broken harness invariant (`InvariantBroken`: the two evaluation paths
disagree, formatting changes the meaning) and an input that runs past the
time limit. Internal errors are grouped by exception type and the innermost
frame of fitn7 code (the `fitn7` package or a plugin's `fitn7_*` package).
"""

from __future__ import annotations

import enum
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TypeVar

import attrs

from fitn7.dsl.formatter import FormatterError
from fitn7.errors import Fitn7Error

T = TypeVar("T")


class Status(enum.Enum):
    """The class of an outcome."""

    OK = "ok"
    CLEAN = "clean"
    INTERNAL = "internal"
    #: Not run: an earlier step the entry point needs did not end ok.
    SKIPPED = "skipped"


class InvariantBroken(AssertionError):
    """A property every input must keep does not hold (both paths decide alike...).

    `detail` names which property, and is part of the group key, so two broken
    properties of one entry point are two errors.
    """

    def __init__(self, detail: str, message: str) -> None:
        super().__init__(f"{detail}: {message}")
        self.detail = detail


class FuzzTimeout(BaseException):
    """An entry point ran past the time limit on one input.

    A `BaseException`, so the `except Exception` of the code under test (the
    fast path falls back to the closures on any exception) cannot swallow it.
    """


class Skip(Exception):
    """Raised by an entry point whose prerequisite did not end ok: not counted."""


@attrs.frozen
class ErrorInfo:
    """An internal error, as grouped and reported."""

    type_name: str
    message: str
    #: `fitn7/evaluation/exprgen.py:binop` (the innermost fitn7 frame).
    frame: str
    line: int
    traceback: str
    #: The broken property, for `InvariantBroken`; the entry point, for a timeout.
    detail: str = ""

    @property
    def key(self) -> str:
        """What distinct errors are told apart by."""
        name = f"{self.type_name}[{self.detail}]" if self.detail else self.type_name
        return f"{name} @ {self.frame}"


@attrs.frozen
class Outcome:
    """What one entry point did with one input."""

    status: Status
    error: ErrorInfo | None = None
    seconds: float = 0.0


def _package_dirs() -> list[Path]:
    """The directories of fitn7 and of the loaded plugin packages (`fitn7_zrr`...)."""
    dirs = []
    for name, module in list(sys.modules.items()):
        if "." in name or not (name == "fitn7" or name.startswith("fitn7_")):
            continue
        file = getattr(module, "__file__", None)
        if file:
            dirs.append(Path(file).resolve().parent)
    return dirs


def _short(filename: str, roots: list[Path]) -> str | None:
    """`.../src/fitn7/evaluation/env.py` → `fitn7/evaluation/env.py`; None outside fitn7."""
    path = Path(filename).resolve()
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root.parent).as_posix()
    return None


def innermost_frame(exc: BaseException) -> tuple[str, int]:
    """(`file:function`, line) of the innermost fitn7 frame, else of the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    roots = _package_dirs()
    for frame in reversed(frames):
        short = _short(frame.filename, roots)
        if short is not None:
            return f"{short}:{frame.name}", frame.lineno or 0
    if frames:
        last = frames[-1]
        return f"{Path(last.filename).name}:{last.name}", last.lineno or 0
    return "<no frame>", 0


def _unwrapped(exc: BaseException) -> BaseException:
    """The error a wrapper carries: lark's `VisitError` holds the transformer's exception,
    whose type and frame tell two bugs apart (the wrapper's frame is always the parser's)."""
    inner = getattr(exc, "orig_exc", None)
    return inner if isinstance(inner, BaseException) else exc


def error_info(exc: BaseException, entry: str) -> ErrorInfo:
    """The report of an internal error."""
    text = "".join(traceback.format_exception(exc, limit=-40))
    exc = _unwrapped(exc)
    frame, line = innermost_frame(exc)
    detail = exc.detail if isinstance(exc, InvariantBroken) else ""
    if isinstance(exc, FuzzTimeout):
        # Where a slow input is interrupted is chance: one group per entry point.
        frame, line, detail = f"entry:{entry}", 0, entry
    message = str(exc)
    if len(message) > 2000:
        message = message[:2000] + f"… ({len(message)} characters)"
    return ErrorInfo(type(exc).__name__, message, frame, line, text, detail)


def is_clean(exc: BaseException) -> bool:
    """A diagnostic a user can act on (`FormatterError` is the formatter's own bug)."""
    return isinstance(exc, Fitn7Error) and not isinstance(exc, FormatterError)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `FuzzTimeout` in the code run inside after `seconds` (SIGALRM, main thread)."""
    if seconds <= 0:
        yield
        return

    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise FuzzTimeout(f"ran past the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_entry(entry: str, call: Callable[[], Status], timeout: float) -> Outcome:
    """Run one entry point and classify what happened.

    A call that returns after the limit (stuck in C code, where the alarm
    waits) is a timeout too.
    """
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            status = call()
    except Skip:
        return Outcome(Status.SKIPPED)
    except (Exception, FuzzTimeout, RecursionError) as exc:
        seconds = time.perf_counter() - start
        if is_clean(exc):
            return Outcome(Status.CLEAN, None, seconds)
        return Outcome(Status.INTERNAL, error_info(exc, entry), seconds)
    seconds = time.perf_counter() - start
    if timeout > 0 and seconds > timeout:
        late = FuzzTimeout(f"returned after {seconds:.1f} s, past the limit of {timeout:g} s")
        return Outcome(Status.INTERNAL, error_info(late, entry), seconds)
    return Outcome(status, None, seconds)
