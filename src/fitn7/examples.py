"""Example dossiers shipped with a policy, and their expected decisions (`fitn7 test`).

The examples of `policies/bretagne.fitn7` live in the directory beside it
named after the file, `policies/bretagne/`: one TOML file per dossier (or
`[[dossier]]` tables), each with an `[expected]` table and, optionally, an
`[example]` table:

    [example]
    description = "commune de 5 000 habitants pile: forfait de la tranche haute"
    params = { seuil_petite_collectivite = 20_000 }

    [expected]
    status = "eligible"        # eligible, review, ineligible, incomplete
    amount = "10000.00"        # or "none" for no amount
    score = 1
    reasons = ["territoire"]   # rule ids, in any order
    missing = ["applicant.population"]

Only the keys given are compared.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from fitn7.diagnostics import did_you_mean
from fitn7.errors import DossierError, Fitn7Error
from fitn7.evaluation import CompiledPolicy, Decision
from fitn7.input_file import read_input_bytes
from fitn7.loading import dossier_from_mapping
from fitn7.loading.values import exact_number
from fitn7.plugins import PluginHost
from fitn7.render.labels import label
from fitn7.render.lang import Lang
from fitn7.runner import Runner
from fitn7.types import STATUSES

_EXPECTED_KEYS = frozenset({"status", "amount", "score", "reasons", "missing"})
_EXAMPLE_KEYS = frozenset({"description", "params"})


@attrs.frozen
class ExampleResult:
    """One example dossier run against its policy: passed, or what differed."""

    file: str
    dossier: str
    description: str | None
    problems: tuple[str, ...]
    decision: Decision | None = None

    @property
    def passed(self) -> bool:
        """True when the decision matched every expectation given."""
        return not self.problems


def examples_dir(policy_file: Path) -> Path:
    """Where the examples of a policy file live: the sibling directory named after it."""
    return policy_file.with_suffix("")


def run_examples(
    policy_file: Path, program: CompiledPolicy, plugins: PluginHost | None = None,
    *, trace: bool = False, lang: Lang = "fr",
) -> list[ExampleResult]:
    """Run every example of a policy; an unreadable example is a failed result, not a crash.

    Examples go through the same enrichment as `fitn7 eval` (the plugins the
    policy `uses`); `trace=True` keeps the trace in each decision (for coverage).
    `lang` is the language of what a failed example says differs (a file that
    cannot be read is told in English, as `fitn7 check`'s diagnostics are)."""
    directory = examples_dir(policy_file)
    if not directory.is_dir():
        return []
    results: list[ExampleResult] = []
    for file in sorted(directory.glob("*.toml"), key=lambda p: p.name):
        results.extend(_run_file(file, program, plugins, trace, lang))
    return results


def run_example_table(
    table: Mapping[str, Any], program: CompiledPolicy, *, file: str, path: str = "$",
    plugins: PluginHost | None = None,
) -> ExampleResult:
    """One example given as a parsed table (a dossier with its `[expected]` and optional
    `[example]` tables), run as `fitn7 test` runs an example file: for examples kept
    elsewhere than a policy's directory (docs/cookbook.md)."""
    return _run_entry(file, path, table, program, plugins)


def _run_file(
    file: Path, program: CompiledPolicy, plugins: PluginHost | None, trace: bool = False,
    lang: Lang = "fr",
) -> list[ExampleResult]:
    name = str(file)
    try:
        # Regular files only: a named pipe among the examples would block.
        document = tomllib.loads(read_input_bytes(file).decode("utf-8"),
                                parse_float=exact_number)
    except tomllib.TOMLDecodeError as exc:
        return [ExampleResult(name, "?", None, (f"cannot read the example: invalid TOML: {exc}",))]
    except UnicodeDecodeError:
        return [ExampleResult(name, "?", None, ("cannot read the example: not UTF-8 text",))]
    except ValueError:  # an integer of more than 4 300 digits, which Python will not read
        return [ExampleResult(name, "?", None, ("cannot read the example: a number is too large",))]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [ExampleResult(name, "?", None, (f"cannot read the example: {reason}",))]
    if "dossier" in document and isinstance(document["dossier"], list):
        entries = [(f"$.dossier[{i}]", e) for i, e in enumerate(document["dossier"])]
    else:
        entries = [("$", document)]
    return [_run_entry(name, path, entry, program, plugins, trace, lang)
            for path, entry in entries]


def _run_entry(
    file: str, path: str, entry: Any, program: CompiledPolicy, plugins: PluginHost | None,
    trace: bool = False, lang: Lang = "fr",
) -> ExampleResult:
    if not isinstance(entry, Mapping):
        return ExampleResult(file, "?", None, (f"expected a table @ {path}",))
    data = dict(entry)
    expected = data.pop("expected", None)
    example = data.pop("example", {})
    ident = str(data.get("id", "?"))
    description = example.get("description") if isinstance(example, Mapping) else None
    if not isinstance(expected, Mapping):
        return ExampleResult(file, ident, description, (f"no [expected] table @ {path}",))
    problems = [f"unknown key `{k}` in [expected]" for k in sorted(set(expected) - _EXPECTED_KEYS)]
    if not expected:
        # An empty table would pass whatever the policy decides.
        problems.append(f"[expected] is empty @ {path}: give at least the `status`")
    status = expected.get("status")
    if status is not None and status not in STATUSES:
        hint = did_you_mean(str(status), STATUSES)
        problems.append(f"expected status `{status}` is not a status"
                        + (f" ({hint})" if hint else f": one of {', '.join(STATUSES)}"))
    if isinstance(example, Mapping):
        unknown = sorted(set(example) - _EXAMPLE_KEYS)
        problems += [f"unknown key `{k}` in [example]" for k in unknown]
    if problems:
        return ExampleResult(file, ident, description, tuple(problems))
    params = example.get("params") if isinstance(example, Mapping) else None
    try:
        dossier = dossier_from_mapping(data, file=file, base_path=path,
                                       vocabulary=program.vocabulary)
        runner = Runner(program, plugins, params or None)
        decision = runner.decide(dossier, trace=trace).decision
    except DossierError as exc:
        return ExampleResult(file, ident, description, (str(exc),))
    except Fitn7Error as exc:
        return ExampleResult(file, ident, description, (f"evaluation failed: {exc}",))
    return ExampleResult(
        file, ident, description, tuple(compare(decision, expected, lang)), decision
    )


def compare(
    decision: Decision, expected: Mapping[str, Any], lang: Lang = "fr"
) -> list[str]:
    """What differs between a decision and the expected values (empty when it matches), in
    `lang`; the values are shown as the example file writes them (`eligible`, `18000`)."""
    problems: list[str] = []
    if "status" in expected and decision.status.value != expected["status"]:
        problems.append(label("example.status", lang, got=decision.status.value,
                              expected=expected["status"]))
    if "amount" in expected:
        want = _amount(expected["amount"])
        if want == "invalid":
            problems.append(label("example.bad_amount", lang, expected=expected["amount"]))
        elif decision.amount != want:
            got = "none" if decision.amount is None else f"{decision.amount:f}"
            problems.append(label("example.amount", lang, got=got,
                                  expected=expected["amount"]))
    if "score" in expected and decision.score != expected["score"]:
        problems.append(label("example.score", lang, got=decision.score,
                              expected=expected["score"]))
    if "reasons" in expected:
        got_rules = sorted(r.rule for r in decision.reasons)
        if got_rules != sorted(_strings(expected["reasons"])):
            problems.append(label("example.reasons", lang, got=got_rules,
                                  expected=sorted(expected["reasons"])))
    if "missing" in expected:
        got_missing = sorted(decision.missing)
        if got_missing != sorted(_strings(expected["missing"])):
            problems.append(label("example.missing", lang, got=got_missing,
                                  expected=sorted(expected["missing"])))
    return problems


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, Sequence) else [str(value)]


def _amount(value: Any) -> Decimal | str | None:
    if value is None or (isinstance(value, str) and value.lower() == "none"):
        return None
    try:
        return Decimal(str(value).replace("_", ""))
    except InvalidOperation:
        return "invalid"
