"""Replay: was this recorded decision really produced by that policy from that dossier?

`replay(decisions, policy, dossiers)` evaluates each dossier again and
compares the result with the decision on record, field by field: the policy
(id, version, canonical hash), the dossier's canonical hash, status, amount,
score, reasons, missing fields and, when it was recorded, the trace (without
the file and line of each rule: a copy of the policy elsewhere, a git
revision or a reformatted file decides the same). Any
difference means the decision does not reproduce: the file was edited, or
the policy or the dossier is not the one it was made from.

A decision records the params overridden when it was made (`params`); they
are used again unless the caller gives params, in which case a difference
with the recorded ones is a mismatch.

A different version of fitn7 or of a plugin is only a note: the decision
may still reproduce, and when it does not, the note says what to suspect. A
decision recorded twice, or two decisions on one dossier, are noted too.
Decisions are read from the JSON or TOML that `fitn7 eval --format
json|toml` writes (a list of decisions, `[[decision]]` tables, or one); a
file that holds none (an empty list) is an error, not a replay of nothing.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from fitn7.audit.diff import PolicyVersion
from fitn7.audit.impact import host_for, program_of
from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.errors import Fitn7Error
from fitn7.evaluation import CompiledPolicy
from fitn7.input_file import read_input_bytes
from fitn7.plugins import PluginHost
from fitn7.provenance import fitn7_version
from fitn7.runner import Runner

#: Fields compared, in the order mismatches are reported; `trace` only when recorded.
COMPARED = (
    "policy.id",
    "policy.version",
    "policy.sha256",
    "dossier_sha256",
    "status",
    "amount",
    "score",
    "reasons",
    "missing",
    "params",
    "trace",
)
#: Keys of a trace entry that say where a rule is written, not what it decided.
_LOCATION = ("file", "line")
#: Fields whose difference is a note, not a failure to reproduce.
NOTED = ("fitn7", "plugins")


class DecisionsFileError(Fitn7Error):
    """The file of recorded decisions cannot be read."""


@attrs.frozen
class Mismatch:
    """One field of a recorded decision that the replay does not give back."""

    field: str
    recorded: Any
    replayed: Any


@attrs.frozen
class Replayed:
    """One recorded decision, replayed."""

    #: Its position in the decisions file (0-based).
    index: int
    #: The dossier it is about, as recorded (None when the record names none).
    dossier: str | None
    mismatches: tuple[Mismatch, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def reproduced(self) -> bool:
        """True when every compared field is the same."""
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "index": self.index,
            "dossier": self.dossier,
            "reproduced": self.reproduced,
            "mismatches": [
                {"field": m.field, "recorded": m.recorded, "replayed": m.replayed}
                for m in self.mismatches
            ],
            "notes": list(self.notes),
        }


@attrs.frozen
class ReplayReport:
    """Every recorded decision replayed against one policy and a corpus of dossiers."""

    policy: PolicyVersion
    results: tuple[Replayed, ...]

    @property
    def failures(self) -> tuple[Replayed, ...]:
        """The decisions that do not reproduce, in file order."""
        return tuple(r for r in self.results if not r.reproduced)

    @property
    def ok(self) -> bool:
        """True when every recorded decision reproduces."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "policy": {"id": self.policy.id, "version": self.policy.version,
                       "sha256": self.policy.sha256},
            "replayed": len(self.results),
            "reproduced": len(self.results) - len(self.failures),
            "failed": len(self.failures),
            "results": [r.to_dict() for r in self.results],
        }


# ------------------------------------------------------------------ reading


def read_decisions(path: str | Path) -> list[Any]:
    """The recorded decisions of a JSON or TOML file, as plain values, in file order."""
    p = Path(path)
    try:
        text = read_input_bytes(p).decode("utf-8-sig")  # never a named pipe
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (
            exc.strerror or str(exc))
        raise DecisionsFileError(f"fitn7: cannot read `{path}`: {reason}") from None
    try:
        if p.suffix.lower() == ".toml":
            document: Any = tomllib.loads(text)
        else:
            document = json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DecisionsFileError(f"fitn7: `{path}` is not valid JSON or TOML: {exc}") from None
    except ValueError:  # an integer of more than 4 300 digits, which Python will not read
        raise DecisionsFileError(f"fitn7: `{path}` holds a number too large to read") from None
    try:
        # A JSON `\ud800` without its pair is no character: no report could print it.
        json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise DecisionsFileError(
            f"fitn7: `{path}` holds text that is not valid Unicode (a lone surrogate, "
            "`\\ud800`): it was not written by `fitn7 eval`"
        ) from None
    records: list[Any] | None = None
    if isinstance(document, list):
        records = document
    elif isinstance(document, Mapping) and isinstance(document.get("decision"), list):
        records = list(document["decision"])
    elif isinstance(document, Mapping) and "dossier" in document:
        records = [document]
    if records == []:
        raise DecisionsFileError(
            f"fitn7: `{path}` holds no decisions (an empty list): there is nothing to replay"
        )
    if records is not None:
        return records
    raise DecisionsFileError(
        f"fitn7: `{path}` holds no decisions: expected a list of decisions, "
        "`[[decision]]` tables, or one decision (as `fitn7 eval --format json|toml` writes)"
    )


