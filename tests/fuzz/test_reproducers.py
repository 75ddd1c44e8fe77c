"""Every committed fuzz reproducer, run again through all its entry points.

`reproducers/` holds inputs that once crashed fitn7 and must now end cleanly
(ok, or a diagnostic the user can act on). `pending/` holds those found and
not fixed yet: they run too, as expected failures (`xfail`, not strict), so
a fix shows as XPASS; the fix then moves the directory to `reproducers/`.
See docs/fuzzing.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzzlib import reproducers
from fuzzlib.executor import Forked
from fuzzlib.outcomes import Status
from fuzzlib.targets import World

HERE = Path(__file__).resolve().parent
FIXED = reproducers.folders(HERE / "reproducers")
PENDING = reproducers.folders(HERE / "pending")


def _pending(folder: Path) -> pytest.ParameterSet:
    meta = json.loads((folder / reproducers.META).read_text("utf-8"))
    reason = f"not fixed yet: {meta['kind']}/{meta['entry']}: {meta['key']}"
    return pytest.param(folder, marks=pytest.mark.xfail(strict=False, reason=reason),
                        id=f"pending/{folder.name}")


CASES = [pytest.param(f, id=f"reproducers/{f.name}") for f in FIXED] + [
    _pending(f) for f in PENDING]


@pytest.fixture(scope="module")
def worker(world: World) -> Iterator[Forked]:
    """A forked worker: a reproducer that sends fitn7 into a long C computation (a
    timeout) is killed after 5 + 2 s instead of holding the suite."""
    executor = Forked(world, grace=2.0)
    yield executor
    executor.close()


@pytest.mark.parametrize("folder", CASES)
def test_reproducer_ends_cleanly(worker: Forked, folder: Path) -> None:
    """No entry point of the input ends in an internal error any more."""
    outcomes = reproducers.replay(worker, folder, timeout=5.0)
    internal = {entry: o.error.key for entry, o in outcomes.items()
                if o.status is Status.INTERNAL and o.error is not None}
    assert internal == {}


def test_every_reproducer_is_complete() -> None:
    """Each reproducer has its input, an entry point of its kind and a seed that exists."""
    root = HERE.parents[1]
    for folder in [*FIXED, *PENDING]:
        inp, meta = reproducers.load(folder)
        assert meta["entry"] in ("parse", "check", "fmt", "hash", "diff", "load", "evaluate",
                                 "to_dict", "allocate"), folder
        assert (root / inp.seed).is_file(), folder
        assert len(inp.data) == meta["bytes"], folder
