"""A solver model as a dossier the auditor can run (`fitn7 eval`), and the check that the
evaluator decides on it what the model said."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomli_w
import z3

from fitn7.atomic_write import write_atomic
from fitn7.proofs.inputs import DOCUMENT, ENUMS, FIELDS, Inputs


def number(model: z3.ModelRef, term: Any) -> Decimal:
    """The exact value of a numeric term in a model."""
    value = model.eval(term, model_completion=True)
    if z3.is_int_value(value):
        return Decimal(value.as_long())
    if z3.is_rational_value(value):
        frac = Fraction(value.numerator_as_long(), value.denominator_as_long())
    else:  # an algebraic number never comes out of these linear terms
        frac = Fraction(str(value.as_decimal(6)).rstrip("?"))
    return Decimal(frac.numerator) / Decimal(frac.denominator)


def _bool(model: z3.ModelRef, term: Any) -> bool:
    return bool(z3.is_true(model.eval(term, model_completion=True)))


def dossier(model: z3.ModelRef, inputs: Inputs, ident: str) -> dict[str, Any]:
    """The dossier a model describes, as the TOML tables `fitn7 eval` reads.

    A field whose `known` flag is false is left out (absent); strings that
    are no literal of the policy get a made-up value `autre-N`.
    """
    out: dict[str, Any] = {"id": ident}
    tables: dict[str, dict[str, Any]] = {"applicant": {}, "project": {}, "inputs": {}}
    for path in [*FIELDS, *inputs.declared]:
        if path == "id" or path not in inputs.fields:
            continue
        sym = inputs.fields[path]
        if not _bool(model, sym.known):
            continue
        value = _value(model, inputs, inputs.kind(path), sym)
        head, _, rest = path.partition(".")
        if head in tables:
            tables[head][rest] = value
        else:
            out[path] = value
    out.update((head, table) for head, table in tables.items() if table)
    provided = [name for name in inputs.documents if f"{DOCUMENT}{name}" in inputs.fields
                and _bool(model, inputs.fields[f"{DOCUMENT}{name}"].value)]
    if provided:
        out["documents"] = provided
    if "joint" in inputs.fields and _bool(model, inputs.fields["joint"].value):
        out["members"] = [{"name": "Membre du groupement", "kind": "commune"}]
    expenses = _expenses(model, inputs)
    if expenses is not None:
        out["expenses"] = expenses
    return out


def _value(model: z3.ModelRef, inputs: Inputs, kind: str, sym: Any) -> Any:
    """A known field's value as a dossier file writes it."""
    if kind == "bool":
        return _bool(model, sym.value)
    if kind == "int":
        return int(number(model, sym.value))
    if kind == "date":
        return datetime.date.fromordinal(int(number(model, sym.value)))
    if kind == "money":
        return _money(number(model, sym.value))
    if kind == "real":
        # A text: TOML floats are refused; a rational that no decimal writes (1/3) is
        # written to the 18 decimals a dossier may have, and evaluation then tells.
        value = number(model, sym.value)
        if value.as_tuple().exponent < -18:  # type: ignore[operator]
            with localcontext() as context:
                context.prec = 60
                value = value.quantize(Decimal(10) ** -18)
        return f"{value.normalize():f}"
    if kind == "str":
        return inputs.codes.text(int(number(model, sym.value)))
    if kind == "kind" or kind in ENUMS:
        return inputs.members(kind)[int(number(model, sym.value))]
    return [text for text, code in inputs.codes.by_text.items()
            if _bool(model, sym.contains(code))]


