"""fitn7-csv as a plugin: the `csv` loader, the expense file, and the shipped example exports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fitn7 import load_policy
from fitn7.dossier import Category, Kind
from fitn7.evaluation import compile_policy
from fitn7.loading import Failed, Loaded, LoadResult
from fitn7.plugins import PluginHost

import fitn7_csv.plugin
from fitn7_csv import load_csv

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
POLICIES = HERE.parents[2] / "policies"
GERS = EXAMPLES / "gers-demarches-simplifiees" / "export-dossiers.csv"
BRETAGNE = EXAMPLES / "bretagne-suivi" / "suivi-sgar.csv"

MAPPING = """
[columns]
"Numéro" = "id"
"Commune" = "applicant.name"
[expenses]
file = "lignes.csv"
dossier = "Dossier"
[expenses.columns]
"Libellé" = "label"
"Montant" = { field = "amount", decimal_comma = true }
"Région" = "provider.region"
"""


@pytest.fixture
def host() -> PluginHost:
    """fitn7 with fitn7-csv only, whatever else is installed."""
    return PluginHost.load(entry_points=False, plugins=[("fitn7_csv", fitn7_csv.plugin)])


def loaded(found: list[LoadResult]) -> list[Loaded]:
    return [r for r in found if isinstance(r, Loaded)]


def two_files(tmp_path: Path, dossiers: str, lines: str) -> Path:
    path = tmp_path / "dossiers.csv"
    path.write_text(dossiers, encoding="utf-8")
    (tmp_path / "lignes.csv").write_text(lines, encoding="utf-8")
    path.with_suffix(".mapping.toml").write_text(MAPPING, encoding="utf-8")
    return path


def test_loader_declared(host: PluginHost, tmp_path: Path) -> None:
    """The plugin declares the `csv` format for `.csv` files, under its own name; its
    load function (which imports the reader on first use) reads as `load_csv` does."""
    decl = host.loaders["csv"]
    assert (decl.format, decl.suffixes, decl.plugin) == ("csv", (".csv",), "fitn7_csv")
    assert decl.load_with_vocabulary is decl.load
    path = two_files(
        tmp_path, "Numéro;Commune\nD-1;Plouguerneau\n", "Dossier;Libellé;Montant;Région\n"
    )
    assert [r.dossier.id for r in loaded(list(decl.load(path, {})))] == ["D-1"]
    (declared,) = decl.load(path, {"mapping": "nowhere.toml"})
    (direct,) = load_csv(path, {"mapping": "nowhere.toml"})
    assert isinstance(declared, Failed) and isinstance(direct, Failed)
    assert declared.error.message == direct.error.message
    assert [d.format for d in fitn7_csv.plugin.fitn7_register_loaders()] == ["csv"]


def test_expense_file_joined_on_the_dossier_id(tmp_path: Path) -> None:
    """Lines of the second file go to their dossier, in file order."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau\nD-2;Lannilis\n",
        "Dossier;Libellé;Montant;Région\nD-2;Formation;3 000;53\nD-1;Étude;5 000,50;\n"
        "D-2;Conseil;1 000;11\n",
    )
    found = list(load_csv(path))
    assert [(d.dossier.id, [(e.label, e.amount) for e in d.dossier.expenses or ()])
            for d in loaded(found)] == [
        ("D-1", [("Étude", Decimal("5000.50"))]),
        ("D-2", [("Formation", Decimal("3000")), ("Conseil", Decimal("1000"))]),
    ]


def test_dossier_without_lines_has_no_expenses(tmp_path: Path) -> None:
    """A dossier with no line in the second file has its expenses absent (unknown), not empty."""
    path = two_files(
        tmp_path, "Numéro;Commune\nD-1;Plouguerneau\n", "Dossier;Libellé;Montant;Région\n"
    )
    (result,) = load_csv(path)
    assert isinstance(result, Loaded)
    assert result.dossier.expenses is None


