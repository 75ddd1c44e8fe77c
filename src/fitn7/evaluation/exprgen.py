"""Generates Python source for policy expressions: the fast and traced paths of evaluation.

`ExprGen.expr` writes the statements computing one expression into an
`Emitter` and returns the `Atom` (a local name or a constant) holding its
value, with the same three-valued semantics as the closures of
`fitn7.evaluation.compiler`: the same sub-expressions are evaluated in the
same order, an absent value gives `None`, and the reads the closures would
record are recorded too, in `RD`: only the absent ones for a decision without
trace; for the traced function (`traced`), every `(path, value)` the closures'
trace shows. Two liberties, both invisible in a decision: a condition only
tested stays an expression (`ExprGen.test`), and, without the trace,
`any`/`all` stop early when their result settles the rule and nothing skipped
can raise (the trace shows every value read, so the traced function does not).

Structural choices (what is a plain path, what an element, what a constant)
are asked of the closure `Compiler` itself, so the two paths cannot disagree
about what an expression means.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from fitn7 import types as t
from fitn7.dsl import ast
from fitn7.dsl.formatter import format_expression
from fitn7.evaluation.codegen import (
    Atom,
    Emitter,
    Shared,
    Test,
    Unsupported,
    as_test,
    decimal_of,
    element_path,
    first_absent,
    generic_get,
    no_block,
    none_test,
    read_path,
    read_value,
    typed_get,
)
from fitn7.evaluation.compiler import (
    NOT_CONSTANT,
    Compiler,
    ProjectionPath,
    input_path,
    list_path,
    static_type,
)
from fitn7.evaluation.env import AMOUNT_BASIS, DERIVED, Basis, NotAField
from fitn7.functions import BUILTIN_PLUGIN, BUILTINS
from fitn7.logic import k_in
from fitn7.scope import NameKind

#: fitn7's own functions, recognised by their code so a plugin overriding a
#: name is called through its declaration like any plugin function.
_BUILTIN_IMPLS: dict[Any, str] = {decl.impl: decl.name for decl in BUILTINS}

#: Nodes whose code depends on what settles their value (see `ExprGen.expr`).
_DECIDING = frozenset({"BoolOp", "Not", "Implies", "Call"})

_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@attrs.frozen
class ExprGen:
    """Generates the code of expressions in one scope.

    Inside a filter or quantifier, `elem` and `index` name the loop's current
    element and its position, and `base` the dossier list it comes from, to
    name absent element fields as the closures do (`expenses[2].amount`).
    Absent reads are added to the local tuple `RD`; the caller keeps them when
    the whole step turns out unknown.
    """

    out: Emitter
    shared: Shared
    compiler: Compiler
    elem: str | None = None
    index: str | None = None
    base: str = "?"
    #: Which figure of an expense line `eligible_expenses` and `total_expenses` sum.
    basis: Basis = AMOUNT_BASIS
    #: Whether the code builds the trace: every value read is recorded, nothing stops early.
    traced: bool = False

    def expr(self, node: ast.Expr, decides: frozenset[bool] = frozenset()) -> Atom:
        """Emit the statements computing `node`; the atom holding its value.

        `decides` holds the values of `node` that settle the whole rule or step
        (it is then known, so what else it would have read does not matter):
        `any` may stop at a true element only when true settles it.
        """
        const = self.compiler.constant(node)
        if const is not NOT_CONSTANT:
            return self.out.const(const)
        if self.traced:
            decides = frozenset()
        name = type(node).__name__
        method = getattr(self, f"_g_{name}", None)
        if method is None:
            raise Unsupported(name)
        atom: Atom = method(node, decides) if name in _DECIDING else method(node)
        return atom

    def test(self, node: ast.Expr, decides: frozenset[bool] = frozenset()) -> Test:
        """Like `expr`, for a value only tested (by a rule, a filter, `and`...): a
        comparison, membership or negation stays an expression."""
        if self.traced:
            decides = frozenset()
        meant = self.compiler.family_test(node)
        if meant is not None:
            return self.test(meant, decides)
        if self.compiler.constant(node) is NOT_CONSTANT:
            if isinstance(node, ast.Compare) and len(node.ops) == 1:
                left, right = (self.expr(o) for o in node.operands)
                return Test(none_test(left, right),
                            f"({left.code} {_OPS[node.ops[0]]} {right.code})")
            if isinstance(node, ast.Membership):
                left, right = self.expr(node.left), self.expr(node.right)
                if node.op != "meets" and self._may_hold_unknowns(node.right):
                    # `x in expenses.amount`: an unknown line could be `x`, so the
                    # answer may be unknown too (logic.k_in), as the closures say.
                    k_in_ = self.out.bind("_kin", k_in)
                    found = self.out.temp()
                    self.out.assign(found, none_test(left, right), "None",
                                    f"{k_in_}({left.code}, {right.code})")
                    negate = "not " if node.op == "not in" else ""
                    return Test(f"{found} is None", f"({negate}{found})")
                if node.op == "meets":
                    expr = f"(not frozenset({left.code}).isdisjoint({right.code}))"
                else:
                    expr = f"({left.code} {node.op} {right.code})"
                return Test(none_test(left, right), expr)
            if isinstance(node, ast.Not):
                inner = self.test(node.operand, frozenset(not v for v in decides))
                return Test(inner.none, f"(not {inner.value})")
        return as_test(self.expr(node, decides))

    def _may_hold_unknowns(self, node: ast.Expr) -> bool:
        """Whether `node` is a list read across the lines of a list (`expenses.amount`,
        `expenses[eligible].category`), whose elements may be absent."""
        if not isinstance(node, ast.Attribute):
            return False
        path = self.compiler.plain_path(node)
        if path is None:
            return True
        kind, parts = path
        return self.compiler.crosses_list(parts, kind)

    def stored(self, test: Test) -> Atom:
        """A tested value kept in a local, for a use that needs the value itself."""
        target = self.out.temp()
        self.out.assign(target, test.none, "None", test.value)
        return Atom(target)

    def cannot_raise(self, node: ast.Expr) -> bool:
        """Whether evaluating `node` can never raise: then skipping it changes nothing
        but its reads. Deliberately narrow: paths, constants, equality, logic, and
        membership of a typed field in a constant set."""
        if self.compiler.constant(node) is not NOT_CONSTANT:
            return True
        scope = self.compiler.scope
        match node:
            case ast.Name(name=name):
                kind = scope.resolve(name)
                if kind is NameKind.LET:
                    return self.cannot_raise(self.compiler.let_exprs[name])
                return kind in (NameKind.ELEMENT_FIELD, NameKind.PARAM, NameKind.FIELD)
            case ast.Attribute():
                path = self.compiler.plain_path(node)
                return path is not None and not self.compiler.crosses_list(path[1], path[0])
            case ast.Compare(operands=operands, ops=ops):
                return all(op in ("==", "!=") for op in ops) and all(
                    self.cannot_raise(o) for o in operands)
            case ast.BoolOp(operands=operands):
                return all(self.cannot_raise(o) for o in operands)
            case ast.Not(operand=operand):
                return self.cannot_raise(operand)
            case ast.Implies(left=left, right=right):
                return self.cannot_raise(left) and self.cannot_raise(right)
            case ast.Membership(op="in" | "not in", left=left, right=right):
                # Hashing a typed scalar never fails; a list or record might.
                ty = static_type(left, scope, self.compiler.let_exprs)
                return (isinstance(self.compiler.constant(right), frozenset)
                        and isinstance(ty, t.Prim) and ty != t.ANY
                        and self.cannot_raise(left))
        return False

    # ------------------------------------------------------------- names

    def _g_Name(self, node: ast.Name) -> Atom:
        name = node.name
        kind = self.compiler.scope.resolve(name)
        if kind is NameKind.ELEMENT_FIELD:
            return self._element((name,))
        if kind is NameKind.LET:
            return self._let(name)
        if kind is NameKind.PARAM:
            key = f"param:{name}"
            known = key in self.shared.lazy
            local = self.shared.local(key, f"P[{name!r}]")
            if self.traced:
                # What the trace shows of it: one tuple for the run, in the prologue.
                if not known:
                    shown = self.out.const(NotAField(name)).code
                    self.shared.prologue.append(f"{local}_shown = (({shown}, {local}),)")
                self.out.emit(f"RD += {local}_shown")
            return Atom(local)
        if kind is NameKind.INPUT:
            return self._input(name)
        if kind is NameKind.FIELD:
            if name in DERIVED:
                return self._derived(name)
            return self.shared.read((name,))
        raise Unsupported(f"name {name}")

    def _input(self, name: str) -> Atom:
        """An input, read once in the prologue; its default when the dossier lacks it."""
        key = f"input:{name}"
        known = key in self.shared.lazy
        local = self.shared.local(key, f"D.inputs.get({name!r})")
        default = self.compiler.input_defaults.get(name)
        if default is not None and not known:
            value = self.out.const(default)
            self.shared.prologue.append(f"if {local} is None: {local} = {value.code}")
        path = self.out.const(input_path(name)).code
        if self.traced:
            if not known:
                self.shared.prologue.append(f"{local}_shown = (({path}, {local}),)")
            self.out.emit(f"RD += {local}_shown")
        elif default is None:
            read_value(self.out, False, local, path, path)
        return Atom(local)

    def _let(self, name: str) -> Atom:
        body = self.compiler.let_exprs[name]
        const = self.compiler.constant(body)
        if const is not NOT_CONSTANT:
            if self.traced:
                self.out.emit(f"RD += {self.out.const(((NotAField(name), const),)).code}")
            return self.out.const(const)
        # Keyed by name like the closures' cache: the first use computes it and
        # keeps its absent reads, which every later use records again.
        # Traced, what it read is followed by its own value, under its name.
        local = self.shared.local(f"let:{name}")
        reads, mark = f"{local}_reads", self.out.temp("m")
        if self.out.assigned(local):
            # Computed above on every path here: emitting its code again at each use
            # made a chain of lets using the one before twice exponential in size.
            self.out.emit(f"if {reads}: RD += {reads}")
            return Atom(local)
        with self.out.block(f"if {local} is _U:"):
            self.out.emit(f"{mark} = len(RD)")
            value = self.expr(body)
            self.out.emit(f"{local} = {value.code}")
            if self.traced:
                key = self.out.const(NotAField(name)).code
                self.out.emit(f"{reads} = RD[{mark}:] + (({key}, {local}),)")
                self.out.emit(f"RD = RD[:{mark}] + {reads}")
            else:
                self.out.emit(f"{reads} = RD[{mark}:] if len(RD) > {mark} else ()")
        self.out.emit(f"elif {reads}: RD += {reads}")
        self.out.mark_assigned(local)
        return Atom(local)

    def _derived(self, name: str) -> Atom:
        local = self.shared.local(f"derived:{name}")
        absent, shown = f"{local}_absent", f"{local}_shown"
        out = self.out
        with out.block(f"if {local} is _U:"):
            if name == "joint":
                members = self.shared.path(("members",))
                out.emit(f"{local} = len({members}) > 0")
            elif name == "session":
                submitted = self.shared.path(("submitted",))
                out.emit(f"{local} = None if {submitted} is None else _session({submitted})")
                out.emit(f"{absent} = 'submitted'")
            else:
                self._sum_expenses(local, name == "eligible_expenses")
            if self.traced:
                # What the trace shows of it: one tuple, made when it is computed.
                value = f"(({name!r}, {local}),)"
                out.emit(f"{shown} = {value}" if name == "joint" else
                         f"{shown} = (({absent}, None),) if {local} is None else {value}")
        if self.traced:
            out.emit(f"RD += {shown}")
        elif name != "joint":
            read_value(out, False, local, absent, repr(name))
        return Atom(local)

    def _sum_expenses(self, local: str, eligible: bool) -> None:
        out = self.out
        expenses = self.shared.path(("expenses",))
        total, line = out.temp("s"), out.temp("l")
        with out.block(f"if {expenses} is None:"):
            out.emit(f"{local} = None")
            out.emit(f"{local}_absent = 'expenses'")
        if self.basis != AMOUNT_BASIS:
            # HT, TTC or TTC net of recovered VAT: the closures' own sum, per line.
            with out.block("else:"):
                categories = "_CATEGORIES" if eligible else "None"
                out.emit(f"{local}, {local}_absent = _sum_amounts({expenses}, {categories}, "
                         "_BASIS)")
            return
        with out.block("else:"):
            out.emit(f"{total} = _ZERO")
            with out.block(f"for {line} in {expenses}:"):
                if eligible:
                    cat = out.temp("g")
                    out.emit(f"{cat} = {line}.category")
                    with out.block(f"if {cat} is None:"):
                        out.emit(f"{total} = None")
                        out.emit("break")
                    out.emit(f"if {cat} not in _CATEGORIES: continue")
                amount = out.temp("a")
                out.emit(f"{amount} = {line}.amount")
                with out.block(f"if {amount} is None:"):
                    out.emit(f"{total} = None")
                    out.emit("break")
                out.emit(f"{total} += {amount}")
            out.emit(f"{local} = {total}")
            categories = "_CATEGORIES" if eligible else "None"
            out.emit(f"if {total} is None: {local}_absent = _sum_amounts({expenses}, "
                     f"{categories})[1]")

    def _element(self, parts: tuple[str, ...]) -> Atom:
        """A path read from the current element of a filter or quantifier."""
        if self.elem is None or self.index is None:
            raise Unsupported("element field outside an element scope")
        out = self.out
        record: t.Type | None = self.compiler.scope.element
        value = self.elem
        values: list[str] = []
        labels: list[str] = []
        for depth, part in enumerate(parts):
            target = out.temp()
            if part == "eligible" and depth == 0:
                if not isinstance(record, t.Record) or record.name != "expense":
                    raise Unsupported("eligible outside an expense")
                out.emit(f"{target} = {value}.category")
                out.emit(f"if {target} is not None: {target} = {target} in _CATEGORIES")
                labels.append("category")
                record = t.BOOL
            else:
                get = typed_get(value, part, record)
                if depth == 0:
                    out.emit(f"{target} = {get}")
                else:
                    out.emit(f"{target} = None if {value} is None else {get}")
                labels.append(".".join(parts[: depth + 1]))
                fields = self.compiler.scope.schema.fields(record) if isinstance(
                    record, t.Record) else {}
                record = fields.get(part)
            values.append(target)
            value = target
        show = element_path(out, self.base, self.index)
        read_path(out, self.traced, value, first_absent(values, labels, show),
                  show(".".join(parts)), record)
        return Atom(value)

    def _g_Attribute(self, node: ast.Attribute) -> Atom:
        path = self.compiler.plain_path(node)
        if path is not None:
            kind, parts = path
            if not self.compiler.crosses_list(parts, kind):
                if kind is NameKind.ELEMENT_FIELD:
                    return self._element(parts)
                return self.shared.read(parts)
        if node.attr == "eligible":
            # A computed field of each expense line: the closures know how.
            raise Unsupported("a projection of `eligible`")
        inner = self.expr(node.value)
        out = self.out
        target, item, index = out.temp(), out.temp("x"), out.temp("i")
        path_of = out.bind("_p", ProjectionPath(
            list_path(node.value, self.compiler.scope), node.attr,
            isinstance(node.value, ast.Filter)))
        with out.block(f"if {inner.code} is None:"):
            out.emit(f"{target} = None")
        with out.block(f"elif isinstance({inner.code}, tuple):"):
            get = typed_get(item, node.attr, self._records_of(node.value))
            out.emit(f"{target} = tuple([{get} for {item} in {inner.code}])")
            # `None in` only screens (C speed); the loop names each absent item, or
            # (traced) each item.
            screen = out.block(f"if None in {target}:") if not self.traced else no_block()
            with screen, out.block(f"for {index}, {item} in enumerate({target}):"):
                where = f"{path_of}(D, {index}, {inner.code}[{index}])"
                read_value(out, self.traced, item, where, where)
        with out.block("else:"):
            out.emit(f"{target} = {generic_get(inner.code, node.attr)}")
        return Atom(target)

    # ------------------------------------------------------- collections

    def _each(self, collection: ast.Expr) -> tuple[Atom, str, ExprGen]:
        """The list atom, the loop header's targets and the generator of the predicate."""
        items = self.expr(collection)
        inner = attrs.evolve(
            self,
            compiler=self.compiler.element_compiler(collection),
            elem=self.out.temp("e"),
            index=self.out.temp("i"),
            base=list_path(collection, self.compiler.scope) or "?",
        )
        return items, f"{inner.index}, {inner.elem}", inner

    def _g_Filter(self, node: ast.Filter) -> Atom:
        items, targets, inner = self._each(node.value)
        out = self.out
        target, kept, unknown = out.temp(), out.temp("k"), out.temp("u")
        with out.block(f"if {items.code} is None:"):
            out.emit(f"{target} = None")
        with out.block("else:"):
            out.emit(f"{kept} = []")
            out.emit(f"{unknown} = False")
            with out.block(f"for {targets} in enumerate({items.code}):"):
                holds = inner.test(node.predicate)
                if holds.none:
                    out.emit(f"if {holds.none}: {unknown} = True")
                out.emit(f"{'elif' if holds.none else 'if'} {holds.value} is True: "
                         f"{kept}.append({inner.elem})")
            # An element we cannot classify makes the whole selection unknown.
            out.emit(f"{target} = None if {unknown} else tuple({kept})")
        return Atom(target)

    def _g_Call(self, node: ast.Call, decides: frozenset[bool]) -> Atom:
        decl = self.compiler.functions.get(node.func)
        if decl is None:
            raise Unsupported(f"function {node.func}")
        builtin = _BUILTIN_IMPLS.get(decl.impl)
        out = self.out
        target = out.temp()
        if decl.predicate_arg is not None and len(node.args) > decl.predicate_arg:
            items, targets, inner = self._each(node.args[0])
            predicate = node.args[decl.predicate_arg]
            if builtin in ("any", "all"):
                # Stopping early skips only reads, and only when the result settles the step.
                stop = (builtin == "any") in decides and inner.cannot_raise(predicate)
                return self._quantifier(builtin, items, targets, inner, predicate, stop)
            impl = out.bind("_f", decl.impl)
            results = out.temp("r")
            with out.block(f"if {items.code} is None:"):
                out.emit(f"{target} = {impl}(None, None)")
            with out.block("else:"):
                out.emit(f"{results} = []")
                with out.block(f"for {targets} in enumerate({items.code}):"):
                    holds = inner.expr(predicate)
                    out.emit(f"{results}.append({holds.code})")
                out.emit(f"{target} = {impl}({items.code}, {results})")
            return Atom(target)
        # A plugin's answer is data the rule reads: the trace shows it (`call_read`).
        shown = self.traced and decl.plugin != BUILTIN_PLUGIN
        if shown:
            builtin = None  # called through its declaration, below
        if builtin in ("sum", "count") and len(node.args) == 1:
            fused = self._fused(builtin, node.args[0])
            if fused is not None:
                return fused
        args = [self.expr(a) for a in node.args]
        if builtin == "count" and len(args) == 1:
            out.assign(target, none_test(args[0]), "None", f"len({args[0].code})")
        elif builtin == "sum" and len(args) == 1 and not args[0].known:
            (items,) = args
            item = out.temp("x")
            with out.block(f"if {items.code} is None:"):
                out.emit(f"{target} = None")
            with out.block("else:"):
                out.emit(f"{target} = 0")
                with out.block(f"for {item} in {items.code}:"):
                    with out.block(f"if {item} is None:"):
                        out.emit(f"{target} = None")
                        out.emit("break")
                    out.emit(f"{target} = {target} + {item}")
        else:
            # Plugin functions (and the rarer built-ins) are called through
            # their declaration, so a guarded plugin stays guarded.
            impl = out.bind("_f", decl.impl)
            values = ", ".join(a.code for a in args)
            out.emit(f"{target} = {impl}({values})")
            if shown:
                texts = out.bind("_t", [format_expression(a) for a in node.args])
                out.emit(f"RD += ((_call_read({node.func!r}, [{values}], {texts}), {target}),)")
        return Atom(target)

    def _fused(self, name: str, arg: ast.Expr) -> Atom | None:
        """`sum(expenses[category == materiel].amount)`, `sum(members.population)`,
        `count(members[population > 10_000])` in one loop, without the lists between.

        Reads are recorded in the order of the separate steps: a filter's
        conditions first, then the absent projected values (kept aside until the
        loop ends); a projection is not evaluated once the filter is unknown.
        Additions may run where the closures would stop at an absent value
        first: that can only raise (mixed types), which hands the dossier back.
        """
        filtered = isinstance(arg, ast.Filter)
        projected = isinstance(arg, ast.Attribute) and self._is_projection(arg)
        if name == "count" and not filtered:
            return None
        if name == "sum" and not projected:
            return None
        out = self.out
        source: ast.Expr = arg.value if isinstance(arg, ast.Attribute) else arg
        inner: ExprGen | None = None
        if isinstance(source, ast.Filter):
            items, targets, inner = self._each(source.value)
        else:
            items = self.expr(source)
            targets = f"{out.temp('i')}, {out.temp('e')}"
        index, elem = targets.split(", ")
        target, bad, absent, kept, unknown, value = (
            out.temp(), out.temp("b"), out.temp("r"), out.temp("n"), out.temp("u"), out.temp("a"))
        with out.block(f"if {items.code} is None:"):
            out.emit(f"{target} = None")
        if inner is None:
            # A projection of something else than a list: the closures' business.
            out.emit(f"elif not isinstance({items.code}, tuple): raise _Fail")
        with out.block("else:"):
            out.emit(f"{target} = {kept} = 0")
            out.emit(f"{bad} = {unknown} = False")
            out.emit(f"{absent} = ()")
            with out.block(f"for {targets} in enumerate({items.code}):"):
                keep = no_block()
                if inner is not None:
                    assert isinstance(source, ast.Filter)
                    holds = inner.test(source.predicate)
                    if holds.none:
                        out.emit(f"if {holds.none}: {unknown} = True")
                    keep = out.block(f"{'elif' if holds.none else 'if'} {holds.value} is True:")
                with keep:
                    if isinstance(arg, ast.Attribute):
                        self._fused_item(arg, elem, index if inner is None else kept, value,
                                         (target, bad, absent))
                    if inner is not None:
                        out.emit(f"{kept} += 1")
            if name == "count":
                out.emit(f"{target} = None if {unknown} else {kept}")
                return Atom(target)
            out.emit(f"if {unknown}: {target} = None")
            with out.block("else:"):
                out.emit(f"if {absent}: RD += {absent}")
                out.emit(f"if {bad}: {target} = None")
        return Atom(target)

    def _fused_item(self, proj: ast.Attribute, elem: str, position: str, value: str,
                    locals_: tuple[str, str, str]) -> None:
        """One projected value of a fused `sum`: added, or noted absent (traced: noted)."""
        out = self.out
        target, bad, absent = locals_
        path_of = out.bind("_p", ProjectionPath(
            list_path(proj.value, self.compiler.scope), proj.attr,
            isinstance(proj.value, ast.Filter)))
        out.emit(f"{value} = {typed_get(elem, proj.attr, self._records_of(proj.value))}")
        where = f"{path_of}(D, {position}, {elem})"
        if self.traced:
            # Every projected value is shown, kept aside like an absent one.
            out.emit(f"{absent} += (({where}, {value}),)")
            out.emit(f"if {value} is None: {bad} = True")
        else:
            out.emit(f"if {value} is None: {absent} += ({where},); {bad} = True")
        out.emit(f"elif not {bad}: {target} = {target} + {value}")

    def _records_of(self, collection: ast.Expr) -> t.Type | None:
        """The record type of the elements of a dossier list (`expenses`, filtered or
        not), whose fields are plain attributes; None for other lists, whose elements
        may be absent (`expenses.provider`) and are read like the closures do."""
        while isinstance(collection, ast.Filter):
            collection = collection.value
        if isinstance(collection, ast.Name):
            if self.compiler.scope.resolve(collection.name) is not NameKind.FIELD:
                return None
        elif not isinstance(collection, ast.Attribute) or self._is_projection(collection):
            return None
        listed = static_type(collection, self.compiler.scope, self.compiler.let_exprs)
        return listed.element if isinstance(listed, t.ListOf) else None

    def _is_projection(self, node: ast.Attribute) -> bool:
        """Whether `node` reads a field of every element of a list (see `_g_Attribute`)."""
        path = self.compiler.plain_path(node)
        return path is None or self.compiler.crosses_list(path[1], path[0])

    def _quantifier(
        self, name: str, items: Atom, targets: str, inner: ExprGen, predicate: ast.Expr,
        stop: bool,
    ) -> Atom:
        # Unless `stop`, every element is evaluated, as the closures do: an error
        # in a later element is raised here too, its absent reads recorded.
        out = self.out
        target, decisive, unknown = out.temp(), out.temp("d"), out.temp("u")
        hit = "True" if name == "any" else "False"
        with out.block(f"if {items.code} is None:"):
            out.emit(f"{target} = None")
        with out.block("else:"):
            out.emit(f"{decisive} = False")
            out.emit(f"{unknown} = False")
            with out.block(f"for {targets} in enumerate({items.code}):"):
                holds = inner.test(predicate)
                end = "; break" if stop else ""
                if holds.none:
                    out.emit(f"if {holds.none}: {unknown} = True")
                out.emit(f"{'elif' if holds.none else 'if'} {holds.value} is {hit}: "
                         f"{decisive} = True{end}")
            out.emit(f"{target} = {hit} if {decisive} else (None if {unknown} else not {hit})")
        return Atom(target)

    def _g_SetLit(self, node: ast.SetLit) -> Atom:
        items = [self.expr(i) for i in node.items]
        target = self.out.temp()
        values = ", ".join(i.code for i in items)
        self.out.assign(target, none_test(*items), "None", f"frozenset(({values},))")
        return Atom(target)

    # ---------------------------------------------------------- operators

    def _g_Compare(self, node: ast.Compare) -> Atom:
        if len(node.ops) == 1:
            return self.stored(self.test(node))
        values = [self.expr(o) for o in node.operands]
        out = self.out
        target = out.temp()
        out.emit(f"{target} = True")
        for index, (op, left, right) in enumerate(zip(node.ops, values, values[1:], strict=False)):
            test = none_test(left, right)
            body = [f"if {test}: {target} = None"] if test else []
            failing = f"not ({left.code} {_OPS[op]} {right.code})"
            body.append(f"{'elif' if test else 'if'} {failing}: {target} = False")
            if index == 0:
                for line in body:
                    out.emit(line)
            else:
                # After a false pair the chain is false: later pairs are not compared.
                with out.block(f"if {target} is not False:"):
                    for line in body:
                        out.emit(line)
        return Atom(target)

    def _g_Membership(self, node: ast.Membership) -> Atom:
        return self.stored(self.test(node))

    def _g_BoolOp(self, node: ast.BoolOp, decides: frozenset[bool]) -> Atom:
        out = self.out
        target = out.temp()
        # `and` stops at the first false operand, `or` at the first true one.
        stop, rest = ("False", "True") if node.op == "and" else ("True", "False")
        settling = decides & {node.op == "or"}
        out.emit(f"{target} = {rest}")
        for index, operand in enumerate(node.operands):
            guard = out.block(f"if {target} is not {stop}:") if index else no_block()
            with guard:
                value = self.test(operand, settling)
                if value.none:
                    out.emit(f"if {value.none}: {target} = None")
                out.emit(f"{'elif' if value.none else 'if'} {value.value} is {stop}: "
                         f"{target} = {stop}")
        return Atom(target)

    def _g_Not(self, node: ast.Not, decides: frozenset[bool]) -> Atom:
        return self.stored(self.test(node, decides))

    def _g_Implies(self, node: ast.Implies, decides: frozenset[bool]) -> Atom:
        settling = decides & {True}
        left = self.expr(node.left, frozenset({False}) if settling else frozenset())
        right = self.expr(node.right, settling)
        out = self.out
        target, negated = out.temp(), out.temp()
        out.assign(negated, none_test(left), "None", f"(not {left.code})")
        out.emit(
            f"{target} = True if ({negated} is True or {right.code} is True) else "
            f"(None if ({negated} is None or {right.code} is None) else False)"
        )
        return Atom(target)

    def _g_Unary(self, node: ast.Unary) -> Atom:
        value = self.expr(node.operand)
        if node.op == "+":
            return value
        target = self.out.temp()
        self.out.assign(target, none_test(value), "None", f"(-{value.code})")
        return Atom(target)

    def _g_BinOp(self, node: ast.BinOp) -> Atom:
        left, right = self.expr(node.left), self.expr(node.right)
        out = self.out
        target = out.temp()
        test = none_test(left, right)
        if node.op != "/":
            out.assign(target, test, "None", f"({left.code} {node.op} {right.code})")
            return Atom(target)
        if test == "True":
            out.emit(f"{target} = None")
            return Atom(target)
        if test:
            with out.block(f"if {test}:"):
                out.emit(f"{target} = None")
        with out.block("else:") if test else no_block():
            if not (right.known and right.const != 0):
                # Left to the closures, which say where: "division by zero at FILE:LINE:COL".
                out.emit(f"if {right.code} == 0: raise _Fail")
            divisor = right
            if right.known and isinstance(right.const, int | Decimal):
                divisor = out.const(Decimal(right.const))
            out.emit(f"{target} = {decimal_of(left)} / {decimal_of(divisor)}")
        return Atom(target)
