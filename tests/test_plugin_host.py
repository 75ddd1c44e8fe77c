"""The plugin host: discovery, `uses`, isolation of failing plugins, enrichment, provenance."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from fitn7.cli import main
from fitn7.errors import PluginError
from fitn7.plugins import PluginHost

LOCAL_PLUGIN = '''
"""A local criterion for tests: a commune register of two lines, and a function
that fails on one code and returns a wrong type on another."""

from decimal import Decimal

import attrs

from fitn7 import types as t
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import Enrichment, FieldDecl, Provenance, hookimpl


def _fragile(code):
    if code == "29195":
        raise RuntimeError("table locale illisible")
    if code == "29117":
        return "oui"
    if code == "29002":
        return None  # not in the local table: unknown
    return Decimal("0.25")


@hookimpl
def fitn7_register_functions():
    return [FunctionDecl("taux_local", (("code", t.STRING),), t.PERCENT,
                         "Local share for a code.", _fragile)]


@hookimpl
def fitn7_register_fields():
    return [FieldDecl("collectivite", "label_local", t.STRING, "A local label.")]


@hookimpl
def fitn7_enrich_dossier(dossier):
    applicant = dossier.applicant
    if applicant is None or applicant.population is not None:
        return None
    filled = attrs.evolve(dossier, applicant=attrs.evolve(applicant, population=1234))
    return Enrichment(filled, (Provenance("applicant.population", 1234, "registre test v1"),))
'''

POLICY = '''policy "local"
  version "1"
  uses    "{uses}"

review petite: applicant.population < 2_000
  source "test"

score
  local: +1 when taux_local(applicant.code) >= 20%
    source "test"
'''


def dossier(ident: str, code: str, population: int | None = 5000) -> str:
    pop = f"population = {population}\n" if population is not None else ""
    return textwrap.dedent(f'''\
        id = "{ident}"
        submitted = 2021-06-01
        requested = 1000
        [applicant]
        kind = "commune"
        code = "{code}"
        {pop}[[expenses]]
        category = "etude"
        amount = 1000
        ''')


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "local_test.py").write_text(LOCAL_PLUGIN, "utf-8")
    (tmp_path / "local.fitn7").write_text(POLICY.format(uses="local_test"), "utf-8")
    dossiers = tmp_path / "dossiers"
    dossiers.mkdir()
    (dossiers / "a.toml").write_text(dossier("A", "29195"), "utf-8")
    (dossiers / "b.toml").write_text(dossier("B", "29117"), "utf-8")
    (dossiers / "c.toml").write_text(dossier("C", "29001", population=None), "utf-8")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_failing_plugin_function_is_isolated_to_its_dossier(workspace, capsys):
    """A plugin function that raises, or returns a wrong type, fails that dossier only,
    with the plugin, function and dossier named; the others are decided; exit 1."""
    code, out, err = run(capsys, "eval", str(workspace / "local.fitn7"),
                         str(workspace / "dossiers"), "--plugins-dir",
                         str(workspace / "plugins"), "--format", "json")
    assert code == 1
    decisions = json.loads(out)
    assert [d["dossier"] for d in decisions] == ["C"]
    assert "dossier `A`: plugin `local_test` function `taux_local` failed: RuntimeError: " \
           "table locale illisible" in err
    assert "dossier `B`: plugin `local_test` function `taux_local` returned `'oui'`, " \
           "not a value of type percent" in err
    assert "Traceback" not in err


def test_enrichment_is_traced_and_plugins_recorded(workspace, capsys):
    """An enricher's value is used, shown in the trace with its source, and the decision
    records the plugin that took part."""
    code, out, _ = run(capsys, "eval", str(workspace / "local.fitn7"),
                       str(workspace / "dossiers" / "c.toml"), "--plugins-dir",
                       str(workspace / "plugins"), "--format", "json")
    assert code == 0
    (decision,) = json.loads(out)
    assert decision["status"] == "review"
    assert decision["reasons"][0]["rule"] == "petite"
    assert decision["score"] == 1
    enrich = decision["trace"][0]
    assert enrich["kind"] == "enrich"
    assert enrich["rule"] == "local_test"
    assert enrich["read"] == {"applicant.population": 1234}
    assert enrich["source"] == "registre test v1"
    assert set(decision["plugins"]) == {"local_test"}


def test_enrichers_run_only_for_policies_that_use_them(workspace, capsys):
    """A policy that does not name a plugin is never changed by its enricher."""
    host = PluginHost.load(workspace / "plugins", entry_points=False)
    from fitn7.loading import load_dossier

    dossier = load_dossier(workspace / "dossiers" / "c.toml")
    assert host.enrich(dossier, uses=()).dossier == dossier
    assert host.enrich(dossier, uses=("local_test",)).dossier.applicant.population == 1234


def test_missing_plugin_is_a_check_error(workspace, capsys):
    """`uses` of a plugin that is not there: a clear message, exit 1."""
    (workspace / "local.fitn7").write_text(POLICY.format(uses="fitn7_zrr_absent"), "utf-8")
    code, out, _ = run(capsys, "check", str(workspace / "local.fitn7"))
    assert code == 1
    assert "error[E130]: policy needs plugin `fitn7_zrr_absent`: install it or pass " \
           "--plugins-dir" in out


def test_disabled_plugin_counts_as_missing(workspace, monkeypatch, capsys):
    """A plugin listed in FITN7_DISABLED_PLUGINS is not loaded, so `uses` fails."""
    monkeypatch.setenv("FITN7_DISABLED_PLUGINS", "local_test")
    code, out, _ = run(capsys, "check", str(workspace / "local.fitn7"), "--plugins-dir",
                       str(workspace / "plugins"))
    assert code == 1
    assert "policy needs plugin `local_test`, which is disabled by FITN7_DISABLED_PLUGINS" in out
    assert "= help: remove `local_test` from FITN7_DISABLED_PLUGINS to use this policy" in out


def test_plugin_functions_and_fields_are_known_to_the_checker(workspace, capsys):
    """With the plugin loaded the policy checks; its field is typed like any other."""
    code, _, err = run(capsys, "check", str(workspace / "local.fitn7"), "--plugins-dir",
                       str(workspace / "plugins"))
    assert (code, err) == (0, "ok: 1 policy checked\n")
    (workspace / "local.fitn7").write_text(
        POLICY.format(uses="local_test") + "review r: applicant.extra.label_local == 3\n",
        "utf-8")
    code, out, _ = run(capsys, "check", str(workspace / "local.fitn7"), "--plugins-dir",
                       str(workspace / "plugins"))
    assert code == 1
    assert "cannot compare string with int" in out


def test_implementation_of_an_unknown_hook_is_refused(tmp_path):
    """A plugin implementing a hook fitn7 does not define is refused with its name."""
    (tmp_path / "typo.py").write_text(
        "from fitn7.hookspecs import hookimpl\n\n@hookimpl\ndef fitn7_register_function():\n"
        "    return []\n", "utf-8")
    with pytest.raises(PluginError, match=r"plugin `.*typo.*` is not valid"):
        PluginHost.load(tmp_path, entry_points=False)


def test_plugins_command_lists_plugin_with_its_functions(workspace, capsys):
    """`fitn7 plugins` shows the built-ins and a local plugin with what it declares."""
    code, out, _ = run(capsys, "plugins", "--plugins-dir", str(workspace / "plugins"))
    assert code == 0
    assert "local_test (version unknown)" in out
    assert "  function taux_local(code: string) -> percent" in out
    assert "  field applicant.extra.label_local: string" in out
    assert "  function floor(value: decimal) -> int" in out


def test_missing_plugin_hint_compares_what_follows_the_prefix(workspace):
    """Every plugin is `fitn7_…`: a missing `fitn7_zrr` is not offered `fitn7_csv`,
    nor fitn7's own functions; a real misspelling is still caught."""
    from fitn7.dsl.parser import parse_policy

    host = PluginHost.load(workspace / "plugins", entry_points=False)

    def hint(uses: str) -> str | None:
        (diagnostic,) = host.missing_uses(parse_policy(POLICY.format(uses=uses), "p.fitn7"))
        return diagnostic.help

    assert hint("fitn7_zrr") == "install it (pip install fitn7-zrr) or pass --plugins-dir"
    assert hint("local_tset") == "did you mean `local_test`?"


