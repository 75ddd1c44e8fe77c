"""Batches with the cycle collector paused (fitn7.bulk): same results, collector restored.

`evaluate_many` and the commands that decide many dossiers pause Python's cycle
collector while a batch is decided, and have it look at the batch once after.
Whatever happens, the collector is left as it was found, and the results and
errors come out in order.
"""

from __future__ import annotations

import gc

import pytest

from fitn7.api import evaluate_many
from fitn7.bulk import batches, collected_as_a_batch, mapped_in_batches
from fitn7.dsl.parser import parse_policy
from fitn7.evaluation import compile_policy
from fitn7.testing import make_dossier


def test_items_are_mapped_in_order_with_the_collector_paused_only_meanwhile() -> None:
    """Every result in order; the function runs with the collector paused, the caller
    with it running."""
    seen: list[bool] = []

    def square(x: int) -> int:
        seen.append(gc.isenabled())
        return x * x

    assert gc.isenabled()
    for result in mapped_in_batches(square, range(25), size=10):
        assert gc.isenabled()
        assert result >= 0
    assert list(mapped_in_batches(square, range(25), size=10)) == [x * x for x in range(25)]
    assert seen and not any(seen)
    assert [len(b) for b in batches(range(25), 10)] == [10, 10, 5]


def test_a_failure_comes_after_the_results_before_it() -> None:
    """The results before the failing item are given, then its error; the collector runs."""

    def inverse(x: int) -> float:
        return 1 / x

    got: list[float] = []
    with pytest.raises(ZeroDivisionError):
        for result in mapped_in_batches(inverse, [4, 2, 1, 0, 5], size=10):
            got.append(result)
    assert got == [0.25, 0.5, 1.0]
    assert gc.isenabled()


def test_a_paused_collector_is_left_paused() -> None:
    """A caller that paused the collector finds it paused after, and no collection ran."""
    gc.disable()
    try:
        before = gc.get_stats()[1]["collections"]
        with collected_as_a_batch():
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_stats()[1]["collections"] == before
        assert list(mapped_in_batches(str, [1, 2])) == ["1", "2"]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_batch_is_collected_once_at_its_end() -> None:
    """After a batch, the young generations are collected: the batch's objects move to the
    oldest one (not walked again by the collector's own passes)."""
    before = [generation["collections"] for generation in gc.get_stats()]
    with collected_as_a_batch():
        kept = [[i] for i in range(1000)]
    after = [generation["collections"] for generation in gc.get_stats()]
    # One collection of the young generations, and no pass of the collector's own
    # (which, started by an allocation between resuming and collecting, could be
    # one of every object alive).
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 1, 0]
    assert gc.get_count()[0] < 100  # nothing of the batch left in the youngest one
    assert len(kept) == 1000


def test_evaluate_many_decides_as_evaluate() -> None:
    """Batches change nothing to the decisions, with the trace or without."""
    program = compile_policy(parse_policy(
        'policy "p"\n  version "1"\nreview grande: applicant.population > 5_000\n', "p"))
    dossiers = [make_dossier(id=f"D-{i}", applicant_population=1_000 * i) for i in range(12)]
    for trace in (False, True):
        assert list(evaluate_many(program, dossiers, trace=trace)) == [
            program.evaluate(d, trace=trace) for d in dossiers]
