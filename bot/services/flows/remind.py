"""Scheduling a test reminder in private (/remind): the grid (skipped when the person works in one), for whom
(the people under monitoring, or a building's households), when, where; a confirmation. Buttons `rm|…`."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.services import notify, reminders
from bot.services.flows import engine, registry
from bot.services.flows.fields import CHOICE, LINE, TEXT, field_type, normalize_code
from bot.services.flows.model import Confirmation, Env, FieldType, Flow, Invalid, Refused, Result, Step, Values
from bot.services.flows.pickers import GridPicker
from bot.services.tasks_common import next_at
from bot.services.views import Screen, notice
from db import areas as areas_db

TEXTS = {"invalid": "tasks/invalid", "expired": "tasks/expired", "cancelled": "tasks/remind/cancelled"}
AT = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s+(\d{1,2}:\d{2})")
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_when(raw: str, now: datetime, settings: Settings) -> datetime:
    """`YYYY-MM-DD HH:MM`, or `HH:MM` (its next coming), local time; in the future, within 60 days."""
    text = normalize_code(raw)
    if TIME.fullmatch(text):
        hour, minute = text.split(":")
        return next_at(now, f"{int(hour):02d}:{minute}", settings)
    match = AT.fullmatch(text)
    try:
        moment = datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M").replace(tzinfo=settings.tz) \
            if match else None
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid("bad_time", value=text)
    if moment <= now or moment > now + timedelta(days=60):
        raise Invalid("time_past" if moment <= now else "too_far", value=text)
    return moment


class When(FieldType):
    """A local time to come, stored as a stamp."""

    name = "when"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return stamp(parse_when(raw, env.now, env.settings))


WHEN = field_type(When())


def _grid(env: Env) -> Any:
    grid = areas_db.by_code(env.conn, str(env.values.get("grid", "")))
    return grid


def _may(env: Env, code: Any) -> None:
    grid = areas_db.by_code(env.conn, str(code))
    if grid is None or not reminders.may_remind(env.conn, env.user_id, grid.id):
        raise Invalid("out_of_scope", code=code)


def _has_people(env: Env, source: Any) -> None:
    grid = _grid(env)
    if source == "monitoring" and grid is not None and not reminders.people(env.conn, grid.id, "monitoring")[0]:
        raise Refused("tasks/remind/no_people")


def _building(env: Env, building: Any) -> None:
    grid = _grid(env)
    if grid is None or not reminders.people(env.conn, grid.id, "building", str(building))[0]:
        raise Invalid("unknown_building", building=str(building))


def _confirm(env: Env) -> Confirmation:
    values, grid = env.values, _grid(env)
    found, unreachable = reminders.people(env.conn, grid.id, str(values["source"]), str(values.get("building", "")))
    return Confirmation({"grid": grid, "source": values["source"], "building": values.get("building", ""),
                         "count": len(found), "unreachable": unreachable, "place": values["place"],
                         "at": notify.local_time(str(values["at"]), env.settings)})


def _submit(env: Env) -> Result:
    values = env.values
    done = reminders.schedule(env.conn, env.settings, env.user_id, grid_code=str(values["grid"]),
                              source="monitoring" if values["source"] == "monitoring" else "building",
                              building=str(values.get("building", "")), at=parse_stamp(str(values["at"])),
                              place=str(values["place"]), now=env.now)
    return Result(f"tasks/remind/{done.key}", done.context)


def _building_asked(values: Values) -> bool:
    return values.get("source") == "building"


FLOW = registry.register(Flow("remind", (
    Step("grid", GridPicker("tasks/remind/ask_community", "tasks/remind/ask_grid"), into="context", check=_may),
    Step("source", CHOICE, ("monitoring", "building"), check=_has_people),
    Step("building", LINE, when=_building_asked, max_len=20, check=_building),
    Step("at", WHEN),
    Step("place", TEXT, max_len=200),
), _submit, texts="tasks/remind", prefix="rm", confirm=_confirm, columns=1, templates=TEXTS))


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> Screen:
    """/remind: staff of a grid (or above) only; the grid is known when they work in just one."""
    if not reminders.may_remind_anywhere(conn, user_id):
        return notice("casework/not_staff")
    grids = reminders.own_grids(conn, user_id)
    context = {"grid": grids[0].code} if len(grids) == 1 else {}
    return engine.start(conn, settings, user_id, FLOW.name, now, context=context)
