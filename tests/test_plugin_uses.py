"""A policy knows only the built-ins and the vocabulary of the plugins it names in `uses`.

An installed plugin adds words to the policies that ask for it, never to the
others: a call of its function (or a read of its `extra` field) in a policy
that does not name it is an error saying which plugin to add.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fitn7.api import ensure_valid, load_policy
from fitn7.cli import main
from fitn7.cli.check import check_file
from fitn7.dsl.parser import parse_policy
from fitn7.errors import EvaluationError, PolicyCheckError
from fitn7.evaluation import compile_policy
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import FieldDecl, hookimpl
from fitn7.plugins import PluginHost
from fitn7.testing import make_dossier, plugin_host

ROOT = Path(__file__).resolve().parents[1]

LITTORAL = '''
from fitn7 import types as t
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import FieldDecl, hookimpl


@hookimpl
def fitn7_register_functions():
    return [FunctionDecl("littorale", (("code", t.STRING),), t.BOOL, "Littoral.",
                         lambda code: None if code is None else code == "29195")]


@hookimpl
def fitn7_register_fields():
    return [FieldDecl("collectivite", "label_mer", t.DATE, "A label.")]
'''


def policy_text(uses: str | None) -> str:
    header = f'  uses    "{uses}"\n' if uses else ""
    return (
        'policy "littoral"\n'
        '  version "1"\n'
        f"{header}\n"
        "score\n"
        "  mer: +1 when littorale(applicant.code)\n"
        '    source "test"\n'
        "  label: +1 when applicant.extra.label_mer >= 2020-01-01\n"
        '    source "test"\n'
    )


@pytest.fixture
def plugins_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "criteres"
    directory.mkdir()
    (directory / "littoral.py").write_text(LITTORAL, "utf-8")
    return directory


def hints(host: PluginHost, text: str) -> list[tuple[str, str, str | None]]:
    policy = parse_policy(text, "p.fitn7")
    return [(d.code, d.message, d.help) for d in host.check(policy)]


def test_function_and_field_of_a_plugin_not_named_in_uses_are_unknown(plugins_dir):
    """The plugin is loaded but the policy does not name it: both words are errors whose
    hint says which plugin to add to `uses`."""
    host = PluginHost.load(plugins_dir, entry_points=False)
    assert hints(host, policy_text(None)) == [
        ("E206", "unknown function `littorale`",
         'function `littorale` comes from plugin `littoral`: add `uses "littoral"` to the '
         "policy header"),
        ("E204", "unknown field `label_mer` of `applicant.extra`",
         "field `applicant.extra.label_mer` comes from plugin `littoral`: add "
         '`uses "littoral"` to the policy header'),
    ]
    assert hints(host, policy_text("littoral")) == []


def test_another_plugin_in_uses_does_not_bring_this_one(plugins_dir, tmp_path):
    """Naming some plugin is not enough: only the vocabulary of the plugins named."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "autre.py").write_text(
        "from fitn7.hookspecs import hookimpl\n\n@hookimpl\ndef fitn7_register_functions():\n"
        "    return []\n", "utf-8")
    host = PluginHost.load(entry_points=False, plugins=[
        ("littoral", _module(plugins_dir / "littoral.py")), ("autre", _module(other / "autre.py")),
    ])
    ((code, _, hint), _) = hints(host, policy_text("autre"))
    assert (code, hint) == (
        "E206",
        'function `littorale` comes from plugin `littoral`: add `uses "littoral"` to the '
        "policy header",
    )


def test_member_field_hint_names_the_plugin(plugins_dir):
    """`extra.X` of each member, inside `all(members, …)`, is hinted the same way."""
    host = PluginHost.load(plugins_dir, entry_points=False)
    text = (
        'policy "p"\n  version "1"\n\n'
        "review r: all(members, extra.label_mer >= 2020-01-01)\n  source \"t\"\n"
    )
    assert hints(host, text) == [(
        "E204", "unknown field `label_mer` of `extra`",
        'field `extra.label_mer` comes from plugin `littoral`: add `uses "littoral"` to the '
        "policy header",
    )]


def test_cli_check_refuses_the_policy_without_uses(plugins_dir, tmp_path, capsys):
    """`fitn7 check` fails (exit 1) and prints the hint; with `uses` it passes."""
    policy = tmp_path / "p.fitn7"
    policy.write_text(policy_text(None), "utf-8")
    code = main(["check", str(policy), "--plugins-dir", str(plugins_dir)])
    out, err = capsys.readouterr()
    assert code == 1
    assert ('= help: function `littorale` comes from plugin `littoral`: add `uses "littoral"` '
            "to the policy header") in out
    assert err == "2 errors in 1 file\n"
    policy.write_text(policy_text("littoral"), "utf-8")
    assert main(["check", str(policy), "--plugins-dir", str(plugins_dir)]) == 0


def test_check_file_with_the_host_of_the_run(plugins_dir, tmp_path):
    """`check_file` with a host: the same rule as `fitn7 check`."""
    policy = tmp_path / "p.fitn7"
    policy.write_text(policy_text(None), "utf-8")
    report = check_file(policy, (), PluginHost.load(plugins_dir, entry_points=False))
    assert [d.code for d in report.diagnostics] == ["E206", "E204"]


