"""The fitn7 hooks of fitn7-zrr: functions, fields, enricher, and a policy that `uses` it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from fitn7 import parse_policy
from fitn7 import types as t
from fitn7.checker import check
from fitn7.diagnostics import Diagnostic, Severity
from fitn7.dossier import Collectivite, Dossier, Kind
from fitn7.errors import PluginError
from fitn7.evaluation import compile_policy
from fitn7.loading import Loaded, load_dossiers
from fitn7.plugins import PluginHost
from fitn7.resolve import load_resolved
from fitn7.testing import make_dossier

import fitn7_zrr.plugin
from fitn7_zrr import TABLE_ENV

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE_SOURCE = "ZRR table zrr-sample.csv (échantillon, non officiel) (arrêté du 2017-03-16)"


@pytest.fixture(autouse=True)
def sample_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads the shipped sample unless it sets FITN7_ZRR_TABLE itself."""
    monkeypatch.delenv(TABLE_ENV, raising=False)


@pytest.fixture
def host() -> PluginHost:
    """fitn7 with fitn7-zrr only, whatever else is installed."""
    return PluginHost.load(entry_points=False, plugins=[("fitn7_zrr", fitn7_zrr.plugin)])


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def commune(code: str, **fields: object) -> Collectivite:
    return Collectivite(kind=Kind.COMMUNE, code=code, **fields)  # type: ignore[arg-type]


def dossier(applicant: Collectivite, *members: Collectivite) -> Dossier:
    return Dossier(id="D-1", applicant=applicant, members=members)


def test_declares_functions_and_fields(host: PluginHost) -> None:
    """The plugin declares `zrr` and `zrr_classement`, and two typed `extra` fields."""
    zrr = host.functions.get("zrr")
    classement = host.functions.get("zrr_classement")
    assert zrr is not None and classement is not None
    assert zrr.signature() == "zrr(code: string) -> bool"
    assert classement.signature() == "zrr_classement(code: string) -> string"
    assert zrr.plugin == "fitn7_zrr"
    assert host.schema.fields(t.Record("extra:collectivite")) == {
        "zrr_classement": t.STRING,
        "zrr_arrete": t.DATE,
    }
    assert [f.name for f in fitn7_zrr.plugin.fitn7_register_fields()] == [
        "zrr_classement",
        "zrr_arrete",
    ]
    assert [f.name for f in fitn7_zrr.plugin.fitn7_register_functions()] == [
        "zrr",
        "zrr_classement",
    ]


@pytest.mark.parametrize(
    ("code", "zrr", "classement"),
    [
        ("32233", True, "classée"),
        ("29195", False, "non classée"),
        ("22055", None, "partiellement classée"),
        ("75056", None, None),
        (None, None, None),
    ],
)
def test_functions_read_the_table(
    host: PluginHost, code: str | None, zrr: bool | None, classement: str | None
) -> None:
    """`zrr` is true, false or unknown (partial or absent); `zrr_classement` gives the words."""
    assert host.functions.functions["zrr"].impl(code) is zrr
    assert host.functions.functions["zrr_classement"].impl(code) == classement


def test_enricher_fills_absent_zrr_with_provenance(host: PluginHost) -> None:
    """An applicant without `zrr` gets it from the table, and the trace names the table."""
    enriched = host.enrich(dossier(commune("32233")))
    applicant = enriched.dossier.applicant
    assert applicant is not None
    assert applicant.zrr is True
    assert applicant.extra == {
        "zrr_classement": "classée",
        "zrr_arrete": datetime.date(2017, 3, 16),
    }
    assert enriched.warnings == ()
    assert enriched.plugins == ("fitn7_zrr",)
    (entry,) = enriched.trace
    assert entry.rule == "fitn7_zrr"
    assert entry.kind == "enrich"
    assert entry.read == (
        ("applicant.zrr", True),
        ("applicant.extra.zrr_classement", "classée"),
        ("applicant.extra.zrr_arrete", datetime.date(2017, 3, 16)),
    )
    assert entry.source == SAMPLE_SOURCE


def test_enricher_keeps_dossier_value_and_warns(host: PluginHost) -> None:
    """A `zrr` the dossier gives is kept; if the table disagrees, a warning says so."""
    enriched = host.enrich(dossier(commune("32233", zrr=False)))
    applicant = enriched.dossier.applicant
    assert applicant is not None
    assert applicant.zrr is False
    assert enriched.warnings == (
        f"D-1: fitn7_zrr: `applicant.zrr` is false in the dossier, true in {SAMPLE_SOURCE}: "
        "the dossier's value is kept",
    )


