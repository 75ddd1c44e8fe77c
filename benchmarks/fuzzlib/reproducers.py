"""A minimised failing input on disk, and running it again.

A reproducer is a directory holding `input.fitn7` (or `.toml`, `.json`), the
bytes as they are, and `meta.json`: the entry point, the seed file the input
is read against (a policy input is diffed with it; a dossier input is decided
under its policy), the error (type, message, innermost fitn7 frame, the
traceback) and how it was found (fuzz seed and input number). `tests/fuzz/`
runs every committed reproducer again.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from fuzzlib.corpus import ROOT
from fuzzlib.executor import Executor
from fuzzlib.generate import FuzzInput
from fuzzlib.outcomes import ErrorInfo, Outcome

META = "meta.json"


def slug(kind: str, entry: str, error: ErrorInfo) -> str:
    """A directory name that says what failed, unique per group key."""
    function = error.frame.rsplit(":", 1)[-1]
    digest = hashlib.sha256(error.key.encode("utf-8")).hexdigest()[:8]
    raw = f"{kind}-{entry}-{error.type_name}-{function}-{digest}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)


def save(out: Path, inp: FuzzInput, entry: str, error: ErrorInfo, *, original: FuzzInput,
         fuzz_seed: int, shrunk: bool) -> Path:
    """Write the reproducer of one internal error under `out`; its directory."""
    folder = out / slug(inp.kind, entry, error)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"input{inp.suffix}").write_bytes(inp.data)
    meta: dict[str, Any] = {
        "key": error.key,
        "entry": entry,
        "kind": inp.kind,
        "suffix": inp.suffix,
        "seed": inp.seed,
        "exception": error.type_name,
        "message": error.message,
        "frame": error.frame,
        "line": error.line,
        "detail": error.detail,
        "origin": original.origin,
        "fuzz_seed": fuzz_seed,
        "index": original.index,
        "original_bytes": len(original.data),
        "bytes": len(inp.data),
        "minimised": shrunk,
        # Paths relative to the repository, so a committed reproducer reads the same anywhere.
        "traceback": error.traceback.replace(f"{ROOT}/", ""),
    }
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return folder


def load(folder: Path) -> tuple[FuzzInput, dict[str, Any]]:
    """The input and the metadata of a saved reproducer."""
    meta: dict[str, Any] = json.loads((folder / META).read_text("utf-8"))
    data = (folder / f"input{meta['suffix']}").read_bytes()
    inp = FuzzInput(meta["kind"], data, meta["suffix"], meta["seed"], origin=str(folder),
                    index=int(meta.get("index", -1)))
    return inp, meta


def replay(executor: Executor, folder: Path, timeout: float = 10.0) -> dict[str, Outcome]:
    """Every entry point of the reproducer's input, run again (not only the one that failed:
    a fix that moves the crash to the next step is not a fix)."""
    inp, _ = load(folder)
    return executor.run(inp, None, timeout)


def folders(root: Path) -> list[Path]:
    """The reproducer directories under `root`, sorted."""
    if not root.is_dir():
        return []
    return sorted(p.parent for p in root.glob(f"*/{META}"))
