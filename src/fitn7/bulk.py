"""Building many objects without Python's cycle collector walking them again and again.

Parsing a policy or loading a dossier creates objects by the million (tokens,
tree nodes, AST nodes, spans, tables), and a committee run a decision (and its
trace) per dossier, all kept until the end; none of them forms a cycle:
reference counting frees them all. Python's cycle collector, triggered by
the number of allocations, meanwhile walks every object still alive again
and again: more than half the time of a parse of a 1 MB policy, and as much as
the decisions themselves once a hundred thousand dossiers are held.
`no_cycle_collection` pauses it for a build and resumes it after, as it was;
`mapped_in_batches` does so a batch at a time, for a lazy stream, and has the
collector look at each batch once, at its end (`collected_as_a_batch`).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

#: Items mapped per pause of the collector: enough that its passes stop mattering,
#: few enough that what a batch builds stays in the processor's cache and a
#: caller gets its first results at once.
BATCH = 500


@contextlib.contextmanager
def no_cycle_collection(*, then_collect: int | None = None) -> Iterator[None]:
    """Pause the cycle collector inside the block; resume it after if it was running,
    and then, with `then_collect`, collect the generations up to that one at once.

    Nested or concurrent uses are safe: a block that finds the collector
    paused leaves it as it finds it (and collects nothing), and reference
    counting works throughout.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            # Nothing in between: the first allocation with the collector running would
            # start its own pass, and with the count of collections this makes, a
            # pass of the oldest generation (every object alive), again and again.
            gc.enable()
            if then_collect is not None:
                gc.collect(then_collect)


def collected_as_a_batch() -> contextlib.AbstractContextManager[None]:
    """Pause the cycle collector inside the block; after it, when the collector was
    running, collect the young generations at once.

    What the block built is still in the processor's cache: looked at once then,
    and moved to the oldest generation, it is not walked again by the
    collector's own passes, the second one long after (a traced decision per
    dossier, kept by the thousand, made those passes cost as much as the
    decisions). When the oldest generation is collected stays Python's choice.
    """
    return no_cycle_collection(then_collect=1)


def batches(items: Iterable[_T], size: int = BATCH) -> Iterator[list[_T]]:
    """`items` in lists of `size` (the last one shorter), read as they are needed."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def mapped_in_batches(
    function: Callable[[_T], _R], items: Iterable[_T], size: int = BATCH
) -> Iterator[_R]:
    """`function(item)` for each item, in order, computed `size` items at a time, each
    batch `collected_as_a_batch`.

    The collector is paused only while `function` runs: reading `items` and
    whatever the caller does with each result happen with it as it was. When
    `function` raises, the results before are yielded first, then the error is
    raised (the rest of that batch is read from `items` but not mapped).
    """
    for batch in batches(items, size):
        results: list[_R] = []
        failure: Exception | None = None
        with collected_as_a_batch():
            try:
                for item in batch:
                    results.append(function(item))
            except Exception as exc:  # raised after the results before it
                failure = exc
        yield from results
        if failure is not None:
            raise failure
