"""Regenerate the committee report and the notice of the Bretagne call shown in docs/.

    python docs/examples/make.py            # rewrite the files beside this script
    python docs/examples/make.py --check    # exit 1 when one of them is out of date

The files are made by the command line a user runs, from the repository's
root, with the paths written relative to it (they show in the report):

    fitn7 report policies/bretagne.fitn7 policies/bretagne/ policies/bretagne/allocation/ \\
        -o docs/examples/bretagne-report.html      (and .xlsx)
    fitn7 doc policies/bretagne.fitn7 -o docs/examples/bretagne-notice.md   (and .html)

No date is given: the report prints the latest filing date of its dossiers,
so the same policy and dossiers always give the same bytes (the workbook
has no clock in it either). CI runs `--check` (.ci/run).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

POLICY = "policies/bretagne.fitn7"
DOSSIERS = ("policies/bretagne/", "policies/bretagne/allocation/")

#: Each file of docs/examples/ and the fitn7 command that makes it (without `-o`).
COMMANDS = {
    "bretagne-report.html": ("report", POLICY, *DOSSIERS),
    "bretagne-report.xlsx": ("report", POLICY, *DOSSIERS),
    "bretagne-notice.md": ("doc", POLICY),
    "bretagne-notice.html": ("doc", POLICY),
}


def outputs(names: Iterable[str] = COMMANDS) -> dict[str, bytes]:
    """Each example file's bytes (of `names`, by default all), made afresh in a
    temporary folder."""
    from fitn7.cli import main

    made: dict[str, bytes] = {}
    previous = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(ROOT)
        try:
            for name in names:
                command = COMMANDS[name]
                target = Path(scratch) / name
                # French whatever the caller's FITN7_LANG: the examples are the default.
                with contextlib.redirect_stderr(io.StringIO()) as err:
                    code = main([*command, "-o", str(target), "--lang", "fr"])
                if code != 0:
                    raise SystemExit(f"fitn7 {' '.join(command)} failed:\n{err.getvalue()}")
                made[name] = target.read_bytes()
        finally:
            os.chdir(previous)
    return made


def stale(names: Iterable[str] = COMMANDS) -> list[str]:
    """The example files that differ from what the commands make now.

    A workbook is compared by its cells (value and number format, sheet by
    sheet), not its bytes: another version of openpyxl may write the same
    cells with other XML.
    """
    names = []
    for name, data in outputs(names).items():
        path = HERE / name
        if not path.exists():
            names.append(name)
        elif name.endswith(".xlsx"):
            if cells(path.read_bytes()) != cells(data):
                names.append(name)
        elif path.read_bytes() != data:
            names.append(name)
    return names


def cells(data: bytes) -> list[tuple[str, str, object, str]]:
    """Every cell of a workbook: sheet, coordinate, value, number format."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(sheet.title, cell.coordinate, cell.value, cell.number_format)
            for sheet in book for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def main(argv: list[str]) -> int:
    """Rewrite the examples, or with `--check` say which are out of date."""
    if argv == ["--check"]:
        names = stale()
        for name in names:
            print(f"docs/examples/{name} is out of date: run python docs/examples/make.py",
                  file=sys.stderr)
        return 1 if names else 0
    if argv:
        print("usage: python docs/examples/make.py [--check]", file=sys.stderr)
        return 2
    for name, data in outputs().items():
        (HERE / name).write_bytes(data)
        print(f"wrote docs/examples/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
