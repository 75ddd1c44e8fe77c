"""The stream of inputs of a run: input `i` of seed `s` is the same on every machine.

Each input draws from its own `random.Random(f"{s}/{i}")`, so one input can be
made again alone (`fuzz.py --only-index`), and a shorter run is a prefix of a
longer one. The mix:

- policy texts mutated (characters, tokens, lines, splices, extreme tokens);
- policies with expressions regrown from the grammar (they often still check,
  so they reach the evaluator and the allocation);
- whole policies derived from the grammar;
- dossier texts (TOML and JSON) mutated as text;
- dossiers mutated as data (types, keys, expense lines, dates, money);
- now and then, bits flipped in the final bytes.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Iterator
from functools import cached_property

import attrs

from fuzzlib import mutators
from fuzzlib.corpus import Corpus, Kind, Seed
from fuzzlib.grammar import GrammarGenerator, vocabulary


@attrs.frozen
class FuzzInput:
    """One input: the bytes of a policy or dossier file, and what they are read against."""

    kind: Kind
    data: bytes
    #: `.fitn7`, `.toml` or `.json`.
    suffix: str
    #: The seed it was made from (relative path): a mutant policy is diffed with
    #: it; a dossier is decided under that seed's policy.
    seed: str
    #: How it was made, for the report (`policy-text: replace_token+splice`).
    origin: str = ""
    index: int = -1


#: (weight, strategy name): the share of each kind of input in a run.
MIX = (
    (30, "policy-text"),
    (12, "policy-regrow"),
    (8, "policy-grammar"),
    (22, "dossier-text"),
    (28, "dossier-data"),
)

#: A rule, criterion, step or invariant condition: after `name:` up to the end of the line.
_CONDITION = re.compile(
    r"^(\s*(?:require|exclude|review|invariant|rate|cap|bonus|floor|base|[^\W\d]\w*)"
    r"[^:\n]*:)([^\n]+)$", re.M)


@functools.cache
def _generator(names: tuple[str, ...], paths: tuple[str, ...]) -> GrammarGenerator:
    """One grammar generator per vocabulary: building lark's tables takes a second."""
    return GrammarGenerator(names, paths)


class InputStream:
    """The inputs of a run, from a corpus and a seed."""

    def __init__(self, corpus: Corpus, seed: int) -> None:
        self.corpus = corpus
        self.seed = seed

    @cached_property
    def grammar(self) -> GrammarGenerator:
        """The grammar generator, with the names of the shipped policies."""
        names, paths = vocabulary(s.data.decode("utf-8") for s in self.corpus.policies)
        return _generator(tuple(names), tuple(paths))

    def __iter__(self) -> Iterator[FuzzInput]:
        i = 0
        while True:
            yield self.make(i)
            i += 1

    def make(self, index: int) -> FuzzInput:
        """Input number `index` of this seed."""
        rng = random.Random(f"{self.seed}/{index}")
        strategy = rng.choices([s for _, s in MIX], [w for w, _ in MIX])[0]
        makers: dict[str, Callable[[random.Random], FuzzInput]] = {
            "policy-text": self._policy_text,
            "policy-regrow": self._policy_regrow,
            "policy-grammar": self._policy_grammar,
            "dossier-text": self._dossier_text,
            "dossier-data": self._dossier_data,
        }
        inp = makers[strategy](rng)
        if rng.random() < 0.03:
            inp = attrs.evolve(inp, data=mutators.flip_bits(rng, inp.data),
                               origin=inp.origin + "+flip_bits")
        return attrs.evolve(inp, index=index)

    def _texts(self, kind: Kind, suffix: str) -> list[str]:
        pool = self.corpus.policies if kind == "policy" else self.corpus.dossiers
        return [s.data.decode("utf-8") for s in pool if s.suffix == suffix]

    def _mutate_text(self, rng: random.Random, seed: Seed, label: str) -> FuzzInput:
        text = seed.data.decode("utf-8")
        others = self._texts(seed.kind, seed.suffix)
        names = []
        for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3, 6))):
            mutator = rng.choice(mutators.TEXT_MUTATORS)
            text = mutator(rng, text, others)
            names.append(mutator.__name__)
        data = text.encode("utf-8", "surrogatepass")
        return FuzzInput(seed.kind, data, seed.suffix, seed.path,
                         f"{label} {seed.path}: {'+'.join(names)}")

    def _policy_text(self, rng: random.Random) -> FuzzInput:
        return self._mutate_text(rng, rng.choice(self.corpus.policies), "policy-text")

    def _policy_regrow(self, rng: random.Random) -> FuzzInput:
        """A real policy with one to three conditions or amounts replaced by generated ones."""
        seed = rng.choice(self.corpus.policies)
        text = seed.data.decode("utf-8")
        spots = list(_CONDITION.finditer(text))
        for _ in range(rng.randint(1, 3)):
            if not spots:
                break
            m = rng.choice(spots)
            expr = self.grammar.generate(rng, "expr", rng.choice((10, 13, 16))).strip()
            text = text[:m.start(2)] + " " + expr + text[m.end(2):]
            spots = list(_CONDITION.finditer(text))
        return FuzzInput("policy", text.encode("utf-8"), ".fitn7", seed.path,
                         f"policy-regrow {seed.path}")

    def _policy_grammar(self, rng: random.Random) -> FuzzInput:
        seed = rng.choice(self.corpus.policies)
        text = self.grammar.generate(rng)
        return FuzzInput("policy", text.encode("utf-8"), ".fitn7", seed.path, "policy-grammar")

    def _dossier_text(self, rng: random.Random) -> FuzzInput:
        return self._mutate_text(rng, rng.choice(self.corpus.dossiers), "dossier-text")

    def _dossier_data(self, rng: random.Random) -> FuzzInput:
        seed = rng.choice(self.corpus.dossiers)
        data = mutators.mutate_structure(rng, seed.data, seed.suffix)
        if data is None:
            return self._mutate_text(rng, seed, "dossier-text")
        return FuzzInput("dossier", data, seed.suffix, seed.path, f"dossier-data {seed.path}")
