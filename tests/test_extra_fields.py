"""Fields plugins declare under `extra`: read with their declared type before a policy
evaluates, and an enricher may not set a value a dossier could not hold."""

from __future__ import annotations

import datetime
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from fitn7 import types as t
from fitn7.cli import main
from fitn7.errors import DossierError
from fitn7.loading.extra import typed_extra
from fitn7.testing import make_dossier

PLUGIN = '''
import attrs

from fitn7 import types as t
from fitn7.hookspecs import Enrichment, FieldDecl, Provenance, hookimpl


@hookimpl
def fitn7_register_fields():
    return [FieldDecl("collectivite", "arrete", t.DATE, "Date of the arrêté."),
            FieldDecl("project", "part_locale", t.PERCENT, "Local share."),
            FieldDecl("dossier", "lignes", t.ListOf(t.INT), "Line numbers.")]


@hookimpl
def fitn7_enrich_dossier(dossier):
    applicant = dossier.applicant
    if applicant is None or applicant.code != "99999":
        return None
    filled = attrs.evolve(dossier, applicant=attrs.evolve(applicant, population="beaucoup"))
    return Enrichment(filled, (Provenance("applicant.population", "beaucoup", "registre"),))
'''

POLICY = '''policy "typed"
  version "1"
  uses    "typed_fields"

review ancien: applicant.extra.arrete < 2018-01-01
  source "test"
'''


def dossier(ident: str, code: str, arrete: str) -> str:
    return textwrap.dedent(f'''\
        id = "{ident}"
        submitted = 2021-06-01
        expenses = [{{ category = "etude", amount = 1000 }}]
        [applicant]
        kind = "commune"
        code = "{code}"
        population = 1200
        extra = {{ arrete = {arrete} }}
        ''')


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "typed_fields.py").write_text(PLUGIN, "utf-8")
    (tmp_path / "typed.fitn7").write_text(POLICY, "utf-8")
    d = tmp_path / "dossiers"
    d.mkdir()
    (d / "a.toml").write_text(dossier("A", "32233", "2017-03-16"), "utf-8")
    (d / "b.toml").write_text(dossier("B", "32233", '"pas une date"'), "utf-8")
    (d / "c.toml").write_text(dossier("C", "99999", "2019-01-01"), "utf-8")
    (d / "d.json").write_text(json.dumps({
        "id": "D", "submitted": "2021-06-01", "expenses": [{"category": "etude", "amount": 1000}],
        "applicant": {"kind": "commune", "code": "32001", "population": 900,
                      "extra": {"arrete": "2016-01-01"}}}), "utf-8")
    return tmp_path


def test_declared_fields_are_typed_and_bad_values_are_dossier_errors(workspace, capsys):
    """A JSON date string becomes a date; a value that is not a date fails its dossier
    with the file and the field; an enricher's impossible value fails its dossier naming
    the plugin; the others are decided."""
    code = main(["eval", str(workspace / "typed.fitn7"), str(workspace / "dossiers"),
                 "--plugins-dir", str(workspace / "plugins"), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    decided = {d["dossier"]: d["status"] for d in json.loads(out)}
    assert decided == {"A": "review", "D": "review"}
    b = workspace / "dossiers" / "b.toml"
    assert f"fitn7: {b}: dossier `B`: expected a date @ $.applicant.extra.arrete (write " \
           "dates as YYYY-MM-DD, e.g. 2021-06-10)" in err.splitlines()
    c = workspace / "dossiers" / "c.toml"
    assert f"fitn7: {c}: dossier `C`: plugin `typed_fields` enriched dossier `C` with a " \
           "value it cannot hold: expected an integer @ $.applicant.population" in err
    assert "Traceback" not in err and "internal error" not in err


def test_typed_extra_converts_each_declared_type():
    """Percent from `"40%"`, lists element by element, undeclared fields untouched."""
    schema = t.DEFAULT_SCHEMA.with_extra("project", {"part": t.PERCENT}).with_extra(
        "dossier", {"lignes": t.ListOf(t.INT), "quand": t.DATE})
    base = make_dossier()
    d = typed_extra(
        make_dossier(project=base.project and __import__("attrs").evolve(
            base.project, extra={"part": "40%", "libre": "x"}),
            extra={"lignes": ["1", 2], "quand": "2021-02-03", "autre": "2021-02-03"}),
        schema, "f.toml")
    assert d.project is not None and d.project.extra == {"part": Decimal("0.4"), "libre": "x"}
    assert d.extra == {"lignes": (1, 2), "quand": datetime.date(2021, 2, 3),
                       "autre": "2021-02-03"}
    with pytest.raises(DossierError, match=r"f\.toml: expected an integer @ \$\.extra\.lignes"
                                           r"\[1\]"):
        typed_extra(make_dossier(extra={"lignes": [1, "deux"]}), schema, "f.toml")
    plain = make_dossier()
    assert typed_extra(plain, schema) is plain
