"""The Python example at the top of docs/api.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_api_example_runs(monkeypatch, capsys):
    """Copying the example into a script in the repository works, and prints decisions."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(example, "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("eligible ") and "'policy': {'id': 'fitn7-paca'" in out
