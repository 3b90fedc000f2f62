"""The report conversation: each user input is one call here, in one transaction, returning what to show."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from bot.services import casework, compose, forms
from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from db import areas as areas_db
from bot.services.areas import echo, find_area, first_grid_code
from bot.services.views import View
from db import conversations as conv_db


def _load(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> dict[str, Any] | None:
    """The user's conversation, or None; an idle one past its time is dropped (and reported as expired)."""
    found = conv_db.get(conn, user_id)
    if found is None:
        return None
    state, updated = found
    if parse_stamp(updated) + timedelta(minutes=settings.conversation_idle_minutes) < now:
        conv_db.drop(conn, user_id)
        return {"expired": True}
    return state


def _show(conn: sqlite3.Connection, form: dict[str, Any]) -> View:
    """The question the form is at (or the confirmation screen)."""
    if form["grid"] is None:
        community = form.get("community")
        if community is None:
            return View("ask_community", {"communities": areas_db.children(conn, None, "community"),
                                          "example": first_grid_code(conn)})
        parent = areas_db.by_code(conn, community)
        return View("ask_grid", {"community": parent, "grids": areas_db.children(conn, parent.id, "grid")})
    step = forms.current(form)
    grid = areas_db.by_code(conn, form["grid"])
    if step is None:
        return View("confirm", {"form": form, "grid": grid,
                                "rows": [(s.key, form["answers"][s.key]) for s in forms.steps(form)]})
    return View("ask", {"step": step, "grid": grid, "form": form})


def _position(form: dict[str, Any]) -> str:
    """Where the form is: the question being asked, `grid` while choosing one, `confirm` at the end."""
    if form["grid"] is None:
        return "grid" if form.get("community") else "community"
    step = forms.current(form)
    return step.key if step is not None else "confirm"


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, grid_code: str | None, now: datetime) -> View:
    """/report (grid unknown) or the group's deep link (grid known); an unfinished report is resumed."""
    state = _load(conn, settings, user_id, now)
    if state and state.get("flow") == "report" and (grid_code is None or state["grid"] == grid_code):
        return _show(conn, state)
    if grid_code is not None:
        grid = find_area(conn, grid_code)
        if grid is None or grid.level != "grid":
            return View("unknown_grid", {"code": echo(grid_code)})
        grid_code = grid.code
    form = forms.new_form(grid_code)
    conv_db.put(conn, user_id, form, stamp(now))
    return _show(conn, form)