def test_bad_line_names_the_expense_file(tmp_path: Path) -> None:
    """A bad cell in the second file fails its dossier at that file's row and column."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau\nD-2;Lannilis\n",
        "Dossier;Libellé;Montant;Région\nD-1;Étude;5 000,50;53\nD-2;Conseil;-100;11\n",
    )
    found = list(load_csv(path))
    assert [d.dossier.id for d in loaded(found)] == ["D-1"]
    (failed,) = [r for r in found if isinstance(r, Failed)]
    assert str(failed.error) == (
        f"{tmp_path / 'lignes.csv'}: negative amount `-100` @ row 3, column `Montant`"
    )


def test_orphan_lines_are_reported(tmp_path: Path) -> None:
    """A line whose dossier id is not in the dossiers file is reported, not dropped."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau\n",
        "Dossier;Libellé;Montant;Région\nD-1;Étude;5 000;53\nD-9;Conseil;100;11\n;Audit;10;53\n",
    )
    found = list(load_csv(path))
    assert len(loaded(found)) == 1
    assert [str(r.error) for r in found if isinstance(r, Failed)] == [
        f"{tmp_path / 'lignes.csv'}: dossier `D-9` is not in {path} @ row 3, column `Dossier` "
        "(check the id, or the export both files come from)",
        f"{tmp_path / 'lignes.csv'}: expense line without dossier id @ row 4, column `Dossier`",
    ]


def test_expense_file_option(tmp_path: Path) -> None:
    """`--loader-option expenses=FILE` points at another lines file."""
    path = two_files(
        tmp_path, "Numéro;Commune\nD-1;Plouguerneau\n", "Dossier;Libellé;Montant;Région\n"
    )
    other = tmp_path / "autres-lignes.csv"
    other.write_text("Dossier;Libellé;Montant;Région\nD-1;Étude;7 000;53\n", encoding="utf-8")
    (result,) = load_csv(path, {"expenses": str(other)})
    assert isinstance(result, Loaded)
    assert [e.amount for e in result.dossier.expenses or ()] == [Decimal("7000")]


def test_gers_demarches_simplifiees_export() -> None:
    """The Démarches Simplifiées example (two files, `,`, ISO dates with time) loads whole."""
    found = list(load_csv(GERS))
    assert all(isinstance(r, Loaded) for r in found)
    dossiers = [r.dossier for r in loaded(found)]
    assert [d.id for d in dossiers] == ["4821337", "4821402", "4822019", "4822315", "4822790"]
    first = dossiers[0]
    assert first.applicant is not None and first.project is not None
    assert (first.applicant.kind, first.applicant.code, first.applicant.departement) == (
        Kind.CC, "200034726", "32"
    )
    assert first.project.themes == ("dematerialisation", "securite")
    assert first.expenses is not None
    assert [(e.category, e.amount) for e in first.expenses] == [
        (Category.ETUDE, Decimal("8000")),
        (Category.DEVELOPPEMENT, Decimal("12000")),
        (Category.FORMATION, Decimal("4500.50")),
    ]
    assert first.expenses[0].provider is None
    assert str(first.submitted) == "2021-06-01"


def test_gers_export_under_the_gers_policy() -> None:
    """The Gers export, evaluated under the shipped Gers policy, decides as its README says."""
    policy_file = POLICIES / "gers.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    program = compile_policy(load_policy(policy_file))
    decisions = [program.evaluate(r.dossier) for r in loaded(list(load_csv(GERS)))]
    assert [(d.dossier, str(d.status), [r.rule for r in d.reasons]) for d in decisions] == [
        ("4821337", "eligible", []),
        ("4821402", "eligible", []),
        ("4822019", "ineligible", ["porteur"]),
        ("4822315", "ineligible", ["hors_delai"]),
        ("4822790", "ineligible", ["formation"]),
    ]
    assert decisions[0].amount == Decimal("24500.50")


def test_bretagne_tracking_sheet() -> None:
    """The Bretagne sheet (`;`, BOM, decimal comma, repeated columns) loads whole."""
    dossiers = [r.dossier for r in loaded(list(load_csv(BRETAGNE)))]
    assert [d.id for d in dossiers] == [
        "BZH-2021-014", "BZH-2021-021", "BZH-2021-033", "BZH-2021-040", "BZH-2021-052"
    ]
    huelgoat = dossiers[1]
    assert huelgoat.applicant is not None and huelgoat.applicant.zrr is True
    assert huelgoat.expenses is not None
    assert [(e.amount, e.provider.region if e.provider else None)
            for e in huelgoat.expenses] == [(Decimal("7500.00"), "53"), (Decimal("5000.00"), "53")]
    abers = dossiers[3]
    assert abers.applicant is not None and abers.applicant.kind is Kind.CC
    assert abers.expenses is not None and abers.expenses[1].provider is None


