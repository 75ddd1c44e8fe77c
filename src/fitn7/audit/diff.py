"""The semantic diff of two policy versions: an edit script of frozen records.

Like sqlglot's `diff`, the result is a list of edits over the AST, never a
text diff: `Added`, `Removed`, `Changed` and `Renamed`, each with a path that
names what it is about. Paths read like the policy:

    header.version                  header.uses.fitn7_zrr
    param.seuil_petite_collectivite let.thematiques
    session."vague 2"               expenses.ineligible.formation
    rule.territoire.condition       rule.plafond_commune.cap
    rule.forfait_commune.bands[1].below                     amount.order
    rule.fonctionnement.lines       rule.plafond_fonctionnement.part
    rule.aides_publiques.share      expenses.basis          amount.total.message
    category.etude.label            input.autres_aides.default
    document.deliberation.when

Rules, amount steps, score criteria, limits and invariants share one id
namespace (decisions and traces name them by id alone), so they are all
`rule.<id>`; a step without an id is named as the trace names it
(`forfait#2`, `taux#1`). A field of a changed rule is one `Changed` each
(`condition`, `message`, `source`, `when`, the value under the step's own
word: `cap`, `bonus`, `floor`, `forfait`, `rate`, `points`…), in canonical
text (as the author wrote it). What does not change a decision is no
change: the order of rules, params, sessions and criteria, comments and
layout, the order of the elements of a set (values are compared with them
sorted, see `fitn7.audit.canonical.comparable`), and a param or let renamed
in the rules that use it (the rename is the one edit). The order of amount
steps matters where it can change the amount (the first forfait that
applies wins; a cap then a floor is not a floor then a cap; a bonus in
percent counts the bonuses in euros before it) and is reported as
`amount.order`; two caps, two floors, or two bonuses both in euros or both
in percent commute.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from fitn7.audit.canonical import band_text, comparable, expr_text, node_text
from fitn7.audit.items import Item, body, fields, identified, match_anonymous, named, value_of
from fitn7.dsl import ast
from fitn7.evaluation.program import is_percent_bonus  # the evaluator's own test
from fitn7.hashing import policy_hash
from fitn7.vocabulary import effective_categories

_V = TypeVar("_V")


@attrs.frozen
class Added:
    """Something the new version has and the old one lacks."""

    path: str
    #: Its canonical text in the new version.
    new: str
    #: What the path names: `require`, `cap`, `param`, `session`, `header`…
    kind: str
    #: The message of the rule it belongs to (the French label shown to applicants).
    label: str | None = None
    #: The citation of the text the rule comes from.
    source: str | None = None
    #: `file:line` of the declaration; not part of the meaning.
    where: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Removed:
    """Something the old version had and the new one lacks."""

    path: str
    #: Its canonical text in the old version.
    old: str
    kind: str
    label: str | None = None
    source: str | None = None
    where: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Changed:
    """A value present in both versions that differs; None stands for absent."""

    path: str
    old: str | None
    new: str | None
    kind: str
    label: str | None = None
    source: str | None = None
    where: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Renamed:
    """A rule, param, let or session with a new id or name and the same body."""

    path: str
    new_path: str
    kind: str
    label: str | None = None
    source: str | None = None
    where: str | None = attrs.field(default=None, eq=False)


#: One edit of the script.
Edit = Added | Removed | Changed | Renamed


@attrs.frozen
class PolicyVersion:
    """Which policy a side of the diff is: id, version, canonical hash and file."""

    id: str
    version: str | None
    sha256: str
    file: str | None = attrs.field(default=None, eq=False)

    @classmethod
    def of(cls, policy: ast.Policy) -> PolicyVersion:
        """The version record of a (resolved) policy."""
        file = policy.source.name if policy.source is not None else None
        return cls(policy.id, policy.header.version, _hash(policy), file)


@functools.lru_cache(maxsize=32)
def _hash(policy: ast.Policy) -> str:
    # Equal ASTs have equal canonical texts (comments and spans take no part in
    # either), so `diff(p, p)` and repeated diffs hash each version once.
    return policy_hash(policy)


@attrs.frozen
class PolicyDiff:
    """The edit script from `old` to `new`; empty when nothing that matters changed."""

    old: PolicyVersion
    new: PolicyVersion
    edits: tuple[Edit, ...]

    def __len__(self) -> int:
        return len(self.edits)

    def __iter__(self) -> Iterator[Edit]:
        return iter(self.edits)

    def __bool__(self) -> bool:
        return bool(self.edits)

    @property
    def paths(self) -> tuple[str, ...]:
        """The path of every edit, in order."""
        return tuple(e.path for e in self.edits)

    def renamed_rules(self) -> dict[str, str]:
        """Old id → new id of every rule, step, criterion, limit or invariant renamed."""
        return {
            e.path.removeprefix("rule."): e.new_path.removeprefix("rule.")
            for e in self.edits
            if isinstance(e, Renamed) and e.path.startswith("rule.")
        }

    def touched_rules(self) -> frozenset[str]:
        """The ids of the rules, steps, criteria, limits and invariants an edit is about
        (both ids of a rename), plus `base` when the base of the amount changed."""
        ids: set[str] = set()
        for edit in self.edits:
            for path in (edit.path, getattr(edit, "new_path", "")):
                if path.startswith("rule."):
                    ids.add(path[5:].split(".", 1)[0].split("~", 1)[0])
                elif path.startswith("document."):
                    ids.add(path[9:].split(".", 1)[0])  # a reason names a document so
                elif path == "amount.base" or path.startswith("amount.base."):
                    ids.add("base")
        return frozenset(ids)


# ---------------------------------------------------------------- the diff


def _text(value: Any) -> str | None:
    """A compared value as shown: None (absent) and strings as they are, an expression in
    canonical text."""
    return value if value is None or isinstance(value, str) else expr_text(value)


class _Differ:
    """Collects the edits section by section (mutable, local to `diff`)."""

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        #: The params and lets found renamed so far: old name → new name. The old
        #: version's values are compared under the new names.
        self.names: dict[str, str] = {}

    def old_key(self, value: Any) -> Any:
        """A value of the old version in the form it is compared in (see `comparable`)."""
        return comparable(value, self.names)

    def new_key(self, value: Any) -> Any:
        """A value of the new version in the form it is compared in."""
        return comparable(value)

    def same(self, old: Any, new: Any) -> bool:
        """Whether two values mean the same: set order and the renames found aside."""
        return bool(self.old_key(old) == self.new_key(new))

    def change(self, item: Item, path: str, old: Any, new: Any) -> None:
        """A `Changed` at `path` unless the two values mean the same; they are shown in
        canonical text as written."""
        if not self.same(old, new):
            self.edits.append(Changed(path, _text(old), _text(new), item.kind, item.label,
                                      item.source, item.where))

    def added(self, item: Item, path: str | None = None, text: str | None = None) -> None:
        self.edits.append(Added(path or item.path, text if text is not None else item.text(),
                                item.kind, item.label, item.source, item.where))

    def removed(self, item: Item, path: str | None = None, text: str | None = None) -> None:
        self.edits.append(Removed(path or item.path, text if text is not None else item.text(),
                                  item.kind, item.label, item.source, item.where))

    # ------------------------------------------------------------ header

    def header(self, old: ast.Header, new: ast.Header) -> None:
        item = Item("header", "header", new)
        for name in ("id", "title", "authority", "version", "extends"):
            self.change(item, f"header.{name}", getattr(old, name), getattr(new, name))
        self.change(item, "header.envelope", old.envelope, new.envelope)
        for plugin in new.uses:
            if plugin not in old.uses:
                self.edits.append(Added(f"header.uses.{plugin}", plugin, "header"))
        for plugin in old.uses:
            if plugin not in new.uses:
                self.edits.append(Removed(f"header.uses.{plugin}", plugin, "header"))

    # -------------------------------------------------------- expenses

    def expenses(self, old: ast.Policy, new: ast.Policy) -> None:
        # The evaluator keeps the last `expenses` declaration.
        before = old.of_type(ast.Expenses)[-1:]
        after = new.of_type(ast.Expenses)[-1:]
        if not before and not after:
            return
        if not before or not after:
            node = (after or before)[0]
            item = Item("expenses", "expenses", node)
            (self.added if after else self.removed)(item)
            return
        b, a = before[0], after[0]
        item = Item("expenses", "expenses", a)
        if b.mode != a.mode:
            self.change(item, "expenses", node_text(b), node_text(a))
            return
        for category in sorted(set(a.categories) - set(b.categories)):
            self.added(item, f"expenses.{a.mode}.{category}", category)
        for category in sorted(set(b.categories) - set(a.categories)):
            self.removed(item, f"expenses.{a.mode}.{category}", category)

    # -------------------------------------------------------- vocabulary

    def vocabulary(self, old: ast.Policy, new: ast.Policy) -> None:
        """Categories, inputs and documents, matched by name: `category.etude.label`,
        `input.autres_aides.default`, `document.devis.when`. A policy that declares no
        category has the built-in ones, so declaring exactly those is no change."""
        pairs: tuple[tuple[str, Sequence[ast.VocabularyDecl], Sequence[ast.VocabularyDecl]],
                     ...] = (
            ("category", effective_categories(old), effective_categories(new)),
            ("input", _last_by_name(old.of_type(ast.Input)), _last_by_name(new.of_type(ast.Input))),
            ("document", _last_by_name(old.of_type(ast.Document)),
             _last_by_name(new.of_type(ast.Document))),
        )
        for kind, before, after in pairs:
            old_by = {d.name: d for d in before}
            for decl in after:
                item = Item(f"{kind}.{decl.name}", kind, decl)
                if decl.name not in old_by:
                    self.added(item)
                    continue
                for field, was, now in vocabulary_fields(old_by[decl.name], decl):
                    self.change(item, f"{item.path}.{field}", was, now)
            new_names = {d.name for d in after}
            for decl in before:
                if decl.name not in new_names:
                    self.removed(Item(f"{kind}.{decl.name}", kind, decl))

    # ------------------------------------------------------------ items

    def items(
        self,
        old: Sequence[Item],
        new: Sequence[Item],
        *,
        by_group: bool,
        first: Mapping[int, Callable[[], None]] | None = None,
    ) -> None:
        """Match by path, then pair the leftovers with equal bodies as renames (or, for
        steps without id, as moves), then report what is left as added or removed.

        With `by_group`, edits come group by group (rules, amount, score, limits,
        invariants); `first[g]` runs before the edits of group `g`.
        """
        new = self.align(old, new)
        old_by = {i.path: i for i in old}
        new_by = {i.path: i for i in new}
        # Steps without id have a positional name: match them by content, not name.
        anon_old = [i for i in old if i.anonymous]
        anon_new = [i for i in new if i.anonymous]
        anon_pairs, anon_gone, anon_came = match_anonymous(anon_old, anon_new, self.old_key,
                                                           self.new_key)
        gone = [i for i in old
                if (i.path not in new_by and not i.anonymous) or i.path in anon_gone]
        came = [i for i in new
                if (i.path not in old_by and not i.anonymous) or i.path in anon_came]
        renames = self.renames(gone, came)
        renamed_new = {i.path for i in renames.values()}

        groups = sorted({i.group for i in (*old, *new)} | set(first or {})) if by_group else [0]
        for group in groups:
            if first and group in first:
                first[group]()
            def mine(i: Item, g: int = group) -> bool:
                return not by_group or i.group == g
            for item in filter(mine, new):
                if item.anonymous and item.path in anon_pairs:
                    self.compare(anon_pairs[item.path], item)
                elif item.anonymous and item.path not in anon_came:
                    continue
                elif not item.anonymous and item.path in old_by:
                    self.compare(old_by[item.path], item)
                elif item.path in renamed_new:
                    before = next(k for k, v in renames.items() if v.path == item.path)
                    self.edits.append(Renamed(before, item.path, item.kind, item.label,
                                              item.source, item.where))
                else:
                    self.added(item)
            for item in filter(mine, old):
                vanished = item.path not in renames and (
                    item.path in anon_gone if item.anonymous else item.path not in new_by
                )
                if vanished:
                    self.removed(item)

    def align(self, old: Sequence[Item], new: Sequence[Item]) -> list[Item]:
        """`new` with the items that share a path (`x`, `x~2` in a policy that does not
        check) numbered after the old items they equal, the others after the old ones left.

        Numbered in file order instead, two sessions with one name that swap places
        would each be reported as changed into the other, though nothing changed.
        """
        old_groups: dict[str, list[Item]] = {}
        for item in old:
            old_groups.setdefault(item.base, []).append(item)
        new_groups: dict[str, list[Item]] = {}
        for item in new:
            new_groups.setdefault(item.base, []).append(item)
        paths: dict[int, str] = {}
        for base, group in new_groups.items():
            before = old_groups.get(base, [])
            if len(before) <= 1 and len(group) == 1:
                continue  # the usual case: a path names one item
            free = list(before)
            for item in group:
                match = next((o for o in free if self.same(o.node, item.node)), None)
                if match is not None:
                    free.remove(match)
                    paths[id(item)] = match.path
            left = [o.path for o in free]
            fresh = len(before)
            for item in group:
                if id(item) in paths:
                    continue
                if left:
                    paths[id(item)] = left.pop(0)
                else:
                    fresh += 1
                    paths[id(item)] = base if fresh == 1 else f"{base}~{fresh}"
        return [
            attrs.evolve(i, path=paths[id(i)]) if paths.get(id(i), i.path) != i.path else i
            for i in new
        ]

    def renames(self, gone: Sequence[Item], came: Sequence[Item]) -> dict[str, Item]:
        """Old path → new item of each item removed whose body is that of one added.

        A param or let renamed is recorded in `names`, so the bodies that use it
        compare equal under its new name; pairing is repeated until nothing
        more pairs up (a let renamed that uses a let renamed).
        """
        renames: dict[str, Item] = {}
        taken: set[str] = set()
        progress = True
        while progress:
            progress = False
            for added in came:
                if added.path in taken:
                    continue
                for removed in gone:
                    if removed.path in renames or (removed.anonymous and added.anonymous):
                        continue  # paired already, or left unpaired by content
                    if self.same(body(removed.node), body(added.node)):
                        renames[removed.path] = added
                        taken.add(added.path)
                        if isinstance(added.node, ast.Param | ast.Let):
                            self.names[removed.node.name] = added.node.name
                        progress = True
                        break
        return renames

    def compare(self, b: Item, a: Item) -> None:
        """The field-by-field changes of one item present in both versions."""
        old, new, path = b.node, a.node, a.path
        if type(old) is not type(new):
            self.change(a, path, b.text(), a.text())
            return
        if isinstance(new, ast.Param | ast.Let | ast.Session):
            self.change(a, path, value_of(old), value_of(new))
            return
        if getattr(old, "kind", None) != getattr(new, "kind", None):
            self.change(a, f"{path}.kind", old.kind, new.kind)
        if b.section != a.section:
            # Moved to another part (or out of one): it now applies to other lines.
            self.change(a, f"{path}.part", b.section, a.section)
        for field, before, after in fields(old, new):
            if field == "bands":
                self.bands(a, path, before, after)
            else:
                self.change(a, f"{path}.{field}" if field else path, before, after)

    def bands(self, item: Item, path: str, old: Sequence[ast.Band],
              new: Sequence[ast.Band]) -> None:
        """Bands compared bound by bound; when bands were added or removed, aligned by
        content first so the others still pair up."""
        if len(old) == len(new):
            for j, (a, b) in enumerate(zip(old, new, strict=True)):
                self.band(item, f"{path}.bands[{j + 1}]", a, b)
            return
        matcher = difflib.SequenceMatcher(a=[self.old_key(b) for b in old],
                                          b=[self.new_key(b) for b in new], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            # Bands replaced by others: the first ones pair up, the rest come or go.
            paired = min(i2 - i1, j2 - j1)
            for i, j in zip(range(i1, i1 + paired), range(j1, j1 + paired), strict=True):
                self.band(item, f"{path}.bands[{j + 1}]", old[i], new[j])
            for i in range(i1 + paired, i2):
                self.removed(item, f"{path}.bands[{i + 1}]", band_text(old[i]))
            for j in range(j1 + paired, j2):
                self.added(item, f"{path}.bands[{j + 1}]", band_text(new[j]))

    def band(self, item: Item, path: str, old: ast.Band, new: ast.Band) -> None:
        if old.kind != new.kind:
            self.change(item, path, band_text(old), band_text(new))
            return
        self.change(item, f"{path}.from", old.low, new.low)
        self.change(item, f"{path}.below", old.high, new.high)
        self.change(item, f"{path}.amount", old.value, new.value)

    # ----------------------------------------------------------- amount

    def base(self, old: ast.Base | None, new: ast.Base | None) -> None:
        if old is None and new is None:
            return
        item = Item("amount.base", "base", new or old)
        if old is None or new is None:
            (self.added if new is not None else self.removed)(item)
        else:
            self.change(item, "amount.base", old.value, new.value)
            self.change(item, "amount.base.message", old.message, new.message)
            self.change(item, "amount.base.source", old.source, new.source)

    def total(self, old: ast.Policy, new: ast.Policy) -> None:
        """The message and source of the `total` line (the line itself only marks where
        the parts end: the total of parts exists with or without it)."""
        before, after = _total(old), _total(new)
        if before is None and after is None:
            return
        item = Item("amount.total", "total", after or before)
        for name in ("message", "source"):
            self.change(item, f"amount.total.{name}", getattr(before, name, None),
                        getattr(after, name, None))

    def basis(self, old: ast.Policy, new: ast.Policy) -> None:
        """`expenses basis`: which figure of each expense line is funded."""
        before = old.of_type(ast.ExpensesBasis)[-1:]
        after = new.of_type(ast.ExpensesBasis)[-1:]
        if not before and not after:
            return
        node = (after or before)[0]
        item = Item("expenses.basis", "expenses", node)
        if not before or not after:
            (self.added if after else self.removed)(item)
        else:
            self.change(item, "expenses.basis", node_text(before[0]), node_text(after[0]))

    def order(self, old: Sequence[Item], new: Sequence[Item], old_policy: ast.Policy,
              new_policy: ast.Policy) -> None:
        """`amount.order` when the steps common to both versions run in another order
        where the order can change the amount.

        The evaluator runs forfaits and rates (the first that applies wins), then
        bonuses, then caps and floors, whatever their places between those
        stages. Within a stage, two caps or two floors commute (a minimum of
        minimums), and so do two bonuses in euros (a sum) or two in percent (a
        product); a bonus in percent and one in euros do not (the percent counts
        the euros added before it), nor do a cap and a floor. The names of the
        fields a step whose condition cannot be decided asks for may still come
        in another order: the amount is unknown either way.
        """
        renamed = {e.new_path: e.path for e in self.edits if isinstance(e, Renamed)}
        before_info = _step_info([i for i in old if i.group == 1], old_policy, {})
        after_info = _step_info([i for i in new if i.group == 1], new_policy, renamed)
        old_paths, new_paths = list(before_info), list(after_info)
        common = set(old_paths) & set(new_paths)

        def ranks(paths: list[str]) -> dict[str, int]:
            return {p: n for n, p in enumerate(x for x in paths if x in common)}

        before, after = ranks(old_paths), ranks(new_paths)
        for p in sorted(common):
            for q in sorted(common):
                if p == q or (before[p] < before[q]) == (after[p] < after[q]):
                    continue
                if _commute(before_info[p], before_info[q]) and _commute(after_info[p],
                                                                        after_info[q]):
                    continue
                item = Item("amount.order", "amount", None)
                self.change(item, "amount.order", _ids(old, 1), _ids(new, 1))
                return


def _last_by_name(decls: Sequence[_V]) -> tuple[_V, ...]:
    """Declarations by name, the last of each kept (as the evaluator keeps it)."""
    return tuple({getattr(d, "name"): d for d in decls}.values())  # noqa: B009


def vocabulary_fields(old: ast.VocabularyDecl, new: ast.VocabularyDecl) -> Iterator[
        tuple[str, Any, Any]]:
    """(field, old, new) for two declarations of one category, input or document; a
    `required` input and an optional one read `required` and `optional`."""
    if isinstance(old, ast.Input) and isinstance(new, ast.Input):
        yield "type", old.type, new.type
        yield "label", old.label, new.label
        yield "presence", _presence(old), _presence(new)
        yield "default", old.default, new.default
    elif isinstance(old, ast.Document) and isinstance(new, ast.Document):
        yield "label", old.label, new.label
        yield "when", old.when, new.when
    elif isinstance(old, ast.ExpenseCategory) and isinstance(new, ast.ExpenseCategory):
        yield "label", old.label, new.label
    yield "source", old.source, new.source


def _presence(decl: ast.Input) -> str:
    return "required" if decl.required else "optional"


def _total(policy: ast.Policy) -> ast.Total | None:
    """The `total` line of the policy's amount, if written."""
    for block in policy.of_type(ast.Amount):
        for step in block.steps:
            if isinstance(step, ast.Total):
                return step
    return None


