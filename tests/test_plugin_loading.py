"""Loading plugins: an installed plugin that fails is named and left out, the built-ins
cannot be disabled, a mistyped disabled name and a clash of names are reported.

Installed plugins are simulated by a distribution (a `*.dist-info` directory
with its `entry_points.txt`) on `sys.path`, as pip would leave it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fitn7.cli import main
from fitn7.dsl.parser import parse_policy
from fitn7.errors import PluginError
from fitn7.plugins import PluginHost

GOOD_PLUGIN = '''
from fitn7 import types as t
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import hookimpl


@hookimpl
def fitn7_register_functions():
    return [FunctionDecl("bonne", (), t.BOOL, "Always true.", lambda: True)]
'''

POLICY = 'policy "p"\n  version "1"\n{uses}\nreview r: applicant.population > 10\n  source "s"\n'

BROKEN_WARNING = (
    "plugin `fitn7_casse` (distribution fitn7-casse 0.3) failed to load and is left out: "
    "ModuleNotFoundError: No module named 'fitn7_casse_absent'; a policy that uses it is "
    "refused; fix or reinstall it, or disable it with FITN7_DISABLED_PLUGINS=fitn7_casse"
)


def distribution(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """A distribution installed in `site`, declaring these `fitn7` entry points."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8")
    lines = "".join(f"{ep} = {target}\n" for ep, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[fitn7]\n{lines}", "utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site directory on sys.path with a broken plugin and a good one."""
    site = tmp_path / "site"
    site.mkdir()
    distribution(site, "fitn7-casse", "0.3", {"fitn7_casse": "fitn7_casse_absent.plugin"})
    distribution(site, "fitn7-bonne", "1.2", {"fitn7_bonne": "fitn7_bonne_plugin"})
    (site / "fitn7_bonne_plugin.py").write_text(GOOD_PLUGIN, "utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("FITN7_DISABLED_PLUGINS", raising=False)
    monkeypatch.delenv("FITN7_PLUGINS_DIR", raising=False)
    return site


def load(**options: object) -> tuple[PluginHost, list[str]]:
    said: list[str] = []
    host = PluginHost.load(warn=said.append, **options)  # type: ignore[arg-type]
    return host, said


def test_a_broken_installed_plugin_is_named_and_left_out(site):
    """The others load; the warning names the plugin, its distribution, the error, and
    the variable that disables it."""
    host, said = load()
    assert said == [BROKEN_WARNING]
    assert host.warnings == (BROKEN_WARNING,)
    assert "fitn7_bonne" in host.names()
    assert "fitn7_casse" not in host.names()
    assert host.version("fitn7_bonne") == "1.2"
    assert host.broken["fitn7_casse"].distribution == "fitn7-casse 0.3"


def test_a_policy_that_does_not_use_the_broken_plugin_still_checks(site, tmp_path, capsys):
    policy = tmp_path / "p.fitn7"
    policy.write_text(POLICY.format(uses='  uses "fitn7_bonne"\n'), "utf-8")
    code = main(["check", str(policy)])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "")
    assert err == f"fitn7: warning: {BROKEN_WARNING}\nok: 1 policy checked\n"


def test_a_policy_that_uses_the_broken_plugin_is_refused_saying_why(site, tmp_path, capsys):
    host, _ = load()
    (diagnostic,) = host.check(parse_policy(POLICY.format(uses='  uses "fitn7_casse"\n'),
                                            "p.fitn7"))
    assert (diagnostic.code, diagnostic.message, diagnostic.help) == (
        "E130",
        "policy needs plugin `fitn7_casse`, which is installed (distribution fitn7-casse 0.3) "
        "but cannot be loaded: ModuleNotFoundError: No module named 'fitn7_casse_absent'",
        "fix or reinstall it (pip install --force-reinstall fitn7-casse)",
    )
    policy = tmp_path / "p.fitn7"
    policy.write_text(POLICY.format(uses='  uses "fitn7_casse"\n'), "utf-8")
    code = main(["eval", str(policy), str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 1
    assert "policy needs plugin `fitn7_casse`, which is installed" in err
    assert "Traceback" not in err


def test_a_plugin_that_raises_at_import_is_left_out_too(site):
    distribution(site, "fitn7-erreur", "2.0", {"fitn7_erreur": "fitn7_erreur_plugin"})
    (site / "fitn7_erreur_plugin.py").write_text("raise RuntimeError('table absente')\n", "utf-8")
    host, said = load(disabled=["fitn7_casse"])
    assert said == [
        "plugin `fitn7_erreur` (distribution fitn7-erreur 2.0) failed to load and is left "
        "out: RuntimeError: table absente; a policy that uses it is refused; fix or reinstall "
        "it, or disable it with FITN7_DISABLED_PLUGINS=fitn7_erreur"
    ]
    assert "fitn7_bonne" in host.names()


def test_an_installed_plugin_with_an_unknown_hook_is_left_out(site):
    distribution(site, "fitn7-typo", "0.1", {"fitn7_typo": "fitn7_typo_plugin"})
    (site / "fitn7_typo_plugin.py").write_text(
        "from fitn7.hookspecs import hookimpl\n\n@hookimpl\ndef fitn7_register_field():\n"
        "    return []\n", "utf-8")
    _, said = load(disabled=["fitn7_casse"])
    assert said == [
        "plugin `fitn7_typo` (distribution fitn7-typo 0.1) failed to load and is left out: "
        "PluginError: plugin `fitn7_typo` is not valid: it implements `fitn7_register_field`, "
        "which is not a fitn7 hook; did you mean `fitn7_register_fields`?; a policy that uses "
        "it is refused; fix or reinstall it, or disable it with "
        "FITN7_DISABLED_PLUGINS=fitn7_typo"
    ]


def test_two_distributions_with_one_plugin_name(site):
    """Which one would decide is a guess: neither is loaded, both are named."""
    distribution(site, "fitn7-bonne-fork", "9.0", {"fitn7_bonne": "fitn7_bonne_plugin"})
    host, said = load(disabled=["fitn7_casse"])
    assert "fitn7_bonne" not in host.names()
    assert said == [
        "plugin `fitn7_bonne` is left out: two installed distributions provide it, "
        "fitn7-bonne 1.2 and fitn7-bonne-fork 9.0; uninstall one"
    ]


def test_disabling_the_broken_plugin_silences_it(site, monkeypatch):
    monkeypatch.setenv("FITN7_DISABLED_PLUGINS", "fitn7_casse")
    host, said = load()
    assert said == []
    assert "fitn7_bonne" in host.names()


def test_builtins_cannot_be_disabled(site, tmp_path, monkeypatch, capsys):
    """`FITN7_DISABLED_PLUGINS=fitn7` is ignored with a warning: `count` still works."""
    monkeypatch.setenv("FITN7_DISABLED_PLUGINS", "fitn7,fitn7_casse")
    host, said = load()
    assert said == [
        "FITN7_DISABLED_PLUGINS: `fitn7` is fitn7's own functions (count, sum, min, max, any, "
        "all, floor), which cannot be disabled; ignored"
    ]
    assert "count" in host.functions_for(()).names()
    policy = tmp_path / "p.fitn7"
    policy.write_text('policy "p"\n  version "1"\n\nreview r: count(members) > 1\n'
                      '  source "s"\n', "utf-8")
    code = main(["check", str(policy)])
    _, err = capsys.readouterr()
    assert code == 0
    assert err == f"fitn7: warning: {said[0]}\nok: 1 policy checked\n"


def test_a_disabled_name_that_matches_no_plugin(site, monkeypatch):
    monkeypatch.setenv("FITN7_DISABLED_PLUGINS", "fitn7_casse,fitn7_bone,zrr_local")
    _, said = load()
    assert said == [
        "FITN7_DISABLED_PLUGINS: no plugin is named `fitn7_bone`; did you mean `fitn7_bonne`?",
        "FITN7_DISABLED_PLUGINS: no plugin is named `zrr_local`; the plugins found are "
        + ", ".join(f"`{n}`" for n in sorted(_installed() | {"fitn7_bonne", "fitn7_casse"})),
    ]


def test_a_disabled_local_plugin_is_not_reported_as_unknown(site, tmp_path):
    plugins = tmp_path / "locaux"
    plugins.mkdir()
    (plugins / "littoral.py").write_text(GOOD_PLUGIN.replace("bonne", "littorale"), "utf-8")
    host, said = load(plugins_dir=plugins, disabled=["fitn7_casse", "littoral"])
    assert said == []
    assert "littoral" not in host.names()


def test_a_local_plugin_named_like_an_installed_one_is_refused(site, tmp_path, capsys):
    """`--plugins-dir` holding `fitn7_bonne.py`: not skipped silently, both named."""
    plugins = tmp_path / "locaux"
    plugins.mkdir()
    (plugins / "fitn7_bonne.py").write_text(GOOD_PLUGIN, "utf-8")
    with pytest.raises(PluginError) as caught:
        load(plugins_dir=plugins, disabled=["fitn7_casse"])
    assert str(caught.value) == (
        f"plugin file `{plugins / 'fitn7_bonne.py'}` cannot be loaded: the name `fitn7_bonne` "
        "is taken by the installed plugin `fitn7_bonne` (distribution fitn7-bonne 1.2); "
        "rename the file (a plugin is named after its file)"
    )
    policy = tmp_path / "p.fitn7"
    policy.write_text(POLICY.format(uses=""), "utf-8")
    code = main(["check", str(policy), "--plugins-dir", str(plugins)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.endswith("rename the file (a plugin is named after its file)\n")


def test_a_local_plugin_named_fitn7_is_refused(tmp_path):
    (tmp_path / "fitn7.py").write_text(GOOD_PLUGIN, "utf-8")
    with pytest.raises(PluginError) as caught:
        PluginHost.load(tmp_path, entry_points=False)
    assert str(caught.value) == (
        f"plugin file `{tmp_path / 'fitn7.py'}` cannot be loaded: the name `fitn7` is taken "
        "by fitn7's own functions; rename the file (a plugin is named after its file)"
    )


def test_a_given_plugin_named_like_a_local_one_is_refused(tmp_path):
    (tmp_path / "littoral.py").write_text(GOOD_PLUGIN, "utf-8")
    with pytest.raises(PluginError) as caught:
        PluginHost.load(tmp_path, entry_points=False, plugins=[("littoral", object())])
    assert str(caught.value) == (
        "two plugins are named `littoral`: the one given and the plugin `littoral` "
        f"(file `{tmp_path / 'littoral.py'}`); give it another name"
    )


def test_a_blocked_local_file_is_not_imported(tmp_path):
    """A disabled local plugin is not even imported: a broken file can be set aside."""
    (tmp_path / "casse.py").write_text("raise RuntimeError('never imported')\n", "utf-8")
    host = PluginHost.load(tmp_path, entry_points=False, disabled=["casse"])
    assert host.names() == ["fitn7"]


def _installed() -> set[str]:
    import importlib.metadata

    return {ep.name for ep in importlib.metadata.entry_points(group="fitn7")} - {
        "fitn7_bonne", "fitn7_casse"}


def test_plugins_command_lists_a_broken_plugin_and_exits_1(site, capsys):
    """`fitn7 plugins` is where to look: the broken plugin is listed with its error and
    what to do, after the ones that load; exit 1."""
    code = main(["plugins"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[-3:] == [
        "fitn7_casse (distribution fitn7-casse 0.3): cannot be loaded",
        "  error: ModuleNotFoundError: No module named 'fitn7_casse_absent'",
        "  fix: fix or reinstall it (pip install --force-reinstall fitn7-casse)",
    ]
    assert "fitn7_bonne 1.2" in out