def test_ensure_valid_and_load_policy_refuse_the_policy_without_uses(plugins_dir, tmp_path):
    """The Python API refuses it too, with the same diagnostics."""
    host = PluginHost.load(plugins_dir, entry_points=False)
    with pytest.raises(PolicyCheckError) as caught:
        ensure_valid(parse_policy(policy_text(None), "p.fitn7"), host)
    assert caught.value.diagnostics[0].help == (
        'function `littorale` comes from plugin `littoral`: add `uses "littoral"` to the '
        "policy header"
    )
    policy = tmp_path / "p.fitn7"
    policy.write_text(policy_text(None), "utf-8")
    with pytest.raises(PolicyCheckError):
        load_policy(policy, plugins=host)
    policy.write_text(policy_text("littoral"), "utf-8")
    assert load_policy(policy, plugins=host).header.uses == ("littoral",)


def test_compile_knows_only_the_plugins_named(plugins_dir):
    """`compile_policy(plugins=host)` gives the policy the same vocabulary as the checker:
    an unchecked policy calling a plugin it does not name does not compile."""
    host = PluginHost.load(plugins_dir, entry_points=False)
    text = 'policy "p"\n  version "1"\n{uses}\nreview r: littorale(applicant.code)\n  source "t"\n'
    with pytest.raises(EvaluationError, match="unknown function `littorale`"):
        compile_policy(parse_policy(text.format(uses=""), "p.fitn7"), plugins=host)
    program = compile_policy(parse_policy(text.format(uses='  uses "littoral"\n'), "p.fitn7"),
                             plugins=host)
    assert program.evaluate(make_dossier(applicant_code="29195")).status.value == "review"


def test_functions_for_and_schema_for(plugins_dir):
    """The vocabulary of a `uses` list: built-ins always, a plugin's words when named."""
    host = PluginHost.load(plugins_dir, entry_points=False)
    assert "littorale" in host.functions.names()
    assert "littorale" not in host.functions_for(()).names()
    assert "count" in host.functions_for(()).names()
    assert "littorale" in host.functions_for(["littoral"]).names()
    from fitn7 import types as t

    extra = t.Record("extra:collectivite")
    assert host.schema_for(()).fields(extra) == {}
    assert host.schema_for(["littoral"]).fields(extra) == {"label_mer": t.DATE}
    assert host.schema.fields(extra) == {"label_mer": t.DATE}


def test_plugin_function_in_scope_with_plugin_host_helper():
    """With `fitn7.testing.plugin_host`, declaring objects directly."""

    class Plugin:
        @hookimpl
        def fitn7_register_functions(self):
            from fitn7 import types as t

            return [FunctionDecl("vrai", (), t.BOOL, "Always true.", lambda: True)]

        @hookimpl
        def fitn7_register_fields(self):
            from fitn7 import types as t

            return [FieldDecl("project", "indice", t.INT, "An index.")]

    host = plugin_host(("essai", Plugin()))
    text = ('policy "p"\n  version "1"\n\n'
            'review r: vrai() and project.extra.indice > 2\n  source "t"\n')
    assert [h for _, _, h in hints(host, text)] == [
        'function `vrai` comes from plugin `essai`: add `uses "essai"` to the policy header',
        'field `project.extra.indice` comes from plugin `essai`: add `uses "essai"` to the '
        "policy header",
    ]


def test_missing_plugin_install_hint_depends_on_the_name():
    """E130: `pip install fitn7-…` only for a `fitn7_…` name; a local name is a
    `--plugins-dir` module."""
    host = plugin_host()

    def hint(uses: str) -> str | None:
        (diagnostic,) = host.missing_uses(parse_policy(policy_text(uses), "p.fitn7"))
        return diagnostic.help

    assert hint("fitn7_littoral") == (
        "install it (pip install fitn7-littoral) or pass --plugins-dir"
    )
    assert hint("littoral") == (
        "pass --plugins-dir DIR (or set FITN7_PLUGINS_DIR) where DIR holds `littoral.py`, "
        "or install the package that provides it"
    )


SHIPPED = ["fitn7_zrr", "fitn7_prestataires", "fitn7_communes"]


def test_every_shipped_policy_and_plugin_example_checks(capsys):
    """`fitn7 check policies/ plugins/*/examples/*.fitn7` passes with the plugins installed."""
    for name in SHIPPED:
        pytest.importorskip(f"{name}.plugin")
    examples = sorted(str(p) for p in ROOT.glob("plugins/*/examples/*.fitn7"))
    assert len(examples) == 3
    code = main(["check", str(ROOT / "policies"), *examples])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "")
    assert err.endswith(" policies checked\n")


def test_zrr_example_without_uses_is_refused(tmp_path, capsys):
    """The auditor's case: `uses "fitn7_zrr"` removed from the shipped example."""
    pytest.importorskip("fitn7_zrr.plugin")
    text = (ROOT / "plugins/fitn7-zrr/examples/ruralite.fitn7").read_text("utf-8")
    assert '  uses      "fitn7_zrr"\n' in text
    policy = tmp_path / "ruralite.fitn7"
    policy.write_text(text.replace('  uses      "fitn7_zrr"\n', ""), "utf-8")
    code = main(["check", str(policy)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert ('= help: function `zrr_classement` comes from plugin `fitn7_zrr`: add '
            '`uses "fitn7_zrr"` to the policy header') in out
    assert ('= help: field `applicant.extra.zrr_arrete` comes from plugin `fitn7_zrr`: add '
            '`uses "fitn7_zrr"` to the policy header') in out


def _module(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(f"test_plugin_uses_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

