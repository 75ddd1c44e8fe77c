"""Mistakes in a démarche mapping, each named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fitn7.errors import DossierError

from fitn7_demarches_simplifiees.mapping import load_mapping


def _mapping(folder: Path, text: str) -> Path:
    path = folder / "m.mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "path", "message"), [
    ('[demarche]\nnumber = "x"\n[columns]\n"ID" = "id"\n', "demarche.number",
     "expected the démarche's number"),
    ('[demarche]\nstates = ["en_cours"]\n[columns]\n"ID" = "id"\n', "demarche.states",
     "expected a list of dossier states"),
    ('[demarche]\n[columns]\n"ID" = { field = "id", champ = "x" }\n', 'columns."ID".champ',
     "stable id"),
    ('[demarche]\n[columns]\n"Nom" = "applicant.name"\n', "columns", "no column is mapped to `id`"),
    ('[demarche]\n[columns]\n"ID" = "id"\n[expenses]\n[expenses.columns]\n"M" = "amount"\n',
     "expenses", "which repetition block"),
    ('[demarche]\n[columns]\n"ID" = "id"\n"A" = { field = "project.title", champ = 1 }\n'
     '"B" = { field = "project.tags", champ = 1 }\n', 'columns."B".champ',
     "champ 1 is already `A`"),
    ('[demarche]\n[columns]\n"ID" = "id"\n"M" = "expenses[0].amount"\n', 'columns."M"',
     "repetition block"),
])
def test_mapping_mistakes(tmp_path: Path, text: str, path: str, message: str) -> None:
    with pytest.raises(DossierError) as caught:
        load_mapping(_mapping(tmp_path, text))
    assert caught.value.path == path
    assert message in str(caught.value)


def test_checkbox_words_are_read_unless_the_mapping_gives_its_own(tmp_path: Path) -> None:
    mapping = load_mapping(_mapping(tmp_path, '[demarche]\n[columns]\n"ID" = "id"\n'
                                    '"P" = "project.participatory"\n'
                                    '"S" = { field = "project.started", yes = ["X"] }\n'))
    by_header = {c.header: c for c in mapping.columns}
    assert "on" in by_header["P"].yes and "off" in by_header["P"].no
    assert by_header["S"].yes == ("x",)
