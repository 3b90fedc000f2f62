"""Entry points of the conversations in private: /report (or the group's deep link), a worker's note or outcome,
and the input every flow shares (typed text, buttons, /cancel), each one call in one transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.config import Settings
from bot.services import casework
from bot.services.flows import engine, registry, stored
from bot.services.flows.model import Env
from bot.services.views import Screen, notice
from bot.services.areas import echo, find_area

typed = engine.typed
attached = engine.attached
pressed = engine.pressed
contact_shared = engine.contact_shared
current_view = engine.waiting_screen


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, grid_code: str | None, now: datetime, *,
          telegram_name: str = "") -> Screen:
    """/report (grid unknown) or the group's deep link (grid known); an unfinished report is resumed.
    `telegram_name` (the person's first and last name) is offered as the name in their own report."""
    state = stored.resumed(conn, settings, user_id, now)
    if state is not None and state.flow == "report" and grid_code in (None, state.context.get("grid")):
        return engine.show(registry.load("report"), Env(conn, settings, user_id, now, state))
    own = {"telegram_name": telegram_name} if telegram_name else {}
    if grid_code is None:
        return engine.start(conn, settings, user_id, "report", now, context=own)
    grid = find_area(conn, grid_code)
    if grid is None or grid.level != "grid":
        return notice("report/unknown_grid", code=echo(grid_code))
    return engine.start(conn, settings, user_id, "report", now, context={"grid": grid.code, **own})


def cancel(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> bool:
    """/cancel: end the conversation going on (a form a note interrupted is taken up again); False if none was."""
    return engine.cancel(conn, settings, user_id, now)


def ask_worker_text(conn: sqlite3.Connection, settings: Settings, user_id: int, flow: str, report_id: int,
                    now: datetime) -> casework.Outcome:
    """A worker pressed Add note or Resolve: check they may, then wait for their text (`flow` is `note` or
    `resolve`); a form of their own they were filling in waits meanwhile."""
    report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
    if refusal is not None:
        return refusal
    engine.start(conn, settings, user_id, flow, now, context={"report_id": report_id})
    return casework.Outcome(f"ask_{flow}", report)