def test_diff_impact_decides_with_the_plugins_and_isolates_failures(workspace, capsys):
    """`fitn7 diff --impact` enriches and decides as `fitn7 eval` does, with the plugin's
    functions; a dossier the plugin fails on is reported and the rest compared (exit 2)."""
    (workspace / "local2.fitn7").write_text(
        POLICY.format(uses="local_test").replace("+1 when", "+3 when"), "utf-8")
    code, out, err = run(capsys, "diff", str(workspace / "local.fitn7"),
                         str(workspace / "local2.fitn7"), "--impact",
                         str(workspace / "dossiers"), "--plugins-dir",
                         str(workspace / "plugins"), "--format", "json")
    assert code == 2
    result = json.loads(out)["impact"]
    assert result["evaluated"] == 1
    (changed,) = result["dossiers"]
    # C has no population: the enricher fills 1234, so `petite` puts it in review.
    assert (changed["dossier"], changed["before"]["status"]) == ("C", "review")
    assert (changed["before"]["score"], changed["after"]["score"]) == (1, 3)
    assert [(f["dossier"], f["version"]) for f in result["failed"]] == [("A", "old"),
                                                                        ("B", "old")]
    assert "dossier `A` under the old version: plugin `local_test` function `taux_local` " \
           "failed" in err
    assert "Traceback" not in err


