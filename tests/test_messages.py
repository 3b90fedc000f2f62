"""Every template renders in every locale, is valid Telegram HTML, and escapes what people typed."""

from __future__ import annotations

import pytest
from jinja2 import meta

from bot.services.org_import import ImportResult
from bot.core.telegram_html import parse_html, utf16_len
from db.areas import Area
from db.people import Person, RoleRow
from db.broadcasts import Broadcast, Run
from db.reports import Report
from messages import LOCALES, environment, locale_for, render, template_names
from tests.prod_samples import PROD_SAMPLES
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
    "example": "G0101", "grids": ("G0101",), "commands": ("report", "tasks", "help"),
    "entries": [("report", EVIL), ("help", "帮助")],
    "notices": [("rumour", ["rumour", "truth", "source"])], "missing": ["truth"], "needed": ["rumour", "truth"],
    "unknown": ["x"],
    **PROD_SAMPLES,
    **TIPS_SAMPLES,
}


def names() -> list[str]:
    return template_names("zh_CN")


def test_every_locale_has_the_same_templates():
    for locale in LOCALES:
        assert template_names(locale) == names(), locale


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", [n for n in names() if not n.startswith("_")])
def test_template_renders(locale, name):
    env = environment()
    ext = "html" if f"{locale}/{name}.html" in env.list_templates() else "txt"
    source = env.loader.get_source(env, f"{locale}/{name}.{ext}")[0]
    needed = meta.find_undeclared_variables(env.parse(source)) - {"locale"}
    missing = needed - SAMPLES.keys()
    assert not missing, f"add samples for {missing}"
    text = render(name, locale, **{k: SAMPLES[k] for k in needed})
    assert text.strip()
    if ext == "html":
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
    assert render("groups/bind_usage", "fr").startswith("用法")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", ["epidemic", "rumour", "tip_reward", "test_reminder"])
def test_every_notice_renders_with_escaped_fields(locale, name):
    from bot.services.broadcasting import notice_fields, render_notice

    fields = notice_fields(name, locale)
    assert fields and fields == notice_fields(name, "zh_CN")
    body = render_notice(name, {f: EVIL for f in fields}, locale)
    assert EVIL in parse_html(body)
