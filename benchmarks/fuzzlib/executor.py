"""Where inputs run: in this process, or in one forked worker that can be killed.

The alarm of `outcomes.time_limit` interrupts Python code only: an input
that sends fitn7 into a long C computation (turning `1e999999` into an int)
would hold the run for minutes or for ever. `Forked` runs the inputs in one
worker process forked from the warm harness (the world is built once, before
the fork) and kills it when an entry point goes past its limit, or when it
dies (a crash of the interpreter, the memory limit): the entry point is then
an internal error (`FuzzTimeout`, `WorkerDied`) and a new worker is forked.
One worker at a time: the run uses one core.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from fuzzlib.generate import FuzzInput
from fuzzlib.outcomes import ErrorInfo, Outcome, Status
from fuzzlib.targets import World, planned, run_input


class Executor(Protocol):
    """Runs the entry points of an input."""

    def run(self, inp: FuzzInput, only: Iterable[str] | None,
            timeout: float) -> dict[str, Outcome]:
        """The outcome of each entry point run."""

    def close(self) -> None:
        """Release what it holds (a worker process)."""


class InProcess:
    """Inputs run in this process: simple, and a monkeypatch in a test applies."""

    def __init__(self, world: World) -> None:
        self.world = world

    def run(self, inp: FuzzInput, only: Iterable[str] | None,
            timeout: float) -> dict[str, Outcome]:
        """The outcome of each entry point run."""
        return run_input(self.world, inp, only=only, timeout=timeout)

    def close(self) -> None:
        """Nothing to release."""


def _serve(conn: Connection, world: World, memory_mb: int) -> None:
    """The worker: run each input received, report each entry point's start and outcome."""
    # Ctrl-C in a terminal reaches the whole process group: the parent alone
    # stops the run (and then this worker); `kill` of the worker just ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        inp, only, timeout = request

        def notify(entry: str, outcome: Outcome | None) -> None:
            conn.send(("start", entry, None) if outcome is None else ("done", entry, outcome))

        run_input(world, inp, only=only, timeout=timeout, notify=notify)
        conn.send(("end", "", None))


def _killed(kind: str, entry: str, message: str) -> Outcome:
    info = ErrorInfo(kind, message, f"entry:{entry}", 0, message, detail=entry)
    return Outcome(Status.INTERNAL, info)


class Forked:
    """One worker process, forked again after it is killed or dies."""

    def __init__(self, world: World, *, memory_mb: int = 2048, grace: float = 5.0) -> None:
        self.world = world.warm()
        self.memory_mb = memory_mb
        self.grace = grace
        self._context = multiprocessing.get_context("fork")
        self._process: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.world, self.memory_mb),
                                        daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        return parent

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def run(self, inp: FuzzInput, only: Iterable[str] | None,
            timeout: float) -> dict[str, Outcome]:
        """The outcome of each entry point; a stuck or dead worker is replaced."""
        entries = planned(inp, only)
        conn = self._conn if self._process is not None and self._process.is_alive() else None
        conn = conn or self._start()
        conn.send((inp, entries, timeout))
        results: dict[str, Outcome] = {}
        current = entries[0] if entries else ""
        # The worker's own alarm fires at `timeout`; past the grace, it is stuck in C code.
        limit = timeout + self.grace if timeout > 0 else None
        deadline = time.monotonic() + limit if limit else None
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not conn.poll(wait):
                results[current] = _killed(
                    "FuzzTimeout", current,
                    f"still running after {limit:g} s (the worker was killed)")
                self._stop()
                break
            try:
                what, entry, outcome = conn.recv()
            except (EOFError, OSError):
                code = self._process.exitcode if self._process is not None else None
                self._stop()
                results[current] = _killed(
                    "WorkerDied", current, f"the worker process died (exit code {code})")
                break
            if what == "start":
                current = entry
                deadline = time.monotonic() + limit if limit else None
            elif what == "done":
                results[entry] = outcome
            else:
                break
        for entry in entries:
            results.setdefault(entry, Outcome(Status.SKIPPED))
        return {e: results[e] for e in entries}

    def close(self) -> None:
        """Ask the worker to stop, and make sure it does."""
        if self._conn is not None and self._process is not None and self._process.is_alive():
            try:
                self._conn.send(None)
                self._process.join(2)
            except (BrokenPipeError, OSError):
                pass
        self._stop()
