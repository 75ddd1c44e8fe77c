"""Helpers for people who test policies and plugins: a ready dossier, decision asserts,
a plugin host holding only the plugins under test, generated dossiers.

`make_dossier()` gives a complete, eligible-looking dossier from a real Breton
commune (Plouguerneau, INSEE 29195); override any part by keyword.
`plugin_host(module)` loads fitn7's built-ins and that plugin only, whatever
is installed and whatever the `FITN7_*` variables say. `dossiers()` is the
hypothesis strategy of `fitn7.strategies` (needs hypothesis).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from fitn7.dossier import Category, Collectivite, Dossier, Expense, Kind, Project, Provider
from fitn7.evaluation import Decision, Status
from fitn7.plugins import PluginHost

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "ABSENT",
    "assert_decision",
    "dossiers",
    "make_applicant",
    "make_dossier",
    "make_project",
    "plugin_host",
]

#: The package `fitn7.plugins` imports the files of `--plugins-dir` into.
_LOCAL_PACKAGE = "fitn7_local_plugins"

#: Marker for `make_dossier(applicant_population=ABSENT)`: remove the field.
ABSENT: Any = object()


def make_applicant(**overrides: Any) -> Collectivite:
    """Plouguerneau (29195), a commune of 6 643 inhabitants in the Finistère."""
    base = Collectivite(
        name="Commune de Plouguerneau",
        kind=Kind.COMMUNE,
        code="29195",
        population=6643,
        departement="29",
        region="53",
        zrr=False,
        qpv=False,
    )
    result: Collectivite = _evolve(base, overrides)
    return result


def make_project(**overrides: Any) -> Project:
    """A participatory, open-source citizen portal."""
    base = Project(
        title="Portail citoyen",
        themes=("relation_usagers",),
        tags=("inclusion",),
        started=False,
        duration_months=18,
        participatory=True,
        open_source=True,
        communes_covered=1,
    )
    result: Project = _evolve(base, overrides)
    return result


def make_dossier(**overrides: Any) -> Dossier:
    """A complete dossier; `applicant_X=…` and `project_X=…` override one field of those
    parts, other keywords override dossier fields; `ABSENT` removes a field."""
    applicant = {k[10:]: v for k, v in overrides.items() if k.startswith("applicant_")}
    project = {k[8:]: v for k, v in overrides.items() if k.startswith("project_")}
    rest = {
        k: v for k, v in overrides.items()
        if not k.startswith("applicant_") and not k.startswith("project_")
    }
    base = Dossier(
        id="BZH-2021-014",
        submitted=datetime.date(2021, 6, 10),
        applicant=make_applicant(**applicant),
        members=(),
        project=make_project(**project),
        expenses=(
            Expense(
                "Design de service et tests usagers",
                Category.ACCOMPAGNEMENT,
                Decimal("18000"),
                Provider("Coop Numérique", "12345678900011", "53"),
            ),
        ),
        requested=Decimal("20000"),
    )
    result: Dossier = _evolve(base, rest)
    return result


def _evolve(obj: Any, overrides: dict[str, Any]) -> Any:
    fields = attrs.fields_dict(type(obj))
    for key in overrides:
        if key not in fields:
            raise TypeError(f"{type(obj).__name__} has no field `{key}`")
    changes = {k: (None if v is ABSENT else v) for k, v in overrides.items()}
    return attrs.evolve(obj, **changes)


def assert_decision(
    decision: Decision,
    status: Status | str | None = None,
    *,
    amount: Decimal | str | Any | None = ABSENT,
    score: int | None = None,
    reasons: list[str] | None = None,
    missing: list[str] | None = None,
) -> None:
    """Assert parts of a decision, with a message showing the whole decision on failure."""
    problems = []
    if status is not None and decision.status.value != str(status):
        problems.append(f"status {decision.status.value} != {status}")
    if amount is not ABSENT:
        want = None if amount is None else Decimal(str(amount))
        if decision.amount != want:
            problems.append(f"amount {decision.amount} != {want}")
    if score is not None and decision.score != score:
        problems.append(f"score {decision.score} != {score}")
    if reasons is not None and [r.rule for r in decision.reasons] != reasons:
        problems.append(f"reasons {[r.rule for r in decision.reasons]} != {reasons}")
    if missing is not None and list(decision.missing) != missing:
        problems.append(f"missing {list(decision.missing)} != {missing}")
    if problems:
        raise AssertionError("; ".join(problems) + f"\n{decision.to_dict(trace=False)}")


def plugin_host(*plugins: ModuleType | tuple[str, object]) -> PluginHost:
    """A `PluginHost` with fitn7's built-ins and exactly these plugins: no entry point,
    no `FITN7_PLUGINS_DIR`, no `FITN7_DISABLED_PLUGINS`, nothing printed.

    Each plugin is a module, named after its top-level package as its entry
    point is by convention (`fitn7_zrr.plugin` is `fitn7_zrr`; a module loaded
    from a `--plugins-dir` file keeps its file name), or a `(name, plugin)`
    pair for any other object or name::

        import fitn7_zrr.plugin
        host = plugin_host(fitn7_zrr.plugin)
        policy = ...  # a policy with `uses "fitn7_zrr"`
        assert host.check(policy) == []

    Raises `PluginError` as `PluginHost.load` does for a bad plugin; the
    warnings it would print are in `host.warnings`.
    """
    named: list[tuple[str, object]] = []
    for plugin in plugins:
        if isinstance(plugin, tuple):
            name, given = plugin
            named.append((name, given))
        elif isinstance(plugin, ModuleType):
            named.append((_module_plugin_name(plugin), plugin))
        else:
            raise TypeError(
                f"plugin_host takes modules or (name, plugin) pairs, got "
                f"{type(plugin).__name__}: give it a name, plugin_host((\"name\", plugin))"
            )
    return PluginHost.load(entry_points=False, disabled=(), plugins=named,
                           environment=False, warn=lambda message: None)


def _module_plugin_name(module: ModuleType) -> str:
    parts = module.__name__.split(".")
    if parts[0] == _LOCAL_PACKAGE and len(parts) > 1:
        return parts[-1]
    return parts[0]


def dossiers(complete: bool = False) -> SearchStrategy[Dossier]:
    """The hypothesis strategy of realistic dossiers (`fitn7.strategies.dossiers`).

    Collectivités come from real INSEE data; optional fields are absent now
    and then unless `complete=True`. Needs hypothesis
    (`pip install 'fitn7[properties]'`)::

        from hypothesis import given

        @given(fitn7.testing.dossiers())
        def test_never_pays_a_negative_amount(dossier):
            decision = program.evaluate(dossier)
            assert decision.amount is None or decision.amount >= 0
    """
    try:
        from fitn7 import strategies
    except ImportError as exc:  # hypothesis is an optional dependency
        raise ImportError(
            f"fitn7.testing.dossiers needs hypothesis ({exc}): "
            "pip install 'fitn7[properties]'"
        ) from None
    return strategies.dossiers(complete=complete)
