"""fitn7-prestataires: `local_share` and `local_amount`, alone and in policies."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fitn7 import parse_policy
from fitn7 import types as t
from fitn7.checker import check
from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dossier import Category, Expense, Provider
from fitn7.errors import PluginError
from fitn7.evaluation import compile_policy
from fitn7.loading import Loaded, load_dossiers
from fitn7.plugins import PluginHost
from fitn7.resolve import load_resolved
from fitn7.testing import make_dossier

from fitn7_prestataires import local_amount, local_share
from fitn7_prestataires import plugin as prestataires_plugin

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def line(amount: str | None, region: str | None = "53", category: str = "formation",
         provider: bool = True) -> Expense:
    return Expense(
        "ligne",
        Category(category),
        None if amount is None else Decimal(amount),
        Provider("Prestataire", None, region) if provider else None,
    )


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


@pytest.fixture
def host() -> PluginHost:
    """fitn7 with fitn7-prestataires only, whatever else is installed."""
    return PluginHost.load(
        entry_points=False, plugins=[("fitn7_prestataires", prestataires_plugin)]
    )


def test_share_of_local_lines() -> None:
    """The share is the local amount over the lines' total, exactly."""
    lines = (line("6000", "53"), line("12000", "11"), line("2000", "53"))
    assert local_share(lines, "53") == Decimal("0.4")
    assert local_amount(lines, "53") == Decimal("8000")
    assert local_share(lines, "11") == Decimal("0.6")


def test_share_is_exact_not_rounded() -> None:
    """One euro in three is 1/3 to Decimal precision, below 33.34% and above 33.33%."""
    share = local_share((line("1", "53"), line("2", "11")), "53")
    assert share is not None
    assert Decimal("0.3333") < share < Decimal("0.3334")
    assert share * 3 == Decimal("0.9999999999999999999999999999")


def test_all_or_nothing_local() -> None:
    """All local lines give 1 (100%), none give 0."""
    assert local_share((line("100", "53"), line("50", "53")), "53") == Decimal(1)
    assert local_share((line("100", "11"),), "53") == Decimal(0)


def test_no_lines_and_zero_amounts_give_zero() -> None:
    """No lines, or lines of 0 €, give a share of 0 and an amount of 0, not unknown."""
    assert local_share((), "53") == Decimal(0)
    assert local_amount((), "53") == Decimal(0)
    assert local_share((line("0", "53"),), "53") == Decimal(0)


def test_absent_provider_counts_as_not_local() -> None:
    """A line without provider, or without provider region, is not local: a lower bound."""
    lines = (line("10000", provider=False), line("6000", "53"), line("4000", None))
    assert local_share(lines, "53") == Decimal("0.3")
    assert local_amount(lines, "53") == Decimal("6000")


def test_unknown_amount_or_lines_is_unknown() -> None:
    """An unknown amount, list or region makes the result unknown (None)."""
    assert local_share((line("100", "53"), line(None, "11")), "53") is None
    assert local_amount((line(None, "53"),), "53") is None
    assert local_share(None, "53") is None
    assert local_amount(None, "53") is None
    assert local_share((line("1"),), None) is None


def test_region_must_be_an_insee_code() -> None:
    """A region name instead of its code is refused rather than giving a silent 0."""
    with pytest.raises(ValueError) as info:
        local_share((line("1"),), "Bretagne")
    assert str(info.value) == (
        '`Bretagne` is not an INSEE region code: write two digits, e.g. "53" for Bretagne'
    )


def test_declarations(host: PluginHost) -> None:
    """Both functions are declared with typed parameters and the plugin's name."""
    share = host.functions.get("local_share")
    amount = host.functions.get("local_amount")
    assert share is not None and amount is not None
    assert share.signature() == "local_share(lines: list of expense, region: string) -> percent"
    assert amount.signature() == "local_amount(lines: list of expense, region: string) -> money"
    assert share.plugin == amount.plugin == "fitn7_prestataires"
    assert [d.name for d in prestataires_plugin.fitn7_register_functions()] == [
        "local_share",
        "local_amount",
    ]


