"""The run loop: inputs made, run through every entry point, failures grouped and shrunk.

Each distinct internal error (exception type and innermost fitn7 frame) is
shrunk and saved as soon as it is first seen, so a run stopped early keeps
what it found. The summary says, for each entry point, how many inputs
reached it and how they ended.
"""

from __future__ import annotations

import itertools
import json
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

import attrs

from fuzzlib import reproducers
from fuzzlib.executor import Executor, Forked, InProcess
from fuzzlib.generate import FuzzInput, InputStream
from fuzzlib.outcomes import ErrorInfo, Status
from fuzzlib.shrink import shrink
from fuzzlib.targets import World


@attrs.define
class Config:
    """The options of a run (see `benchmarks/fuzz.py --help`)."""

    seed: int = 0
    count: int = 1000
    out: Path = Path("fuzz-out")
    #: Stop making inputs after this many seconds (None: run `count` inputs).
    time_budget: float | None = None
    #: Seconds one entry point may spend on one input before it counts as an internal error.
    timeout: float = 10.0
    #: Seconds spent shrinking each distinct error (0: save it as found).
    shrink_seconds: float = 60.0
    #: Only these entry points (`parse`, `dossier/load`…); None: all.
    entries: frozenset[str] | None = None
    #: Only this kind of input (`policy`, `dossier`); None: both.
    kind: str | None = None
    #: Only these input numbers (re-run one input of a seed).
    indexes: tuple[int, ...] | None = None
    #: Print progress to stderr.
    verbose: bool = True
    #: Run the inputs in this process (no worker to kill: a stuck C call holds the run).
    in_process: bool = False
    #: Address-space limit of the worker, in MiB (0: none).
    memory_mb: int = 2048


@attrs.define
class Row:
    """The counts of one entry point."""

    inputs: int = 0
    ok: int = 0
    clean: int = 0
    internal: int = 0
    skipped: int = 0


@attrs.define
class Group:
    """One distinct internal error."""

    key: str
    kind: str
    entry: str
    error: ErrorInfo
    first: FuzzInput
    count: int = 0
    entries: set[str] = attrs.field(factory=set)
    reproducer: Path | None = None
    reproducer_bytes: int = 0


@attrs.define
class Report:
    """What a run found."""

    seed: int
    inputs: int = 0
    seconds: float = 0.0
    rows: dict[str, Row] = attrs.field(factory=dict)
    groups: dict[str, Group] = attrs.field(factory=dict)

    @property
    def failed(self) -> bool:
        """True when any internal error was found."""
        return bool(self.groups)


def _wanted(config: Config, inp: FuzzInput) -> list[str] | None:
    if config.entries is None:
        return None
    from fuzzlib.targets import entries_of

    return [e for e in entries_of(inp)
            if e in config.entries or f"{inp.kind}/{e}" in config.entries]


def fails_alike(executor: Executor, inp: FuzzInput, entry: str, key: str,
                timeout: float) -> Callable[[bytes], bool]:
    """The shrinker's test: the entry point still ends in an internal error with this key."""

    def test(data: bytes) -> bool:
        outcome = executor.run(attrs.evolve(inp, data=data), [entry], timeout)[entry]
        return outcome.error is not None and outcome.error.key == key

    return test


def _shrunk(executor: Executor, inp: FuzzInput, entry: str, error: ErrorInfo,
            config: Config) -> tuple[FuzzInput, bool]:
    if config.shrink_seconds <= 0:
        return inp, False
    # A timeout costs the whole limit per test: a few tests only.
    tests = 20 if error.type_name == "FuzzTimeout" else 5000
    test = fails_alike(executor, inp, entry, error.key, config.timeout)
    start = time.monotonic()
    data = shrink(inp.data, test, seconds=config.shrink_seconds, max_tests=tests)
    complete = time.monotonic() - start < config.shrink_seconds
    return attrs.evolve(inp, data=data), complete


def _record(executor: Executor, report: Report, inp: FuzzInput, entry: str, error: ErrorInfo,
            config: Config, log: Callable[[str], None]) -> None:
    group = report.groups.get(error.key)
    if group is None:
        group = Group(error.key, inp.kind, entry, error, inp)
        report.groups[error.key] = group
        log(f"new internal error #{len(report.groups)}: {error.key} ({inp.kind}/{entry}, "
            f"input {inp.index}: {inp.origin})")
        small, complete = _shrunk(executor, inp, entry, error, config)
        group.reproducer = reproducers.save(config.out, small, entry, error, original=inp,
                                            fuzz_seed=config.seed, shrunk=complete)
        group.reproducer_bytes = len(small.data)
        log(f"  reproducer: {group.reproducer} ({len(inp.data)} → {len(small.data)} bytes)")
    group.count += 1
    group.entries.add(f"{inp.kind}/{entry}")


