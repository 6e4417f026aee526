"""Working time for case time limits (Art. 20): what "2 working hours" or "5 working days" means.

A day is a working day unless it is a statutory holiday, or a Saturday or Sunday that is not an
adjusted working day (调休上班); within it, only the configured working hours count. The data
come from `calendar.toml` (cited per year), so the clock of a case stops over 春节 and runs on
the Saturday that replaces a bridging day. China keeps one UTC offset all year, so times are
computed at +08:00 without a time-zone database.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from pathlib import Path

CHINA = timezone(timedelta(hours=8))
DEFAULT_CALENDAR = Path(__file__).with_name("calendar.toml")
_DURATION = re.compile(r"([0-9]+)([mhd])")
_HORIZON = 3660  # days searched for enough working time: ten years, far past any time limit


@dataclass(frozen=True)
class WorkCalendar:
    hours: tuple[tuple[time, time], ...]
    holidays: frozenset[date]
    workdays: frozenset[date]

    @property
    def day_minutes(self) -> int:
        return sum((e.hour * 60 + e.minute) - (b.hour * 60 + b.minute) for b, e in self.hours)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def minutes(self, duration: str) -> int:
        """A catalogue duration ("30m", "2h", "5d") in working minutes."""
        found = _DURATION.fullmatch(duration)
        if found is None:
            raise ValueError(f"not a duration: {duration!r}")
        n, unit = int(found.group(1)), found.group(2)
        return n * {"m": 1, "h": 60, "d": self.day_minutes}[unit]

    def add(self, start: datetime, minutes: float) -> datetime:
        """The instant `minutes` of working time after `start`."""
        local = start.astimezone(CHINA)
        left = timedelta(minutes=minutes)
        day = local.date()
        for _ in range(_HORIZON):
            if self.is_working_day(day):
                for begin, end in self.hours:
                    span_start = max(datetime.combine(day, begin, CHINA), local)
                    span_end = datetime.combine(day, end, CHINA)
                    if span_start >= span_end:
                        continue
                    if left <= span_end - span_start:
                        return span_start + left
                    left -= span_end - span_start
            day += timedelta(days=1)
        raise ValueError("time limit beyond the calendar's horizon")

    def between(self, start: datetime, end: datetime) -> float:
        """Working minutes from `start` to `end` (0 if `end` is not later)."""
        first, last = start.astimezone(CHINA), end.astimezone(CHINA)
        total = timedelta()
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                for begin, finish in self.hours:
                    lo = max(datetime.combine(day, begin, CHINA), first)
                    hi = min(datetime.combine(day, finish, CHINA), last)
                    if hi > lo:
                        total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 60


def load_calendar(path: Path = DEFAULT_CALENDAR) -> WorkCalendar:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    hours = tuple((time.fromisoformat(b), time.fromisoformat(e)) for b, e in data["hours"])
    if any(b >= e for b, e in hours) or any(a[1] > b[0] for a, b in pairwise(hours)):
        raise ValueError(f"{path}: working hours must be ordered, non-overlapping spans")
    holidays: set[date] = set()
    workdays: set[date] = set()
    for year in data.get("years", {}).values():
        holidays.update(date.fromisoformat(d) for d in year["holidays"])
        workdays.update(date.fromisoformat(d) for d in year["workdays"])
    return WorkCalendar(hours, frozenset(holidays), frozenset(workdays))
