"""Working time: the shipped calendar against the chinesecalendar library, and time-limit arithmetic."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from api.case.calendar import CHINA, load_calendar

CALENDAR = load_calendar()


def test_2026_matches_chinesecalendar_day_by_day() -> None:
    """The 2026 entry transcribes the State Council notice; chinesecalendar 1.11.0 holds the same notice."""
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_2027_statutory_days_are_holidays_until_the_notice() -> None:
    for day in (date(2027, 1, 1), date(2027, 2, 8), date(2027, 4, 5), date(2027, 6, 9), date(2027, 10, 1)):
        assert not CALENDAR.is_working_day(day)
    assert CALENDAR.is_working_day(date(2027, 2, 9)) and not CALENDAR.is_working_day(date(2027, 2, 13))


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (datetime(2026, 12, 1, 9, 0), "2h", datetime(2026, 12, 1, 11, 0)),
        (datetime(2026, 12, 1, 11, 30), "1h", datetime(2026, 12, 1, 14, 30)),  # over lunch
        (datetime(2026, 12, 4, 17, 0), "1h", datetime(2026, 12, 7, 9, 0)),  # Friday to Monday
        (datetime(2026, 12, 5, 10, 0), "30m", datetime(2026, 12, 7, 9, 0)),  # from a Saturday
        (datetime(2026, 9, 30, 16, 0), "2h", datetime(2026, 10, 8, 9, 0)),  # over National Day
        (datetime(2026, 10, 9, 17, 0), "1h", datetime(2026, 10, 10, 9, 0)),  # adjusted working Saturday
        (datetime(2026, 12, 1, 9, 0), "5d", datetime(2026, 12, 8, 9, 0)),
    ],
)
def test_adding_working_time(start: datetime, duration: str, due: datetime) -> None:
    begin = start.replace(tzinfo=CHINA)
    end = CALENDAR.add(begin, CALENDAR.minutes(duration))
    assert end == due.replace(tzinfo=CHINA)
    assert CALENDAR.between(begin, end) == CALENDAR.minutes(duration)


def test_a_duration_is_minutes_hours_or_working_days() -> None:
    assert CALENDAR.day_minutes == 420  # 08:30-12:00 and 14:00-17:30
    assert [CALENDAR.minutes(d) for d in ("45m", "2h", "1d")] == [45, 120, 420]
    with pytest.raises(ValueError):
        CALENDAR.minutes("2 hours")