def test_enricher_keeps_extra_values(host: PluginHost) -> None:
    """`extra` values already in the dossier are kept as they are."""
    given = commune("29195", zrr=False, extra={"zrr_arrete": datetime.date(2021, 1, 1)})
    enriched = host.enrich(dossier(given))
    applicant = enriched.dossier.applicant
    assert applicant is not None
    assert applicant.extra == {
        "zrr_arrete": datetime.date(2021, 1, 1),
        "zrr_classement": "non classée",
    }
    assert [path for path, _ in enriched.trace[0].read] == ["applicant.extra.zrr_classement"]


def test_partial_classement_is_left_to_the_policy(host: PluginHost) -> None:
    """A partially classified commune keeps `zrr` absent, with a warning and its classement."""
    enriched = host.enrich(dossier(commune("22055")))
    applicant = enriched.dossier.applicant
    assert applicant is not None
    assert applicant.zrr is None
    assert applicant.extra["zrr_classement"] == "partiellement classée"
    assert enriched.warnings == (
        "D-1: fitn7_zrr: `22055` is partiellement classée in the ZRR table zrr-sample.csv: "
        "`applicant.zrr` left absent; the policy may test `zrr_classement(...)` or "
        "`applicant.extra.zrr_classement`",
    )


def test_members_are_enriched_with_their_paths(host: PluginHost) -> None:
    """Each member is looked up too, and the provenance names `members[i]`."""
    enriched = host.enrich(dossier(commune("29195", zrr=False), commune("29081"), commune("29117")))
    assert [m.zrr for m in enriched.dossier.members] == [True, False]
    paths = [path for path, _ in enriched.trace[0].read if path.endswith(".zrr")]
    assert paths == ["members[0].zrr", "members[1].zrr"]


def test_code_not_in_table(host: PluginHost) -> None:
    """A commune absent from the table is warned about; a SIREN (not a commune) is not."""
    enriched = host.enrich(dossier(commune("75056"), Collectivite(kind=Kind.CC, code="200034726")))
    applicant = enriched.dossier.applicant
    assert applicant is not None and applicant.zrr is None
    assert enriched.warnings == (
        "D-1: fitn7_zrr: code `75056` is not in the ZRR table zrr-sample.csv: "
        "`applicant.zrr` left absent",
    )
    assert enriched.trace == ()


def test_nothing_to_do_returns_none() -> None:
    """A dossier without codes is left alone: the hook returns None."""
    assert fitn7_zrr.plugin.fitn7_enrich_dossier(Dossier(id="D-1")) is None
    assert fitn7_zrr.plugin.fitn7_enrich_dossier(dossier(Collectivite(name="x"))) is None