def _step_info(steps: Sequence[Item], policy: ast.Policy,
               renamed: Mapping[str, str]) -> dict[str, tuple[str, bool]]:
    """Path (the old one for a step renamed) → (kind, in percent) of each amount step,
    in order: a bonus is in percent as the evaluator decides it."""
    params = {p.name: p for p in policy.of_type(ast.Param)}
    info: dict[str, tuple[str, bool]] = {}
    for step in steps:
        node = step.node
        percent = isinstance(node, ast.Adjustment) and is_percent_bonus(node.value, params)
        info[renamed.get(step.path, step.path)] = (step.kind, percent)
    return info


def _commute(p: tuple[str, bool], q: tuple[str, bool]) -> bool:
    """Whether two amount steps (kind, in percent) give the same amount in either order."""
    def stage(kind: str) -> int:
        stages = {"forfait": 0, "rate": 0, "bonus": 1, "part": 3, "base": 4, "minimum": 5}
        return stages.get(kind, 2)  # caps, floors and ceilings

    (kind_p, percent_p), (kind_q, percent_q) = p, q
    if stage(kind_p) != stage(kind_q):
        return True  # run stage by stage whatever their places (a step's part is compared
        # apart, as `rule.ID.part`)
    if kind_p == kind_q == "bonus":
        return percent_p == percent_q
    if kind_p == kind_q == "part":
        return False  # a line counts in the first part that selects it
    # Caps and ceilings are minimums (they commute), floors maximums; all minimums
    # are checked, in any order; a part's base is one per part.
    lower = ("cap", "ceiling")
    return (kind_p in lower and kind_q in lower) or (kind_p == kind_q and kind_p in (
        "floor", "minimum", "base"))


