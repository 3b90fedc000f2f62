"""Every template renders in every locale, is valid Telegram HTML, and escapes what people typed."""

from __future__ import annotations

import pytest

from bot.services.org_import import ImportResult
from bot.services.paging import Page
from bot.core.telegram_html import parse_html, utf16_len
from db.areas import Area
from db.people import Person, RoleRow
from db.broadcasts import Broadcast, Run
from db.reports import Report
from messages import LOCALES, is_html, label, locale_for, recording, render, template_names, variables_of
from messages.extract import Stats
from messages.names import is_label
from tests.prod_samples import PROD_SAMPLES
from db.stats import Backlog, KindCounts
from bot.services.ledger.periods import Period
from bot.services.ledger.stats import AreaFigures, Child, Latency
from datetime import date
from bot.services.ledger.assessment import Assessment, Scorecard
from bot.services.ledger.tasks import AreaTasks
from db.ledger import OpenItem
from messages import LOCALES, environment, locale_for, render, template_names
from tests.tasks_samples import TASKS_SAMPLES
from tests.tips_samples import TIPS_SAMPLES

EVIL = '<b>张三</b> & "李四" <script>'
AREA = Area(1, "G0101", EVIL, "grid", 2)
REPORT = Report(7, "G0101-20260409-0007", 1, "arrival", "high", "open", 42, True, {"name": EVIL}, 3, 2, EVIL,
                "2026-04-09T01:00:00+00:00", None, None, "2026-04-09T01:30:00+00:00", "2026-04-10T01:30:00+00:00")
HISTORY = [{"at": "2026-04-09 09:00", "action": a, "actor": EVIL, "reporter": False,
            "detail": {"to": EVIL, "text": EVIL, "outcome": EVIL, "level": 2, "person": EVIL}}
           for a in ("created", "assigned", "accepted", "note", "resolved", "transferred", "escalated", "reminded",
                     "unreachable", "refused", "unassigned")] + [
    {"at": "2026-04-09 09:00", "action": "created", "actor": "", "reporter": True, "detail": {}}]
ROWS = [("name", EVIL), ("phone", "13800000000"), ("travel", "car"), ("health", "fever"), ("test_result", "none"),
        ("category", "epidemic"), ("urgency", "urgent"), ("kind", "dispute"), ("behalf", "other")]
BROADCAST = Broadcast(5, "2026-04-09T01:00:00+00:00", 42, 1, "G0101", EVIL, None, {}, EVIL, "0 9 * * *", True,
                      "active", "2026-04-10T01:00:00+00:00")
PERIOD = Period(date(2026, 4, 1), date(2026, 4, 9), "month")
LEDGER_FIGURES = AreaFigures(AREA, PERIOD, [KindCounts("arrival", 3, 1, 1, 1)], KindCounts("", 3, 1, 1, 1, answered=2,
                             satisfied=1), Backlog(2, 1), Latency(2, 600.0, 5000.0), Latency(0, None, None), 4,
                             [Child(AREA, 3)])
AREA_TASKS = AreaTasks(AREA, 12, 3, 2, 2, [OpenItem(7, "G0101-20260409-0007", "arrival", "open", "high", "G0101",
                                                  "2026-04-09T01:00:00+00:00", "2026-04-09T01:30:00+00:00", EVIL)],
                       {7: "2026-04-09 09:30"}, frozenset({7}))
