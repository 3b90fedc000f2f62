"""Dates and broadcast times as people type them, read against a fixed local date (pure)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.core.config import Settings
from bot.services.broadcasting import ComposeError, parse_schedule, schedule_value
from bot.services.flows.fields import parse_date
from bot.services.flows.model import Invalid
from bot.services.spoken import read_clock, read_date

TODAY = date(2026, 4, 9)                                   # a Thursday
SETTINGS = Settings()                                      # Asia/Shanghai
NOW = datetime(2026, 4, 9, 1, 0, tzinfo=timezone.utc)      # 09:00 in Shanghai


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SETTINGS.tz)


@pytest.mark.parametrize("raw, day", [
    ("明天下午", date(2026, 4, 10)), ("昨天上午", date(2026, 4, 8)), ("前天", date(2026, 4, 7)),
    ("后天", date(2026, 4, 11)), ("12月2日", date(2025, 12, 2)), ("4月20日", date(2026, 4, 20)),
    ("12.2", date(2025, 12, 2)), ("12/2", date(2025, 12, 2)), ("4/8", date(2026, 4, 8)),
    ("2号", date(2026, 4, 2)), ("30号", date(2026, 3, 30)), ("12日", date(2026, 4, 12)),
    ("2026年12月2日", date(2026, 12, 2)), ("2026.12.2", date(2026, 12, 2)), ("2026-04-08", date(2026, 4, 8)),
    ("今天", TODAY), ("１２月２日", date(2025, 12, 2)), ("4月10号 下午3点", date(2026, 4, 10)),
])
def test_dates_as_typed_nearest_to_today(raw, day):
    assert parse_date(raw, TODAY) == day


@pytest.mark.parametrize("raw, day", [
    ("4月20日", date(2025, 4, 20)), ("12号", date(2026, 3, 12)), ("9号", TODAY), ("5.1", date(2025, 5, 1)),
    ("4.9", TODAY), ("31号", date(2026, 3, 31)),
])
def test_a_past_only_step_takes_the_last_such_date_not_in_the_future(raw, day):
    assert parse_date(raw, TODAY, past_only=True) == day


@pytest.mark.parametrize("raw, key", [
    ("下周", "bad_date"), ("下午", "bad_date"), ("13月2日", "bad_date"), ("2月30日", "bad_date"),
    ("2026年2月30日", "bad_date"), ("32号", "bad_date"), ("9:30", "bad_date"), ("2024-01-01", "date_out_of_range"),
])
def test_what_is_still_refused(raw, key):
    with pytest.raises(Invalid) as caught:
        parse_date(raw, TODAY)
    assert caught.value.key == key


def test_past_only_still_refuses_an_explicit_future_date():
    with pytest.raises(Invalid) as caught:
        parse_date("明天上午", TODAY, past_only=True)
    assert caught.value.key == "date_in_future"


def test_a_month_day_near_new_year_takes_the_next_year():
    assert read_date("1月3日", date(2026, 12, 30)) == date(2027, 1, 3)
    assert read_date("12月28日", date(2027, 1, 2)) == date(2026, 12, 28)
    assert read_date("2号", date(2026, 12, 30)) == date(2027, 1, 2)


@pytest.mark.parametrize("raw, clock", [
    ("9:30", (9, 30)), ("9：30", (9, 30)), ("下午3点半", (15, 30)), ("8点", (8, 0)), ("晚上8点一刻", (20, 15)),
    ("中午12点", (12, 0)), ("中午1点", (13, 0)), ("上午10点05分", (10, 5)), ("3pm", (15, 0)), ("晚上12点", (0, 0)),
])
def test_times_of_day(raw, clock):
    assert read_clock(raw) == clock


@pytest.mark.parametrize("raw", ["九点", "25点", "9:61", "9", "明天9点", ""])
def test_times_not_read(raw):
    assert read_clock(raw) is None


@pytest.mark.parametrize("kind, raw, value", [
    ("at", "明天上午9点", "2026-04-10 09:00"), ("at", "下午3点半", "2026-04-09 15:30"),
    ("at", "9:30", "2026-04-09 09:30"), ("at", "8:00", "2026-04-10 08:00"),          # past today: tomorrow's
    ("at", "12月2日 14:00", "2026-12-02 14:00"), ("at", "2026-4-10 8:30", "2026-04-10 08:30"),
    ("at", "2026-04-10 08:30", "2026-04-10 08:30"),
    ("daily", "每天8点", "08:00"), ("daily", "每天下午3点半", "15:30"), ("daily", "9:05", "9:05"),
    ("weekly", "每周一9点", "1 09:00"), ("weekly", "星期日 下午3点", "7 15:00"), ("weekly", "1 09:00", "1 09:00"),
    ("cron", "0 9 * * 1-5", "0 9 * * 1-5"),
])
def test_broadcast_times_as_typed(kind, raw, value):
    assert schedule_value(kind, raw, NOW, SETTINGS) == value


def test_broadcast_times_schedule_as_understood():
    assert parse_schedule("at", "明天上午9点", NOW, SETTINGS) == ("at", local(2026, 4, 10, 9, 0))
    assert parse_schedule("daily", "每天8点", NOW, SETTINGS) == ("0 8 * * *", local(2026, 4, 10, 8, 0))
    assert parse_schedule("weekly", "每周五 下午3点", NOW, SETTINGS) == ("0 15 * * fri", local(2026, 4, 10, 15, 0))


@pytest.mark.parametrize("kind, raw, key", [
    ("at", "昨天9点", "time_past"), ("at", "明天", "bad_time"), ("daily", "每天", "bad_time"),
    ("daily", "明天8点", "bad_time"), ("weekly", "每周八9点", "bad_time"),
])
def test_broadcast_times_refused(kind, raw, key):
    with pytest.raises(ComposeError) as caught:
        parse_schedule(kind, raw, NOW, SETTINGS)
    assert caught.value.key == key