def test_wrong_region_in_a_policy_is_a_plugin_error(host: PluginHost) -> None:
    """A bad region at evaluation is a PluginError naming the plugin and the function."""
    with pytest.raises(PluginError) as info:
        host.functions.functions["local_share"].impl((line("1"),), "Bretagne")
    assert str(info.value) == (
        "plugin `fitn7_prestataires` function `local_share` failed: ValueError: "
        '`Bretagne` is not an INSEE region code: write two digits, e.g. "53" for Bretagne'
    )


POLICY = """
policy "prestataires-test"
  version "1"
  uses "fitn7_prestataires"

expenses ineligible {personnel, materiel}

score
  local: +2 when local_share(expenses[eligible], "53") >= 50%
  montant: +1 when local_amount(expenses, "53") >= 5_000 €
"""


def test_policy_type_checks_calls(host: PluginHost) -> None:
    """The checker types the calls: a region given as a number is an error before evaluation."""
    policy = parse_policy(POLICY, "p.fitn7")
    assert errors(check(policy, functions=host.functions, schema=host.schema)) == []
    bad = parse_policy(POLICY.replace('"53") >= 50%', '53) >= 50%'), "p.fitn7")
    (error,) = errors(check(bad, functions=host.functions, schema=host.schema))
    assert error.message == "argument `region` of `local_share` is string, got int"


def test_policy_end_to_end(host: PluginHost) -> None:
    """The policy passes the eligible lines itself: an ineligible local line does not count."""
    policy = parse_policy(POLICY, "p.fitn7")
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    local = make_dossier(expenses=(line("6000", "53"), line("4000", "11")))
    assert program.evaluate(local).score == 3
    # 10 000 € of local hardware is not eligible: the eligible share is 4 000 / 10 000.
    hardware = make_dossier(
        expenses=(line("10000", "53", "materiel"), line("6000", "11"), line("4000", "53"))
    )
    decision = program.evaluate(hardware)
    assert decision.score == 1
    assert [(e.rule, e.outcome) for e in decision.trace if e.kind == "score"] == [
        ("local", "skipped"),
        ("montant", "+1"),
    ]


def test_unknown_amount_scores_zero_without_changing_status(host: PluginHost) -> None:
    """An unknown share counts 0 points and leaves the status alone (score semantics)."""
    program = compile_policy(
        parse_policy(POLICY, "p.fitn7"), functions=host.functions, schema=host.schema
    )
    decision = program.evaluate(make_dossier(expenses=(line("6000", "53"), line(None, "11"))))
    assert decision.score == 0


def test_shipped_example_policy(host: PluginHost) -> None:
    """The example policy checks clean and scores its three dossiers as their comments say."""
    policy = load_resolved(EXAMPLES / "prestataires-locaux.fitn7", [])
    assert check(policy, functions=host.functions, schema=host.schema) == []
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    scores = {}
    for loaded in load_dossiers(EXAMPLES / "prestataires-locaux"):
        assert isinstance(loaded, Loaded)
        decision = program.evaluate(loaded.dossier)
        scores[decision.dossier] = (str(decision.status), decision.score)
    assert scores == {
        "PRE-01": ("eligible", 3),
        "PRE-02": ("eligible", 1),
        "PRE-03": ("eligible", 1),
    }


def test_installed_entry_point_is_discovered() -> None:
    """Once installed, the entry point `fitn7_prestataires` is loaded by name."""
    loaded = PluginHost.load()
    assert "fitn7_prestataires" in loaded.names()
    assert loaded.version("fitn7_prestataires") == "0.1.0"
    decl = loaded.functions.get("local_share")
    assert decl is not None and decl.returns == t.PERCENT
