"""Adding a household from an arrival: the building, unit and room its address gave (asked when not found), a
confirmation, then the household is stored. Buttons `hh|…`."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.config import Settings
from bot.services import casework, households
from bot.services.flows import engine, registry
from bot.services.flows.fields import LINE
from bot.services.flows.model import Confirmation, Env, Flow, Invalid, Result, Step
from bot.services.views import Screen
from db import reports as reports_db

TEXTS = {"invalid": "tasks/invalid", "cancelled": "tasks/household/cancelled", "expired": "tasks/expired"}


def _part(kind: str) -> Any:
    def check(env: Env, value: Any) -> None:
        if len(households.part(str(value), kind)) > households.MAX_PART:
            raise Invalid("too_long", max=households.MAX_PART, length=len(str(value)))
        if kind != "unit" and not households.part(str(value), kind):
            raise Invalid("empty")
    return check


def _confirm(env: Env) -> Confirmation:
    report = reports_db.get(env.conn, int(env.values["report_id"]))
    parts = {k: households.part(str(env.values[k]), k) for k in ("building", "unit", "room")}
    return Confirmation({"report": report, **parts})


def _submit(env: Env) -> Result:
    outcome, household = households.add_from_arrival(env.conn, env.settings, int(env.values["report_id"]),
                                                     env.user_id, env.values, env.now)
    return Result(f"tasks/household/{outcome if household else 'refused'}",
                  {"address": household.address if household else ""})


FLOW = registry.register(Flow("household", (
    Step("building", LINE, max_len=40, check=_part("building")),
    Step("unit", LINE, max_len=40, check=_part("unit")),
    Step("room", LINE, max_len=40, check=_part("room")),
), _submit, texts="tasks/household", prefix="hh", confirm=_confirm, aside=True, templates=TEXTS))


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, now: datetime
          ) -> Screen | casework.Outcome:
    """The card's 🏠 button: the household form, started from what the arrival's address gave, or the refusal."""
    found = households.arrival_context(conn, report_id, user_id, now)
    if isinstance(found, casework.Outcome):
        return found
    return engine.start(conn, settings, user_id, FLOW.name, now, context=found)
