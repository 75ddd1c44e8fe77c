"""`fitn7 check --prove`: each invariant proved for every dossier, or a counterexample
dossier the evaluator confirms, or unknown with the reason."""

from __future__ import annotations

from pathlib import Path

import attrs
import z3

from fitn7.dsl import ast
from fitn7.errors import Fitn7Error
from fitn7.evaluation import CompiledPolicy
from fitn7.loading import dossier_from_mapping
from fitn7.plugins import PluginHost
from fitn7.proofs import witness
from fitn7.proofs.inputs import Inputs
from fitn7.proofs.model import PolicyModel, build
from fitn7.proofs.solve import ask
from fitn7.proofs.values import fails
from fitn7.runner import Outcome, Runner
from fitn7.vocabulary import Vocabulary


@attrs.frozen
class Proof:
    """The fate of one invariant: `proved`, `counterexample` or `unknown`."""

    invariant: ast.Invariant
    verdict: str
    detail: str = ""
    witness: Path | None = None


def model_of(program: CompiledPolicy) -> PolicyModel:
    """The symbolic model of a compiled policy's (resolved) AST."""
    return build(program.policy, Inputs.of(program.policy))


def prove(program: CompiledPolicy, *, timeout_s: float = 5.0,
          witness_dir: Path | None = None, plugins: PluginHost | None = None) -> list[Proof]:
    """Prove each invariant of the policy; counterexamples are written to `witness_dir`
    (as `<policy>-<invariant>.toml`) and confirmed by evaluating them as `fitn7 eval`
    does (enriched by `plugins`)."""
    m = model_of(program)
    results: list[Proof] = []
    for inv in program.policy.of_type(ast.Invariant):
        cond = m.translator.expr(inv.condition)
        answer = ask(m.inputs.constraints, fails(cond), timeout_s)
        if answer.verdict == "sat":
            # Found: ask again for a counterexample with every field given, if it exists.
            again = ask(m.inputs.constraints, fails(cond), timeout_s,
                        prefer=m.inputs.readable())
            answer = again if again.verdict == "sat" else answer
        if answer.verdict == "unsat":
            free = m.unmodelled
            note = ("for every dossier" if not free else
                    f"for every dossier, whatever the {len(free)} unmodelled part(s) give")
            results.append(Proof(inv, "proved", note))
        elif answer.verdict == "unknown":
            results.append(Proof(inv, "unknown", answer.reason or "unknown"))
        else:
            assert answer.model is not None
            results.append(_counterexample(program, m, inv, answer.model, witness_dir,
                                           plugins))
    return results


def _counterexample(program: CompiledPolicy, m: PolicyModel, inv: ast.Invariant,
                    found: z3.ModelRef, witness_dir: Path | None,
                    plugins: PluginHost | None) -> Proof:
    ident = f"CONTRE-{inv.id}"
    table = witness.dossier(found, m.inputs, ident)
    confirmed, why = confirm(program, table, inv.id, plugins)
    path = witness.save(witness_dir, f"{program.policy.id}-{inv.id}.toml", table,
                        f"Counterexample to invariant `{inv.id}` of {program.policy.id}")
    if confirmed:
        return Proof(inv, "counterexample", why, path)
    free = ", ".join(f"`{u.what}`" for u in m.unmodelled) or "none"
    return Proof(inv, "unknown", f"the model found a counterexample the evaluator does not "
                 f"confirm ({why}); unmodelled parts: {free}", path)


def confirm(program: CompiledPolicy, table: dict[str, object], invariant: str,
            plugins: PluginHost | None = None) -> tuple[bool, str]:
    """Whether the evaluator breaks `invariant` on this dossier, and what it decided."""
    outcome = evaluate(program, table, plugins)
    if isinstance(outcome, str):
        return False, outcome
    decision = outcome.decision
    for inv, value in program.check_invariants(outcome.dossier, decision):
        if inv.meta.id == invariant:
            said = f"decided {decision.status.value}, amount {decision.amount}"
            return value is False, said
    return False, "invariant not found"


def evaluate(program: CompiledPolicy, table: dict[str, object],
             plugins: PluginHost | None = None) -> Outcome | str:
    """The evaluator's outcome on a witness dossier, as `fitn7 eval` decides it; or why
    the witness does not load."""
    try:
        dossier = dossier_from_mapping(table, file="<witness>",
                                       vocabulary=Vocabulary.of(program.policy))
        return Runner(program, plugins).decide(dossier, trace=False)
    except Fitn7Error as exc:
        return f"the witness does not load: {exc}"
