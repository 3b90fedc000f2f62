"""Publicity broadcasts (宣传员): compose and check a notice, schedule it, run it to every group chat of an
area through the outbox, and report the delivery when a run is done."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from jinja2 import TemplateError
from markupsafe import escape

from bot.services import notify, spoken
from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.core.errors import GridbotError
from bot.services.org import ADMIN_ROLES
from bot.core.telegram_html import EntityError, parse_html
from db import areas as areas_db
from db import audit, outbox
from db import broadcasts as broadcasts_db
from db import people as people_db
from db.areas import Area
from messages import render, variables_of

log = logging.getLogger(__name__)
NOTICES = ("epidemic", "rumour", "tip_reward", "test_reminder", "commendation")
MAX_BODY = 20_000
HH_MM = r"([01]?\d|2[0-3]):([0-5]\d)"           # a time of day as typed: 9:05, 09:05, 23:59
WEEKDAYS = {"1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat", "7": "sun"}


class ComposeError(GridbotError):
    """A broadcast that cannot be accepted: `key` names the message, `context` fills it."""


# ----- composing ----------------------------------------------------------------------------
def notice_fields(name: str, locale: str) -> list[str]:
    """The fields a notice template asks for, in the order they appear (the same in every locale)."""
    return variables_of(f"notices/{name}")


def render_notice(name: str | None, fields: dict[str, str], locale: str) -> str:
    """The HTML the groups will receive; ComposeError if it does not render or Telegram would refuse it."""
    if name is None:
        body = str(escape(fields.get("text", "")))
    else:
        if name not in NOTICES:
            raise ComposeError("unknown_template", name=name)
        try:
            body = render(f"notices/{name}", locale, **fields)
        except TemplateError as exc:
            raise ComposeError("template_failed", name=name, reason=str(exc)) from None
    if not body.strip():
        raise ComposeError("empty_body")
    if len(body) > MAX_BODY:
        raise ComposeError("body_too_long", max=MAX_BODY)
    try:
        parse_html(body)
    except EntityError as exc:
        raise ComposeError("template_failed", name=name or "text", reason=str(exc)) from None
    return body


def parse_schedule(kind: str, value: str, now: datetime, settings: Settings) -> tuple[str, datetime]:
    """(stored schedule, first run) for `now`, `at` ("YYYY-MM-DD HH:MM"), `daily` ("HH:MM"),
    `weekly` ("<1-7> HH:MM", 1 = Monday) or `cron` (five fields)."""
    value = schedule_value(kind, value, now, settings)
    if kind == "now":
        return "now", now
    if kind == "at":
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=settings.tz)
        except ValueError:
            raise ComposeError("bad_time", value=value) from None
        if moment < now - timedelta(minutes=1):
            raise ComposeError("time_past", value=value)
        return "at", moment
    if kind == "daily":
        match = re.fullmatch(HH_MM, value)
        expr = f"{int(match[2])} {int(match[1])} * * *" if match else None
    elif kind == "weekly":
        match = re.fullmatch(rf"([1-7])\s+{HH_MM}", value)
        expr = f"{int(match[3])} {int(match[2])} * * {WEEKDAYS[match[1]]}" if match else None
    elif kind == "cron":
        expr = value
    else:
        raise ComposeError("bad_schedule", value=kind)
    if expr is None:
        raise ComposeError("bad_time", value=value)
    first = next_fire(expr, now, settings)
    if first is None:
        raise ComposeError("bad_cron", value=value)
    return expr, first


def schedule_value(kind: str, value: str, now: datetime, settings: Settings) -> str:
    """The value as `parse_schedule` stores it when typed as people say it (`明天上午9点` → `2026-04-10 09:00`,
    `每天8点` → `08:00`, `每周一9点` → `1 09:00`); else as typed, trimmed (its reason then names it)."""
    value = value.strip()
    local_now = now.astimezone(settings.tz)
    if kind == "at" and not re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}} {HH_MM}", value):
        moment = spoken.read_moment(value, local_now)
        return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else value
    if kind == "daily" and not re.fullmatch(HH_MM, value):
        return spoken.read_daily(value) or value
    if kind == "weekly" and not re.fullmatch(rf"([1-7])\s+{HH_MM}", value):
        return spoken.read_weekly(value) or value
    return value


def next_fire(schedule: str, after: datetime, settings: Settings) -> datetime | None:
    """The first time a cron schedule fires strictly after `after` (None for one-off schedules)."""
    if schedule in ("now", "at"):
        return None
    try:
        trigger = CronTrigger.from_crontab(schedule, timezone=settings.tz)
    except ValueError:
        raise ComposeError("bad_cron", value=schedule) from None
    fire: datetime | None = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    return fire


# ----- who may reach whom ----------------------------------------------------------------------
def scopes(conn: sqlite3.Connection, user_id: int) -> list[Area]:
    """The areas a person may broadcast to (and everything below them)."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return []
    out = []
    for role in people_db.roles_of(conn, person.id):
        if role.role == "grid_leader" or role.role in ADMIN_ROLES:
            out.append(areas_db.load(conn, role.area_id))
    return out


