"""Two declarations with one name are an error the checker points at (both lines named),
and the diff and the hash of such a policy do not depend on the order of the two."""

from __future__ import annotations

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitn7 import check, parse_policy
from fitn7.audit import diff
from fitn7.dsl import ast
from fitn7.hashing import policy_hash
from tests.budget import examples
from tests.strategies import expressions, policies

HEADER = 'policy "p"\n  title "t"\n  authority "a"\n  version "1"\n'


def codes(text: str) -> list[tuple[str, int, int, str | None]]:
    """(code, line, column, hint) of each error of the policy."""
    return [(d.code, d.span.line, d.span.column, d.help) for d in check(parse_policy(text, "p"))
            if d.code.startswith("E")]


def test_two_sessions_of_one_name_are_e103_at_the_second_naming_the_first():
    text = HEADER + 'session "vague 1" closes 2021-05-30\nsession "vague 1" closes 2021-09-30\n'
    (found,) = codes(text)
    assert found == ("E103", 6, 9, "the first one is at line 5; give each committee its own name")


def test_a_session_without_a_name_is_e111():
    text = HEADER + 'session "" closes 2021-05-30\nsession "  " closes 2021-09-30\n'
    assert [(c, line, col) for c, line, col, _ in codes(text)] == [("E115", 5, 9),
                                                                  ("E115", 6, 9)]


def test_every_kind_of_duplicate_is_an_error():
    """Rules, steps, criteria, limits, invariants (E101), lets and params (E102), sessions
    (E103): each repeated name is reported once, at the repeat, naming the first line."""
    text = HEADER + (
        'session "s" closes 2021-01-01\nsession "s" closes 2021-02-01\n'
        "param p = 1\nlet p = 2\n"
        "require r: true\nlimit r: at most 1 award per applicant\ninvariant r: true\n"
        "score\n  r: +1 when true\namount\n  cap r: 1 €\n"
    )
    found = [(c, line) for c, line, _, _ in codes(text)]
    assert found == [("E103", 6), ("E102", 8), ("E101", 10), ("E101", 11), ("E101", 13),
                     ("E101", 15)]
    assert all("line" in hint for _, _, _, hint in codes(text))


def test_the_generated_case_two_nameless_sessions_swapped_is_no_change():
    """The counterexample the diff property test found: `Changed(path='session.""',
    old='0', new='{}')` for two sessions of one empty name that only swapped places."""
    first = ast.Session("", ast.IntLit(0))
    second = ast.Session("", ast.SetLit(()))
    policy = ast.Policy(ast.Header("p"), (first, second))
    swapped = ast.Policy(ast.Header("p"), (second, first))
    assert diff(policy, swapped).edits == ()
    assert policy_hash(policy) == policy_hash(swapped)


def test_a_change_to_one_of_two_rules_of_one_id_is_one_change():
    old = parse_policy('policy "p"\nrequire x: true\nrequire x: false\n')
    new = parse_policy('policy "p"\nrequire x: 1 == 1\nrequire x: true\n')
    assert diff(old, new).paths == ("rule.x~2.condition",)


_NAMED = (ast.Param, ast.Let, ast.Session, ast.Rule, ast.Limit, ast.Invariant)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.data_too_large])
@given(policies(), st.data())
def test_swapping_two_declarations_of_one_name_changes_neither_diff_nor_hash(policy, data):
    """A named declaration doubled with another body, then the two swapped: no edit, the
    same hash, for any generated policy."""
    named = [i for i, d in enumerate(policy.declarations) if isinstance(d, _NAMED)]
    if not named:
        return
    index = data.draw(st.sampled_from(named))
    original = policy.declarations[index]
    field = "condition" if isinstance(original, ast.Rule | ast.Invariant) else (
        "default" if isinstance(original, ast.Param) else
        "value" if isinstance(original, ast.Let) else
        "closes" if isinstance(original, ast.Session) else "count")
    twin = attrs.evolve(original, **{field: data.draw(expressions())})
    doubled = list(policy.declarations)
    doubled.insert(index + 1, twin)
    swapped = list(doubled)
    swapped[index], swapped[index + 1] = twin, original
    before = attrs.evolve(policy, declarations=tuple(doubled))
    after = attrs.evolve(policy, declarations=tuple(swapped))
    assert diff(before, after).edits == ()
    assert policy_hash(before) == policy_hash(after)
