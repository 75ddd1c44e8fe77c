"""The dossier as solver variables, created on first read and shared by the policies
compared (a symbolic diff reads one dossier with two policies)."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import z3

from fitn7 import types as t
from fitn7.applicants import COLLECTIVITE_FIELDS
from fitn7.dsl import ast
from fitn7.proofs.legal import COLLECTIVITE_KINDS, LegalFormClass, every_class, needs_every_form
from fitn7.proofs.lines import LineCategories
from fitn7.proofs.values import TRUE, Sym
from fitn7.vocabulary import DEFAULT_CATEGORIES, Vocabulary

#: Enum members by code: a status is its index here. A kind is its index in
#: `Inputs.legal_forms`, an expense category in `Inputs.categories`.
ENUMS: dict[str, tuple[str, ...]] = {"status": t.STATUSES}

#: How the model reads a declared input of each type (`inputs.NAME`): as the dossier
#: fields of FIELDS, `real` an exact rational of either sign (`decimal`, `percent`).
#: A set of anything but strings is not modelled (its reads are free values).
INPUT_KINDS: dict[t.Type, str] = {
    t.BOOL: "bool",
    t.INT: "int",
    t.MONEY: "money",
    t.DATE: "date",
    t.DECIMAL: "real",
    t.PERCENT: "real",
    t.STRING: "str",
    t.SetOf(t.STRING): "strlist",
}

#: The prefixes of the paths of declared inputs and of documents.
INPUT = "inputs."
DOCUMENT = "documents."

#: The dossier fields the model reads directly, with how: `int` and `money` are
#: numbers ≥ 0, `date` a day number, `str` and enums codes, `strlist` a list of strings.
FIELDS: dict[str, str] = {
    "submitted": "date",
    "requested": "money",
    "id": "str",
    "applicant.name": "str",
    "applicant.code": "str",
    "applicant.kind": "kind",
    "applicant.population": "int",
    "applicant.departement": "str",
    "applicant.region": "str",
    "applicant.zrr": "bool",
    "applicant.qpv": "bool",
    "project.title": "str",
    "project.themes": "strlist",
    "project.tags": "strlist",
    "project.started": "bool",
    "project.duration_months": "int",
    "project.participatory": "bool",
    "project.open_source": "bool",
    "project.communes_covered": "int",
}


class Codes:
    """String literals numbered as the policies mention them: a string field is an Int,
    equal to a literal's code when it holds that literal, any other code for any other
    string (so infinitely many other strings stay possible)."""

    def __init__(self) -> None:
        self.by_text: dict[str, int] = {}

    def code(self, text: str) -> int:
        """The code of a string literal (assigned on first use)."""
        return self.by_text.setdefault(text, len(self.by_text))

    def text(self, code: int) -> str:
        """The string a code stands for; a code of no literal is some other string."""
        for text, number in self.by_text.items():
            if number == code:
                return text
        return f"autre-{code}"


@attrs.define
class Inputs:
    """The variables of one symbolic dossier, and the constraints every dossier meets.

    `categories`, `declared` and `documents` are the vocabulary of the policies that
    read the dossier (`Inputs.of`): a witness only names what they declare.
    """

    codes: Codes = attrs.field(factory=Codes)
    #: The expense categories a line may have, in the policies' order.
    categories: tuple[str, ...] = tuple(DEFAULT_CATEGORIES)
    #: `inputs.NAME` -> how the model reads it (`INPUT_KINDS`), for the declared inputs
    #: of a modelled type.
    declared: dict[str, str] = attrs.field(factory=dict)
    #: The documents the policies declare (each read as provided or not).
    documents: tuple[str, ...] = ()
    #: The legal forms `applicant.kind` ranges over (see `fitn7.proofs.legal`).
    legal_forms: tuple[LegalFormClass, ...] = COLLECTIVITE_KINDS
    fields: dict[str, Sym] = attrs.field(factory=dict)
    constraints: list[Any] = attrs.field(factory=list)
    #: Free terms standing for what the model does not interpret, by key.
    opaque: dict[str, Sym] = attrs.field(factory=dict)
    #: The sums over the lines made so far: eligible, total, the categories counted.
    sums: list[tuple[Sym, Sym, frozenset[str]]] = attrs.field(factory=list)
    #: The categories of the lines, once a condition reads them.
    lines: LineCategories | None = None

    @classmethod
    def of(cls, *policies: ast.Policy) -> Inputs:
        """The symbolic dossier the (resolved) policies read: what either declares."""
        vocabulary = Vocabulary.of(policies[0])
        for other in policies[1:]:
            vocabulary = vocabulary.union(Vocabulary.of(other))
        declared = {
            f"{INPUT}{name}": INPUT_KINDS[spec.type] for name, spec in vocabulary.inputs.items()
            if spec.type in INPUT_KINDS}
        forms = every_class() if needs_every_form(policies) else COLLECTIVITE_KINDS
        return cls(categories=tuple(vocabulary.categories), declared=declared,
                   documents=tuple(vocabulary.documents), legal_forms=forms)

    def members(self, enum: str) -> tuple[str, ...]:
        """The members of an enum (`kind`, `status`) as a dossier writes them, by code."""
        if enum == "kind":
            return tuple(c.written for c in self.legal_forms)
        return ENUMS[enum]

    def kind(self, path: str) -> str:
        """How a field is read: `bool`, `int`, `money`, `date`, `real`, `str`, an enum,
        `strlist` or `document`."""
        if path.startswith(DOCUMENT):
            return "document"
        return FIELDS.get(path) or self.declared.get(path) or \
            _DERIVED_KINDS[path.split("@")[0]]

    def field(self, path: str) -> Sym:
        """The variable of a dossier field (FIELDS), a declared input (`inputs.NAME`), a
        document (`documents.NAME`: provided or not, always known) or a derived value."""
        if path in self.fields:
            return self.fields[path]
        kind = self.kind(path)
        name = path.replace(".", "_")
        known = TRUE if path == "joint" or kind == "document" else z3.Bool(f"{name}?")
        sym: Sym
        if kind in ("bool", "document"):
            sym = Sym("bool", known, z3.Bool(name))
        elif kind in ("int", "date"):
            value = z3.Int(name)
            if kind == "int":
                self.constraints.append(value >= 0)
            else:
                # Dates a dossier can hold: years 1900 to 2200.
                self.constraints.append(z3.And(value >= _ORDINAL_MIN, value <= _ORDINAL_MAX))
            sym = Sym("num", known, z3.ToReal(value))
        elif kind == "money":
            cents = z3.Int(f"{name}¢")
            self.constraints.append(cents >= 0)
            sym = Sym("num", known, z3.ToReal(cents) / 100)
        elif kind == "real":
            sym = Sym("num", known, z3.Real(name))
        elif kind == "str":
            value = z3.Int(name)
            self.constraints.append(value >= 0)
            sym = Sym("code", known, value)
        elif kind in ("kind", *ENUMS):
            value = z3.Int(name)
            self.constraints.append(z3.And(value >= 0, value < len(self.members(kind))))
            sym = Sym("code", known, value)
        else:  # strlist
            sym = Sym("strlist", known, contains=z3.Function(name, z3.IntSort(), z3.BoolSort()))
        self.fields[path] = sym
        head, _, rest = path.partition(".")
        if head == "applicant" and rest in COLLECTIVITE_FIELDS:
            self._collectivite_only(sym)
        return sym

    def _collectivite_only(self, sym: Sym) -> None:
        """A field of a collectivité is absent on an applicant of another legal form (a
        dossier giving one does not load)."""
        others = [i for i, c in enumerate(self.legal_forms) if not c.collectivite]
        if others:
            kind = self.field("applicant.kind")
            self.constraints.append(z3.Implies(
                z3.And(kind.known, z3.Or([kind.value == i for i in others])),
                z3.Not(sym.known)))

    def expenses(self, basis: str, categories: frozenset[str]) -> tuple[Sym, Sym]:
        """`eligible_expenses` and `total_expenses` of a policy funding these categories
        on this basis: two policies with the same declarations read the same values."""
        total = self.field(f"total_expenses@{basis}")
        key = f"eligible_expenses@{basis}:{','.join(sorted(categories))}"
        fresh = key not in self.fields
        eligible = self.field(key)
        if fresh:
            both = z3.And(total.known, eligible.known)
            if categories >= frozenset(self.categories):
                # Every line counts: the eligible base is the total, unknown also when a
                # line has no category (the evaluator counts the lines of the categories).
                self.constraints.append(z3.Implies(eligible.known, total.known))
                self.constraints.append(z3.Implies(both, eligible.value == total.value))
            elif not categories:
                self.constraints.append(z3.Implies(eligible.known, eligible.value == 0))
            else:
                self.constraints.append(z3.Implies(both, eligible.value <= total.value))
            self.sums.append((eligible, total, categories))
            if self.lines is not None:
                self.constraints += self.lines.tie(eligible, total, categories)
        return eligible, total

    def readable(self) -> list[Any]:
        """What a witness that reads well has, as far as the question allows: every field
        given, and lines of as few categories as the question needs (a line of some
        category may meet a condition the model leaves free, `sum(expenses[…])`)."""
        out = [s.known for s in self.fields.values()]
        if self.lines is not None:
            out += [z3.Not(f) for f in (*self.lines.has.values(), self.lines.uncategorised)]
        return out

    def line_categories(self) -> LineCategories:
        """Which categories the dossier has lines of (made on first use)."""
        if self.lines is None:
            self.lines = LineCategories.fresh(self.categories)
            self.constraints += self.lines.own()
            for eligible, total, counted in self.sums:
                self.constraints += self.lines.tie(eligible, total, counted)
        return self.lines

    def free(self, key: str) -> Sym:
        """A free value for an unmodelled expression: the same key, the same value."""
        if key not in self.opaque:
            n = len(self.opaque)
            self.opaque[key] = Sym("opaque", z3.Bool(f"u{n}?"), z3.Real(f"u{n}"),
                                   opaque_bool=z3.Bool(f"u{n}b"))
        return self.opaque[key]


_DERIVED_KINDS = {
    "joint": "bool",
    "eligible_expenses": "money",
    "total_expenses": "money",
}

_ORDINAL_MIN = datetime.date(1900, 1, 1).toordinal()
_ORDINAL_MAX = datetime.date(2200, 12, 31).toordinal()
