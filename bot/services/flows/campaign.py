"""Door-knocking in private: launching a campaign (/campaign's button; the area, a title, the due time, a
confirmation — buttons `cp|…`), and what an issue found at a door is (`ci|…`), which becomes a report."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.clock import parse_stamp
from bot.core.config import Settings
from bot.services import broadcasting, campaign_issues, campaigns, notify
from bot.services.flows import engine, registry
from bot.services.flows.fields import CHOICE, LINE, TEXT
from bot.services.flows.model import Confirmation, Env, Flow, Result, Step
from bot.services.flows.pickers import AREA, in_scope, scope_areas
from bot.services.flows.remind import WHEN
from bot.services.tasks_common import Done
from bot.services.views import Screen, notice
from db import areas as areas_db
from db import campaigns as campaigns_db
from db import households as households_db

TEXTS = {"invalid": "tasks/invalid", "expired": "tasks/expired", "cancelled": "tasks/campaign/cancelled"}


def _confirm(env: Env) -> Confirmation:
    area = areas_db.by_code(env.conn, str(env.values["area"]))
    assert area is not None                          # checked when answered; areas are never deleted
    count = households_db.count_in(env.conn, campaigns_db.grids_under(env.conn, area.id))
    return Confirmation({"area": area, "campaign_title": env.values["title"], "households": count,
                         "due_at": notify.local_time(str(env.values["due"]), env.settings)})


def _launch(env: Env) -> Result:
    done = campaigns.launch(env.conn, env.settings, env.user_id, area_code=str(env.values["area"]),
                            title=str(env.values["title"]), due=parse_stamp(str(env.values["due"])), now=env.now)
    return Result(f"tasks/campaign/{done.key}", done.context)


def _issue(env: Env) -> Result:
    done = campaign_issues.record_issue(env.conn, env.settings, env.user_id, int(env.state.context["door_id"]),
                                        str(env.state.answers["category"]), str(env.state.answers["text"]), env.now)
    return Result(f"tasks/campaign/{done.key}" if done.key == "issue_filed" else
                  f"tasks/campaign/outcome/{done.key}", done.context)


LAUNCH = registry.register(Flow("campaign", (
    Step("area", AREA, scope_areas, check=in_scope),
    Step("title", LINE, max_len=60),
    Step("due", WHEN),
), _launch, texts="tasks/campaign/launch", prefix="cp", confirm=_confirm, columns=1, tick_after_submit=True,
    templates=TEXTS))
ISSUE = registry.register(Flow("door_issue", (
    Step("category", CHOICE, campaign_issues.CATEGORIES),
    Step("text", TEXT),
), _issue, texts="tasks/campaign/issue", prefix="ci", aside=True, columns=3, templates=TEXTS))


def begin_launch(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> Screen:
    """/campaign's launch button: grid leaders and admins only."""
    if not broadcasting.scopes(conn, user_id):
        return notice("tasks/campaign/not_allowed")
    return engine.start(conn, settings, user_id, LAUNCH.name, now)


def begin_issue(conn: sqlite3.Connection, settings: Settings, user_id: int, door_id: int, now: datetime
                ) -> tuple[Done, Screen | None]:
    """⚠️ at a door: what the issue is, asked in a small aside."""
    done = campaign_issues.may_report(conn, settings, user_id, door_id)
    if done.key != "ok":
        return done, None
    return done, engine.start(conn, settings, user_id, ISSUE.name, now, context={"door_id": door_id})