def _money(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else f"{value:f}"


def _expenses(model: z3.ModelRef, inputs: Inputs) -> list[dict[str, Any]] | None:
    """Expense lines giving the model's eligible and total expenses: one line of an
    eligible category, one of another for the rest."""
    if inputs.lines is not None:
        return _lines_of_categories(model, inputs)
    totals = [(k, s) for k, s in inputs.fields.items() if k.startswith("total_expenses@")]
    eligibles = [(k, s) for k, s in inputs.fields.items() if k.startswith("eligible_expenses@")]
    if not totals and not eligibles:
        return None
    known = [s for _, s in totals + eligibles if _bool(model, s.known)]
    if not known:
        return None  # expenses absent: every sum over them is unknown
    total = max((number(model, s.value) for _, s in totals if _bool(model, s.known)),
                default=Decimal(0))
    lines: list[dict[str, Any]] = []
    eligible = Decimal(0)
    for key, sym in eligibles:
        if not _bool(model, sym.known):
            continue
        eligible = number(model, sym.value)
        cats = key.split(":", 1)[1].split(",") if ":" in key else []
        cats = [c for c in cats if c]
        if eligible > 0 and cats:
            lines.append(_line("Dépense éligible", cats[0], eligible))
        others = [c for c in inputs.categories if c not in cats]
        if total > eligible and others:
            lines.append(_line("Autre dépense", others[0], total - eligible))
        break
    else:
        if total > 0:
            lines.append(_line("Dépense", inputs.categories[0], total))
    # One sum known and the other not is a dossier too: a line without a category
    # leaves only the eligible sum unknown, a line of an excluded category without an
    # amount only the total.
    total_known = any(_bool(model, s.known) for _, s in totals)
    eligible_known = any(_bool(model, s.known) for _, s in eligibles)
    if totals and eligibles and total_known and not eligible_known:
        lines.append({"label": "Dépense sans catégorie", "amount": 0, "amount_ht": 0,
                      "amount_ttc": 0, "vat_recovered": False})
    elif totals and eligibles and eligible_known and not total_known:
        excluded = [c for c in inputs.categories if not _counts(c, eligibles)]
        if excluded:
            lines.append({"label": "Montant inconnu", "category": excluded[0]})
    return lines


def _lines_of_categories(model: z3.ModelRef, inputs: Inputs) -> list[dict[str, Any]] | None:
    """One line of each category the model says the dossier has lines of (and one
    without a category if it says so), their figures giving the model's sums: the
    eligible sum on the first counted line, the rest of the total on the first line
    not counted, a figure left out where a sum is unknown, 0 € elsewhere."""
    lines = inputs.lines
    assert lines is not None
    if not _bool(model, lines.present):
        return None
    present: list[str | None] = [c for c, flag in lines.has.items() if _bool(model, flag)]
    if _bool(model, lines.uncategorised):
        present.append(None)
    figures: dict[str | None, Decimal | None] = dict.fromkeys(present, Decimal(0))
    if inputs.sums:
        eligible, total, counted = inputs.sums[0]
        inside = [c for c in present if c is None or c in counted]
        outside: list[str | None] = [c for c in present if c is not None and c not in counted]
        e_known, t_known = _bool(model, eligible.known), _bool(model, total.known)
        e = number(model, eligible.value) if e_known else None
        t = number(model, total.value) if t_known else None
        if e is not None and t is not None:
            _put(figures, inside or present, e)
            _put(figures, outside or present, t - e)
        elif e is not None:
            _put(figures, inside or present, e)
            _put(figures, outside or present, None)
        elif t is not None:
            _put(figures, present, t)
        else:
            _put(figures, [c for c in present if c is None] or inside or present, None)
    out = []
    for category, figure in figures.items():
        if figure is None:
            line: dict[str, Any] = {"label": "Montant inconnu"}
            if category is not None:
                line["category"] = category
        elif category is None:
            line = {"label": "Dépense sans catégorie", "amount": _money(figure),
                    "amount_ht": _money(figure), "amount_ttc": _money(figure),
                    "vat_recovered": False}
        else:
            line = _line("Dépense", category, figure)
        out.append(line)
    return out


def _put(figures: dict[str | None, Decimal | None], among: list[str | None],
         figure: Decimal | None) -> None:
    """`figure` on the first of `among` (added to what it has), if there is one."""
    if not among:
        return
    first = among[0]
    held = figures[first]
    figures[first] = None if figure is None or held is None else held + figure


def _counts(category: str, eligibles: list[tuple[str, Any]]) -> bool:
    """Whether `category` is among those the eligible sums count."""
    return any(category in key.split(":", 1)[1].split(",") for key, _ in eligibles
               if ":" in key)


def _line(label: str, category: str, amount: Decimal) -> dict[str, Any]:
    figure = _money(amount)
    return {"label": label, "category": category, "amount": figure, "amount_ht": figure,
            "amount_ttc": figure, "vat_recovered": False}


def with_empty_lines(table: dict[str, Any], categories: Iterable[str]) -> dict[str, Any]:
    """The witness with one more line of 0 € in each of `categories`: every sum over
    the lines stays the same, so the model decides it alike, while what the model
    leaves free (`any(expenses, category == etude)`, `count(expenses)`) may change. A
    witness without expenses is left so: lines would make its sums known."""
    if "expenses" not in table:
        return table
    lines = [_line("Dépense de 0 €", category, Decimal(0)) for category in categories]
    return {**table, "expenses": [*table["expenses"], *lines]}


def save(directory: Path | None, name: str, table: dict[str, Any], what: str) -> Path | None:
    """Write a witness as `directory/name` (created if needed), its comment saying
    `what` it shows and how to run it; None, and nothing written, without a directory."""
    if directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    write(path, table, f"{what}: run `fitn7 eval POLICY {name}`")
    return path


def write(path: Path, table: dict[str, Any], comment: str) -> None:
    """Write a witness dossier, a comment at the top saying what it shows (atomically,
    as every file fitn7 writes: a failure leaves an earlier witness whole)."""
    lines = "".join(f"# {line}\n" for line in comment.splitlines())
    write_atomic(path, lines + tomli_w.dumps(table))