def test_bretagne_sheet_under_the_bretagne_policy() -> None:
    """The Bretagne sheet under the shipped Bretagne policy: the statuses its README gives."""
    policy_file = POLICIES / "bretagne.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    program = compile_policy(load_policy(policy_file))
    decisions = [program.evaluate(r.dossier) for r in loaded(list(load_csv(BRETAGNE)))]
    assert [(d.dossier, str(d.status), [r.rule for r in d.reasons]) for d in decisions] == [
        ("BZH-2021-014", "eligible", []),
        ("BZH-2021-021", "eligible", []),
        ("BZH-2021-033", "ineligible", ["urbanisme"]),
        ("BZH-2021-040", "review", ["methode_participative"]),
        ("BZH-2021-052", "ineligible", ["materiel_finalite"]),
    ]


def test_installed_entry_point_is_discovered() -> None:
    """Once installed, the entry point `fitn7_csv` is loaded by name with its loader."""
    host = PluginHost.load()
    assert "fitn7_csv" in host.names()
    assert host.version("fitn7_csv") == "0.1.0"
    assert host.loaders["csv"].plugin == "fitn7_csv"


def failures(found: list[LoadResult]) -> list[str]:
    return [str(r.error) for r in found if isinstance(r, Failed)]


def test_duplicate_id_gets_no_expense_lines(tmp_path: Path) -> None:
    """Two rows sharing an id both fail, and the lines naming that id are reported, not given
    to the first row; the other dossier keeps its lines."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau\nD-2;Lannilis\nD-1;Landéda\n",
        "Dossier;Libellé;Montant;Région\nD-1;Étude;5 000;53\nD-2;Conseil;1 000;11\n"
        "D-1;Formation;2 000;53\n",
    )
    found = list(load_csv(path))
    assert [(d.dossier.id, [e.label for e in d.dossier.expenses or ()])
            for d in loaded(found)] == [("D-2", ["Conseil"])]
    rows = "an id names one dossier: none of these rows is evaluated until the wrong id is " \
        "corrected"
    line = f"the line is given to none of them @ row {{}}, column `Dossier` (correct the id " \
        f"repeated in {path})"
    assert failures(found) == [
        f"{path}: dossier id `D-1` is on rows 2 and 4 @ row 2, column `Numéro` ({rows})",
        f"{path}: dossier id `D-1` is on rows 2 and 4 @ row 4, column `Numéro` ({rows})",
        f"{tmp_path / 'lignes.csv'}: dossier `D-1` is on rows 2 and 4 of {path}: "
        + line.format(2),
        f"{tmp_path / 'lignes.csv'}: dossier `D-1` is on rows 2 and 4 of {path}: "
        + line.format(4),
    ]


def test_expense_line_with_too_many_cells_fails_its_dossier(tmp_path: Path) -> None:
    """A line that cannot be read fails the dossier it names (its budget would lack the
    line), with the line's own error; a bad line naming no known dossier is reported alone."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau\nD-2;Lannilis\n",
        "Dossier;Libellé;Montant;Région\nD-1;Étude;5 000;53\nD-2;Conseil; audit;1 000;11\n"
        "D-2;Formation;2 000;53\nD-9;Étude; bilan;10;53\n;Étude; bilan;10;53\n",
    )
    found = list(load_csv(path))
    assert [d.dossier.id for d in loaded(found)] == ["D-1"]
    message = "5 cells for 4 columns @ row {} (a cell may hold an unquoted `;`: quote it, " \
        "or check the export)"
    assert failures(found) == [
        f"{tmp_path / 'lignes.csv'}: " + message.format(3),
        f"{tmp_path / 'lignes.csv'}: " + message.format(5),
        f"{tmp_path / 'lignes.csv'}: " + message.format(6),
    ]


