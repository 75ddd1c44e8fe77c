"""Properties of the semantic diff over generated policies (tests/strategies.py).

A policy is never different from itself or from its formatted text, and a
single mutation (a band threshold, an amount, a rule added or removed) is
reported as exactly that edit, under the path that names it.
"""

from __future__ import annotations

import operator
import random
from functools import partial

import attrs
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from fitn7 import format_policy, parse_policy
from fitn7.audit import Added, Changed, Removed, diff
from fitn7.audit.canonical import expr_text, node_text
from fitn7.dsl import ast
from tests.budget import examples
from tests.strategies import (
    bands,
    bounded_bands,
    declared_names,
    expressions,
    policies,
    texts,
    valued_steps,
)

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
#: Each diff hashes both versions (format, then re-parse to verify): keep the counts modest.
SETTINGS = settings(max_examples=examples(100), deadline=None, suppress_health_check=_HEALTH)
MUTATIONS = settings(max_examples=examples(60), deadline=None, suppress_health_check=_HEALTH)

#: Ids no generated policy uses (strategies.IDENTIFIERS has none of them), so an
#: injected rule or step is the only one with its id.
FRESH = ("rule_ajoutee", "plafond_test", "forfait_test", "taux_test", "bonus_test")


@SETTINGS
@given(policies())
def test_a_policy_has_no_diff_with_itself(policy):
    """`diff(p, p)` is empty for any policy."""
    d = diff(policy, policy)
    assert d.edits == ()
    assert d.old == d.new


@SETTINGS
@given(policies())
def test_formatting_is_no_change(policy):
    """`diff(p, parse(format(p)))` is empty: layout is not meaning."""
    again = parse_policy(format_policy(policy), "formatted.fitn7")
    assert diff(policy, again).edits == ()


def _insert(policy: ast.Policy, index: int, declaration: ast.Declaration) -> ast.Policy:
    decls = list(policy.declarations)
    decls.insert(min(index, len(decls)), declaration)
    return attrs.evolve(policy, declarations=tuple(decls))


_OPTIONAL_TEXT = st.none() | texts
#: A rule with an id no generated policy has (built once: see tests/strategies.py).
_ADDED_RULES = st.builds(ast.Rule, st.sampled_from(["require", "exclude", "review"]),
                         st.just("rule_ajoutee"), expressions(),
                         message=_OPTIONAL_TEXT, source=_OPTIONAL_TEXT)


_ORDER_FREE = (ast.Param, ast.Let, ast.Session, ast.Rule, ast.Limit, ast.Invariant,
               ast.ExpenseCategory, ast.Input, ast.Document)


#: Found by a random run: two sessions of one empty name (`session "" closes 0` and
#: `session "" closes {}`), swapped, gave `Changed(path='session.""', old='0', new='{}')`.
#: The checker refuses them (E103), so the property does not cover them: skipped.
TWO_SESSIONS_OF_ONE_EMPTY_NAME = ast.Policy(
    ast.Header(""), (ast.Session("", ast.IntLit(0)), ast.Session("", ast.SetLit(()))))


@SETTINGS
@given(policies(unique_names=True), st.randoms(use_true_random=False))
@example(TWO_SESSIONS_OF_ONE_EMPTY_NAME, random.Random(1))
def test_moving_declarations_changes_neither_diff_nor_hash(policy, rng):
    """Rules, params, lets, sessions, limits, invariants and the vocabulary (categories,
    inputs, documents) shuffled among their places: no semantic change, and the same
    policy hash (decisions made under one replay under the other)."""
    places = [i for i, d in enumerate(policy.declarations) if isinstance(d, _ORDER_FREE)]
    moved = [policy.declarations[i] for i in places]
    # Two declarations with one id or name are a check error (E101, E102, E103): which
    # one counts then depends on the order, and no valid policy has them. The strategy
    # gives none; an explicit example may (`""` is a name too).
    names = declared_names(policy)
    assume(len(set(names)) == len(names))
    rng.shuffle(moved)
    declarations = list(policy.declarations)
    for place, decl in zip(places, moved, strict=True):
        declarations[place] = decl
    shuffled = attrs.evolve(policy, declarations=tuple(declarations))
    d = diff(policy, shuffled)
    assert d.edits == ()
    # The diff's versions carry policy_hash of each side: hashing again would
    # format and re-parse both policies a second time.
    assert d.new.sha256 == d.old.sha256


def _shuffle_sets(policy: ast.Policy, rng) -> ast.Policy:
    """`policy` with the elements of every set literal (and expense list) shuffled."""
    from fitn7.hashing import rewrite

    def shuffle(node):
        if isinstance(node, ast.SetLit):
            items = list(node.items)
            rng.shuffle(items)
            return attrs.evolve(node, items=tuple(items))
        if isinstance(node, ast.Expenses):
            categories = list(node.categories)
            rng.shuffle(categories)
            return attrs.evolve(node, categories=tuple(categories))
        return node

    return rewrite(policy, shuffle)


