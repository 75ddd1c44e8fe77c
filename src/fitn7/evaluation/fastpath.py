"""The generated decision functions of a policy: without the trace, and with it.

`generate` writes the whole decision procedure of a policy (every rule, the
amount pipeline, the score) as the source of one function, with the rules
inlined and each dossier path read once, and compiles it with `compile()`
under a filename naming the policy; a comment above each rule gives the file
and line it was declared at. The function evaluates what the closures of
`fitn7.evaluation.compiler` evaluate, in the same order (see
`fitn7.evaluation.exprgen` for the exceptions, invisible in a decision). The
fast function records only what a decision without trace keeps: the paths it
found absent, gathered per rule or step in the tuple `RD`, which goes to
`missing` when the step turns out unknown. The traced one records every value
read, as the closures' trace does, and builds the trace entries
`fitn7.evaluation.reference.Run` builds. Neither has an `Env`; `Reason`s and
what a trace entry says of its rule are constants of the function.

On any exception the dossier goes back to the closures, which stay the
reference: they evaluate it again and raise the error a user reads
("division by zero at FILE:LINE:COL"). A policy the generator cannot express
(`Unsupported`) keeps the closures only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from fitn7.dossier import Dossier
from fitn7.dsl import ast
from fitn7.evaluation.amountgen import AmountWriter, maybe_none
from fitn7.evaluation.codegen import Unsupported, no_block
from fitn7.evaluation.compiler import (
    PLAIN_TYPES,
    Compiler,
    call_read,
    document_path,
    input_path,
    is_structure,
)
from fitn7.evaluation.decision import Decision, Reason, Status, TraceEntry
from fitn7.evaluation.env import absent_paths, ceiling_limit, claim_lines, sum_amounts
from fitn7.evaluation.records import slot
from fitn7.evaluation.stepgen import SETTLED_BY_ANY, comment, where
from fitn7.evaluation.steps import (
    Steps,
    missing_document_reason,
    missing_input_reason,
    unsure_document_reason,
)

#: A generated function: (dossier, params with their defaults) -> decision.
FastFn = Callable[[Dossier, Mapping[str, Any]], Decision]


class FastPathFailed(Exception):
    """Raised by generated code to hand a dossier back to the closures, which know how
    to report it (a division by zero) or to read it (a projection of a non-list)."""


@attrs.frozen
class FastPath:
    """A policy's generated decision function and its source (for reading, not running)."""

    function: FastFn = attrs.field(repr=False)
    source: str = attrs.field(repr=False)
    filename: str


class _Unset:
    """Marker: a let or derived value not computed yet for this dossier."""


