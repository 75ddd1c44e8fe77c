"""`fast_record`: a frozen attrs class that generated code fills with plain attribute stores.

Evaluation builds one `Decision` per dossier and, with the trace, one
`TraceEntry` per rule and step. A frozen attrs class is filled one field at
a time through `object.__setattr__` (its `__init__` may not assign its own
frozen slots otherwise), a call per field: most of what a traced decision
cost. `fast_record` rebuilds the class so that each field lives in a private
slot of its own (`slot(name)`, `_rule` for `rule`), read through a property
that refuses to be set: the generated code builds an object with
`object.__new__(cls)` and assigns those slots directly, which Python
specialises into a few machine instructions.

Nothing else changes: the constructor has the same parameters and defaults,
the attributes the same names, values and immutability (setting or deleting
one raises `FrozenInstanceError`); equality, hash, `repr`, `__match_args__`
and pickling are those of the attrs class, and `attrs.fields`, `attrs.evolve`
and `attrs.asdict` work on it (it keeps the class's attrs fields). The class
as written is what type checkers and readers see. Only plain fields are
supported: no validator, converter or `on_setattr`, every field compared.
"""

from __future__ import annotations

import operator
import types
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

_T = TypeVar("_T", bound=attrs.AttrsInstance)

#: The class attributes attrs generates: rebuilt for the new class, not copied.
_GENERATED = frozenset({
    "__init__", "__repr__", "__eq__", "__ne__", "__hash__", "__setattr__", "__delattr__",
    "__getstate__", "__setstate__", "__slots__", "__weakref__", "__match_args__",
    "__attrs_attrs__", "__attrs_props__", "__attrs_own_setattr__", "__dict__",
    "__reduce__", "__reduce_ex__",
})


def slot(name: str) -> str:
    """The private slot holding field `name` (what generated code assigns)."""
    return f"_{name}"


def _frozen(self: Any, *args: Any) -> None:
    raise attrs.exceptions.FrozenInstanceError


def _init(cls_name: str, fields: tuple[attrs.Attribute[Any], ...]) -> Callable[..., None]:
    """An `__init__` with the attrs class's parameters and defaults, assigning the slots."""
    params, body = [], []
    namespace: dict[str, Any] = {"_NOTHING": attrs.NOTHING}
    for field in fields:
        name = field.name
        default: Any = field.default
        value = name
        if default is attrs.NOTHING:
            params.append(name)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type] # a class at runtime
            if default.takes_self:  # pragma: no cover - no record needs it
                raise TypeError(f"{cls_name}.{name}: a factory taking self is not supported")
            namespace[f"_factory_{name}"] = default.factory
            params.append(f"{name}=_NOTHING")
            value = f"_factory_{name}() if {name} is _NOTHING else {name}"
        else:
            namespace[f"_default_{name}"] = default
            params.append(f"{name}=_default_{name}")
        body.append(f"    self.{slot(name)} = {value}\n")
    source = f"def __init__(self, {', '.join(params)}):\n{''.join(body)}"
    exec(compile(source, f"<fast_record {cls_name}.__init__>", "exec"), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls_name}.__init__"
    return init


def fast_record(cls: type[_T]) -> type[_T]:
    """The frozen attrs class `cls`, rebuilt with a private slot per field (see the module)."""
    fields = attrs.fields(cls)
    for field in fields:
        if field.validator is not None or field.converter is not None \
                or field.on_setattr is not None or not field.eq or field.kw_only:
            raise TypeError(f"{cls.__name__}.{field.name}: only plain fields are supported")
    names = tuple(field.name for field in fields)
    values = operator.attrgetter(*(slot(name) for name in names))
    hashed = operator.attrgetter(*(slot(f.name) for f in fields if f.hash is None or f.hash))
    namespace: dict[str, Any] = {}
    for key, value in cls.__dict__.items():
        if key in _GENERATED or key in names:
            continue
        if isinstance(value, types.FunctionType) and "__class__" in value.__code__.co_freevars:
            raise TypeError(f"{cls.__name__}.{key}: a fast record's methods cannot use super()")
        namespace[key] = value
    namespace["__qualname__"] = cls.__qualname__
    namespace["__slots__"] = (*(slot(name) for name in names), "__weakref__")
    namespace["__attrs_attrs__"] = fields
    namespace["__match_args__"] = names
    for name in names:
        namespace[name] = property(operator.attrgetter(slot(name)), _frozen, _frozen,
                                   doc=f"The `{name}` field.")

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    def __ne__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) != values(other)

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={value!r}"
                          for name, value in zip(names, values(self), strict=True))
        # As attrs names a class: a local one without its `<locals>.` prefix.
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({shown})"

    def __reduce__(self: Any) -> tuple[Any, ...]:
        return (self.__class__, values(self))

    for method in (__eq__, __ne__, __hash__, __repr__, __reduce__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        namespace[method.__name__] = method
    made = type(cls.__name__, cls.__bases__, namespace)
    init = _init(cls.__qualname__, fields)
    init.__annotations__ = dict(getattr(cls.__init__, "__annotations__", {}))
    made.__init__ = init  # type: ignore[misc]
    return made
