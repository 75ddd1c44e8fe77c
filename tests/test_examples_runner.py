"""`fitn7 test`: example dossiers against their expected decisions, and the example files
that cannot be trusted to test anything."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fitn7.cli import main

POLICY = 'policy "ex"\n  version "1"\n\nrequire bretonne: applicant.departement == "29"\n' \
         '  source "s"\n'

DOSSIER = textwrap.dedent('''\
    id = "{ident}"
    submitted = 2021-06-01
    requested = 1000
    expenses = [{{ category = "etude", amount = 1000 }}]
    [applicant]
    kind = "commune"
    code = "29195"
    population = 6755
    departement = "{dep}"
    ''')


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    (tmp_path / "ex.fitn7").write_text(POLICY, "utf-8")
    (tmp_path / "ex").mkdir()
    return tmp_path / "ex.fitn7"


def example(policy: Path, name: str, ident: str, dep: str, expected: str) -> None:
    text = DOSSIER.format(ident=ident, dep=dep) + "\n[expected]\n" + expected
    (policy.parent / "ex" / name).write_text(text, "utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_and_failing_examples_are_counted(policy, capsys):
    """Each example is compared on the keys given; a failure says what differs; exit 1."""
    example(policy, "a.toml", "A", "29", 'status = "eligible"\namount = "1000.00"\n')
    example(policy, "b.toml", "B", "56", 'status = "eligible"\n')
    code, out, _ = run(capsys, "test", str(policy))
    assert code == 1
    assert out.splitlines()[-1] == "1 réussi, 1 en échec"
    assert "     le statut est `ineligible`, `eligible` attendu" in out.splitlines()
    code, out, _ = run(capsys, "test", str(policy), "--lang", "en")
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    assert "     status is `ineligible`, expected `eligible`" in out.splitlines()


@pytest.mark.parametrize(("expected", "problem"), [
    ("", "[expected] is empty @ $: give at least the `status`"),
    ('status = "eligibl"\n', "expected status `eligibl` is not a status (did you mean "
                             "`eligible`?)"),
    ('statut = "eligible"\n', "unknown key `statut` in [expected]"),
])
def test_an_example_that_tests_nothing_fails(policy, capsys, expected, problem):
    """An empty [expected], a misspelt status or key would pass whatever the policy says:
    each is a failure that says why."""
    example(policy, "a.toml", "A", "29", expected)
    code, out, _ = run(capsys, "test", str(policy))
    assert code == 1
    assert f"     {problem}" in out.splitlines()


def test_a_broken_example_file_says_it_is_invalid_toml(policy, capsys):
    (policy.parent / "ex" / "a.toml").write_text('id = "A"\nstatus = \n', "utf-8")
    code, out, _ = run(capsys, "test", str(policy))
    assert code == 1
    assert "     cannot read the example: invalid TOML: " in out


def test_a_policy_without_examples_is_noted(policy, capsys):
    """No examples is not a failure, but it is said, even without -v."""
    code, out, err = run(capsys, "test", str(policy))
    assert (code, out) == (0, "0 réussi, 0 en échec\n")
    assert err == (f"fitn7 test: remarque : {policy} : aucun exemple (cherchés dans "
                   f"{policy.parent / 'ex'}/)\n")
