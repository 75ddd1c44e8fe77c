"""What every rule and step of a generated decision function shares.

A `StepWriter` holds the emitter and the expression generator of one
generated function, and writes how a rule or step opens (its reads start
afresh in `RD`), ends unknown (what it read absent goes to `missing`, `M`)
and, in the traced function, leaves its trace entry (in `TR`), as
`fitn7.evaluation.reference.Run.note` does. `fitn7.evaluation.amountgen` and
`fitn7.evaluation.fastpath` build on it.
"""

from __future__ import annotations

from typing import Any

from fitn7.dsl import ast
from fitn7.evaluation.codegen import Emitter, Shared, Test
from fitn7.evaluation.compiler import NOT_CONSTANT, Compiler
from fitn7.evaluation.exprgen import ExprGen
from fitn7.evaluation.records import slot
from fitn7.evaluation.steps import Meta, Steps

#: A rule is settled by any truth value; a `when` only by false (see `ExprGen.expr`).
SETTLED_BY_ANY = frozenset({True, False})
SETTLED_BY_FALSE = frozenset({False})


def where(node: Any) -> str:
    """`file:line` of a declaration, for a comment of the generated code."""
    span = getattr(node, "span", None)
    return f"{span.file}:{span.line}" if span is not None else "?"


def comment(text: str) -> str:
    """User text (an id, a message) made safe for one line of a comment."""
    return text.replace("\n", " ").replace("\r", " ")


class StepWriter:
    """The generated function of one policy, as it is written: its lines and namespace,
    the expression generator, and the opening, closing and tracing of its steps."""

    def __init__(self, policy: ast.Policy, compiler: Compiler, program: Steps, *,
                 traced: bool) -> None:
        self.policy = policy
        self.program = program
        #: Whether the function builds the trace (the closures' `trace=True`).
        self.traced = traced
        self.ns: dict[str, Any] = {}
        self.out = Emitter(self.ns)
        self.shared = Shared(self.out, compiler.scope.schema, traced=traced)
        self.gen = ExprGen(self.out, self.shared, compiler, basis=program.basis, traced=traced)

    def start_step(self, text: str) -> None:
        """A new rule or step reads afresh: the reads of the last one are dropped.

        `RD` is a tuple, so this costs nothing; appending (only an absent value,
        without the trace) builds a new one.
        """
        self.out.emit(f"# {comment(text)}")
        self.out.emit("RD = ()")

    def flush(self) -> None:
        """The step is unknown: what it read absent goes to `missing`, in order."""
        self.out.emit("M += _absent(RD)" if self.traced else "M += RD")

    def entry(self, meta: Meta, outcome: str | None = None, *, code: str | None = None,
              amount: str = "None", reads: str = "RD") -> None:
        """Traced only: the trace entry of the step just decided, with `outcome` (or the
        Python `code` giving it), the Python `amount` after it and what it read."""
        if not self.traced:
            return
        out = self.out
        span = meta.span
        # Literals (text, a line number or None): the cheapest values to load.
        fields = {"rule": repr(meta.id), "kind": repr(meta.kind),
                  "outcome": code if code is not None else repr(outcome), "read": reads,
                  "amount": amount, "source": repr(meta.source),
                  "file": repr(span.file if span else None),
                  "line": repr(span.line if span else None)}
        # The very object `TraceEntry(...)` builds, without its __init__ (fitn7.evaluation.records).
        stores = "; ".join(f"te.{slot(name)} = {value}" for name, value in fields.items())
        out.emit(f"te = _new(_Entry); {stores}")
        out.emit("TR.append(te)")

    def unknown_step(self, meta: Meta) -> None:
        """The step cannot be decided, nor the amount: leave the amount pipeline."""
        self.out.emit("unknown = True")
        self.flush()
        self.entry(meta, "unknown")
        self.out.emit("break")

    def holds(self, when: ast.Expr | None, value: ast.Expr | None = None) -> Test:
        """A `when`: false settles its step (skipped); true only when the value that
        follows is a constant, which cannot leave the step unknown."""
        if when is None:
            return Test(None, "True")
        fixed = value is not None and self.never_none(value)
        return self.gen.test(when, SETTLED_BY_ANY if fixed else SETTLED_BY_FALSE)

    def never_none(self, node: ast.Expr) -> bool:
        """A constant, or a signed constant (`+2`): never unknown."""
        while isinstance(node, ast.Unary):
            node = node.operand
        const = self.gen.compiler.constant(node)
        return const is not NOT_CONSTANT and const is not None
