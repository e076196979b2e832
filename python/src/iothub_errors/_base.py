"""The two base classes of the generated result types (`_types.py`): `OrderedStrEnum` and `Record`."""

from __future__ import annotations

import enum
from dataclasses import MISSING, fields
from typing import Any, TypeVar

_Member = TypeVar("_Member", bound="OrderedStrEnum")


class OrderedStrEnum(str, enum.Enum):
    """An enumeration whose members are their JSON names: equal to them, hashed like them, `str()` gives them.

    Members of one enumeration are ordered as declared (`Severity.ERROR > Severity.WARNING`); ordering against
    anything else raises `TypeError`.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    __hash__ = str.__hash__

    @classmethod
    def _of(cls: type[_Member], value: str) -> _Member:
        """The member of a JSON name the core wrote (a dict look-up: faster than `cls(value)`)."""
        return cls._value2member_map_[value]  # type: ignore[return-value]

    def _position(self, other: object) -> tuple[int, int]:
        if type(other) is not type(self) or not isinstance(other, OrderedStrEnum):
            raise TypeError(f"cannot order {type(self).__name__} against {type(other).__name__}")
        members = list(type(self))
        return members.index(self), members.index(other)

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._position(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._position(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._position(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._position(other)
        return mine >= theirs


def _json(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    return value


def _short(value: Any) -> str:
    return repr(value.value) if isinstance(value, enum.Enum) else repr(value)


class Record:
    """Base of the result dataclasses: `to_dict()` gives the JSON shape, `repr` the scalar fields."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared with the CLI's `--json` (the class is under `"class"`)."""
        shape: dict[str, Any] = {}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if value is None and item.default is None:
                continue  # a property this value lacks (RetryAdvice's delays outside backoff)
            shape[item.metadata.get("json", item.name)] = _json(value)
        return shape

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if isinstance(value, tuple) or (value is None and item.default is not MISSING):
                continue
            shown.append(f"{item.name}={_short(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"
