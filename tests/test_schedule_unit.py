"""Broadcast schedules as typed: now, at a time, daily, weekly, cron; and what is refused, with which reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.config import Settings
from bot.services.broadcasting import ComposeError, next_fire, parse_schedule

SETTINGS = Settings()                                   # Asia/Shanghai
NOW = datetime(2026, 4, 9, 1, 0, tzinfo=timezone.utc)   # Thursday 09:00 in Shanghai


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SETTINGS.tz)


def refused(kind: str, value: str) -> tuple[str, dict]:
    with pytest.raises(ComposeError) as caught:
        parse_schedule(kind, value, NOW, SETTINGS)
    return caught.value.key, caught.value.context


def test_now_is_now():
    assert parse_schedule("now", "", NOW, SETTINGS) == ("now", NOW)


def test_at_a_local_time():
    assert parse_schedule("at", " 2026-04-10 08:30 ", NOW, SETTINGS) == ("at", local(2026, 4, 10, 8, 30))
    assert parse_schedule("at", "2026-04-09 8:59", NOW, SETTINGS) == ("at", local(2026, 4, 9, 8, 59))  # a minute's grace
    assert refused("at", "2026-04-09 08:58") == ("time_past", {"value": "2026-04-09 08:58"})
    assert refused("at", "2026-04-10") == ("bad_time", {"value": "2026-04-10"})
    assert refused("at", "2026-02-30 09:00")[0] == "bad_time"


def test_daily_fires_strictly_after_now():
    assert parse_schedule("daily", "09:00", NOW, SETTINGS) == ("0 9 * * *", local(2026, 4, 10, 9, 0))
    assert parse_schedule("daily", "9:05", NOW, SETTINGS) == ("5 9 * * *", local(2026, 4, 9, 9, 5))


@pytest.mark.parametrize("value", ["25:00", "9:61", "24:00", "9", "09:00:00", "九点"])
def test_a_time_of_day_out_of_range_is_a_bad_time_not_a_bad_cron(value):
    assert refused("daily", value) == ("bad_time", {"value": value})


def test_weekly_on_a_weekday():
    assert parse_schedule("weekly", "1 09:00", NOW, SETTINGS) == ("0 9 * * mon", local(2026, 4, 13, 9, 0))
    assert parse_schedule("weekly", "4  10:00", NOW, SETTINGS) == ("0 10 * * thu", local(2026, 4, 9, 10, 0))
    for value in ("8 09:00", "0 09:00", "1 24:00", "mon 09:00"):
        assert refused("weekly", value)[0] == "bad_time"


def test_cron():
    assert parse_schedule("cron", "0 9 * * 1-5", NOW, SETTINGS) == ("0 9 * * 1-5", local(2026, 4, 10, 9, 0))
    for value in ("61 * * * *", "foo", "0 9 * *", ""):
        assert refused("cron", value) == ("bad_cron", {"value": value})


def test_an_unknown_kind():
    assert refused("hourly", "5") == ("bad_schedule", {"value": "hourly"})


def test_one_offs_have_no_next_run_and_cron_follows_the_local_day():
    assert next_fire("now", NOW, SETTINGS) is None and next_fire("at", NOW, SETTINGS) is None
    assert next_fire("0 9 * * *", NOW - timedelta(seconds=1), SETTINGS) == local(2026, 4, 9, 9, 0)
