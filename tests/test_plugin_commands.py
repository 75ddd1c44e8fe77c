"""Plugin hooks for sources of dossiers: `fitn7_register_commands` and `LoaderDecl.claims`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fitn7.cli import main
from fitn7.plugins import PluginHost

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "gers.fitn7"

COMMAND_PLUGIN = '''
from fitn7.hookspecs import CommandDecl, hookimpl


def configure(parser):
    parser.add_argument("name")
    parser.set_defaults(run=lambda args: print(f"bonjour {args.name}") or 0)


@hookimpl
def fitn7_register_commands():
    return [CommandDecl("bonjour", "Say hello.", configure),
            CommandDecl("eval", "Shadows fitn7's own.", configure)]
'''

CLAIMING_PLUGIN = '''
import json
from pathlib import Path

from fitn7.hookspecs import LoaderDecl, hookimpl
from fitn7.loading import Loaded, dossier_from_mapping


def claims(path, options):
    return Path(path).read_text(encoding="utf-8").startswith('{"maison"')


def load(path, options):
    for i, data in enumerate(json.loads(Path(path).read_text(encoding="utf-8"))["maison"]):
        yield Loaded(dossier_from_mapping(data, file=str(path), base_path=f"m{i}"), str(path))


@hookimpl
def fitn7_register_loaders():
    return [LoaderDecl("maison", (".maison",), "A house format in .json files.", load,
                       claims=claims)]
'''


def _plugins(tmp_path: Path, name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.setenv("FITN7_PLUGINS_DIR", str(folder))
    return folder


def test_a_plugin_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = _plugins(tmp_path, "salut", COMMAND_PLUGIN, monkeypatch)
    host = PluginHost.load(folder, entry_points=False)
    assert sorted(host.commands) == ["bonjour", "eval"]
    assert host.commands["bonjour"].plugin == "salut"
    assert main(["bonjour", "Auch"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "bonjour Auch\n"
    # fitn7's own `eval` is kept: the plugin's is left out with a warning.
    assert "declares the command `eval`, one of fitn7's own: left out" in captured.err


def test_plugin_commands_are_not_loaded_for_fitn7s_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _plugins(tmp_path, "salut", COMMAND_PLUGIN, monkeypatch)
    assert main(["hash", str(POLICY)]) == 0
    assert "left out" not in capsys.readouterr().err


def test_a_loader_claims_a_json_file_by_its_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _plugins(tmp_path, "maison", CLAIMING_PLUGIN, monkeypatch)
    ours = tmp_path / "lot.json"
    ours.write_text(json.dumps({"maison": [{"id": "M-1"}, {"id": "M-2"}]}), encoding="utf-8")
    plain = tmp_path / "dossier.json"
    plain.write_text(json.dumps({"id": "P-1"}), encoding="utf-8")
    host = PluginHost.load(folder, entry_points=False)
    loader = host.loader_for(ours, {})
    assert loader is not None and loader.format == "maison"
    assert host.loader_for(plain, {}) is None
    ids = [r.dossier.id for r in host.read([ours, plain])]
    assert ids == ["M-1", "M-2", "P-1"]
    main(["eval", str(POLICY), str(ours), "--format", "json"])
    assert '"M-2"' in capsys.readouterr().out


VOCABULARY_PLUGIN = '''
import json
from pathlib import Path

from fitn7.hookspecs import LoaderDecl, hookimpl
from fitn7.loading import Loaded, dossier_from_mapping


def load(path, options):
    raise AssertionError("load_with_vocabulary is called instead")


def load_with_vocabulary(path, options, vocabulary):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    yield Loaded(dossier_from_mapping(data, file=str(path), vocabulary=vocabulary), str(path))


@hookimpl
def fitn7_register_loaders():
    return [LoaderDecl("voc", (".voc",), "Reads with the policy's vocabulary.", load,
                       load_with_vocabulary=load_with_vocabulary)]
'''


def test_a_loader_gets_the_policys_vocabulary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`load_with_vocabulary` is called with the vocabulary of the policy the command
    reads dossiers for: the LEADER policy's categories and typed inputs load, where the
    FITN7 default vocabulary would refuse the category `investissement`."""
    _plugins(tmp_path, "voc", VOCABULARY_PLUGIN, monkeypatch)
    dossier = tmp_path / "d.voc"
    dossier.write_text(json.dumps({
        "id": "V-1", "submitted": "2021-03-01",
        "expenses": [{"label": "l", "category": "investissement", "amount_ht": "100",
                      "vat_recovered": True}],
        "inputs": {"part_territoire": "100%", "debut_operation": "2021-02-01",
                   "inscription_strategie": True, "cofinancement_public": "10"},
    }), encoding="utf-8")
    assert main(["eval", str(ROOT / "policies" / "leader.fitn7"), str(dossier),
                 "--format", "json"]) == 0
    (decision,) = json.loads(capsys.readouterr().out)
    assert [r["rule"] for r in decision["reasons"]] == ["non_commencement"]
