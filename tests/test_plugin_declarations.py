"""What a plugin declares is checked when it is loaded: a wrong declaration, or two
plugins claiming the same word, is a `PluginError` naming the plugin(s), never a
crash and never one silently winning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fitn7 import types as t
from fitn7.cli import main
from fitn7.errors import PluginError
from fitn7.functions import FunctionDecl
from fitn7.hookspecs import FieldDecl, LoaderDecl, hookimpl
from fitn7.testing import plugin_host


def no_dossiers(path: Path, options: Any) -> Iterator[Any]:
    return iter(())


def fields(*declared: Any) -> object:
    return returning(list(declared))


def returning(value: Any) -> object:
    """A plugin whose `fitn7_register_fields` returns `value` as it is."""

    class Plugin:
        @hookimpl
        def fitn7_register_fields(self) -> Any:
            return value

    return Plugin()


def loaders(*declared: Any) -> object:
    class Plugin:
        @hookimpl
        def fitn7_register_loaders(self) -> Any:
            return list(declared)

    return Plugin()


def functions(*declared: Any) -> object:
    class Plugin:
        @hookimpl
        def fitn7_register_functions(self) -> Any:
            return list(declared)

    return Plugin()


def refused(*plugins: tuple[str, object]) -> str:
    with pytest.raises(PluginError) as caught:
        plugin_host(*plugins)
    return str(caught.value)


ARRETE_DATE = FieldDecl("collectivite", "zrr_arrete", t.DATE, "Date of the arrêté.")
ARRETE_TEXT = FieldDecl("collectivite", "zrr_arrete", t.STRING, "The arrêté, as text.")
CSV = LoaderDecl("csv", (".csv",), "A CSV export.", no_dossiers)


def test_a_field_declaration_that_is_not_a_fielddecl():
    """The auditor's case: `fitn7_register_fields` returning `["notafield"]`."""
    assert refused(("mauvais", fields("notafield"))) == (
        "plugin `mauvais` returned `'notafield'` from `fitn7_register_fields`, not a "
        "`fitn7.hookspecs.FieldDecl`"
    )


def test_a_loader_declaration_that_is_not_a_loaderdecl():
    """The auditor's case: a loader hook returning `[42]`."""
    assert refused(("mauvais", loaders(42))) == (
        "plugin `mauvais` returned `42` from `fitn7_register_loaders`, not a "
        "`fitn7.hookspecs.LoaderDecl`"
    )


def test_a_function_declaration_that_is_not_a_functiondecl():
    assert refused(("mauvais", functions("zrr"))) == (
        "plugin `mauvais` returned `'zrr'` from `fitn7_register_functions`, not a "
        "`fitn7.functions.FunctionDecl`"
    )


def test_a_declaration_not_in_a_list():
    """A single declaration returned bare, not in a list."""
    assert refused(("seul", returning(ARRETE_DATE))) == (
        "plugin `seul` returned FieldDecl from `fitn7_register_fields`, not a list of "
        "`fitn7.hookspecs.FieldDecl`"
    )


def test_a_field_with_a_wrong_owner_name_or_type():
    assert refused(("p", fields(FieldDecl("commune", "x", t.INT, "")))) == (
        "plugin `p` declared the field `x` on `commune`; the owner is one of `collectivite`, "
        "`project`, `dossier`"
    )
    assert refused(("p", fields(FieldDecl("project", "date de fin", t.DATE, "")))) == (
        "plugin `p` declared a field named `'date de fin'`, which is not a name a policy can "
        "read"
    )
    assert refused(("p", fields(FieldDecl("project", "fin", "date", "")))) == (
        "plugin `p` declared the field `project.extra.fin` with the type `'date'`, not a "
        "`fitn7.types` type"
    )


def test_a_function_with_a_wrong_impl_or_type():
    assert refused(("p", functions(FunctionDecl("f", (), t.BOOL, "", None)))) == (
        "plugin `p` declared the function `f` with an `impl` that is not callable (NoneType)"
    )
    assert refused(("p", functions(FunctionDecl("f", (("x", int),), t.BOOL, "", bool)))) == (
        "plugin `p` declared the function `f` with wrong types: `params` is a tuple of "
        "(name, type) pairs and `returns` a type, each type from `fitn7.types`"
    )
    assert refused(("p", functions(FunctionDecl("f", ("code",), t.BOOL, "", bool)))).startswith(
        "plugin `p` declared the function `f` with wrong types")


