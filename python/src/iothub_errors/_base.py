"""The two base classes of the generated result types (`_types.py`), `OrderedStrEnum` and `Record`, and the
conversion of the core's timestamps (`parse_time`)."""

from __future__ import annotations

import enum
from dataclasses import MISSING, fields
from datetime import datetime, timezone
from typing import Any, Optional, TypeVar

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


def parse_time(text: str) -> datetime:
    """The core's ISO 8601 UTC text (`2024-05-14T08:00:05Z`) as a timezone-aware `datetime` in UTC.

    Raises `ValueError` for text that is not ISO 8601 with a zone."""
    if len(text) == 20 and text[19] == "Z":  # the core's own shape: a fast path
        return datetime.fromisoformat(text[:19]).replace(tzinfo=timezone.utc)
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return moment.astimezone(timezone.utc)


def parse_time_or_none(text: Optional[str]) -> Optional[datetime]:
    """`parse_time`, with `None` for `None` and for text that is not a readable timestamp (a scanned text may hold a
    timestamp the core cannot read; it keeps it as written, Python has no `datetime` for it)."""
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


def format_time(moment: datetime) -> str:
    """The core's ISO 8601 text of a `datetime` (UTC, `Z`; fractions only when there are some)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _json(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_time(value)
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
