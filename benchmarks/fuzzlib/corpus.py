"""The seeds: shipped policies and dossiers (TOML, and a JSON form of each), read once.

A dossier seed knows the policy it belongs to (`policies/gers/*.toml` →
`policies/gers.fitn7`), so its mutants are evaluated and allocated under that
policy; a policy seed knows its dossiers, evaluated under its mutants.
"""

from __future__ import annotations

import datetime
import json
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

ROOT = Path(__file__).resolve().parents[2]

Kind = Literal["policy", "dossier"]

#: Fixture dossiers outside a policy's folder, and the policy that fits them.
_FIXTURE_POLICIES = {"bzh": "bretagne", "bretagne": "bretagne", "gers": "gers",
                     "paca": "paca", "seine": "seine-maritime"}


@attrs.frozen
class Seed:
    """One file the mutants start from."""

    kind: Kind
    #: Path relative to the repository root, with `/` (stable across machines).
    path: str
    data: bytes
    #: `.fitn7`, `.toml` or `.json`: how the input is read.
    suffix: str
    #: The policy (relative path) its dossiers are decided under: itself for a policy.
    policy: str


@attrs.frozen
class Corpus:
    """Every seed, policies and dossiers apart, in a fixed order."""

    policies: tuple[Seed, ...]
    dossiers: tuple[Seed, ...]

    def dossiers_of(self, policy: str) -> tuple[Seed, ...]:
        """The TOML dossier seeds decided under `policy` (JSON forms left out: same dossiers)."""
        return tuple(s for s in self.dossiers if s.policy == policy and s.suffix == ".toml")

    def by_path(self, path: str) -> Seed:
        """The seed read from `path` (relative to the root); KeyError if there is none."""
        for seed in (*self.policies, *self.dossiers):
            if seed.path == path:
                return seed
        raise KeyError(path)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def policy_files(root: Path = ROOT) -> list[Path]:
    """The shipped policies and the plugins' example policies, sorted."""
    return sorted([*root.glob("policies/*.fitn7"), *root.glob("plugins/*/examples/*.fitn7")])


def _dossier_files(policy: Path) -> list[Path]:
    """The dossier files of a policy: its folder (examples) and sub-folders (allocation lots)."""
    folder = policy.with_suffix("")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.toml") if p.is_file())


def _fixture_dossiers(root: Path) -> list[tuple[Path, str]]:
    """The test fixtures' dossiers with the shipped policy they belong to."""
    out = []
    for path in sorted((root / "tests" / "fixtures" / "dossiers").glob("*")):
        if path.suffix not in (".toml", ".json") or not path.is_file():
            continue
        name = next((v for k, v in _FIXTURE_POLICIES.items() if k in path.name.lower()),
                    "bretagne")
        out.append((path, f"policies/{name}.fitn7"))
    return out


def plain_json(value: Any) -> Any:
    """TOML data as JSON-ready data: dates as ISO text, money kept exact (`Decimal`)."""
    if isinstance(value, Mapping):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def dump_json(value: Any) -> str:
    """JSON text of data holding `Decimal`s, written as the exact numbers they are."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k))}: {dump_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dump_json(v) for v in value) + "]"
    if isinstance(value, datetime.date | datetime.time):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def json_form(toml_data: bytes) -> bytes:
    """The same dossier(s) as a JSON document (what a web form would post)."""
    data = tomllib.loads(toml_data.decode("utf-8"), parse_float=Decimal)
    return dump_json(plain_json(data)).encode("utf-8")


def load_corpus(root: Path = ROOT) -> Corpus:
    """Every seed under `root`, in a fixed order (the run is reproducible from its seed)."""
    policies: list[Seed] = []
    dossiers: list[Seed] = []
    pairs: list[tuple[Path, str]] = []
    for file in policy_files(root):
        rel = _relative(file, root)
        policies.append(Seed("policy", rel, file.read_bytes(), ".fitn7", rel))
        pairs.extend((d, rel) for d in _dossier_files(file))
    pairs.extend(_fixture_dossiers(root))
    for file, policy in pairs:
        data = file.read_bytes()
        rel = _relative(file, root)
        dossiers.append(Seed("dossier", rel, data, file.suffix, policy))
        if file.suffix == ".toml":
            dossiers.append(Seed("dossier", rel, json_form(data), ".json", policy))
    return Corpus(tuple(policies), tuple(dossiers))


def seeds_of(corpus: Corpus, kind: Kind) -> Sequence[Seed]:
    """The policy seeds or the dossier seeds."""
    return corpus.policies if kind == "policy" else corpus.dossiers