def _ids(items: Sequence[Item], group: int) -> str:
    return ", ".join(i.path.removeprefix("rule.") for i in items if i.group == group)


def diff(old: ast.Policy | str | Path, new: ast.Policy | str | Path) -> PolicyDiff:
    """The semantic diff of two policies, after `extends` is resolved.

    Policies may be given as ASTs (already resolved: `fitn7.load_policy`,
    `fitn7.resolve.load_resolved`) or as file paths, which are read and
    resolved here. `diff(p, p)` is empty, and so is the diff of a policy and
    its reformatted text.
    """
    from fitn7.audit.inputs import load_version

    before = old if isinstance(old, ast.Policy) else load_version(str(old))
    after = new if isinstance(new, ast.Policy) else load_version(str(new))
    differ = _Differ()
    differ.header(before.header, after.header)
    for cls, prefix in ((ast.Param, "param"), (ast.Let, "let"), (ast.Session, "session")):
        differ.items(named(before, cls, prefix), named(after, cls, prefix), by_group=False)
    differ.vocabulary(before, after)
    differ.expenses(before, after)
    differ.basis(before, after)
    old_items, old_base = identified(before)
    new_items, new_base = identified(after)

    def amount_first() -> None:
        differ.base(old_base, new_base)
        differ.total(before, after)

    differ.items(old_items, new_items, by_group=True, first={1: amount_first})
    differ.order(old_items, new_items, before, after)
    return PolicyDiff(PolicyVersion.of(before), PolicyVersion.of(after), tuple(differ.edits))
