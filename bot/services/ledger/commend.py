"""Commendation (表彰): a notice drafted from the top of a month's assessment — staff names and their grids,
never residents' data — that goes through the normal broadcast flow (preview, schedule, delivery report)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.broadcasting import Draft
from bot.services.ledger.assessment import Assessment, assess, top
from bot.services.ledger.periods import Period
from bot.services.ledger.screens import Refusal, target
from bot.services.flows import engine, registry, stored
from bot.services.flows.model import ConversationState, Env
from bot.services.views import Screen
from db import audit
from messages import render

TEMPLATE = "commendation"
DEFAULT_TOP = 10


def fields(assessment: Assessment, count: int, locale: str) -> dict[str, str]:
    """The notice's fields: the area, the month, and the honours list (name and grid of each)."""
    return {"area": assessment.area.name,
            "month": render("ledger/month_name", locale, month_start=assessment.period.first),
            "honours": render("ledger/honours", locale, cards=top(assessment, count))}


def draft(assessment: Assessment, count: int, locale: str, *, when: str = "now", at: str = "") -> Draft:
    """A broadcast to the assessed area's groups (`when` now or `at`, as `gridbot broadcast` takes them)."""
    return Draft(assessment.area.code, TEMPLATE, fields(assessment, count, locale), when, at, False)


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, area_id: int, period: Period, now: datetime,
          count: int = DEFAULT_TOP) -> Screen | Refusal:
    """The assessment button: the drafted notice becomes the person's broadcast being composed, at the step
    that chooses its audience; from there it is the normal flow."""
    found = target(conn, user_id, "assessment", area_id=area_id, now=now)
    if isinstance(found, Refusal):
        return found
    assessment = assess(conn, settings, found.area, period, now)
    if not top(assessment, count):
        return Refusal("nobody_to_commend")
    # The template and its fields count as answered (◀️ Back can still change them): the flow asks the audience.
    answers = {"tpl": TEMPLATE, **{f"field.{k}": v for k, v in fields(assessment, count, settings.locale).items()}}
    state = ConversationState("broadcast", answers, tuple(answers))
    stored.save(conn, user_id, state, now)
    audit.record(conn, stamp(now), user_id, "commendation_drafted", f"area:{found.area.code}",
                 month=period.day_from[:7], top=count)
    return engine.show(registry.load("broadcast"), Env(conn, settings, user_id, now, state))


def assessment_for(conn: sqlite3.Connection, settings: Settings, user_id: int, period: Period, now: datetime, *,
                   code: str | None = None, area_id: int | None = None) -> Assessment | Refusal:
    """/assessment: the person's area (or one below it) for a month."""
    found = target(conn, user_id, "assessment", code=code, area_id=area_id, now=now)
    if isinstance(found, Refusal):
        return found
    return assess(conn, settings, found.area, period, now)