def test_a_loader_with_wrong_suffixes():
    assert refused(("p", loaders(LoaderDecl("tsv", "tsv", "", no_dossiers)))) == (
        "plugin `p` declared the loader `tsv` with suffixes 'tsv'; give a tuple such as "
        '(".csv",)'
    )


def test_two_plugins_declaring_one_field_with_different_types():
    """Neither silently wins: both plugins and both types are named."""
    assert refused(("fitn7_zrr_a", fields(ARRETE_DATE)), ("fitn7_zrr_b", fields(ARRETE_TEXT))) == (
        "the field `applicant.extra.zrr_arrete` is declared by both `fitn7_zrr_a` (date) and "
        "`fitn7_zrr_b` (string); disable one with FITN7_DISABLED_PLUGINS"
    )


def test_one_plugin_declaring_a_field_twice_with_different_types():
    assert refused(("p", fields(ARRETE_DATE, ARRETE_TEXT))) == (
        "plugin `p` declares the field `applicant.extra.zrr_arrete` twice, as date and as "
        "string; declare it once"
    )


def test_two_plugins_may_declare_one_field_with_the_same_type():
    """The same field with the same type is no conflict: each plugin's policies read it."""
    host = plugin_host(("a", fields(ARRETE_DATE)), ("b", fields(ARRETE_DATE)))
    extra = t.Record("extra:collectivite")
    assert host.schema_for(["a"]).fields(extra) == {"zrr_arrete": t.DATE}
    assert host.schema_for(["b"]).fields(extra) == {"zrr_arrete": t.DATE}
    info = {i.name: i for i in host.info()}
    assert [f.plugin for f in info["a"].fields] == ["a"]
    assert [f.plugin for f in info["b"].fields] == ["b"]


def test_two_loaders_of_one_format():
    """A second `csv` loader does not overwrite the first."""
    other = LoaderDecl("csv", (".txt",), "Another CSV.", no_dossiers)
    assert refused(("fitn7_csv_a", loaders(CSV)), ("fitn7_csv_b", loaders(other))) == (
        "the loader `csv` is declared by both `fitn7_csv_a` and `fitn7_csv_b`; disable one "
        "with FITN7_DISABLED_PLUGINS"
    )


def test_two_loaders_claiming_one_suffix():
    other = LoaderDecl("tableur", (".CSV",), "A spreadsheet.", no_dossiers)
    assert refused(("a", loaders(CSV)), ("b", loaders(other))) == (
        "files ending in `.CSV` are claimed by the loader `csv` of `a` and the loader "
        "`tableur` of `b`; disable one with FITN7_DISABLED_PLUGINS"
    )


def test_one_plugin_declaring_a_function_or_a_loader_twice():
    decl = FunctionDecl("zrr", (("code", t.STRING),), t.BOOL, "", lambda code: None)
    assert refused(("p", functions(decl, decl))) == (
        "plugin `p` declares the function `zrr` twice; declare it once"
    )
    assert refused(("p", loaders(CSV, CSV))) == (
        "plugin `p` declares the loader `csv` twice; declare it once"
    )


def test_a_loader_may_list_a_suffix_in_two_cases():
    host = plugin_host(("p", loaders(LoaderDecl("csv", (".csv", ".CSV"), "", no_dossiers))))
    assert host.loaders["csv"].suffixes == (".csv", ".CSV")


def test_two_plugins_declaring_one_function():
    decl = FunctionDecl("zrr", (("code", t.STRING),), t.BOOL, "", lambda code: None)
    assert refused(("a", functions(decl)), ("b", functions(decl))) == (
        "function `zrr` is declared by both `a` and `b`; disable one with "
        "FITN7_DISABLED_PLUGINS"
    )


def test_cli_reports_a_bad_declaration_without_internal_error(tmp_path, capsys):
    """`fitn7 check --plugins-dir` with such a plugin: the message, exit 1, no traceback."""
    (tmp_path / "mauvais.py").write_text(
        "from fitn7.hookspecs import hookimpl\n\n@hookimpl\ndef fitn7_register_fields():\n"
        '    return ["notafield"]\n', "utf-8")
    policy = tmp_path / "p.fitn7"
    policy.write_text('policy "p"\n  version "1"\n\nreview r: true\n  source "s"\n', "utf-8")
    code = main(["check", str(policy), "--plugins-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        "plugin `mauvais` returned `'notafield'` from `fitn7_register_fields`, not a "
        "`fitn7.hookspecs.FieldDecl`\n"
    )
