"""`fitn7.testing` for plugin authors: a host holding only the plugins under test, and
the hypothesis strategy of dossiers."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from fitn7 import testing
from fitn7 import types as t
from fitn7.dossier import Dossier
from fitn7.dsl.parser import parse_policy
from fitn7.errors import PluginError
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import hookimpl
from fitn7.plugins import PluginHost
from fitn7.testing import plugin_host

SOURCE = '''
from fitn7 import types as t
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import hookimpl


@hookimpl
def fitn7_register_functions():
    return [FunctionDecl("littorale", (("code", t.STRING),), t.BOOL, "Littoral.",
                         lambda code: None if code is None else code == "29195")]
'''


def module(name: str) -> types.ModuleType:
    made = types.ModuleType(name)
    exec(SOURCE, made.__dict__)
    return made


def test_plugin_host_holds_the_builtins_and_the_given_plugins_only():
    host = plugin_host(module("littoral"))
    assert host.names() == ["fitn7", "littoral"]
    assert host.functions_for(["littoral"]).get("littorale") is not None


def test_a_module_is_named_after_its_top_level_package():
    """`fitn7_zrr.plugin` is the plugin `fitn7_zrr`, as its entry point is named."""
    assert plugin_host(module("fitn7_littoral.plugin")).names() == ["fitn7", "fitn7_littoral"]
    assert plugin_host(module("fitn7_local_plugins.littoral")).names() == ["fitn7", "littoral"]


def test_a_name_and_plugin_pair():
    class Plugin:
        @hookimpl
        def fitn7_register_functions(self):
            return [FunctionDecl("vrai", (), t.BOOL, "True.", lambda: True)]

    host = plugin_host(("essai", Plugin()))
    assert host.names() == ["essai", "fitn7"]


def test_an_object_without_a_name_is_refused():
    with pytest.raises(TypeError, match=r"give it a name, plugin_host\(\(\"name\", plugin\)\)"):
        plugin_host(object())  # type: ignore[arg-type]


def test_plugin_host_ignores_what_is_installed_and_the_environment(tmp_path, monkeypatch):
    """No entry point, no FITN7_PLUGINS_DIR, no FITN7_DISABLED_PLUGINS, nothing printed."""
    (tmp_path / "ailleurs.py").write_text(SOURCE.replace("littorale", "ailleurs"), "utf-8")
    monkeypatch.setenv("FITN7_PLUGINS_DIR", str(tmp_path))
    monkeypatch.setenv("FITN7_DISABLED_PLUGINS", "littoral,fitn7,inconnu")
    host = plugin_host(module("littoral"))
    assert host.names() == ["fitn7", "littoral"]
    assert host.warnings == ()
    assert "ailleurs" in PluginHost.load(entry_points=False, warn=lambda _: None).names()


def test_plugin_host_checks_a_policy_as_fitn7_check_does():
    host = plugin_host(module("littoral"))
    text = 'policy "p"\n  version "1"\n{uses}\nreview r: littorale(applicant.code)\n  source "s"\n'
    assert host.check(parse_policy(text.format(uses='  uses "littoral"\n'), "p.fitn7")) == []
    (error,) = host.check(parse_policy(text.format(uses=""), "p.fitn7"))
    assert error.help == (
        'function `littorale` comes from plugin `littoral`: add `uses "littoral"` to the '
        "policy header"
    )


def test_plugin_host_refuses_a_bad_plugin_like_load():
    bad = types.ModuleType("mauvais")
    exec("from fitn7.hookspecs import hookimpl\n\n@hookimpl\n"
         "def fitn7_register_fields():\n    return [42]\n", bad.__dict__)
    with pytest.raises(PluginError, match=r"^plugin `mauvais` returned `42`"):
        plugin_host(bad)


def test_a_shipped_plugin_alone():
    plugin = pytest.importorskip("fitn7_zrr.plugin")
    host = plugin_host(plugin)
    assert host.names() == ["fitn7", "fitn7_zrr"]
    assert host.functions_for(["fitn7_zrr"]).get("zrr") is not None


def test_dossiers_strategy():
    """`fitn7.testing.dossiers()` is `fitn7.strategies.dossiers()`: realistic dossiers."""
    hypothesis = pytest.importorskip("hypothesis")
    from fitn7 import strategies
    from tests.budget import examples

    seen: list[Dossier] = []

    @hypothesis.settings(max_examples=examples(20))
    @hypothesis.given(testing.dossiers(complete=True))
    def collect(dossier: Dossier) -> None:
        seen.append(dossier)

    collect()
    assert seen
    assert all(isinstance(d, Dossier) and d.applicant is not None for d in seen)
    assert repr(testing.dossiers()) == repr(strategies.dossiers())


def test_public_helpers_are_documented():
    """Each name of `fitn7.testing.__all__` has a docstring and is in docs/plugins.md."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text("utf-8")
    for name in testing.__all__:
        value = getattr(testing, name)
        if callable(value):
            assert value.__doc__, name
            assert f"`{name}(" in doc, name
