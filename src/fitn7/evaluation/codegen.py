"""Building blocks of the generated decision functions: atoms, the emitter, dossier paths.

`fitn7.evaluation.exprgen` writes expressions with them, and
`fitn7.evaluation.fastpath` whole decision functions. Generated code is plain
Python: locals for values (`None` when unknown), module-level names for
constants, `RD` for the reads of the current rule or step: the absent paths
only in the fast function, every `(path, value)` the closures would record in
the traced one (see `read_path`, `read_value`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.dossier import Collectivite, Dossier, Expense, Project, Provider
from fitn7.evaluation.compiler import NOT_CONSTANT


class Unsupported(Exception):
    """The fast path cannot express this policy; its closures are used instead."""


#: Records held by attrs classes: their fields are read as plain attributes.
_CLASSES: dict[str, type] = {
    "dossier": Dossier,
    "collectivite": Collectivite,
    "project": Project,
    "expense": Expense,
    "provider": Provider,
}
_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(a.name for a in attrs.fields(cls)) for name, cls in _CLASSES.items()
}


@attrs.frozen
class Atom:
    """A Python expression without side effects: a local name or a constant."""

    code: str
    const: Any = NOT_CONSTANT

    @property
    def known(self) -> bool:
        """Whether the value is known at compile time."""
        return self.const is not NOT_CONSTANT


NONE = Atom("None", None)


@attrs.frozen
class Test:
    """A value used as a condition, not stored: unknown when the Python condition `none`
    holds (never, when it is None), else the value of the expression `value`.

    A comparison tested by a rule or a filter needs no local of its own.
    """

    none: str | None
    value: str


def as_test(atom: Atom) -> Test:
    """A stored value, used as a condition."""
    return Test(none_test(atom), atom.code)


def none_test(*atoms: Atom) -> str | None:
    """Python for "one of these is None", or None when none of them can be."""
    if any(a.known and a.const is None for a in atoms):
        return "True"
    parts = [f"{a.code} is None" for a in atoms if not a.known]
    return " or ".join(parts) if parts else None


class Emitter:
    """The lines of one generated function, its temporaries and its constants."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.lines: list[str] = []
        self.level = 1
        self.namespace = namespace
        self._counter = itertools.count()
        self._consts: dict[tuple[str, str], str] = {}
        # The locals surely assigned at the current line, one set per open block: a
        # name set in a block is known until that block closes (never in a sibling).
        self._assigned: list[set[str]] = [set()]

    def emit(self, line: str) -> None:
        """Append one line at the current indentation."""
        self.lines.append("    " * self.level + line)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        """An indented block under `header` (never empty: Python forbids it)."""
        self.emit(header)
        self.level += 1
        self._assigned.append(set())
        before = len(self.lines)
        try:
            yield
        finally:
            if len(self.lines) == before:
                self.emit("pass")
            self._assigned.pop()
            self.level -= 1

    def assigned(self, local: str) -> bool:
        """Whether every path to the current line has assigned `local` (see `mark_assigned`)."""
        return any(local in names for names in self._assigned)

    def mark_assigned(self, local: str) -> None:
        """Note that `local` is assigned on every path to the current line, so code emitted
        later in this block or inside it needs not assign it again."""
        self._assigned[-1].add(local)

    def temp(self, hint: str = "v") -> str:
        """A fresh local name."""
        return f"{hint}{next(self._counter)}"

    def const(self, value: Any) -> Atom:
        """A constant bound in the function's globals (never a literal: no `5 is None`)."""
        if value is None or value is True or value is False:
            return Atom(repr(value), value)
        key = (type(value).__name__, repr(value))
        name = self._consts.get(key)
        if name is None:
            name = f"_k{len(self._consts)}"
            self._consts[key] = name
            self.namespace[name] = value
        return Atom(name, value)

    def bind(self, prefix: str, value: Any) -> str:
        """A global name for an object the generated code uses (a function, a set)."""
        name = f"{prefix}{next(self._counter)}"
        self.namespace[name] = value
        return name

    def assign(self, target: str, cond: str | None, then: str, otherwise: str) -> None:
        """`target = then if cond else otherwise`, simplified when `cond` is known."""
        if cond is None:
            self.emit(f"{target} = {otherwise}")
        elif cond == "True":
            self.emit(f"{target} = {then}")
        else:
            self.emit(f"{target} = {then} if {cond} else {otherwise}")


def generic_get(obj: str, attr: str) -> str:
    """Python for `_get(obj, attr)` of the compiler: a dict key or an attribute."""
    return f"({obj}.get({attr!r}) if type({obj}) is dict else getattr({obj}, {attr!r}, None))"


def typed_get(obj: str, attr: str, record: t.Type | None) -> str:
    """A field of a record; a plain attribute load when the record is an attrs class."""
    if isinstance(record, t.Record) and attr in _FIELDS.get(record.name, ()):
        return f"{obj}.{attr}"
    return generic_get(obj, attr)


def read_path(out: Emitter, traced: bool, value: str, absent: str, full: str,
              ty: t.Type | None = None) -> None:
    """Record the read of a path held in `value`, as the closures do: untraced, only its
    first absent part (Python `absent`); traced, what `shown_read` says."""
    if not traced:
        out.emit(f"if {value} is None: RD += ({absent},)")
        return
    out.emit(f"RD += {shown_read(value, absent, full, ty)}")