def _normal(value: Any) -> Any:
    """A decision's value as both JSON and TOML give it back: no null keys (TOML has none)."""
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _get(record: Mapping[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if dotted == "trace" and isinstance(value, list):
        # Where a rule is declared is not what it decided: the same policy read
        # from another copy, a git revision or reformatted gives the same decision.
        value = [
            {k: v for k, v in e.items() if k not in _LOCATION} if isinstance(e, Mapping) else e
            for e in value
        ]
    if dotted in ("reasons", "trace") and isinstance(value, list):
        # Rules listed in another order are the same decision: moving a rule in
        # the policy keeps its hash (see fitn7.hashing) and changes only the order.
        value = sorted(value, key=_order_free_key)
    return value


def _order_free_key(entry: Any) -> str:
    """A sort key for a reason or trace entry that does not depend on policy order."""
    return json.dumps(entry, sort_keys=True, default=str)


# ------------------------------------------------------------------ replay


def replay_one(
    index: int,
    record: Any,
    program: CompiledPolicy,
    by_id: Mapping[str, Dossier],
    params: Mapping[str, Any] | None = None,
    plugins: PluginHost | None = None,
) -> Replayed:
    """Replay one recorded decision (a mapping as read from JSON or TOML)."""
    if not isinstance(record, Mapping):
        return Replayed(index, None, (Mismatch("dossier", None, None),),
                        (f"the record is {json_kind(record)}, not a decision",))
    if not isinstance(record.get("dossier"), str):
        shown = record.get("dossier")
        note = ("the record names no dossier id" if shown is None else
                f"the dossier id {json.dumps(shown, ensure_ascii=False, default=str)} is "
                f"{json_kind(shown)}, not a string")
        return Replayed(index, None, (Mismatch("dossier", shown, None),), (note,))
    ident: str = record["dossier"]
    dossier = by_id.get(ident)
    if dossier is None:
        return Replayed(index, ident, (Mismatch("dossier", ident, None),),
                        (f"no dossier `{ident}` among the dossiers given",))
    try:
        # The same path as `fitn7 eval`: enrichers of the plugins the policy uses,
        # evaluation, provenance stamped from the dossier as filed.
        given = params if params is not None else _recorded_params(record)
        decision = Runner(program, plugins, given).decide(dossier, trace=True).decision
    except Fitn7Error as exc:
        return Replayed(index, ident, (Mismatch("evaluation", None, str(exc)),))
    recorded = _normal(record)
    replayed = _normal(decision.to_dict())
    mismatches = []
    for field in COMPARED:
        if field in ("trace", "params") and field not in recorded:
            continue  # a decision may be recorded without its trace (or by an older fitn7)
        was, now = _get(recorded, field), _get(replayed, field)
        if was != now:
            mismatches.append(Mismatch(field, was, now))
    notes = []
    for field in NOTED:
        was, now = recorded.get(field), replayed.get(field)
        if was is None:
            notes.append(f"no `{field}` version recorded")
        elif was != now:
            shown = fitn7_version() if field == "fitn7" else now
            notes.append(f"recorded with {field} {versions(was)}, replayed with "
                         f"{versions(shown)}")
    unknown = sorted(set(recorded) - set(replayed) - {"trace"})
    if unknown:
        notes.append("fields fitn7 does not write: " + ", ".join(f"`{k}`" for k in unknown))
    return Replayed(index, ident, tuple(mismatches), tuple(notes))


def json_kind(value: Any) -> str:
    """What a value read from JSON or TOML is, in words: `a number`, `a list`…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"  # pragma: no cover - JSON and TOML give no other


def versions(value: Any) -> str:
    """A recorded version for a person: `1.0`, or the plugins as `fitn7_zrr 1.2, foo 1.0`."""
    if isinstance(value, Mapping):
        return ", ".join(f"{name} {version}" for name, version in value.items()) or "no plugin"
    return str(value)


def duplicates(records: Sequence[Any]) -> dict[int, str]:
    """Index → note for each record that repeats an earlier one, or decides a dossier an
    earlier record decides too."""
    first_copy: dict[str, int] = {}
    first_on: dict[str, int] = {}
    notes: dict[int, str] = {}
    for index, record in enumerate(records):
        key = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
        ident = record.get("dossier") if isinstance(record, Mapping) else None
        if key in first_copy:
            notes[index] = f"the same decision as #{first_copy[key] + 1} (recorded twice)"
        elif isinstance(ident, str) and ident in first_on:
            notes[index] = (f"dossier `{ident}` is also decided at #{first_on[ident] + 1}, "
                            "differently")
        first_copy.setdefault(key, index)
        if isinstance(ident, str):
            first_on.setdefault(ident, index)
    return notes


def _recorded_params(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The param overrides a decision records (`params`), None when it records none."""
    recorded = record.get("params")
    if isinstance(recorded, Mapping) and recorded:
        return recorded
    return None


def replay(
    decisions: str | Path | Iterable[Any],
    policy: ast.Policy | CompiledPolicy | str | Path,
    dossiers: Iterable[Dossier],
    params: Mapping[str, Any] | None = None,
    *,
    plugins: PluginHost | None = None,
) -> ReplayReport:
    """Re-evaluate each recorded decision's dossier and report what does not reproduce.

    `decisions` is a file written by `fitn7 eval --format json|toml`, or the
    decisions already read (`Decision.to_dict()` mappings). `policy` is a
    checked policy, or a file / `REV:PATH` loaded and checked here.
    `params` replace the overrides each decision records (`params`); by
    default, those recorded are used.
    """
    records: Sequence[Any] = (
        read_decisions(decisions) if isinstance(decisions, str | Path) else list(decisions)
    )
    program = program_of(policy, plugins)
    plugins = host_for(plugins, program.policy)
    by_id = {d.id: d for d in dossiers}
    repeated = duplicates(records)
    results = []
    for i, record in enumerate(records):
        result = replay_one(i, record, program, by_id, params, plugins)
        if i in repeated:
            result = attrs.evolve(result, notes=(*result.notes, repeated[i]))
        results.append(result)
    return ReplayReport(PolicyVersion.of(program.policy), tuple(results))