class _PolicyGen(AmountWriter):
    """Writes the body of one decision function of one policy (traced or not)."""

    # ---------------------------------------------------------------- rules

    def rules(self) -> None:
        """Every `require`, `exclude`, `review` in order; their reasons are constants."""
        out = self.out
        out.emit("failing = reviews = undecided = ()")
        out.emit("M = ()")
        if self.traced:
            out.emit("TR = []")
        for rule, compiled in zip(self.policy.of_type(ast.Rule), self.program.rules,
                                  strict=True):
            meta = compiled.meta
            self.start_step(f"{rule.kind} {rule.id} ({where(rule)})")
            value = self.gen.test(rule.condition, SETTLED_BY_ANY)
            unknown = out.bind("_r", Reason(rule.id, "incomplete", rule.message, rule.source))
            if value.none:
                with out.block(f"if {value.none}:"):
                    out.emit(f"undecided += ({unknown},)")
                    self.flush()
                    self.entry(meta, "unknown")
            branch = "elif" if value.none else "if"
            effect = "review" if rule.kind == "review" else "ineligible"
            reason = out.bind("_r", Reason(rule.id, effect, rule.message, rule.source))
            holds = f"not {value.value}" if rule.kind == "require" else value.value
            with out.block(f"{branch} {holds}:"):
                out.emit(f"{'reviews' if rule.kind == 'review' else 'failing'} += ({reason},)")
                self.entry(meta, {"require": "fail", "exclude": "fail"}.get(rule.kind, "review"))
            if self.traced:
                with out.block("else:"):
                    self.entry(meta, "pass")

    # --------------------------------------------------------- completeness

    def completeness(self) -> None:
        """Required inputs and documents, as `Run._completeness`: each one missing is a
        reason for `undecided` (their reasons are constants)."""
        out = self.out
        program = self.program
        if not (program.required_inputs or program.documents):
            return
        inputs, documents = out.temp("ins"), out.temp("docs")
        out.emit(f"{inputs} = D.inputs")
        out.emit(f"{documents} = D.documents")
        for required in program.required_inputs:
            out.emit(f"# input {comment(required.name)} ({where(required.meta)})")
            reason = out.bind("_r", missing_input_reason(required.meta))
            path = out.const(input_path(required.name))
            with out.block(f"if {inputs}.get({required.name!r}) is None:"):
                out.emit(f"undecided += ({reason},)")
                out.emit(f"M += ({path.code},)")
                self.entry(required.meta, "missing", reads="()")
            if self.traced:
                with out.block("else:"):
                    self.entry(required.meta, "provided", reads="()")
        for document in program.documents:
            node = next(d for d in self.policy.of_type(ast.Document) if d.name == document.name)
            with out.block(f"if {document.name!r} not in {documents}:"):
                self.start_step(f"document {document.name} ({where(node)})")
                self.document(node, document.meta)
            if self.traced:
                with out.block("else:"):
                    self.entry(document.meta, "provided", reads="()")

    def document(self, node: ast.Document, meta: Any) -> None:
        """A document the dossier does not list: missing, maybe missing or not required."""
        out = self.out
        missing = out.bind("_r", missing_document_reason(meta))
        path = out.const(document_path(node.name))
        if node.when is None:
            out.emit(f"undecided += ({missing},)")
            out.emit(f"M += ({path.code},)")
            self.entry(meta, "missing")
            return
        unsure = out.bind("_r", unsure_document_reason(meta))
        when = self.gen.test(node.when, SETTLED_BY_ANY)
        if when.none:
            with out.block(f"if {when.none}:"):
                out.emit(f"undecided += ({unsure},)")
                self.flush()
                self.entry(meta, "unknown")
        with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
            out.emit(f"undecided += ({missing},)")
            out.emit(f"M += ({path.code},)")
            self.entry(meta, "missing")
        if self.traced:
            with out.block("else:"):
                self.entry(meta, "not required")

    # ---------------------------------------------------------------- score

    def score(self) -> None:
        """The criteria that hold, summed; an unknown one counts 0 and notes its fields."""
        out = self.out
        out.emit("score = 0")
        criteria = [c for block in self.policy.of_type(ast.Score) for c in block.criteria]
        all_int = True
        for crit, compiled in zip(criteria, self.program.criteria, strict=True):
            meta = compiled.meta
            self.start_step(f"score {crit.id} ({where(crit)})")
            when = self.holds(crit.when, crit.value)
            if when.none:
                with out.block(f"if {when.none}:"):
                    self.flush()
                    self.entry(meta, "unknown")
            with out.block(f"{'elif' if when.none else 'if'} {when.value}:"):
                value = self.gen.expr(crit.value)
                all_int = all_int and value.known and type(value.const) is int
                if maybe_none(value):
                    with out.block(f"if {value.code} is None:"):
                        self.flush()
                        self.entry(meta, "unknown")
                with out.block("else:") if maybe_none(value) else no_block():
                    out.emit(f"score += {value.code}")
                    # As `Run._score` writes the points: `+2`.
                    self.entry(meta, code=f"format({value.code}, '+')")
            if self.traced:
                with out.block("else:"):
                    self.entry(meta, "skipped")
        if not all_int:
            out.emit("score = int(score)")

    # ------------------------------------------------------------- decision

    def decision(self) -> None:
        """Status by precedence, then the `Decision`."""
        out = self.out
        out.emit("if failing: status = _INELIGIBLE; reasons = failing")
        out.emit("elif undecided or unknown: status = _INCOMPLETE; reasons = undecided")
        out.emit("elif reviews: status = _REVIEW; reasons = reviews")
        out.emit("else: status = _ELIGIBLE; reasons = ()")
        values = {
            "dossier": "D.id",
            "policy": "_REF",
            "status": "status",
            "amount": "None if unknown else amount",
            "score": "score",
            "reasons": "reasons",
            "missing": "tuple(dict.fromkeys(M)) if M else ()",
            "trace": "tuple(TR)" if self.traced else "()",
            "provenance": "{}",
        }
        if tuple(values) != tuple(field.name for field in attrs.fields(Decision)):
            raise Unsupported("Decision changed shape")  # pragma: no cover
        # The very object `Decision(...)` builds, without its __init__ (fitn7.evaluation.records).
        out.emit("o = _new(_Decision)")
        for name, value in values.items():
            out.emit(f"o.{slot(name)} = {value}")
        out.emit("return o")

    def source(self) -> str:
        """The whole function: the prologue (hoisted paths, caches) and the body."""
        self.rules()
        self.completeness()
        self.amount()
        self.score()
        self.decision()
        kind = "traced decision" if self.traced else "decision"
        head = [f"# the {kind} procedure of policy {self.policy.id!r}",
                "def decide(D, P):"]
        prologue = ["    " + line for line in self.shared.prologue]
        return "\n".join([*head, *prologue, *self.out.lines]) + "\n"


def generate(
    policy: ast.Policy, compiler: Compiler, program: Steps, *, traced: bool = False
) -> FastPath | None:
    """A generated decision function of a compiled policy (`traced`: the one building the
    trace), or None when it cannot be generated."""
    gen = _PolicyGen(policy, compiler, program, traced=traced)
    try:
        source = gen.source()
        label = "traced policy" if traced else "policy"
        filename = f"<fitn7 {label} {policy.id!r} ({where(policy.header)})>"
        code = compile(source, filename, "exec")
    except Unsupported:
        return None
    except Exception:  # pragma: no cover - a policy too deep for Python keeps its closures
        return None
    sessions = program.sessions

    def session(submitted: Any) -> str:
        for name, closes in sessions:
            if submitted <= closes:
                return name
        return ""

    namespace = gen.ns
    namespace.update(
        _U=_Unset(),
        _D=Decimal,
        _ZERO=Decimal(0),
        _CENT=Decimal("0.01"),
        _HALF_UP=ROUND_HALF_UP,
        _CATEGORIES=program.eligible_categories,
        _Fail=FastPathFailed,
        _Decision=Decision,
        _new=object.__new__,
        _Entry=TraceEntry,
        _absent=absent_paths,
        _PLAIN=PLAIN_TYPES,
        _is_structure=is_structure,
        _call_read=call_read,
        _REF=program.ref,
        _ELIGIBLE=Status.ELIGIBLE,
        _REVIEW=Status.REVIEW,
        _INELIGIBLE=Status.INELIGIBLE,
        _INCOMPLETE=Status.INCOMPLETE,
        _session=session,
        _sum_amounts=sum_amounts,
        _BASIS=program.basis,
        _claim=claim_lines,
        _ceiling_limit=ceiling_limit,
    )
    exec(code, namespace)
    return FastPath(namespace["decide"], source, filename)