def shown_read(value: str, absent: str, full: str, ty: t.Type | None = None) -> str:
    """Python for what a trace records of a path held in `value`, as a tuple to add to
    `RD`: its first absent part (Python `absent`) with None, or its value under the
    path `full` (Python), or nothing for a record or a list of records.

    Whether it is one is asked of the value (`is_structure`); its declared type `ty`
    only says what to test first: a scalar's type, or a list's first element (a
    value that is not what its type says makes the test raise, and the closures
    then decide).
    """
    plain = f"type({value}) in _PLAIN"
    if isinstance(ty, t.ListOf):
        plain = f"not {value} or type({value}[0]) in _PLAIN"
    return (f"((({absent}, None),) if {value} is None else "
            f"((({full}, {value}),) if {plain} or not _is_structure({value}) else ()))")


def read_value(out: Emitter, traced: bool, value: str, absent: str, full: str) -> None:
    """Record a value read whatever it is (an item of a projection, a derived value, an
    input): untraced, `absent` when it is None; traced, `(absent, None)` or
    `(full, value)`."""
    if not traced:
        out.emit(f"if {value} is None: RD += ({absent},)")
    elif absent == full:
        out.emit(f"RD += (({full}, {value}),)")
    else:
        out.emit(f"RD += (({absent}, None) if {value} is None else ({full}, {value}),)")


def first_absent(values: list[str], labels: list[str],
                 show: Callable[[str], str] = repr) -> str:
    """Python naming the first absent part of a path, given the locals holding each prefix
    and the path of each prefix: what the closures record when a path is absent.
    `show` writes a path as Python (a literal, by default)."""
    expr = show(labels[-1])
    for value, label in zip(reversed(values[:-1]), reversed(labels[:-1]), strict=True):
        expr = f"({show(label)} if {value} is None else {expr})"
    return expr


#: Places in a list whose element paths (`expenses[3].amount`) are written once for
#: all dossiers: a trace names one per element read, and most lists are shorter.
NAMED_PLACES = 32


def element_path(out: Emitter, base: str, index: str) -> Callable[[str], str]:
    """How a path inside the current element of a loop is written, as the closures name
    it: `expenses[3].amount`, taken from a tuple of them for the first places, else
    formatted (`f'expenses[{i3}].amount'`)."""
    def show(label: str) -> str:
        escaped_base, escaped_label = (text.replace("{", "{{").replace("}", "}}")
                                       for text in (base, label))
        formatted = "f" + repr(f"{escaped_base}[{{{index}}}].{escaped_label}")
        named = out.bind("_n", tuple(f"{base}[{i}].{label}" for i in range(NAMED_PLACES)))
        return f"({named}[{index}] if {index} < {NAMED_PLACES} else {formatted})"

    return show


class Shared:
    """What all expressions of one policy function share: hoisted paths, lets, derived values.

    Dossier paths have no side effect and a dossier is immutable, so each path
    is read once, in the prologue. Lets and derived values are computed at
    their first use (as the closures do) and kept in a local.
    """

    def __init__(self, out: Emitter, schema: t.Schema, *, traced: bool = False) -> None:
        self.out = out
        self.schema = schema
        #: Whether the function builds the trace (records every value read).
        self.traced = traced
        self.prologue: list[str] = []
        self.paths: dict[tuple[str, ...], tuple[str, t.Type | None]] = {}
        self.lazy: dict[str, str] = {}
        #: The prologue's locals holding what the trace shows of a path (traced only).
        self.shown: set[str] = set()

    def path(self, parts: tuple[str, ...]) -> str:
        """The local holding a dossier path (None when a part is absent)."""
        known = self.paths.get(parts)
        if known is not None:
            return known[0]
        if len(parts) == 1:
            name = f"f_{parts[0]}"
            self.prologue.append(f"{name} = {typed_get('D', parts[0], t.DOSSIER)}")
            record = self.schema.fields(t.DOSSIER).get(parts[0])
        else:
            outer = self.path(parts[:-1])
            outer_type = self.paths[parts[:-1]][1]
            name = self.out.temp("f_")
            get = typed_get(outer, parts[-1], outer_type)
            self.prologue.append(f"{name} = None if {outer} is None else {get}")
            fields = self.schema.fields(outer_type) if isinstance(outer_type, t.Record) else {}
            record = fields.get(parts[-1])
        self.paths[parts] = (name, record)
        return name

    def read(self, parts: tuple[str, ...]) -> Atom:
        """A dossier path at a use: its local, and its read recorded (see `read_path`);
        traced, what the trace shows of it is computed once, in the prologue, and
        added to `RD` at each use."""
        name = self.path(parts)
        values = [self.paths[parts[: k + 1]][0] for k in range(len(parts))]
        labels = [".".join(parts[: k + 1]) for k in range(len(parts))]
        absent = first_absent(values, labels)
        if not self.traced:
            read_path(self.out, False, name, absent, repr(labels[-1]))
            return Atom(name)
        shown = f"r{name}"
        if shown not in self.shown:
            self.shown.add(shown)
            self.prologue.append(
                f"{shown} = {shown_read(name, absent, repr(labels[-1]), self.paths[parts][1])}")
        self.out.emit(f"RD += {shown}")
        return Atom(name)

    def local(self, key: str, init: str = "_U") -> str:
        """The local set to `init` in the prologue: a param, or the cache of a let or
        derived value (`_U` until computed)."""
        name = self.lazy.get(key)
        if name is None:
            name = f"c_{len(self.lazy)}"
            self.lazy[key] = name
            self.prologue.append(f"{name} = {init}")
        return name


def decimal_of(atom: Atom) -> str:
    """Python for `Decimal(x)`, without the call when x is one already."""
    if atom.known:
        return atom.code if type(atom.const) is Decimal else f"_D({atom.code})"
    return f"({atom.code} if type({atom.code}) is _D else _D({atom.code}))"


@contextmanager
def no_block() -> Iterator[None]:
    """A context that opens no block, where a guard is needed only sometimes."""
    yield
