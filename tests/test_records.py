"""A fast record behaves as the frozen attrs class it is made from (fitn7.evaluation.records).

`Decision` and `TraceEntry` are fast records: each field in a private slot that
generated code assigns directly. Everything a user sees must stay that of the
attrs class: constructor, attributes, equality, hash, repr, immutability,
pickling, `attrs.evolve` / `attrs.asdict` / `attrs.fields`.
"""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitn7.evaluation.decision import Decision, PolicyRef, Reason, Status, TraceEntry
from fitn7.evaluation.records import fast_record
from tests.budget import examples


def _declare() -> Any:
    @attrs.frozen
    class Sample:
        """A sample record."""

        name: str
        count: int = 0
        items: tuple[str, ...] = ()
        notes: Mapping[str, Any] = attrs.field(factory=dict, hash=False)

        def total(self) -> int:
            """A method, kept."""
            return self.count + len(self.items)

    return Sample


PLAIN = _declare()
RECORD = fast_record(_declare())

_ARGS = st.tuples(
    st.sampled_from(["a", "b"]), st.integers(0, 3), st.tuples() | st.tuples(st.just("x")),
    st.sampled_from([{}, {"k": 1}]),
)


@settings(max_examples=examples(100))
@given(_ARGS, _ARGS)
def test_a_fast_record_compares_hashes_and_shows_as_its_attrs_class(
        one: tuple[Any, ...], other: tuple[Any, ...]) -> None:
    """Equality, hash (a field left out of it included) and repr are the attrs class's."""
    plain_one, plain_other = PLAIN(*one), PLAIN(*other)
    record_one, record_other = RECORD(*one), RECORD(*other)
    assert (record_one == record_other) == (plain_one == plain_other)
    assert (record_one != record_other) == (plain_one != plain_other)
    if plain_one == plain_other or one[:3] == other[:3]:
        assert hash(record_one) == hash(record_other)
    assert repr(record_one) == repr(plain_one)
    assert record_one.total() == plain_one.total()
    assert [getattr(record_one, f.name) for f in attrs.fields(RECORD)] == list(one)


def test_a_fast_record_is_frozen_and_works_with_attrs() -> None:
    """Immutable; attrs.evolve, asdict, fields, has; keyword construction."""
    sample = RECORD("a", items=("x",))
    assert (sample.name, sample.count, sample.items, sample.notes) == ("a", 0, ("x",), {})
    assert sample.notes is not RECORD("a").notes  # a factory gives each its own
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sample.count = 3
    with pytest.raises(AttributeError):
        del sample.name
    assert attrs.has(RECORD)
    assert attrs.evolve(sample, count=2) == RECORD("a", 2, ("x",))
    assert attrs.asdict(sample) == {"name": "a", "count": 0, "items": ("x",), "notes": {}}
    assert RECORD.__match_args__ == ("name", "count", "items", "notes")
    assert sample != PLAIN("a", items=("x",))  # another class, as between attrs classes


def test_decisions_and_trace_entries_keep_their_constructors() -> None:
    """The parameters and defaults of `Decision` and `TraceEntry` are their fields'; a
    decision survives pickling (a process pool sends decisions back)."""
    for cls in (Decision, TraceEntry):
        parameters = inspect.signature(cls).parameters
        assert list(parameters) == [f.name for f in attrs.fields(cls)]
        for field in attrs.fields(cls):
            default = parameters[field.name].default
            if field.default is attrs.NOTHING:
                assert default is inspect.Parameter.empty
            elif not isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                assert default == field.default
    entry = TraceEntry("r", "require", "pass")
    assert (entry.read, entry.amount, entry.source, entry.file, entry.line) == (
        (), None, None, None, None)
    decision = Decision("D-1", PolicyRef("p", "1", "h"), Status.REVIEW, Decimal("5.00"), 2,
                        (Reason("r", "review", None, None),), trace=(entry,))
    assert decision.to_dict()["trace"] == [{"rule": "r", "kind": "require", "outcome": "pass"}]
    assert decision.provenance == {}
    stamped = attrs.evolve(decision, provenance={"fitn7": "0"})
    assert stamped == attrs.evolve(stamped) and stamped != decision
    assert hash(stamped) == hash(decision)  # provenance is compared, not hashed
    assert pickle.loads(pickle.dumps(stamped)) == stamped


def test_only_plain_fields_are_supported() -> None:
    """A validator or converter would be skipped by the generated code: refused."""

    @attrs.frozen
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    with pytest.raises(TypeError, match="only plain fields"):
        fast_record(Checked)
