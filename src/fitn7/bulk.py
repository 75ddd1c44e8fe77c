"""`no_cycle_collection`: building a big tree of objects without Python's cycle collector.

Parsing a policy or loading a dossier creates objects by the million (tokens,
tree nodes, AST nodes, spans, tables) and none of them forms a cycle:
reference counting frees them all. Python's cycle collector, triggered by
the number of allocations, meanwhile walks every object still alive again
and again: more than half the time of a parse of a 1 MB policy. It is paused
for the build and resumed after, as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector inside the block; resume it after if it was running.

    Nested or concurrent uses are safe: a block that finds the collector
    paused leaves it as it finds it, and reference counting works throughout.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
