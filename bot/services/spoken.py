"""Dates and times as people type them (`明天下午`, `12月2日`, `2号`, `下午3点半`, `每天8点`, `周一 9:00`), read
against the local date: pure functions, unit-tested as such. Each returns None for what it cannot read."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal

Direction = Literal["nearest", "past", "future"]

RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "明天": 1, "明日": 1, "前天": -2, "大前天": -3,
                 "后天": 2, "大后天": 3, "today": 0, "yesterday": -1, "tomorrow": 1}
# Longest first, so that 大前天 is not read as 大 + 前天.
_RELATIVE = "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True))
_DATE = (rf"(?P<rel>{_RELATIVE})"
         r"|(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
         r"|(?P<day>\d{1,2})\s*[日号]")
AFTERNOON = ("下午", "傍晚", "晚上", "夜里", "今晚", "pm")
_PART = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|今晚|am|pm"
_CLOCK = (r"(?P<h>\d{1,2})\s*(?::\s*(?P<mi>\d{2})"
          r"|(?P<dian>[点點时])(?:\s*(?P<half>半)|\s*(?P<q>一刻|三刻)|\s*(?P<mm>\d{1,2})\s*分?|钟)?)?")
MOMENT = re.compile(rf"(?:{_DATE})?\s*(?P<part>{_PART})?\s*(?:{_CLOCK})?\s*(?P<suffix>am|pm)?")
DAILY = re.compile(r"(?:每天|每日|天天|每一天|daily|every\s*day)?\s*(?P<rest>.*)")
WEEKLY = re.compile(r"(?:每)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])\s*(?P<rest>.*)")
WEEKDAY_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


def normal(raw: str) -> str:
    """NFKC (full-width digits and colons as ASCII), lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", raw).lower().split())


def read_date(raw: str, today: date, *, direction: Direction = "nearest") -> date | None:
    """The date `raw` names (a part of day or a time after it is allowed and ignored). Without a year (or a
    month), the nearest such date to `today`; `past`: the last one not after today; `future`: the first one not
    before today."""
    found = MOMENT.fullmatch(normal(raw))
    if found is None or not _has_date(found):
        return None
    return _date(found, today, direction)


def read_clock(raw: str) -> tuple[int, int] | None:
    """A time of day with nothing else: `9:30`, `9点`, `下午3点半`, `晚上8点一刻`, `3pm`."""
    found = MOMENT.fullmatch(normal(raw))
    if found is None or _has_date(found):
        return None
    return _clock(found)


def read_moment(raw: str, now: datetime, *, grace: timedelta = timedelta(minutes=1)) -> datetime | None:
    """A local date and time ahead of `now` (local, aware): `明天上午9点`, `12月2日 14:00`; a time alone is today's
    if it is still ahead (within `grace`), else tomorrow's. A date in the past is returned as it is (the caller
    says it is past)."""
    found = MOMENT.fullmatch(normal(raw))
    clock = _clock(found) if found is not None else None
    if found is None or clock is None:
        return None
    if not _has_date(found):
        moment = now.replace(hour=clock[0], minute=clock[1], second=0, microsecond=0)
        return moment if moment >= now - grace else moment + timedelta(days=1)
    day = _date(found, now.date(), "future")
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, clock[0], clock[1], tzinfo=now.tzinfo)


def read_daily(raw: str) -> str | None:
    """`每天8点`, `8:00`, `每天下午3点半` as `HH:MM`."""
    found = DAILY.fullmatch(normal(raw))
    clock = read_clock(found["rest"]) if found is not None else None
    return f"{clock[0]:02d}:{clock[1]:02d}" if clock is not None else None


def read_weekly(raw: str) -> str | None:
    """`每周一9点`, `星期五 下午3点` as `<1-7> HH:MM` (1 = Monday)."""
    found = WEEKLY.fullmatch(normal(raw))
    if found is None:
        return None
    clock = read_clock(found["rest"])
    weekday = WEEKDAY_NUMBERS.get(found["wd"]) or int(found["wd"])
    return f"{weekday} {clock[0]:02d}:{clock[1]:02d}" if clock is not None else None


def _has_date(found: re.Match[str]) -> bool:
    return bool(found["rel"] or found["m"] or found["day"])


def _date(found: re.Match[str], today: date, direction: Direction) -> date | None:
    if found["rel"]:
        return today + timedelta(days=RELATIVE_DAYS[found["rel"]])
    if found["y"]:
        return _valid(int(found["y"]), int(found["m"]), int(found["d"]))
    if found["m"]:
        month, day = int(found["m"]), int(found["d"])
        candidates = [_valid(today.year + k, month, day) for k in (-1, 0, 1)]
    else:
        day = int(found["day"])
        months = [(today.year * 12 + today.month - 1 + k) for k in range(-2, 3)]
        candidates = [_valid(m // 12, m % 12 + 1, day) for m in months]
    return _pick([c for c in candidates if c is not None], today, direction)


def _pick(candidates: list[date], today: date, direction: Direction) -> date | None:
    if direction == "past":
        candidates = [c for c in candidates if c <= today]
        return max(candidates, default=None)
    if direction == "future":
        candidates = [c for c in candidates if c >= today]
        return min(candidates, default=None)
    # Nearest; on a tie the coming one (an arrival announced ahead is likelier than one a month old).
    return min(candidates, key=lambda c: (abs((c - today).days), c < today), default=None)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock(found: re.Match[str]) -> tuple[int, int] | None:
    if found["h"] is None or not (found["mi"] or found["dian"] or found["suffix"]):
        return None                           # a bare number is not a time (nor is 9 alone a date)
    hour = int(found["h"])
    minute = int(found["mi"] or found["mm"] or 0) + (30 if found["half"] else 0) \
        + {"一刻": 15, "三刻": 45}.get(found["q"] or "", 0)
    part = found["part"] or found["suffix"]
    if part in AFTERNOON and hour < 12:
        hour += 12
    elif part == "中午" and hour < 3:          # 中午1点 is 13:00; 中午12点 stays noon
        hour += 12
    elif part in ("凌晨", "am", "晚上", "夜里") and hour == 12:    # 12am, 晚上12点: midnight
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return hour, minute
