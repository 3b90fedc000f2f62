"""Composing a broadcast in private, step by step: template, its fields (or free text), audience, time, pin,
preview, confirm. Each input is one call here, in one transaction, returning what to show."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.services import broadcasting
from bot.services.broadcasting import ComposeError, Draft
from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.areas import find_area
from bot.services.views import View
from db import areas as areas_db
from db import broadcasts as broadcasts_db
from db import conversations as conv_db

SCHEDULE_KINDS = ("now", "at", "daily", "weekly", "cron")


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> View:
    if not broadcasting.scopes(conn, user_id):
        return View("bc_not_allowed")
    state = {"flow": "broadcast", "step": "template", "fields": {}}
    conv_db.put(conn, user_id, state, stamp(now))
    return _show(conn, settings, user_id, state)


def _audiences(conn: sqlite3.Connection, user_id: int) -> list[Any]:
    out = []
    for scope in broadcasting.scopes(conn, user_id):
        out.append(scope)
        if scope.level != "grid":
            below = {"city": "town", "town": "community", "community": "grid"}[scope.level]
            out += areas_db.children(conn, scope.id, below)
    return list({a.code: a for a in out}.values())


def _show(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any]) -> View:
    step = state["step"]
    if step == "template":
        return View("bc_ask_template", {"templates": broadcasting.NOTICES})
    if step == "field":
        fields = broadcasting.notice_fields(state["template"], settings.locale)
        return View("bc_ask_field", {"field": fields[len(state["fields"])], "template": state["template"]})
    if step == "text":
        return View("bc_ask_text")
    if step == "audience":
        return View("bc_ask_audience", {"areas": _audiences(conn, user_id)})
    if step == "when":
        return View("bc_ask_when", {"kinds": SCHEDULE_KINDS})
    if step == "when_value":
        return View("bc_ask_when_value", {"kind": state["when"]})
    if step == "pin":
        return View("bc_ask_pin")
    area = areas_db.by_code(conn, state["audience"])
    body = broadcasting.render_notice(state.get("template"), state["fields"], settings.locale)
    groups = broadcasts_db.groups_under(conn, area.id)
    return View("bc_preview", {"body": body, "area": area, "groups": len(groups), "when": state["when"],
                               "when_value": state.get("when_value", ""), "pin": state["pin"]})


def current(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any]) -> View:
    """The step a broadcast being composed is at, shown again."""
    return _show(conn, settings, user_id, state)


def _save(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any], now: datetime) -> View:
    conv_db.put(conn, user_id, state, stamp(now))
    return _show(conn, settings, user_id, state)


def _invalid(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any], error: ComposeError
             ) -> View:
    return View("bc_invalid", {"key": error.key, "context": error.context,
                               "then": _show(conn, settings, user_id, state)})


def typed(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any], text: str,
          now: datetime) -> View:
    step, text = state["step"], text.strip()
    if not text:
        return _invalid(conn, settings, user_id, state, ComposeError("empty_body"))
    if step == "field":
        fields = broadcasting.notice_fields(state["template"], settings.locale)
        if len(text) > 1000:
            return _invalid(conn, settings, user_id, state, ComposeError("field_too_long", max=1000))
        state = {**state, "fields": {**state["fields"], fields[len(state["fields"])]: text}}
        if len(state["fields"]) == len(fields):
            try:
                broadcasting.render_notice(state["template"], state["fields"], settings.locale)
            except ComposeError as exc:
                conv_db.drop(conn, user_id)
                return View("bc_refused", {"key": exc.key, "context": exc.context})
            state["step"] = "audience"
        return _save(conn, settings, user_id, state, now)
    if step == "text":
        state = {**state, "fields": {"text": text}}
        try:
            broadcasting.render_notice(None, state["fields"], settings.locale)
        except ComposeError as exc:
            return _invalid(conn, settings, user_id, state, exc)
        return _save(conn, settings, user_id, {**state, "step": "audience"}, now)
    if step == "audience":
        area = find_area(conn, text)
        if area is None:
            return _invalid(conn, settings, user_id, state, ComposeError("unknown_area", code=text[:40]))
        if not broadcasting.in_scope(conn, user_id, area.id):
            return _invalid(conn, settings, user_id, state, ComposeError("out_of_scope", code=area.code))
        return _save(conn, settings, user_id, {**state, "audience": area.code, "step": "when"}, now)
    if step == "when_value":
        try:
            broadcasting.parse_schedule(state["when"], text, now, settings)
        except ComposeError as exc:
            return _invalid(conn, settings, user_id, state, exc)
        return _save(conn, settings, user_id, {**state, "when_value": text, "step": "pin"}, now)
    return _invalid(conn, settings, user_id, state, ComposeError("use_buttons"))


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, data: list[str], now: datetime) -> View:
    """`b|tpl|<name>`, `b|aud|<code>`, `b|when|<kind>`, `b|pin|1|0`, `b|ok`, `b|cancel`."""
    found = conv_db.get(conn, user_id)
    state = found[0] if found else None
    if state is None or state.get("flow") != "broadcast":
        return View("stale")
    action, value = (data + ["", ""])[:2]
    step = state["step"]
    if action == "cancel":
        conv_db.drop(conn, user_id)
        return View("bc_cancelled")
    if action == "tpl" and step == "template":
        if value == "free":
            return _save(conn, settings, user_id, {**state, "template": None, "step": "text"}, now)
        if value not in broadcasting.NOTICES:
            return View("stale")
        return _save(conn, settings, user_id, {**state, "template": value, "fields": {}, "step": "field"}, now)
    if action == "aud" and step == "audience":
        area = areas_db.by_code(conn, value)
        if area is None or not broadcasting.in_scope(conn, user_id, area.id):
            return View("stale")
        return _save(conn, settings, user_id, {**state, "audience": area.code, "step": "when"}, now)
    if action == "when" and step == "when" and value in SCHEDULE_KINDS:
        next_step = "pin" if value == "now" else "when_value"
        return _save(conn, settings, user_id, {**state, "when": value, "when_value": "", "step": next_step}, now)
    if action == "pin" and step == "pin":
        return _save(conn, settings, user_id, {**state, "pin": value == "1", "step": "preview"}, now)
    if action == "ok" and step == "preview":
        draft = Draft(state["audience"], state.get("template"), state["fields"], state["when"],
                      state.get("when_value", ""), state["pin"])
        try:
            broadcast_id, groups, first = broadcasting.create(conn, settings, user_id, draft, now)
        except ComposeError as exc:
            conv_db.drop(conn, user_id)
            return View("bc_refused", {"key": exc.key, "context": exc.context})
        conv_db.drop(conn, user_id)
        return View("bc_created", {"id": broadcast_id, "groups": groups, "first": first, "when": state["when"]})
    return View("stale")
