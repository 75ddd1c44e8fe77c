"""Coverage-guided fuzzing with atheris (libFuzzer for Python), when it is installed.

libFuzzer's bytes are read as: first byte → which seed file (its kind, its
suffix, its context); the rest → the file's content. The seeds themselves,
written that way, are the starting corpus. An internal error is raised again
as `InternalError`, which libFuzzer reports as a crash and saves
(`crash-…`); turn it into a reproducer with `as_input` and
`reproducers.save`. Never required: the plain harness needs no coverage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fuzzlib.corpus import Corpus, Seed
from fuzzlib.generate import FuzzInput
from fuzzlib.outcomes import Status


class InternalError(Exception):
    """An entry point ended in an internal error (libFuzzer's crash)."""


def as_input(corpus: Corpus, data: bytes) -> FuzzInput:
    """libFuzzer's bytes as an input: seed chosen by the first byte, content the rest."""
    seeds: list[Seed] = [*corpus.policies, *corpus.dossiers]
    seed = seeds[data[0] % len(seeds)] if data else seeds[0]
    return FuzzInput(seed.kind, data[1:], seed.suffix, seed.path, origin="atheris")


def _starting_corpus(corpus: Corpus, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate([*corpus.policies, *corpus.dossiers]):
        (folder / f"seed-{i:03d}").write_bytes(bytes([i % 256]) + seed.data)


def run_atheris(out: Path, timeout: float, libfuzzer_args: list[str]) -> int:
    """Run atheris until libFuzzer stops; 2 when atheris is not installed."""
    try:
        import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        print("fuzz.py: --atheris needs atheris (pip install atheris); the plain run "
              "needs nothing more", file=sys.stderr)
        return 2
    from fuzzlib.targets import World, run_input

    world = World()
    # fitn7 is imported already (by the harness): instrument every function loaded.
    atheris.instrument_all()
    seeds = out / "atheris-corpus"
    _starting_corpus(world.corpus, seeds)

    def one(data: bytes) -> None:
        inp = as_input(world.corpus, data)
        for entry, outcome in run_input(world, inp, timeout=timeout).items():
            if outcome.status is Status.INTERNAL and outcome.error is not None:
                raise InternalError(f"{inp.kind}/{entry}: {outcome.error.key}\n"
                                    f"{outcome.error.traceback}")

    args = [sys.argv[0], *[a for a in libfuzzer_args if a != "--"], str(seeds)]
    atheris.Setup(args, one)
    atheris.Fuzz()
    return 0
