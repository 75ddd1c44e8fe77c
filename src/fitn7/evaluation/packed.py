"""`packed`: a frozen attrs class whose fields are stored in one tuple.

Evaluation builds one `Decision` per dossier and, with the trace, one
`TraceEntry` per rule and step. A frozen slotted attrs class is filled one
field at a time, each through a call (its `__init__` may not assign its own
frozen slots otherwise): most of what a traced decision costs. `packed` turns
the class into one that keeps every field in a single tuple, built at once
and stored with one call, and reads each field through a property.

Nothing else changes: the constructor has the same parameters and defaults,
the attributes the same names, values and immutability; equality, hash,
`repr`, `__match_args__` and pickling are those of the attrs class, and
`attrs.fields`, `attrs.evolve` and `attrs.asdict` work on it (it keeps the
class's attrs fields). The class as written is what type checkers and
readers see. Only plain fields are supported: no validator, converter or
`on_setattr`, every field compared.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

_T = TypeVar("_T", bound=attrs.AttrsInstance)

#: The class attributes attrs generates: rebuilt for the packed class, not copied.
_GENERATED = frozenset({
    "__init__", "__repr__", "__eq__", "__ne__", "__hash__", "__setattr__", "__delattr__",
    "__getstate__", "__setstate__", "__slots__", "__weakref__", "__match_args__",
    "__attrs_attrs__", "__attrs_props__", "__attrs_own_setattr__", "__dict__",
    "__reduce__", "__reduce_ex__",
})


def _getter(index: int, name: str, owner: str) -> property:
    def get(self: Any) -> Any:
        return self._values[index]

    get.__name__ = name
    get.__qualname__ = f"{owner}.{name}"
    return property(get, doc=f"The `{name}` field.")


def _init(cls_name: str, fields: tuple[attrs.Attribute[Any], ...],
          store: Callable[[Any, tuple[Any, ...]], None]) -> Callable[..., None]:
    """An `__init__` with the attrs class's parameters and defaults, storing one tuple."""
    params, values = [], []
    namespace: dict[str, Any] = {"_store": store, "_NOTHING": attrs.NOTHING}
    for field in fields:
        name = field.name
        default: Any = field.default
        if default is attrs.NOTHING:
            params.append(name)
            values.append(name)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type] # a class at runtime
            if default.takes_self:  # pragma: no cover - no packed class needs it
                raise TypeError(f"{cls_name}.{name}: a factory taking self cannot be packed")
            namespace[f"_factory_{name}"] = default.factory
            params.append(f"{name}=_NOTHING")
            values.append(f"(_factory_{name}() if {name} is _NOTHING else {name})")
        else:
            namespace[f"_default_{name}"] = default
            params.append(f"{name}=_default_{name}")
            values.append(name)
    source = (f"def __init__(self, {', '.join(params)}):\n"
              f"    _store(self, ({', '.join(values)},))\n")
    exec(compile(source, f"<packed {cls_name}.__init__>", "exec"), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls_name}.__init__"
    return init


def packed(cls: type[_T]) -> type[_T]:
    """The frozen attrs class `cls` with its fields stored in one tuple (see the module)."""
    fields = attrs.fields(cls)
    for field in fields:
        if field.validator is not None or field.converter is not None \
                or field.on_setattr is not None or not field.eq or field.kw_only:
            raise TypeError(f"{cls.__name__}.{field.name}: only plain fields can be packed")
    names = tuple(field.name for field in fields)
    hashed = tuple(i for i, field in enumerate(fields)
                   if field.hash is None or field.hash)
    namespace: dict[str, Any] = {}
    for key, value in cls.__dict__.items():
        if key in _GENERATED or key in names:
            continue
        if isinstance(value, types.FunctionType) and "__class__" in value.__code__.co_freevars:
            raise TypeError(f"{cls.__name__}.{key}: a packed class's methods cannot use super()")
        namespace[key] = value
    namespace["__qualname__"] = cls.__qualname__
    namespace["__slots__"] = ("_values", "__weakref__")
    namespace["__attrs_attrs__"] = fields
    namespace["__match_args__"] = names
    for index, name in enumerate(names):
        namespace[name] = _getter(index, name, cls.__qualname__)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values == other._values

    def __ne__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values != other._values

    def __hash__(self: Any) -> int:
        values = self._values
        return hash(tuple(values[i] for i in hashed))

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, self._values,
                                                                     strict=True))
        # As attrs names a class: a local one without its `<locals>.` prefix.
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({shown})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self: Any, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self: Any) -> tuple[Any, ...]:
        return (self.__class__, self._values)

    for method in (__eq__, __ne__, __hash__, __repr__, __setattr__, __delattr__, __reduce__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        namespace[method.__name__] = method
    made = type(cls.__name__, cls.__bases__, namespace)
    init = _init(cls.__qualname__, fields, value_setter(made))
    init.__annotations__ = dict(getattr(cls.__init__, "__annotations__", {}))
    made.__init__ = init  # type: ignore[misc]
    return made


def value_setter(cls: type) -> Callable[[Any, tuple[Any, ...]], None]:
    """How the generated code fills a packed object made by `object.__new__(cls)`: its
    fields, all at once, in order."""
    setter: Callable[[Any, tuple[Any, ...]], None] = cls.__dict__["_values"].__set__
    return setter
