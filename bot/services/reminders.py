"""Test reminders (核酸/检测提醒): a worker or admin schedules one for the people under monitoring in a grid, or the
households of a building; each gets a private reminder at the time with "done" and "can't go"; after
`reminder_grace_minutes` the worker gets the list of who is done, who cannot go and who has not answered."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import notify
from bot.services.households import part
from bot.services.org import ADMIN_ROLES
from bot.services.tasks_common import TASK, Done, button, keyboard, owner
from db import areas as areas_db
from db import households as households_db
from db import people as people_db
from db import reminders as reminders_db
from db import reports as reports_db
from db import tasks as tasks_db
from db.areas import Area
from db.kinds import ReminderSource
from db.reminders import Batch, Person
from messages import locale_for

GRID_ROLES = ("grid_leader", "grid_worker", "supervisor")
ANSWERS = ("done", "cannot")


def may_remind(conn: sqlite3.Connection, user_id: int, grid_id: int) -> bool:
    """The grid's own staff, and admins of the areas above it."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return False
    above = {a.id for a in areas_db.ancestors(conn, grid_id)}
    return any((r.area_id == grid_id and r.role in GRID_ROLES) or (r.role in ADMIN_ROLES and r.area_id in above)
               for r in people_db.roles_of(conn, person.id))


def may_remind_anywhere(conn: sqlite3.Connection, user_id: int) -> bool:
    person = people_db.by_telegram_id(conn, user_id)
    return person is not None and any(r.role in (*GRID_ROLES, *ADMIN_ROLES)
                                      for r in people_db.roles_of(conn, person.id))


def own_grids(conn: sqlite3.Connection, user_id: int) -> list[Area]:
    """The grids the person works in (a form skips asking when there is one)."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return []
    found = [areas_db.by_id(conn, r.area_id) for r in people_db.roles_of(conn, person.id) if r.role in GRID_ROLES]
    return list({a.id: a for a in found if a is not None}.values())


def people(conn: sqlite3.Connection, grid_id: int, source: str, building: str = "") -> tuple[list[Person], int]:
    """Whom a reminder reaches, and how many of the list the bot cannot write to (no Telegram id: call them)."""
    if source == "monitoring":
        found = []
        for monitoring in tasks_db.active_in_grid(conn, grid_id):
            arrival = reports_db.get(conn, monitoring.report_id)
            details = arrival.details if arrival is not None else {}
            found.append(Person(monitoring.resident_user, str(details.get("name", "")),
                                str(details.get("phone", "")), str(details.get("address", ""))))
        return list({p.user_id: p for p in found}.values()), 0
    homes = households_db.in_grid(conn, grid_id, part(building, "building"))
    reachable = [Person(h.telegram_user_id, h.head_name, h.phone, h.address) for h in homes
                 if h.telegram_user_id is not None]
    return list({p.user_id: p for p in reachable}.values()), len(homes) - len(reachable)


def schedule(conn: sqlite3.Connection, settings: Settings, user_id: int, *, grid_code: str, source: ReminderSource,
             building: str, at: datetime, place: str, now: datetime) -> Done:
    grid = areas_db.by_code(conn, grid_code)
    person = people_db.by_telegram_id(conn, user_id)
    if grid is None or person is None or not may_remind(conn, user_id, grid.id):
        return Done("forbidden")
    found, _ = people(conn, grid.id, source, building)
    if not found:
        return Done("no_people")
    batch_id = reminders_db.create(conn, grid_id=grid.id, worker_id=person.id, created_by=user_id, source=source,
                                   building=part(building, "building") if building else "", place=place,
                                   at=stamp(at), now=stamp(now), people=found)
    tasks_db.arm(conn, "reminder", batch_id, stamp(at))
    return Done("created", {"count": len(found), "at": notify.local_time(stamp(at), settings), "id": batch_id})


def fire_send(conn: sqlite3.Connection, settings: Settings, batch_id: int, now: datetime) -> str:
    """The time has come: each person on the list gets the reminder with its buttons, once."""
    batch = reminders_db.batch(conn, batch_id)
    if batch is None:
        return "stale"
    ts = stamp(now)
    for reminder in reminders_db.of_batch(conn, batch.id):
        if reminder.status != "scheduled":
            continue
        reminders_db.set_status(conn, reminder.id, "sent")
        locale = locale_for(people_db.language_of(conn, reminder.user_id), settings.locale)
        buttons = keyboard([[button("tasks/remind/answer", locale, f"rd|{reminder.id}|{a}", value=a)
                             for a in ANSWERS]])
        notify.to_user(conn, settings, reminder.user_id, "tasks/remind/reminder", "reminder", ts, priority=TASK,
                       reply_markup=buttons, batch=_view(batch, settings))
    tasks_db.arm(conn, "reminder_grace", batch.id, stamp(now + timedelta(minutes=settings.reminder_grace_minutes)))
    return "sent"


def fire_grace(conn: sqlite3.Connection, settings: Settings, batch_id: int, now: datetime) -> str:
    """The grace is over: the worker gets the list, the unanswered with their contact."""
    batch = reminders_db.batch(conn, batch_id)
    if batch is None:
        return "stale"
    staff = owner(conn, batch.worker_id, batch.grid_id)
    if staff is None or staff.telegram_user_id is None:
        return "unreachable"
    notify.to_user(conn, settings, staff.telegram_user_id, "tasks/remind/unanswered", "reminder_list", stamp(now),
                   priority=TASK, person_id=staff.person_id, **listing(conn, settings, batch))
    return "listed"


def answer(conn: sqlite3.Connection, settings: Settings, user_id: int, reminder_id: int, value: str,
           now: datetime) -> Done:
    found = reminders_db.reminder(conn, reminder_id)
    if found is None or found.user_id != user_id or found.status == "scheduled":
        return Done("forbidden")
    if value not in ANSWERS:
        return Done("stale")
    if found.status != "sent":
        return Done("already")
    reminders_db.set_status(conn, found.id, "done" if value == "done" else "cannot", stamp(now))
    return Done(value)


def listing(conn: sqlite3.Connection, settings: Settings, batch: Batch) -> dict[str, Any]:
    rows = reminders_db.of_batch(conn, batch.id)
    return {"batch": _view(batch, settings), "done": [r for r in rows if r.status == "done"],
            "cannot": [r for r in rows if r.status == "cannot"],
            "waiting": [r for r in rows if r.status in ("scheduled", "sent")]}


def lists_of(conn: sqlite3.Connection, settings: Settings, user_id: int) -> list[dict[str, Any]] | None:
    """/reminders: the person's latest reminders and who is done (None: not staff)."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    return [listing(conn, settings, b) for b in reminders_db.of_worker(conn, person.id)]


def _view(batch: Batch, settings: Settings) -> dict[str, Any]:
    return {"id": batch.id, "place": batch.place, "at": notify.local_time(batch.at, settings),
            "source": batch.source, "building": batch.building}