def in_scope(conn: sqlite3.Connection, user_id: int | None, area_id: int) -> bool:
    """The command line (user None) reaches everything; a person reaches their scopes."""
    if user_id is None:
        return True
    return any(areas_db.within(conn, area_id, scope.id) for scope in scopes(conn, user_id))


def listed_in_scope(conn: sqlite3.Connection, user_id: int) -> list[broadcasts_db.Broadcast]:
    """Active and paused broadcasts a person may see and manage."""
    return [b for b in broadcasts_db.listed(conn) if in_scope(conn, user_id, b.audience_id)]


@dataclass(frozen=True)
class Draft:
    audience: str
    template: str | None
    fields: dict[str, str]
    schedule_kind: str
    schedule_value: str
    pin: bool


def create(conn: sqlite3.Connection, settings: Settings, user_id: int | None, draft: Draft, now: datetime
           ) -> tuple[int, int, datetime]:
    """Check and store a broadcast: (id, number of groups it reaches now, first run)."""
    area = areas_db.by_code(conn, draft.audience)
    if area is None:
        raise ComposeError("unknown_area", code=draft.audience)
    if not in_scope(conn, user_id, area.id):
        raise ComposeError("out_of_scope", code=area.code)
    body = render_notice(draft.template, draft.fields, settings.locale)
    schedule, first = parse_schedule(draft.schedule_kind, draft.schedule_value, now, settings)
    ts = stamp(now)
    broadcast_id = broadcasts_db.create(conn, ts, created_by=user_id, audience_id=area.id, template=draft.template,
                                        fields=draft.fields, body=body, schedule=schedule, pin=draft.pin,
                                        next_run_at=stamp(first))
    audit.record(conn, ts, user_id, "broadcast_created", f"broadcast:{broadcast_id}", audience=area.code,
                 schedule=schedule)
    return broadcast_id, len(broadcasts_db.groups_under(conn, area.id)), first


def change_status(conn: sqlite3.Connection, settings: Settings, user_id: int | None, broadcast_id: int, action: str,
                  now: datetime) -> str:
    """pause, resume or cancel a broadcast in the person's scope; returns the outcome key."""
    broadcast = broadcasts_db.get(conn, broadcast_id)
    if broadcast is None or action not in ("pause", "resume", "cancel"):
        return "not_found"
    if not in_scope(conn, user_id, broadcast.audience_id):
        return "forbidden"
    allowed = {"pause": ("active",), "resume": ("paused",), "cancel": ("active", "paused")}[action]
    if broadcast.status not in allowed:
        return f"cannot_{action}"
    changes: dict[str, Any] = {"status": {"pause": "paused", "resume": "active", "cancel": "cancelled"}[action]}
    following = next_fire(broadcast.schedule, now, settings) if action == "resume" else None
    if following is not None:                   # a recurring schedule resumes at its next time, not a past one
        changes["next_run_at"] = stamp(following)
    broadcasts_db.update(conn, broadcast_id, **changes)
    audit.record(conn, stamp(now), user_id, f"broadcast_{action}", f"broadcast:{broadcast_id}")
    return {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action]


