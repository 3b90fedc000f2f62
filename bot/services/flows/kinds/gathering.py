"""An application for a gathering (聚集活动申报: 红白事、庙会、大集、宴会): what, the day and the hours, where, how
many people, the organizer and their phone, the measures taken, photos if any. Who approves it depends on its
size (`bot.services.gatherings`)."""

from __future__ import annotations

import re
from typing import Any

from bot.services.flows.attachments import MEDIA, PLACE
from bot.services.flows.fields import CHOICE, DATE, LINE, MAX_NAME, PHONE, TEXT, field_type, normalize_code
from bot.services.flows.kinds.base import ButtonRows, ReportKind, register
from bot.services.flows.model import Env, FieldType, Invalid, Result, Step
from db.reports import Report

HOURS = re.compile(r"(\d{1,2})[:：.](\d{2})\s*[-~～至到]+\s*(\d{1,2})[:：.](\d{2})")
MAX_PEOPLE = 100_000
ASK = "gatherings/ask"


def parse_hours(raw: str) -> str:
    """`HH:MM-HH:MM` on one day (full-width digits, ：, ～, 至 accepted), the end after the start."""
    text = normalize_code(raw)
    if not text:
        raise Invalid("empty")
    match = HOURS.fullmatch(text)
    if not match:
        raise Invalid("bad_hours")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
        raise Invalid("bad_hours")
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def parse_count(raw: str) -> int:
    text = normalize_code(raw).rstrip("人").strip()
    if not text:
        raise Invalid("empty")
    if not text.isdigit() or not 0 < int(text) <= MAX_PEOPLE:
        raise Invalid("bad_number", max=MAX_PEOPLE)
    return int(text)


class Hours(FieldType):
    name = "hours"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return parse_hours(raw)


class Count(FieldType):
    name = "count"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return parse_count(raw)


HOURS_FIELD, COUNT = field_type(Hours()), field_type(Count())


def _not_past(env: Env, value: Any) -> None:
    if str(value) < env.today.isoformat():
        raise Invalid("date_in_past")


def _submit(env: Env, form: dict[str, Any]) -> Result:
    from bot.services import gatherings        # imported when used: it imports the report kinds (through notify)

    return gatherings.submit(env, form)


def _buttons(report: Report) -> ButtonRows | None:
    from bot.services import gatherings

    return gatherings.card_buttons(report)


GATHERING = register(ReportKind("gathering", (
    Step("occasion", CHOICE, ("wedding", "funeral", "temple_fair", "market", "banquet", "other"), ask=ASK),
    Step("date", DATE, check=_not_past, ask=ASK),
    Step("hours", HOURS_FIELD, ask=ASK),
    Step("place", PLACE, ask=ASK),
    Step("people", COUNT, ask=ASK),
    Step("organizer", LINE, max_len=MAX_NAME, ask=ASK),
    Step("organizer_phone", PHONE, ask=ASK),
    Step("measures", TEXT, ask=ASK),
    Step("media", MEDIA, into="context"),
), lambda answers, _: "normal", asks_behalf=False, submit=_submit, buttons=_buttons,
    shown=("violation_of", "checked_note")))