CARD = Scorecard(EVIL, AREA, 1, 12, 10, 0.9, 0.75, 600.0, 90000.0, 1, 2, 3, 0.67, 4, 5, 6, 83.5)
ASSESSMENT = Assessment(AREA, PERIOD, "40 * accept_on_time", [CARD, CARD], [CARD])
SAMPLES = {
    "field": "title", "notice": "rumour", "schedule": "daily", "body": EVIL, "groups": 3, "when": "daily",
    "when_value": "09:00", "pin": True, "id": 5, "first": "2026-04-10 09:00", "items": [BROADCAST],
    "next": {5: "2026-04-10 09:00"}, "broadcast": BROADCAST, "delivered": 1, "total": 2, "unpinned": 1,
    "failures": [{"grid": AREA, "reason": "removed", "error": ""}, {"grid": AREA, "reason": "other", "error": EVIL},
                 {"grid": AREA, "reason": "not_found", "error": "chat not found"}],
    "runs": {5: [Run(1, 5, "2026-04-10T01:00:00+00:00", "done", 2, 1, 1)]},
    "report": REPORT, "rows": ROWS, "history": HISTORY, "grid": AREA, "headline": "escalated",
    "accept_due": "2026-04-09 09:30", "resolve_due": "2026-04-10 09:30", "assignee": EVIL, "reason": EVIL,
    "reports": [REPORT], "due": {7: "2026-04-09 09:30"}, "created": {7: "2026-04-09 09:00"}, "count": 2, "on": True,
    "step": "name", "kind": "text", "answers": {}, "community": AREA, "key": "travel", "value": "train",
    "length": 600, "label": "接单", "minutes": 31, "local": lambda stamp: stamp[:16],
    "name": EVIL,
    "reporter": {"anonymous": False, "name": EVIL, "username": "evil", "phone": "13800000000"}, "own": False,
    "page": Page([REPORT], 2, 3, 21),
    "person": Person(1, EVIL, "13800000000", 42),
    "roles": [RoleRow("grid_leader", 1, "G0101", EVIL, "grid"), RoleRow("town_admin", 2, "JH", "荆河街道", "town")],
    "area": AREA,
    "code": "G<0101>",
    "command": "bind",
    "r": ImportResult(invites=[("a", "b", "c")]),
    "errors": [1, 2],
    "file": "staff.csv", "line": 3, "text": "x", "path": "/tmp/x.toml",
    "url": "http://127.0.0.1:8081", "db": "g.sqlite3", "username": "bot", "names": ["0001_org.sql"],
    "invites": [{"name": "李娜", "link": "https://t.me/b?start=inv_x", "expires": "2026-04-23 09:00"}],
    "base_url": "http://127.0.0.1:8081/bot", "token": "1:x", "link": "https://t.me/b?start=inv_x",
    "chat": "群", "who": "居民", "title": "群",
    "columns": "level", "level": "grid", "parent": "JH", "parent_level": "town", "max": 60,
    "old": "grid", "new": "town", "role": "grid_leader", "expected": "grid", "phone": "123",
    "measures": EVIL, "contact": EVIL, "rumour": EVIL, "truth": EVIL, "source": EVIL, "reward": EVIL,
    "hotline": EVIL, "date": EVIL, "place": EVIL,
    "pot": "messages/locale/gridbot.pot", "catalogs": [Stats("messages/locale/en/LC_MESSAGES/gridbot.po", 0, 1)],
    "example": "G0101", "grids": ("G0101",), "commands": ("report", "tasks", "help"),
    "entries": [("report", EVIL), ("help", "帮助")],
    "notices": [("rumour", ["rumour", "truth", "source"])], "missing": ["truth"], "needed": ["rumour", "truth"],
    "unknown": ["x"],
    "choices": ("火车", EVIL),
    **PROD_SAMPLES,
    # the ledger (issue 13)
    "fig": LEDGER_FIGURES, "period": PERIOD, "view": "assessment", "home": AREA, "context": {"value": EVIL},
    "sheets": {"arrival": 3, "dispute": 1}, "masked": True, "personal": False, "current": "True", "format": "csv",
    "last": "2026-04-30", "preset": "month", "tasks": AREA_TASKS, "outcome": "forbidden", "number": "G0101-1",
    "result": "rated", "score": "4", "file": "JH-2026-04.xlsx", "table": EVIL, "month_start": date(2026, 3, 1), "pad": lambda value, columns, right=False: str(value), "a": ASSESSMENT, "cards": [ASSESSMENT.workers[0]], "send": False, "report_kind": "dispute", "what": "travel",
    "month": "2026年3月", "honours": EVIL,
    **TASKS_SAMPLES,
    **TIPS_SAMPLES,
}


def names() -> list[str]:
    """Every template and block (labels are checked in tests/test_catalogs.py)."""
    return [n for n in template_names() if not is_label(n)]


def sample_context(name: str) -> dict:
    needed = set(variables_of(name))
    missing = needed - SAMPLES.keys()
    assert not missing, f"add samples for {missing}"
    return {k: SAMPLES[k] for k in needed}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", names())
def test_template_renders(locale, name):
    needed = set(variables_of(name))
    text = render(name, locale, **sample_context(name))
    assert text.strip()
    if is_html(name):
        visible = parse_html(text)
        assert utf16_len(visible) <= 4096
        if "name" in needed or "person" in needed:
            assert EVIL in visible and "<script>" not in text
        if "area" in needed:
            assert EVIL in visible


def test_locale_follows_telegram_language_with_chinese_fallback():
    assert locale_for("en-US") == "en"
    assert locale_for("zh-hans") == "zh_CN"
    assert locale_for("ru") == "zh_CN"
    assert locale_for(None) == "zh_CN"
    assert render("groups/bind_usage", "fr") == render("groups/bind_usage", "zh_CN")
    assert render("groups/bind_usage", "en") != render("groups/bind_usage", "zh_CN")


def test_recording_tells_which_template_produced_a_text():
    with recording() as rec:
        bound = render("groups/bind_bound", "en", area=SAMPLES["area"])
        button = label("buttons/submit", "zh_CN")
    render("groups/bind_usage", "en")
    assert [(r.name, r.locale, r.text) for r in rec.records] == [
        ("groups/bind_bound", "en", bound), ("buttons/submit", "zh_CN", button)]


def test_legacy_label_names_take_their_key_from_the_arguments():
    assert label("report/option", "zh_CN", key="travel", value="train") != label("report/option", "en", key="travel",
                                                                               value="train")
    for locale in LOCALES:
        rumour = render("notices/rumour", locale, rumour="", truth="", source="")
        assert render("broadcast/notice_name", locale, notice="rumour") in rumour


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", ["epidemic", "rumour", "tip_reward", "test_reminder", "commendation"])
def test_every_notice_renders_with_escaped_fields(locale, name):
    from bot.services.broadcasting import notice_fields, render_notice

    fields = notice_fields(name, locale)
    assert fields and fields == notice_fields(name, "zh_CN")
    body = render_notice(name, {f: EVIL for f in fields}, locale)
    assert EVIL in parse_html(body)