# ----- running ----------------------------------------------------------------------------------
def fire_due(conn: sqlite3.Connection, settings: Settings, now: datetime) -> list[int]:
    """Start a run of every broadcast that is due; an occurrence missed by more than the grace time (the bot
    was down) is skipped and logged. Returns the runs started."""
    started = []
    grace = timedelta(minutes=settings.broadcast_grace_minutes)
    ts = stamp(now)
    for broadcast in broadcasts_db.due(conn, ts):
        if broadcast.next_run_at is None:       # due() selects only broadcasts with a next run
            continue
        occurrence = parse_stamp(broadcast.next_run_at)
        latest = occurrence                     # the last occurrence already due (one-offs have only one)
        while (following := next_fire(broadcast.schedule, latest, settings)) is not None and following <= now:
            latest = following
        if now - latest > grace:
            broadcasts_db.start_run(conn, broadcast.id, stamp(latest), ts, status="skipped")
            log.warning("broadcast %s: the run due at %s was missed by more than %s; skipped",
                        broadcast.id, stamp(latest), grace)
            audit.record(conn, ts, None, "broadcast_run_skipped", f"broadcast:{broadcast.id}", due=stamp(latest))
        else:
            if latest != occurrence:
                broadcasts_db.start_run(conn, broadcast.id, stamp(occurrence), ts, status="skipped")
            run_id = _start_run(conn, broadcast, stamp(latest), ts)
            if run_id is not None:
                started.append(run_id)
        following = next_fire(broadcast.schedule, now, settings)
        if following is None:
            broadcasts_db.update(conn, broadcast.id, status="done", next_run_at=None)
        else:
            broadcasts_db.update(conn, broadcast.id, next_run_at=stamp(following))
    return started


def _start_run(conn: sqlite3.Connection, broadcast: broadcasts_db.Broadcast, scheduled_for: str, now: str
               ) -> int | None:
    run_id = broadcasts_db.start_run(conn, broadcast.id, scheduled_for, now)
    if run_id is None:
        return None
    groups = broadcasts_db.groups_under(conn, broadcast.audience_id)
    purpose = "broadcast_pin" if broadcast.pin else "broadcast"
    for group in groups:
        ref = f"run:{run_id}:{group['area_id']}"
        if group["bot_status"] == "removed":
            outbox.add_failed(conn, now, chat_id=group["chat_id"], purpose=purpose, error="removed", ref=ref)
        else:
            outbox.add(conn, now, chat_id=group["chat_id"], text=broadcast.body, purpose=purpose,
                       priority=outbox.BROADCAST, ref=ref)
    broadcasts_db.set_run(conn, run_id, total=len(groups))
    return run_id


def failure_reason(error: str | None) -> str:
    """A delivery error, as one of the reasons people are told: removed, not_found, other."""
    text = (error or "").lower()
    if text == "removed" or "kicked" in text or "not a member" in text or "bot was blocked" in text:
        return "removed"
    if "chat not found" in text:
        return "not_found"
    return "other"


def finish_runs(conn: sqlite3.Connection, settings: Settings, now: datetime) -> list[int]:
    """Close every run with nothing left to send: count it, report to whoever scheduled it, and tell the grid
    leaders of groups the bot was removed from."""
    finished = []
    ts = stamp(now)
    for run in broadcasts_db.sending_runs(conn):
        # Every tick while a run sends: one look at the queue; the run's rows are read once, when it is done.
        if broadcasts_db.has_pending(conn, run.id):
            continue
        rows = broadcasts_db.deliveries(conn, run.id)
        delivered = sum(r["status"] == "sent" for r in rows)
        unpinned = sum(r["status"] == "sent" and (r["error"] or "").startswith("pin:") for r in rows)
        failures = []
        for row in rows:
            if row["status"] != "failed":
                continue
            grid = areas_db.load(conn, int(row["ref"].rsplit(":", 1)[1]))
            reason = failure_reason(row["error"])
            failures.append({"grid": grid, "reason": reason, "error": row["error"] or ""})
            if reason == "removed":
                for leader in people_db.staff_at(conn, grid.id, "grid_leader"):
                    if leader.telegram_user_id is not None and leader.reachable:
                        notify.to_user(conn, settings, leader.telegram_user_id, "broadcast/group_removed",
                                       "leader_notice", ts, person_id=leader.person_id, grid=grid)
        broadcasts_db.set_run(conn, run.id, status="done", delivered=delivered, failed=len(failures), finished_at=ts)
        broadcast = broadcasts_db.load(conn, run.broadcast_id)
        if broadcast.created_by is not None:
            notify.to_user(conn, settings, broadcast.created_by, "broadcast/report", "broadcast_report", ts,
                           broadcast=broadcast, delivered=delivered, total=len(rows), failures=failures,
                           unpinned=unpinned)
        finished.append(run.id)
    return finished
