"""The small conversations around a check-in: the resident's optional temperature after an answer (`tp|…`, a
skip button), and the worker's record of a phone or doorstep check for a missed one (`mk|…`)."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from bot.core.config import Settings
from bot.services import checkins
from bot.services.flows import engine, registry
from bot.services.flows.fields import CHOICE, field_type, normalize_code
from bot.services.flows.model import Env, FieldType, Flow, Invalid, Result, Step
from bot.services.tasks_common import Done
from bot.services.views import Screen

SKIP = "skip"
NUMBER = re.compile(r"(\d{2}(?:[.,]\d)?)\s*(?:°?\s*[cC]|℃|度)?")
TEXTS = {"invalid": "tasks/invalid", "expired": "tasks/expired", "cancelled": "tasks/checkin/check_cancelled"}


class Temperature(FieldType):
    """Degrees Celsius typed (36.8, 36,8, 36.8℃, 37度), or the skip button."""

    name = "temperature"
    pressable = True

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        text = normalize_code(raw)
        if not text:
            raise Invalid("empty")
        match = NUMBER.fullmatch(text)
        value = float(match[1].replace(",", ".")) if match else 0.0
        low, high = checkins.TEMPERATURES
        if not low <= value <= high:
            raise Invalid("bad_temperature", low=low, high=high)
        return value


TEMPERATURE = field_type(Temperature())


def _temperature(env: Env) -> Result:
    value = env.state.answers["temperature"]
    done = checkins.record_temperature(env.conn, env.settings, env.user_id, int(env.state.context["checkin_id"]),
                                       None if value == SKIP else float(value), env.now)
    return Result(f"tasks/checkin/{done.key}", done.context)


def _check(env: Env) -> Result:
    answers = env.state.answers
    done = checkins.record_check(env.conn, env.settings, env.user_id, int(env.state.context["checkin_id"]),
                                 str(answers["method"]), str(answers["health"]), env.now)
    return Result(f"tasks/checkin/{done.key}" if done.key.startswith("checked") else
                  f"casework/outcome/{done.key}", done.context)


TEMPERATURE_FLOW = registry.register(Flow(
    "temperature", (Step("temperature", TEMPERATURE, (SKIP,)),), _temperature, texts="tasks/checkin/temperature",
    prefix="tp", navigation=False, aside=True, columns=1, templates=TEXTS))
CHECK_FLOW = registry.register(Flow(
    "checkcall", (Step("method", CHOICE, ("phone", "doorstep")), Step("health", CHOICE, checkins.ANSWERS)),
    _check, texts="tasks/checkin/check", prefix="mk", aside=True, templates=TEXTS))


def after_answer(conn: sqlite3.Connection, settings: Settings, user_id: int, checkin_id: int, value: str,
                 now: datetime) -> tuple[Done, Screen | None]:
    """A check-in button pressed: the answer recorded, then the temperature asked (an aside: a form the resident
    was filling in waits)."""
    done = checkins.answer(conn, settings, user_id, checkin_id, value, now)
    if done.key not in ("recorded", "abnormal"):
        return done, None
    return done, engine.start(conn, settings, user_id, TEMPERATURE_FLOW.name, now, context={"checkin_id": checkin_id})


def begin_check(conn: sqlite3.Connection, settings: Settings, user_id: int, checkin_id: int, now: datetime
                ) -> tuple[Done, Screen | None]:
    """The missed check-in's button: the worker records how they checked and what they found."""
    done = checkins.may_check(conn, user_id, checkin_id, now)
    if done.key != "ok":
        return done, None
    return done, engine.start(conn, settings, user_id, CHECK_FLOW.name, now, context={"checkin_id": checkin_id})
