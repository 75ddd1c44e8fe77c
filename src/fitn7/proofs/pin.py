"""The symbolic dossier pinned to a concrete one: the model's decision on a real dossier,
to hold the model to the evaluator (property tests) and to read a witness back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from fitn7 import legal_forms as lf
from fitn7.applicants import is_collectivite
from fitn7.dossier import Dossier
from fitn7.evaluation import CompiledPolicy
from fitn7.proofs.inputs import DOCUMENT, ENUMS, INPUT, Inputs
from fitn7.proofs.values import Sym


def _get(dossier: Dossier, path: str) -> Any:
    if path.startswith(INPUT):
        return dossier.inputs.get(path.removeprefix(INPUT))
    if path.startswith(DOCUMENT):
        return path.removeprefix(DOCUMENT) in dossier.documents
    value: Any = dossier
    for part in path.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def pins(inputs: Inputs, dossier: Dossier, program: CompiledPolicy) -> list[Any]:
    """Constraints fixing every variable of `inputs` to `dossier`'s values (the derived
    values as `program` computes them)."""
    out: list[Any] = []
    others: dict[str, int] = {}

    def code(text: str) -> int:
        if text in inputs.codes.by_text:
            return inputs.codes.by_text[text]
        # A string no policy names: a code above every literal's, one per string.
        return others.setdefault(text, 10_000 + len(others))

    lists: list[tuple[Sym, set[int]]] = []
    env = program.env(dossier, None, trace=False)
    for path, sym in inputs.fields.items():
        if path.startswith(("eligible_expenses@", "total_expenses@")):
            value = env.derived(path.split("@")[0])
        elif path == "joint":
            value = env.derived("joint")
        else:
            value = _get(dossier, path)
        out.append(sym.known == (value is not None))
        if value is None:
            continue
        kind = "num" if "@" in path or path == "joint" else inputs.kind(path)
        if kind == "strlist":
            lists.append((sym, {code(v) for v in value}))
        else:
            out.append(_pin_value(sym, kind, value, code, inputs, dossier))
    lines = inputs.lines
    if lines is not None:
        given = dossier.expenses
        out.append(lines.present == (given is not None))
        categories = {str(e.category) if e.category is not None else None
                      for e in given or ()}
        out += [flag == (c in categories) for c, flag in lines.has.items()]
        out.append(lines.uncategorised == (None in categories))
    # Lists last: every string seen has its code by now.
    every = set(inputs.codes.by_text.values()) | set(others.values())
    for sym, codes in lists:
        out.extend(sym.contains(c) == (c in codes) for c in sorted(every))
    return out


def kind_code(inputs: Inputs, dossier: Dossier) -> int | None:
    """The code of the applicant's legal form among `inputs.legal_forms`; None when it is
    outside them (another legal form than the eleven collectivité kinds, for a policy
    whose proofs are about those: `fitn7.proofs.legal`)."""
    form = dossier.applicant.legal_form if dossier.applicant is not None else None
    if form is None:
        return None
    named = lf.name_of(form)
    for i, c in enumerate(inputs.legal_forms):
        # A form without a readable name is in the class named by one of its codes.
        same_name = c.name == named if named is not None else c.name.isdigit()
        if same_name and (c.families, c.collectivite) == (lf.families_of(form),
                                                          is_collectivite(form)):
            return i
    return None


def _pin_value(sym: Sym, kind: str, value: Any, code: Callable[[str], int],
               inputs: Inputs, dossier: Dossier) -> Any:
    if kind == "bool" or isinstance(value, bool):
        return sym.value == bool(value)
    if kind == "date":
        return sym.value == value.toordinal()
    if kind == "kind":
        found = kind_code(inputs, dossier)
        if found is None:
            raise ValueError(f"{dossier.applicant}: a legal form the model does not range over")
        return sym.value == found
    if kind in ENUMS:
        return sym.value == ENUMS[kind].index(value.value)
    if kind == "str":
        return sym.value == code(value)
    return sym.value == z3.RealVal(str(value))
