"""The fuzz harness itself: reproducible inputs, classification, grouping, shrinking.

A planted internal error (an entry point monkeypatched to raise) must be
found, classified as internal, grouped under its type, shrunk to the few
bytes that trigger it and saved as a reproducer that runs again.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from fuzzlib import reproducers, targets
from fuzzlib.engine import Config, run, summary_table
from fuzzlib.executor import Forked, InProcess
from fuzzlib.generate import FuzzInput, InputStream
from fuzzlib.outcomes import Status, run_entry
from fuzzlib.shrink import shrink
from fuzzlib.targets import Case, World

from fitn7.dsl.formatter import FormatterError
from fitn7.errors import EvaluationError

EURO = "€".encode()


def _plant(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hash` crashes on any policy text holding a euro sign."""
    original = targets.ENTRIES["hash"]

    def planted(case: Case) -> Status:
        if EURO in case.inp.data:
            raise ZeroDivisionError("planted by the test")
        return original(case)

    monkeypatch.setitem(targets.ENTRIES, "hash", planted)


def test_inputs_are_reproducible_from_the_seed(world: World) -> None:
    one = InputStream(world.corpus, 11)
    two = InputStream(world.corpus, 11)
    other = InputStream(world.corpus, 12)
    first = [one.make(i) for i in range(60)]
    assert first == [two.make(i) for i in range(60)]
    assert [i.data for i in first] != [other.make(i).data for i in range(60)]
    # Input i does not depend on the inputs made before it.
    assert two.make(41) == first[41]
    assert {i.kind for i in first} == {"policy", "dossier"}
    # Every mutator copes with what it is given (a harness bug would stop a long run).
    made = [InputStream(world.corpus, 13).make(i) for i in range(300)]
    assert {m.origin.split()[0].split("+")[0] for m in made} >= {
        "policy-text", "policy-regrow", "policy-grammar", "dossier-text", "dossier-data"}


def test_planted_error_is_found_grouped_and_minimised(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _plant(monkeypatch)
    config = Config(seed=3, count=200, out=tmp_path, in_process=True, shrink_seconds=20,
                    timeout=10, verbose=False)
    report = run(config, world=world)

    assert report.inputs == 200
    assert report.failed
    planted = [g for g in report.groups.values() if g.error.type_name == "ZeroDivisionError"]
    assert len(planted) == 1
    group = planted[0]
    assert (group.kind, group.entry) == ("policy", "hash")
    assert group.key == "ZeroDivisionError @ test_harness.py:planted"
    hashed = report.rows["policy/hash"]
    # Every policy that reached `hash` holds a euro sign (an envelope, a forfait)
    # but a few grammar-made ones: most of them fail, and all are counted.
    assert group.count == hashed.internal
    assert hashed.internal > 10
    assert hashed.inputs == hashed.ok + hashed.clean + hashed.internal
    assert report.rows["policy/parse"].clean > 0  # mutants the parser refuses cleanly

    # The reproducer is the three bytes of the euro sign, with its metadata.
    assert group.reproducer is not None
    inp, meta = reproducers.load(group.reproducer)
    assert inp.data == EURO
    assert meta["entry"] == "hash"
    assert meta["exception"] == "ZeroDivisionError"
    assert meta["minimised"] is True
    assert meta["original_bytes"] > 100
    assert "planted by the test" in meta["traceback"]
    summary = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    assert summary["inputs"] == 200
    assert group.key in [e["key"] for e in summary["errors"]]
    assert "ZeroDivisionError @ test_harness.py:planted" in summary_table(report)

    # Replayed: internal while the bug is there, clean once it is gone.
    executor = InProcess(world)
    assert reproducers.replay(executor, group.reproducer)["hash"].status is Status.INTERNAL
    monkeypatch.undo()
    after = reproducers.replay(executor, group.reproducer)
    assert all(o.status is not Status.INTERNAL for o in after.values())


def test_shrinker_keeps_only_what_makes_the_failure() -> None:
    data = b"policy \"p\"\n" + b"x" * 700 + b"\nrequire a: 1 / 0\n" + b"# comment\n" * 40
    tests: list[bytes] = []

    def fails(candidate: bytes) -> bool:
        tests.append(candidate)
        return b"/ 0" in candidate

    assert shrink(data, fails) == b"/ 0"
    assert len(tests) < 200


def test_shrinker_keeps_bytes_that_are_not_utf8() -> None:
    data = b"ok " * 50 + b"\xff\xfe" + b" ok" * 50
    assert shrink(data, lambda c: b"\xff" in c) == b"\xff"


def test_classification(world: World) -> None:
    def clean() -> Status:
        raise EvaluationError("a division by zero in the policy")

    def formatter() -> Status:
        raise FormatterError("the formatter's own check")

    def slow() -> Status:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass
        return Status.OK

    assert run_entry("x", lambda: Status.OK, 1).status is Status.OK
    assert run_entry("x", clean, 1).status is Status.CLEAN
    internal = run_entry("fmt", formatter, 1)
    assert internal.status is Status.INTERNAL
    assert internal.error is not None and internal.error.type_name == "FormatterError"
    timed_out = run_entry("load", slow, 0.2)
    assert timed_out.status is Status.INTERNAL and timed_out.error is not None
    assert timed_out.error.key == "FuzzTimeout[load] @ entry:load"
    assert timed_out.seconds < 2


def test_forked_worker_is_replaced_when_stuck_or_dead(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck(case: Case) -> Status:
        # The alarm cannot fire while blocked: like a long computation in C.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
        return Status.OK

    def dies(case: Case) -> Status:
        import os

        os._exit(3)

    monkeypatch.setitem(targets.ENTRIES, "diff", stuck)
    monkeypatch.setitem(targets.ENTRIES, "hash", dies)
    policy = world.corpus.by_path("policies/gers.fitn7")
    inp = FuzzInput("policy", policy.data, ".fitn7", policy.path)
    executor = Forked(world, grace=0.5)
    try:
        first = executor.run(inp, None, 0.3)
        assert first["parse"].status is Status.OK
        assert first["hash"].error is not None
        assert first["hash"].error.key == "WorkerDied[hash] @ entry:hash"
        assert first["diff"].status is Status.SKIPPED  # the worker died before
        second = executor.run(inp, ["diff"], 0.3)
        assert second["diff"].error is not None
        assert second["diff"].error.key == "FuzzTimeout[diff] @ entry:diff"
        third = executor.run(inp, ["parse", "check"], 0.3)  # a new worker
        assert third["check"].status is Status.OK
    finally:
        executor.close()