def typed(conn: sqlite3.Connection, settings: Settings, user_id: int, text: str, now: datetime) -> View:
    """A text message in private while a conversation may be going on."""
    state = _load(conn, settings, user_id, now)
    if state is None:
        return View("no_form")
    if state.get("expired"):
        return View("expired")
    if state["flow"] in ("note", "resolve"):
        return _worker_text(conn, settings, user_id, state, text, now)
    if state["flow"] == "broadcast":
        return compose.typed(conn, settings, user_id, state, text, now)
    if state["grid"] is None:
        grid = find_area(conn, text)
        if grid is None or grid.level != "grid":
            return View("unknown_grid", {"code": text.strip()[:40], "then": _show(conn, state)})
        state = {**state, "grid": grid.code}
        conv_db.put(conn, user_id, state, stamp(now))
        return _show(conn, state)
    step = forms.current(state)
    if step is None:
        return View("invalid", {"key": "use_buttons", "context": {}, "then": _show(conn, state)})
    try:
        value = forms.parse(step, text, now.astimezone(settings.tz).date())
    except forms.Invalid as exc:
        return View("invalid", {"key": exc.key, "context": exc.context, "then": _show(conn, state)})
    state = forms.answer(state, step, value)
    conv_db.put(conn, user_id, state, stamp(now))
    return _show(conn, state)


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, data: list[str], now: datetime) -> View:
    """A form button: `f|<step>|<value>`, `f|com|<code>`, `f|grid|<code>`, `f|back|<where>`, `f|cancel`,
    `f|submit`."""
    state = _load(conn, settings, user_id, now)
    if state is None or state.get("flow") != "report":
        return View("expired" if state and state.get("expired") else "no_form")
    action = data[0] if data else ""
    if action == "cancel":
        conv_db.drop(conn, user_id)
        return View("cancelled")
    if action == "back":
        if len(data) != 2 or data[1] != _position(state):     # a back button of an earlier question
            return View("stale")
        if state["grid"] is None and state.get("community"):
            state = {**state, "community": None}
        elif not state["trail"] and state["grid"] is not None and state.get("community"):
            state = {**state, "grid": None}
        else:
            state = forms.back(state)
        conv_db.put(conn, user_id, state, stamp(now))
        return _show(conn, state)
    if action == "com" and state["grid"] is None and len(data) == 2:
        community = areas_db.by_code(conn, data[1])
        if community is None or community.level != "community":
            return View("stale")
        state = {**state, "community": community.code}
    elif action == "grid" and state["grid"] is None and len(data) == 2:
        grid = areas_db.by_code(conn, data[1])
        if grid is None or grid.level != "grid":
            return View("stale")
        state = {**state, "grid": grid.code}
    elif action == "submit":
        if state["grid"] is None or forms.current(state) is not None:
            return View("stale")
        report = casework.submit(conn, settings, user_id, state, now)
        conv_db.drop(conn, user_id)
        return View("submitted", {"report": report})
    elif len(data) == 2 and state["grid"] is not None:
        try:
            state = forms.choose(state, data[0], data[1])
        except forms.Invalid:
            return View("stale")
    else:
        return View("stale")
    conv_db.put(conn, user_id, state, stamp(now))
    return _show(conn, state)


def current_view(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> View | None:
    """What the conversation going on waits for, to ask again after an input it cannot take (a photo, a
    sticker); None when there is none, or it has gone idle past its time. Reads only."""
    found = conv_db.get(conn, user_id)
    if found is None or parse_stamp(found[1]) + timedelta(minutes=settings.conversation_idle_minutes) < now:
        return None
    state = found[0]
    if state["flow"] in ("note", "resolve"):
        return View("worker_input", {"flow": state["flow"]})
    if state["flow"] == "broadcast":
        return compose.current(conn, settings, user_id, state)
    return _show(conn, state)


def cancel(conn: sqlite3.Connection, user_id: int) -> bool:
    """/cancel: drop whatever conversation is going on; False if there was none."""
    existed = conv_db.get(conn, user_id) is not None
    conv_db.drop(conn, user_id)
    return existed


def ask_worker_text(conn: sqlite3.Connection, settings: Settings, user_id: int, flow: str, report_id: int,
                    now: datetime) -> casework.Outcome:
    """A worker pressed Add note or Resolve: check they may, then wait for their text."""
    report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
    if refusal:
        return refusal
    state: dict[str, Any] = {"flow": flow, "report_id": report_id}
    unfinished = conv_db.get(conn, user_id)
    if unfinished and unfinished[0].get("flow") in ("report", "broadcast"):
        state["resume"] = unfinished[0]          # a form of their own they were filling in waits meanwhile
    conv_db.put(conn, user_id, state, stamp(now))
    return casework.Outcome(f"ask_{flow}", report)


def _worker_text(conn: sqlite3.Connection, settings: Settings, user_id: int, state: dict[str, Any], text: str,
                 now: datetime) -> View:
    text = text.strip()
    if not text or len(text) > forms.MAX_TEXT:
        key = "empty" if not text else "too_long"
        return View("invalid", {"key": key, "context": {"max": forms.MAX_TEXT, "length": len(text)},
                                "then": View("worker_input", {"flow": state["flow"]})})
    if state["flow"] == "note":
        outcome = casework.add_note(conn, settings, state["report_id"], user_id, text, now)
    else:
        outcome = casework.resolve(conn, settings, state["report_id"], user_id, text, now)
    if "resume" in state:
        conv_db.put(conn, user_id, state["resume"], stamp(now))
    else:
        conv_db.drop(conn, user_id)
    return View("worker_done", {"outcome": outcome})