def test_bad_table_fails_the_dossier_clearly(
    host: PluginHost, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A malformed table makes enrichment and calls fail with a PluginError naming it."""
    path = tmp_path / "zrr.csv"
    path.write_text("code_insee,classement\n32013,classée\n", encoding="utf-8")
    monkeypatch.setenv(TABLE_ENV, str(path))
    with pytest.raises(PluginError) as info:
        host.enrich(dossier(commune("32013")))
    assert str(info.value) == (
        "plugin `fitn7_zrr` failed to enrich dossier `D-1`: ZrrTableError: "
        f"{path}:1: missing column `arrete`; the columns are `code_insee`, `classement`, `arrete`"
    )
    with pytest.raises(PluginError) as call:
        host.functions.functions["zrr"].impl("32013")
    assert str(call.value).startswith("plugin `fitn7_zrr` function `zrr` failed: ZrrTableError: ")


POLICY = """
policy "zrr-test"
  version "1"
  uses "fitn7_zrr"

amount
  forfait 10_000 €
  bonus ruralite: 5_000 € when applicant.zrr

score
  zrr: +2 when zrr(applicant.code)
  partielle: +1 when zrr_classement(applicant.code) == "partiellement classée"
  recent: +1 when applicant.extra.zrr_arrete >= 2018-01-01
"""


def test_dossier_without_codes_does_not_read_the_table(
    host: PluginHost, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With nothing to look up, even a broken table does not fail the dossier."""
    monkeypatch.setenv(TABLE_ENV, str(tmp_path / "absent.csv"))
    lone = Dossier(id="D-1", applicant=Collectivite(name="Commune sans code"))
    assert host.enrich(lone).dossier == lone


def test_policy_using_the_plugin_end_to_end(host: PluginHost) -> None:
    """A policy that `uses "fitn7_zrr"` checks and evaluates with the table's values."""
    policy = parse_policy(POLICY, "zrr.fitn7")
    assert host.missing_uses(policy) == []
    assert errors(check(policy, functions=host.functions, schema=host.schema)) == []
    program = compile_policy(policy, functions=host.functions, schema=host.schema)

    marciac = make_dossier(applicant_code="32233", applicant_zrr=None, requested=None)
    decision = program.evaluate(host.enrich(marciac).dossier)
    assert (str(decision.status), decision.amount, decision.score) == (
        "eligible",
        Decimal("15000.00"),
        2,
    )

    binic = make_dossier(applicant_code="22055", applicant_zrr=None, requested=None)
    decision = program.evaluate(host.enrich(binic).dossier)
    assert str(decision.status) == "incomplete"
    assert decision.missing == ("applicant.zrr",)
    assert decision.score == 2


def test_policy_without_the_plugin_is_refused() -> None:
    """Without fitn7-zrr loaded, the policy's `uses` is reported (E130), and `zrr` is unknown."""
    bare = PluginHost.load(entry_points=False)
    policy = parse_policy(POLICY, "zrr.fitn7")
    (missing,) = bare.missing_uses(policy)
    assert missing.code == "E130"
    assert missing.message == "policy needs plugin `fitn7_zrr`: install it or pass --plugins-dir"
    found = errors(check(policy, functions=bare.functions, schema=bare.schema))
    assert [d.message for d in found][:1] == ["unknown function `zrr`"]


def test_shipped_example_policy(host: PluginHost) -> None:
    """The example policy checks clean and decides its three example dossiers as documented."""
    policy = load_resolved(EXAMPLES / "ruralite.fitn7", [])
    assert check(policy, functions=host.functions, schema=host.schema) == []
    program = compile_policy(policy, functions=host.functions, schema=host.schema)
    results = {}
    for loaded in load_dossiers(EXAMPLES / "ruralite"):
        assert isinstance(loaded, Loaded)
        decision = program.evaluate(host.enrich(loaded.dossier).dossier)
        results[decision.dossier] = (str(decision.status), decision.amount, decision.score)
    assert results == {
        "ZRR-01": ("eligible", Decimal("14000.00"), 2),
        "ZRR-02": ("eligible", Decimal("9000.00"), 0),
        "ZRR-03": ("incomplete", None, 2),
    }


def test_installed_entry_point_is_discovered() -> None:
    """Once installed (`pip install plugins/fitn7-zrr`), the entry point loads it by name."""
    loaded = PluginHost.load()
    assert "fitn7_zrr" in loaded.names()
    assert loaded.version("fitn7_zrr") == "0.1.0"
    assert loaded.functions.get("zrr") is not None


def test_enrichment_does_not_touch_other_fields(host: PluginHost) -> None:
    """Enrichment changes only what it reports: the rest of the dossier is equal."""
    original = make_dossier(applicant_zrr=None)
    enriched = host.enrich(original).dossier
    assert enriched.applicant is not None and original.applicant is not None
    assert attrs.evolve(enriched.applicant, zrr=None, extra={}) == original.applicant
    assert attrs.evolve(enriched, applicant=original.applicant) == original


def test_disabled_plugin_declares_nothing() -> None:
    """FITN7_DISABLED_PLUGINS (here `disabled=`) keeps the plugin's functions out."""
    host = PluginHost.load(
        entry_points=False, disabled=["fitn7_zrr"], plugins=[("fitn7_zrr", fitn7_zrr.plugin)]
    )
    assert host.functions.get("zrr") is None
    assert host.schema.fields(t.Record("extra:collectivite")) == {}


def test_disabled_plugin_is_reported_as_missing() -> None:
    """A policy that `uses` a disabled plugin is refused like one that is not installed."""
    host = PluginHost.load(
        entry_points=False, disabled=["fitn7_zrr"], plugins=[("fitn7_zrr", fitn7_zrr.plugin)]
    )
    assert "fitn7_zrr" not in host.names()
    assert [d.code for d in host.missing_uses(parse_policy(POLICY, "zrr.fitn7"))] == ["E130"]


def test_a_bad_table_is_said_once_when_the_plugin_loads(tmp_path: Path) -> None:
    """A table that cannot be read leaves the plugin out when fitn7 loads it: `fitn7 check`
    of a policy that uses it says why (E130), and says what to do, not "reinstall"."""
    import os
    import subprocess
    import sys

    bad = tmp_path / "zrr.csv"
    bad.write_text("code;x\n", encoding="utf-8")
    policy = Path(__file__).resolve().parents[1] / "examples" / "ruralite.fitn7"
    done = subprocess.run(
        [sys.executable, "-m", "fitn7", "check", str(policy)],
        capture_output=True, text=True, env={**os.environ, TABLE_ENV: str(bad)}, check=False,
    )
    assert done.returncode == 1
    assert "policy needs plugin `fitn7_zrr`, which is installed" in done.stdout
    assert f"{bad}:1: missing column `code_insee`" in done.stdout
    assert "= help: correct what the message names, then run again" in done.stdout
    assert "Traceback" not in done.stderr