def test_replay_of_a_policy_that_uses_a_plugin(workspace, capsys, tmp_path):
    """Decisions made with a plugin replay with it."""
    plugins = ["--plugins-dir", str(workspace / "plugins")]
    policy, c = str(workspace / "local.fitn7"), str(workspace / "dossiers" / "c.toml")
    code, out, _ = run(capsys, "eval", policy, c, *plugins, "--format", "json")
    assert code == 0
    recorded = tmp_path / "decisions.json"
    recorded.write_text(out, "utf-8")
    code, out, err = run(capsys, "replay", str(recorded), policy, c, *plugins)
    assert (code, err) == (0, "")
    assert " : 1 reproduite, 0 non" in out


def test_trace_shows_what_a_plugin_function_answered(workspace, capsys):
    """A plugin call is read like a field: the trace shows `taux_local("29001")` and its
    answer. An unknown answer shows too, but is no field the applicant can supply, so it
    is not in `missing`."""
    (workspace / "dossiers" / "d.toml").write_text(dossier("D", "29002"), "utf-8")
    code, out, _ = run(capsys, "eval", str(workspace / "local.fitn7"),
                       str(workspace / "dossiers" / "c.toml"),
                       str(workspace / "dossiers" / "d.toml"), "--plugins-dir",
                       str(workspace / "plugins"), "--format", "json")
    assert code == 0
    c, d = json.loads(out)
    (c_local,) = [e for e in c["trace"] if e["rule"] == "local"]
    assert c_local["read"] == {"applicant.code": "29001", 'taux_local("29001")': "0.25"}
    (d_local,) = [e for e in d["trace"] if e["rule"] == "local"]
    assert d_local["read"] == {"applicant.code": "29002", 'taux_local("29002")': None}
    assert d["missing"] == []


def test_missing_plugin_error_points_at_its_name_in_uses(workspace, capsys):
    """E130 puts its caret under the plugin's name in the `uses` line, not the header."""
    (workspace / "local.fitn7").write_text(
        POLICY.format(uses="local_test").replace('uses    "local_test"',
                                                 'uses    "local_test", "fitn7_absent"'),
        "utf-8")
    code, out, _ = run(capsys, "check", str(workspace / "local.fitn7"), "--plugins-dir",
                       str(workspace / "plugins"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(":3:25: error[E130]: policy needs plugin `fitn7_absent`: install "
                             "it or pass --plugins-dir")
    assert lines[3] == "  |                         ^^^^^^^^^^^^^^"
