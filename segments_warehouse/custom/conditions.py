"""The condition trees a custom segment definition is read into (custom/definitions.py reads and checks them;
custom/sql.py compiles them): immutable, so the same condition compiles to the same SQL and is computed once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Union

from .catalog import Trait

LONE_VALUES = ("member", "not_member")  # the values of a lone segment (no set): in or out


@dataclass(frozen=True)
class Combine:
    kind: str  # all, any
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Negate:
    item: Condition


@dataclass(frozen=True)
class TraitTest:
    trait: Trait
    op: str
    value: Any  # a scalar, a tuple (in, not in, between) or None (is null)


@dataclass(frozen=True)
class Window:
    last_days: int | None = None
    days_ago: tuple[int, int] | None = None
    since: dt.date | None = None


@dataclass(frozen=True)
class EventSelection:
    events: tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    window: Window = Window()


@dataclass(frozen=True)
class EventTest:
    selection: EventSelection
    measure: str
    of: str | None
    op: str
    value: Any


@dataclass(frozen=True)
class DidNot:
    did: EventSelection
    then_not: EventSelection
    within_days: int | None


@dataclass(frozen=True)
class Step:
    selection: EventSelection  # its event and where; the window is the sequence's, on the first step only
    within_days: int | None  # the largest gap from the step before; None: any (and always for the first)


@dataclass(frozen=True)
class Sequence:
    steps: tuple[Step, ...]
    window: Window


@dataclass(frozen=True)
class Rollup:
    condition: Condition  # a contact condition
    measure: str  # count, share
    op: str
    value: Any


@dataclass(frozen=True)
class Percentile:
    trait: Trait
    direction: str  # top, bottom
    percent: float
    within: Trait | None


@dataclass(frozen=True)
class Membership:
    model: str  # the registry model's name
    column: str
    values: tuple[str, ...]


Condition = Union[Combine, Negate, TraitTest, EventTest, DidNot, Sequence, Rollup, Percentile, Membership]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True)
class Segment:
    name: str
    description: str
    condition: Condition


@dataclass(frozen=True)
class SegmentSet:
    name: str
    description: str
    owner: str
    entity: str
    file: str
    segments: tuple[Segment, ...]
    fallback: str
    exclude: Condition | None = None
    holdout_share: float | None = None
    lone: bool = False

    @property
    def mart(self) -> str:
        return f"seg_custom__{self.name}"

    @property
    def segment_column(self) -> str:
        return f"{self.name}_segment"

    @property
    def explanation_column(self) -> str:
        return f"{self.segment_column}_explanation"  # as SegmentModel.explanation_column names it

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Every condition the model evaluates: its segments', then its exclusion's."""
        return (*(segment.condition for segment in self.segments), *(() if self.exclude is None else (self.exclude,)))

    @property
    def values(self) -> tuple[str, ...]:
        extra = (("excluded",) if self.exclude is not None else ()) + (("holdout",) if self.holdout_share else ())
        if self.lone:
            return (LONE_VALUES[0], *extra, LONE_VALUES[1])
        return (*(segment.name for segment in self.segments), *extra, self.fallback)
