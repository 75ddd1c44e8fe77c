"""`extends`: finding the parent, overriding by id, cycles, unknown parents, git revisions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fitn7.dsl import ast
from fitn7.errors import PolicyCheckError
from fitn7.evaluation import compile_policy
from fitn7.resolve import load_resolved
from fitn7.testing import make_dossier

BASE = '''policy "base"
  title   "Base"
  version "1"
  envelope 100_000 €

param seuil = 5_000
let bretagne = {"22", "29", "35", "56"}
expenses ineligible {personnel, materiel}

require territoire: applicant.departement in bretagne "hors Bretagne" source "base.txt"
review petite: applicant.population < seuil source "base.txt"

amount
  rate 100%

score
  inclusion: +2 when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr
'''

CHILD = '''policy "enfant"
  version "2"
  extends "base"

param seuil = 1_000

review petite: applicant.population < seuil and not joint "petite commune seule"
  source "enfant.txt"

require delai: submitted <= 2021-10-15 source "enfant.txt"

score
  ruralite: +3 when applicant.zrr
'''


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, "utf-8")
    return path


def test_child_replaces_parent_declarations_by_id_in_place(tmp_path):
    """Same id or name: the child's declaration takes the parent's place; new ones follow;
    score criteria merge by id; the header inherits what the child leaves out."""
    write(tmp_path, "base.fitn7", BASE)
    merged = load_resolved(write(tmp_path, "enfant.fitn7", CHILD))
    rules = [(r.id, r.kind) for r in merged.of_type(ast.Rule)]
    assert rules == [("territoire", "require"), ("petite", "review"), ("delai", "require")]
    (petite,) = [r for r in merged.of_type(ast.Rule) if r.id == "petite"]
    assert petite.message == "petite commune seule"
    assert petite.span is not None and petite.span.file.endswith("enfant.fitn7")
    (territoire,) = [r for r in merged.of_type(ast.Rule) if r.id == "territoire"]
    assert territoire.span is not None and territoire.span.file.endswith("base.fitn7")
    (score,) = merged.of_type(ast.Score)
    assert [(c.id, c.value) for c in score.criteria] == [
        ("inclusion", ast.Unary("+", ast.IntLit(2))),
        ("ruralite", ast.Unary("+", ast.IntLit(3))),
    ]
    assert merged.header.title == "Base"
    assert merged.header.version == "2"
    assert merged.header.envelope == ast.MoneyLit(Decimal(100_000))
    (param,) = merged.of_type(ast.Param)
    assert param.default == ast.IntLit(1_000)


def test_overridden_rule_decides_and_the_trace_names_each_file(tmp_path):
    """The merged policy evaluates with the child's rule; the trace says which file
    each rule came from."""
    write(tmp_path, "base.fitn7", BASE)
    program = compile_policy(load_resolved(write(tmp_path, "enfant.fitn7", CHILD)))
    decision = program.evaluate(make_dossier(applicant_population=800))
    assert [r.rule for r in decision.reasons] == ["petite"]
    files = {e.rule: Path(e.file).name for e in decision.trace if e.file}
    assert files["territoire"] == "base.fitn7"
    assert files["petite"] == "enfant.fitn7"
    assert decision.score == 2  # inclusion; make_dossier's Plouguerneau is not in ZRR


def test_parent_found_on_the_search_path(tmp_path):
    """A parent elsewhere is found through the search path."""
    write(tmp_path / "commun", "base.fitn7", BASE)
    child = write(tmp_path / "regions", "enfant.fitn7", CHILD)
    with pytest.raises(PolicyCheckError):
        load_resolved(child)
    merged = load_resolved(child, [tmp_path / "commun"])
    assert [r.id for r in merged.of_type(ast.Rule)] == ["territoire", "petite", "delai"]


def test_unknown_parent_is_a_check_error_with_a_hint(tmp_path):
    """An `extends` naming no policy found: E120 on the parent's name, with the closest id."""
    write(tmp_path, "base.fitn7", BASE)
    child = write(tmp_path, "enfant.fitn7", CHILD.replace('extends "base"', 'extends "bas"'))
    with pytest.raises(PolicyCheckError) as info:
        load_resolved(child)
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.message) == ("E120", "unknown parent policy `bas`")
    assert diag.help == "did you mean `base`?"
    assert diag.span is not None and (diag.span.line, diag.span.column) == (3, 11)


def test_cycle_is_a_check_error(tmp_path):
    """Two policies extending each other: E121 naming the cycle."""
    write(tmp_path, "base.fitn7", BASE.replace('version "1"', 'version "1"\n  extends "enfant"'))
    child = write(tmp_path, "enfant.fitn7", CHILD)
    with pytest.raises(PolicyCheckError) as info:
        load_resolved(child)
    (diag,) = info.value.diagnostics
    assert diag.code == "E121"
    assert diag.message == "policies extend each other in a cycle: enfant → base → enfant"
