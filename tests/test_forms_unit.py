"""The pure cores of answering a form: normalising typed text, and reading phones, dates and lengths."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.flows.fields import normalize_code, normalize_text, parse_date, parse_phone, parse_text
from bot.services.flows.model import Invalid

TODAY = date(2026, 4, 9)


def reason(fn, *args, **kwargs) -> tuple[str, dict]:
    with pytest.raises(Invalid) as caught:
        fn(*args, **kwargs)
    return caught.value.key, caught.value.context


@pytest.mark.parametrize("raw", ["\u200b\u200c\u200d", "\u200f\u200e\u202e\u202c", "\x00\x01\x1f", " \ufeff\u2066 ",
                                 "\u3164", "\u115f\u1160", "\u2800", "\u00ad", "\t\n\r\n", "\u3000"])
def test_nothing_visible_is_empty(raw):
    assert normalize_text(raw) == ""
    assert reason(parse_text, raw, max_len=500) == ("empty", {})


def test_format_and_control_characters_go_and_line_breaks_stay():
    assert normalize_text("\u202e赵\u200b小满\x00") == "赵小满"
    assert normalize_text("第一行  \r\n第二行\u2028第三行\t结束 ") == "第一行\n第二行\n第三行 结束"
    assert normalize_text("a \n\n b", single_line=True) == "a b"


def test_composed_forms_but_chinese_punctuation_kept():
    assert normalize_text("e\u0301") == "\u00e9"                       # NFC
    assert normalize_text("第1条：请注意，勤洗手！") == "第1条：请注意，勤洗手！"    # no NFKC on free text
    assert normalize_code("ＢＸ０１０１") == "BX0101"                    # codes and numbers are folded


def test_length_is_counted_after_normalising():
    assert parse_text("长" * 500 + "\u200b" * 10, max_len=500) == "长" * 500
    assert reason(parse_text, "长" * 501, max_len=500) == ("too_long", {"max": 500, "length": 501})
    assert parse_text("  王小明 ", max_len=50, single_line=True) == "王小明"


@pytest.mark.parametrize("raw", ["13912345678", "+86 139-1234-5678", "0086 139 1234 5678", "１３９１２３４５６７８",
                                 "\u200e13912345678"])
def test_mainland_mobile_numbers(raw):
    assert parse_phone(raw) == "13912345678"


@pytest.mark.parametrize("raw", ["12345", "138 1234 567a", "23912345678", "139123456789", "021-12345678"])
def test_not_mobile_numbers(raw):
    assert reason(parse_phone, raw) == ("bad_phone", {})


def test_an_empty_phone():
    assert reason(parse_phone, " \u200b") == ("empty", {})


@pytest.mark.parametrize("raw, day", [
    ("2026-04-08", date(2026, 4, 8)), ("2026/4/8", date(2026, 4, 8)), ("2026.4.8", date(2026, 4, 8)),
    ("2026年4月8日", date(2026, 4, 8)), ("２０２６－０４－０８", date(2026, 4, 8)), ("今天", TODAY),
    ("昨天", date(2026, 4, 8)), ("前天", date(2026, 4, 7)), ("Tomorrow", date(2026, 4, 10)),
    ("yesterday", date(2026, 4, 8)),
])
def test_dates(raw, day):
    assert parse_date(raw, TODAY) == day


@pytest.mark.parametrize("raw, key", [("2026-02-30", "bad_date"), ("下周", "bad_date"),
                                      ("2024-01-01", "date_out_of_range"), ("2027-04-11", "date_out_of_range"),
                                      ("", "empty")])
def test_bad_dates(raw, key):
    assert reason(parse_date, raw, TODAY)[0] == key


def test_a_past_only_date_may_not_be_in_the_future():
    assert parse_date("今天", TODAY, past_only=True) == TODAY
    assert reason(parse_date, "明天", TODAY, past_only=True)[0] == "date_in_future"
