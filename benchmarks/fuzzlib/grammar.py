"""Policy text shaped by the grammar: random derivations of `fitn7/dsl/grammar.lark`.

The grammar is read from the installed package and compiled by lark into
plain rules (EBNF expanded); a derivation picks an expansion at random and,
past `max_depth`, the shallowest one, so every derivation ends. Terminals
defined by a regular expression are drawn from samples (`_REGEX_SAMPLES`,
names and paths seen in the shipped policies), keywords are written as they
are. The text parses most of the time (the contextual lexer is stricter than
a random derivation) and rarely checks: it is meant for the parser, the
checker, the formatter and the hash; `regrow` plants generated expressions in
a real policy to reach the evaluator too.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from importlib import resources

from lark import Lark
from lark.grammar import NonTerminal, Rule
from lark.lexer import PatternStr

from fuzzlib import tokens

#: Samples of the terminals given by a regular expression. A new such terminal
#: in the grammar must be added here (the generator refuses an unknown one).
_REGEX_SAMPLES: dict[str, tuple[str, ...]] = {
    "COMP_OP": ("==", "!=", "<=", ">=", "<", ">"),
    "ADD_OP": ("+", "-"),
    "MUL_OP": ("*", "/"),
    "INT": ("0", "1", "2", "3", "5", "12", "100", "5_000", "20000", "1_188_000",
            "999999999999999999999999999999", "1" + "0" * 400),
    "DECIMAL": ("0.5", "1.25", "0.0", "12_000.50", "0.000000001", "99999999999999999999.99"),
    "DATE": ("2021-06-30", "2021-04-01", "2022-02-08", "0001-01-01", "9999-12-31",
             "2021-02-29", "2021-13-01", "0000-00-00"),
    "STRING": ('"texte"', '""', '"fitn7-axe3-commun"', '"fitn7_zrr"', '"urbanisme"',
               '"inclusion"', '"53"', '"29"', '"comité T2 2021"', '"a\\"b"', '"\\u00e9"',
               '"\\ud800"', '"\\\\"', '"' + "x" * 3000 + '"'),
}

#: Expansions drawn less often than the others: a call of an unknown function
#: is refused by the checker and hides the rest of the policy.
_WEIGHTS = {"call": 0.1}

#: Functions a policy may call: the built-ins, those of the shipped plugins, one unknown.
_FUNCTIONS = ("sum", "count", "any", "all", "min", "max", "floor", "zrr", "zrr_classement",
              "population", "nope")

_NAME = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_STRIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def vocabulary(policy_texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """(identifiers, dotted paths) written in the policies, outside strings and comments."""
    words: set[str] = set()
    paths: set[str] = set()
    for text in policy_texts:
        for word in _NAME.findall(_STRIP.sub(" ", text)):
            (paths if "." in word else words).add(word)
    return sorted(words), sorted(paths)


class GrammarGenerator:
    """Random derivations of the policy grammar; reproducible from the `random.Random` given."""

    def __init__(self, names: Sequence[str] = (), paths: Sequence[str] = ()) -> None:
        text = resources.files("fitn7.dsl").joinpath("grammar.lark").read_text("utf-8")
        parser = Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=True)
        self.rules: dict[str, list[Rule]] = {}
        for rule in parser.rules:
            self.rules.setdefault(rule.origin.name, []).append(rule)
        self.literals: dict[str, str] = {}
        for term in parser.terminals:
            if isinstance(term.pattern, PatternStr):
                self.literals[term.name] = term.pattern.value
            elif term.name not in _REGEX_SAMPLES and term.name not in ("WS", "COMMENT", "NAME"):
                raise ValueError(f"no samples for the grammar's terminal {term.name}")
        self.names = tuple(names) or ("x", "seuil", "bretagne")
        self.paths = tuple(paths) or ("applicant.population", "requested")
        self.height = self._heights()

    def _heights(self) -> dict[str, int]:
        """The least derivation depth of each rule (terminals are 0)."""
        height: dict[str, int] = {}
        changed = True
        while changed:
            changed = False
            for name, rules in self.rules.items():
                for rule in rules:
                    depth = self._depth(rule, height)
                    if depth is not None and depth < height.get(name, 1 << 30):
                        height[name] = depth
                        changed = True
        return height

    def _depth(self, rule: Rule, height: dict[str, int]) -> int | None:
        deepest = 0
        for sym in rule.expansion:
            if isinstance(sym, NonTerminal):
                if sym.name not in height:
                    return None
                deepest = max(deepest, height[sym.name])
        return deepest + 1

    def generate(self, rng: random.Random, start: str = "start", max_depth: int = 24) -> str:
        """One derivation of `start` as text (tokens separated by spaces, keywords on new lines)."""
        out: list[str] = []
        self._expand(rng, start, 0, max_depth, out)
        return " ".join(out).replace(" \n ", "\n") + "\n"

    def _expand(self, rng: random.Random, name: str, depth: int, max_depth: int,
                 out: list[str]) -> None:
        rules = self.rules[name]
        # The deeper, the likelier the shallowest expansions: random
        # derivations otherwise grow without bound (every level of the
        # precedence chain may recurse).
        if depth >= max_depth or rng.random() < depth / max_depth:
            least = min(self._depth(r, self.height) or 0 for r in rules)
            # Those one level deeper too, unless they recurse, so that `f()`
            # is not the only way an expression can end.
            rules = [r for r in rules
                     if (self._depth(r, self.height) or 0) <= least
                     or ((self._depth(r, self.height) or 0) == least + 1
                         and all(s.name != name for s in r.expansion))]
        weights = [_WEIGHTS.get(str(r.alias), 1.0) for r in rules]
        rule = rng.choices(rules, weights)[0]
        if name in ("declaration", "amount_step", "band", "criterion", "header_field"):
            out.append("\n")
        where = str(rule.alias) if rule.alias else name
        for sym in rule.expansion:
            if isinstance(sym, NonTerminal):
                self._expand(rng, sym.name, depth + 1, max_depth, out)
            elif sym.name in self.literals:
                out.append(self.literals[sym.name])
            elif sym.name == "NAME":
                out.append(self._name(rng, where))
            else:
                out.append(rng.choice(_REGEX_SAMPLES[sym.name]))

    def _name(self, rng: random.Random, where: str) -> str:
        if where == "call":
            return rng.choice(_FUNCTIONS)
        # Where an expression reads a field, a real path of the shipped
        # policies makes the checker accept it more often.
        if where == "name" and rng.random() < 0.5:
            return rng.choice(self.paths)
        if rng.random() < 0.01:
            return rng.choice(tokens.IDENTIFIERS)
        return rng.choice(self.names)