@SETTINGS
@given(policies(), st.randoms(use_true_random=False))
def test_shuffling_set_elements_changes_neither_diff_nor_hash(policy, rng):
    """A set means the same in any order: the elements of every set literal (and expense
    category list) shuffled, at any depth, give no edit and the same policy hash."""
    shuffled = _shuffle_sets(policy, rng)
    d = diff(policy, shuffled)
    assert d.edits == ()
    # The diff's versions carry policy_hash of each side: hashing again would
    # format and re-parse both policies a second time.
    assert d.new.sha256 == d.old.sha256


@MUTATIONS
@given(policies(), st.integers(0, 8), st.data())
def test_an_added_rule_is_exactly_one_addition(policy, index, data):
    """Inserting a rule anywhere gives one `Added` at `rule.<id>` with its canonical text."""
    rule = data.draw(_ADDED_RULES)
    d = diff(policy, _insert(policy, index, rule))
    assert d.edits == (
        Added("rule.rule_ajoutee", node_text(rule), rule.kind, rule.message, rule.source),
    )


@MUTATIONS
@given(policies(), st.integers(0, 8), st.data())
def test_a_removed_rule_is_exactly_one_removal(policy, index, data):
    """Removing a rule gives one `Removed` at `rule.<id>` with its canonical text."""
    rule = data.draw(_ADDED_RULES)
    d = diff(_insert(policy, index, rule), policy)
    assert d.edits == (
        Removed("rule.rule_ajoutee", node_text(rule), rule.kind, rule.message, rule.source),
    )


def _different(old: ast.Expr) -> st.SearchStrategy[ast.Expr]:
    """An expression that means something else than `old` (rarely drawn equal: the
    filter almost never rejects)."""
    return expressions().filter(partial(operator.ne, old))


#: A banded forfait with its own id and, first, a band with a threshold.
_BANDED_STEPS = st.builds(
    ast.ForfaitBands, st.just("forfait_test"), expressions(), st.none() | expressions(),
    st.tuples(bounded_bands(), st.lists(bands(), max_size=3)).map(lambda t: (t[0], *t[1])),
)


@MUTATIONS
@given(policies(), st.integers(0, 8), _BANDED_STEPS, st.data())
def test_a_moved_threshold_is_exactly_that_change(policy, index, step, data):
    """Changing one band threshold gives one `Changed` at `rule.<id>.bands[N].from|below`."""
    n = data.draw(st.sampled_from([i for i, b in enumerate(step.bands) if b.kind != "otherwise"]))
    band = step.bands[n]
    bound = data.draw(st.sampled_from([f for f in ("low", "high") if getattr(band, f) is not None]))
    old_value = getattr(band, bound)
    new_value = data.draw(_different(old_value))
    moved = attrs.evolve(band, **{bound: new_value})
    mutated = attrs.evolve(step, bands=(*step.bands[:n], moved, *step.bands[n + 1:]))
    before = _insert(policy, index, ast.Amount((step,)))
    after = _insert(policy, index, ast.Amount((mutated,)))
    word = "from" if bound == "low" else "below"
    assert diff(before, after).edits == (
        Changed(f"rule.forfait_test.bands[{n + 1}].{word}", expr_text(old_value),
                expr_text(new_value), "forfait", step.message, step.source),
    )


#: A forfait, rate, bonus, cap or floor with an id of its own.
_NAMED_STEPS = valued_steps().map(lambda s: attrs.evolve(s, id="plafond_test"))


@MUTATIONS
@given(policies(), st.integers(0, 8), _NAMED_STEPS, st.data())
def test_a_changed_amount_is_exactly_that_change(policy, index, step, data):
    """Changing the amount of a forfait, rate, bonus, cap or floor gives one `Changed`
    at `rule.<id>.<forfait|rate|bonus|cap|floor>`."""
    new_value = data.draw(_different(step.value))
    before = _insert(policy, index, ast.Amount((step,)))
    after = _insert(policy, index, ast.Amount((attrs.evolve(step, value=new_value),)))
    word = step.kind if isinstance(step, ast.Adjustment) else (
        "rate" if isinstance(step, ast.Rate) else "forfait")
    assert diff(before, after).edits == (
        Changed(f"rule.plafond_test.{word}", expr_text(step.value), expr_text(new_value), word,
                step.message, step.source),
    )


@MUTATIONS
@given(policies(), st.data())
def test_a_changed_band_amount_in_any_banded_forfait_is_one_change(policy, data):
    """In a generated policy with a banded forfait of unique id, changing one band's amount
    gives one `Changed` at `rule.<id>.bands[N].amount`."""
    step = data.draw(_BANDED_STEPS)
    policy = _insert(policy, data.draw(st.integers(0, 8)), ast.Amount((step,)))
    n = data.draw(st.integers(0, len(step.bands) - 1))
    band = step.bands[n]
    value = data.draw(_different(band.value))
    mutated = attrs.evolve(step, bands=tuple(
        attrs.evolve(b, value=value) if i == n else b for i, b in enumerate(step.bands)))
    after = attrs.evolve(policy, declarations=tuple(
        ast.Amount((mutated,)) if d == ast.Amount((step,)) else d for d in policy.declarations))
    edits = diff(policy, after).edits
    assert [(e.path, getattr(e, "old", None), getattr(e, "new", None)) for e in edits] == [
        (f"rule.forfait_test.bands[{n + 1}].amount", expr_text(band.value), expr_text(value))]
