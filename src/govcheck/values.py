"""Named dates and dated values: each kept once, with its legal reference.

The law moves on dates (PCTs abolished on 1 April 2013, the Provider Selection Regime in
force on 1 January 2024) and some of its numbers change with time (the light-touch
procurement threshold, a dividend cap). Typed into every rule that needs them, a date
drifts and a number goes stale; so, as OpenFisca keeps its parameters, each lives once
in `rules/values.yaml` with the instrument that sets it:

    dates:
      - name: pcts_abolished
        date: 2013-04-01
        means: PCTs and SHAs abolished; CCGs and the NHS Commissioning Board take over
        document: hsca-2012
        reference: "Health and Social Care Act 2012, s.34"
    values:
      - name: pcr_light_touch_threshold_gbp
        means: the PCR 2015 threshold for social and other specific services, VAT included
        periods:
          - {from: 2015-02-26, value: 625050, document: pcr-2015, reference: "reg 5, as made"}
          - {from: 2016-01-01, value: 589148, document: ..., reference: ...}

Rules name a date in `valid_from`/`valid_to` (or `{day_before: name}`), compare a field
with a value (`{greater_than: {value: name}}`) and show it in a message
(`{value:name}`). A value is read at the date that decides the rule for the proposal
in hand; a period runs from its `from` to the day before the next period's `from`, or
to its own `to`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

ISO = "%Y-%m-%d"


@dataclass(frozen=True)
class ValueRef:
    """A condition's operand that names a dated value instead of writing it out."""

    name: str


@dataclass(frozen=True)
class DateRef:
    """A condition's operand that names a date (`{date: pcts_abolished}`, or
    `{day_before: name}`); the rulebook writes the date in when it is read."""

    name: str
    day_before: bool = False


@dataclass
class NamedDate:
    name: str
    date: str  # ISO
    means: str
    document: str
    reference: str
    file: str = ""
    line: int = 0


@dataclass
class Period:
    start: str  # ISO, inclusive
    end: str | None  # ISO, inclusive; None: until the next period (or open)
    value: Any
    document: str
    reference: str


@dataclass
class DatedValue:
    name: str
    means: str
    periods: list[Period] = field(default_factory=list)
    file: str = ""
    line: int = 0

    def at(self, date: str) -> Period | None:
        """The period in force on `date`, or None when the value is not set then."""
        found = None
        for i, p in enumerate(self.periods):
            if p.start > date:
                break
            nxt = self.periods[i + 1].start if i + 1 < len(self.periods) else None
            end = p.end or (day_before(nxt) if nxt else None)
            if end is None or date <= end:
                found = p
        return found

    def change_dates(self) -> list[str]:
        """Every date on which the value starts, changes or stops."""
        out: list[str] = []
        for p in self.periods:
            out.append(p.start)
            if p.end:
                out.append(day_after(p.end))
        return sorted(set(out))


@dataclass
class ValueTable:
    """The named dates and dated values of one rulebook."""

    dates: dict[str, NamedDate] = field(default_factory=dict)
    values: dict[str, DatedValue] = field(default_factory=dict)

    def value_at(self, name: str, date: str) -> Any:
        period = self.values[name].at(date)
        return None if period is None else period.value

    def change_dates(self) -> list[str]:
        out: set[str] = set()
        for v in self.values.values():
            out.update(v.change_dates())
        return sorted(out)


def day_before(iso: str) -> str:
    return (datetime.date.fromisoformat(iso) - datetime.timedelta(days=1)).isoformat()


def day_after(iso: str) -> str:
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=1)).isoformat()


def show_value(value: Any) -> str:
    """A value as a message shows it: whole numbers with thousands separators."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,}"
    return str(value)