def test_bad_dossier_row_keeps_its_lines_out_of_the_orphans(tmp_path: Path) -> None:
    """The lines of a row that fails are not reported again as lines of an unknown dossier."""
    path = two_files(
        tmp_path,
        "Numéro;Commune\nD-1;Plouguerneau;en trop\nD-2;Lannilis\n",
        "Dossier;Libellé;Montant;Région\nD-1;Étude;5 000;53\nD-2;Conseil;1 000;11\n",
    )
    found = list(load_csv(path))
    assert [d.dossier.id for d in loaded(found)] == ["D-2"]
    assert failures(found) == [
        f"{path}: 3 cells for 2 columns @ row 2 (a cell may hold an unquoted `;`: quote it, "
        "or check the export)"
    ]


def copy_gers(tmp_path: Path) -> Path:
    """The Gers example, copied to be broken."""
    for source in GERS.parent.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    return tmp_path / GERS.name


def edit_row(path: Path, row: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[row - 1]
    lines[row - 1] = lines[row - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_gers_row_with_an_extra_cell(tmp_path: Path) -> None:
    """The auditor's case: an unquoted `,` in a title at row 5 fails that dossier only."""
    path = copy_gers(tmp_path)
    edit_row(path, 5, "Sécurisation des systèmes", "Sécurisation, des systèmes")
    found = list(load_csv(path))
    assert [d.dossier.id for d in loaded(found)] == ["4821337", "4821402", "4822019", "4822790"]
    assert failures(found) == [
        f"{path}: 17 cells for 16 columns @ row 5 (a cell may hold an unquoted `,`: quote it, "
        "or check the export)"
    ]


def test_gers_duplicate_id_is_not_decided(tmp_path: Path) -> None:
    """The auditor's case: the CC Val de Gers row carries Auch's id. It used to be decided
    eligible at 15 000 € on Auch's expense lines; now neither row is decided, and both sets
    of lines are reported."""
    path = copy_gers(tmp_path)
    edit_row(path, 3, "4821402,", "4822019,")
    found = list(load_csv(path))
    assert [d.dossier.id for d in loaded(found)] == ["4821337", "4822315", "4822790"]
    lines = tmp_path / "export-depenses.csv"
    assert [(r.file, r.path, r.error.message) for r in found if isinstance(r, Failed)] == [
        (str(path), "row 3, column `ID`", "dossier id `4822019` is on rows 3 and 4"),
        (str(path), "row 4, column `ID`", "dossier id `4822019` is on rows 3 and 4"),
        *((str(lines), f"row {n}, column `Dossier ID`", f"dossier `4821402` is not in {path}")
          for n in (5, 6, 7)),
        *((str(lines), f"row {n}, column `Dossier ID`",
           f"dossier `4822019` is on rows 3 and 4 of {path}: the line is given to none of them")
          for n in (8, 9, 10)),
    ]


def test_decisions_record_the_loader_that_read_the_dossier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`fitn7 eval` of an export: each decision names `fitn7_csv` among its plugins, as it
    names any plugin that took part."""
    import json

    from fitn7.cli import main

    policy_file = POLICIES / "gers.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    assert main(["eval", str(policy_file), str(GERS), "--format", "json"]) == 0
    decisions = json.loads(capsys.readouterr().out)
    assert {d["dossier"]: list(d["plugins"]) for d in decisions}["4821337"] == ["fitn7_csv"]


# ------------------------------------------------ the policy's inputs and documents

LEADER_MAPPING = """
[columns]
"N° dossier" = "id"
"Date de dépôt" = { field = "submitted", format = "%d/%m/%Y" }
"Porteur" = "applicant.name"
"Forme juridique" = "applicant.kind"
"Montant demandé" = { field = "requested", decimal_comma = true }
"Dépense HT" = { field = "expenses[0].amount_ht", decimal_comma = true }
"Nature de la dépense" = "expenses[0].category"
"TVA récupérée" = "expenses[0].vat_recovered"
"Fiche-action" = "inputs.inscription_strategie"
"Part sur le GAL" = { field = "inputs.part_territoire", decimal_comma = true }
"Premier devis signé" = { field = "inputs.debut_operation", format = "%d/%m/%Y" }
"Cofinancements publics" = { field = "inputs.cofinancement_public", decimal_comma = true }
"Engagement du cofinanceur" = "documents.engagement_cofinanceur"
"""
LEADER_HEADER = ("N° dossier;Date de dépôt;Porteur;Forme juridique;Montant demandé;Dépense HT;"
                 "Nature de la dépense;TVA récupérée;Fiche-action;Part sur le GAL;"
                 "Premier devis signé;Cofinancements publics;Engagement du cofinanceur")


def leader_export(tmp_path: Path, *rows: str, mapping: str = LEADER_MAPPING) -> Path:
    path = tmp_path / "leader.csv"
    path.write_text("\n".join([LEADER_HEADER, *rows]) + "\n", encoding="utf-8")
    path.with_suffix(".mapping.toml").write_text(mapping, encoding="utf-8")
    return path


def test_inputs_and_documents_of_the_policy_from_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Under `fitn7 eval`, the loader reads the columns the mapping gives to the policy's
    inputs (typed as the policy declares them: `Oui`, `50 %`, `10/02/2021`, `16 000,00`)
    and documents (a file name is a document provided), and the policy's own expense
    categories: LEADER's cases L1, L5, L6 and L6b decide as their example files do."""
    import json

    from fitn7.cli import main

    policy_file = POLICIES / "leader.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    export = leader_export(
        tmp_path,
        "L1;01/03/2021;Commune de Châlus;commune;64 000;100 000;investissement;oui;Oui;100 %;"
        "01/06/2021;16 000,00;engagement-departement.pdf",
        "L5;22/03/2021;Association Tréteaux;9220;12 800;40 000;fonctionnement;oui;Oui;50 %;"
        "01/05/2021;3 200;engagement-departement.pdf",
        "L6;15/02/2021;SARL Scierie;sarl;12 800;20 000;investissement;oui;Oui;100 %;"
        "10/02/2021;;",
        "L6b;15/02/2021;SARL Scierie;sarl;12 800;20 000;investissement;oui;Oui;100 %;"
        "01/03/2021;;",
    )
    assert main(["eval", str(policy_file), str(export), "--format", "json"]) == 0
    decisions = {d["dossier"]: d for d in json.loads(capsys.readouterr().out)}
    got = {k: (d["status"], d["amount"], sorted(r["rule"] for r in d["reasons"]))
           for k, d in decisions.items()}
    assert got == {
        "L1": ("eligible", "55000.00", []),
        "L5": ("review", "12800.00", ["prorata"]),
        "L6": ("ineligible", None, ["non_commencement"]),
        "L6b": ("incomplete", None, ["cofinancement", "engagement_cofinanceur"]),
    }
    assert decisions["L6b"]["missing"] == ["inputs.cofinancement_public"]


def test_a_document_column_that_says_no_is_a_missing_document(tmp_path: Path) -> None:
    """`Non` in a document's column (one of its `no` words) is the document not
    provided: the decision names it in French."""
    policy_file = POLICIES / "leader.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    program = compile_policy(load_policy(policy_file))
    export = leader_export(
        tmp_path,
        "L2;12/04/2021;Association;9220;18 000;30 000;etude;oui;Oui;100 %;03/05/2021;6 000;Non",
    )
    (result,) = load_csv(export, {}, program.vocabulary)
    assert isinstance(result, Loaded) and result.dossier.documents == ()
    decision = program.evaluate(result.dossier)
    assert (str(decision.status), [r.message for r in decision.reasons]) == (
        "incomplete",
        ["Pièce manquante : Lettre d'engagement ou décision d'attribution du cofinanceur public"],
    )


def test_a_wrong_input_value_is_reported_at_its_cell(tmp_path: Path) -> None:
    """A cell the policy's input type cannot read fails its row, at its column; the other
    rows load."""
    policy_file = POLICIES / "leader.fitn7"
    if not policy_file.is_file():
        pytest.skip("the shipped policies are not beside the plugin")
    vocabulary = compile_policy(load_policy(policy_file)).vocabulary
    export = leader_export(
        tmp_path,
        "A;01/03/2021;C;commune;1;1;investissement;oui;Peut-être;100 %;01/06/2021;0;",
        "B;01/03/2021;C;commune;1;1;investissement;oui;Oui;100 %;01/06/2021;0;",
    )
    first, second = load_csv(export, {}, vocabulary)
    assert isinstance(first, Failed) and isinstance(second, Loaded)
    assert first.error.path == "row 2, column `Fiche-action`"
    assert "expected yes or no, got `Peut-être`" in str(first.error)
    assert second.dossier.inputs["inscription_strategie"] is True