def _prepare_out(out: Path) -> None:
    fresh = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    if fresh and out.name == "fuzz-out":
        # The default output is scratch: keep it out of git.
        (out / ".gitignore").write_text("*\n", "utf-8")


def run(config: Config, world: World | None = None,
        log: Callable[[str], None] | None = None) -> Report:
    """Run the harness; the caller prints the summary (`summary_table`)."""
    say = log or ((lambda m: print(m, file=sys.stderr)) if config.verbose else (lambda m: None))
    own_world = world is None
    world = world if world is not None else World()
    executor: Executor = (InProcess(world) if config.in_process
                          else Forked(world, memory_mb=config.memory_mb))
    _prepare_out(config.out)
    report = Report(config.seed)
    stream = InputStream(world.corpus, config.seed)
    start = time.monotonic()
    indexes: Iterable[int] = (config.indexes if config.indexes is not None
                              else itertools.count())
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _loop(config, executor, stream, report, indexes, start, say)
    except KeyboardInterrupt:
        # Ctrl-C or `kill`: the run so far is reported as any other.
        say(f"interrupted after {report.inputs} inputs")
    finally:
        signal.signal(signal.SIGTERM, previous)
        report.seconds = time.monotonic() - start
        executor.close()
        if own_world:
            world.close()
    write_summary(report, config.out)
    return report


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _loop(config: Config, executor: Executor, stream: InputStream, report: Report,
          indexes: Iterable[int], start: float, say: Callable[[str], None]) -> None:
    """Make the inputs, run them, count and record what they did."""
    last_note = start
    made = 0
    for index in indexes:
        if config.indexes is None and made >= config.count:
            break
        if config.time_budget is not None and time.monotonic() - start > config.time_budget:
            say(f"time budget of {config.time_budget:g} s spent after {made} inputs")
            break
        inp = stream.make(index)
        made += 1
        if config.kind is not None and inp.kind != config.kind:
            continue
        outcomes = executor.run(inp, _wanted(config, inp), config.timeout)
        report.inputs += 1
        for entry, outcome in outcomes.items():
            row = report.rows.setdefault(f"{inp.kind}/{entry}", Row())
            if outcome.status is Status.SKIPPED:
                row.skipped += 1
                continue
            row.inputs += 1
            if outcome.status is Status.OK:
                row.ok += 1
            elif outcome.status is Status.CLEAN:
                row.clean += 1
            else:
                row.internal += 1
                assert outcome.error is not None
                _record(executor, report, inp, entry, outcome.error, config, say)
        now = time.monotonic()
        if now - last_note > 30:
            last_note = now
            say(f"{made} inputs, {now - start:.0f} s, "
                f"{len(report.groups)} distinct internal errors")


def summary_table(report: Report) -> str:
    """Inputs per entry point, clean diagnostics, internal errors and their rate."""
    lines = [f"{'entry point':<20} {'inputs':>8} {'ok':>8} {'clean':>8} "
             f"{'internal':>9} {'rate':>8}"]
    for name in sorted(report.rows):
        row = report.rows[name]
        rate = 100.0 * row.internal / row.inputs if row.inputs else 0.0
        lines.append(f"{name:<20} {row.inputs:>8} {row.ok:>8} {row.clean:>8} "
                     f"{row.internal:>9} {rate:>7.2f}%")
    speed = report.inputs / report.seconds if report.seconds else 0.0
    lines.append("")
    lines.append(f"{report.inputs} inputs in {report.seconds:.0f} s ({speed:.0f}/s), seed "
                 f"{report.seed}: {len(report.groups)} distinct internal error(s)")
    for n, group in enumerate(report.groups.values(), start=1):
        lines.append(f"{n:>3}. {group.key}  ×{group.count}  "
                     f"[{', '.join(sorted(group.entries))}]")
        if group.reproducer is not None:
            lines.append(f"     {group.reproducer} ({group.reproducer_bytes} bytes)")
    return "\n".join(lines)


def write_summary(report: Report, out: Path) -> None:
    """`summary.json` in the output directory: the table and the errors, for tools."""
    data: dict[str, Any] = {
        "seed": report.seed,
        "inputs": report.inputs,
        "seconds": round(report.seconds, 1),
        "entries": {k: attrs.asdict(v) for k, v in sorted(report.rows.items())},
        "errors": [
            {"key": g.key, "count": g.count, "entries": sorted(g.entries),
             "reproducer": str(g.reproducer) if g.reproducer else None}
            for g in report.groups.values()
        ],
    }
    (out / "summary.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")
