"""The report forms as data, and the pure rules for answering them step by step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from bot.core.errors import GridbotError
from bot.services.org_import import normalize_phone

MAX_TEXT = 500
MAX_NAME = 50
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
RELATIVE_DAYS = {"今天": 0, "昨天": -1, "明天": 1, "前天": -2, "today": 0, "yesterday": -1, "tomorrow": 1}


@dataclass(frozen=True)
class Step:
    key: str
    kind: str                                   # choice, text, phone, date
    options: tuple[str, ...] = ()
    max_len: int = MAX_TEXT
    when: Callable[[dict[str, Any]], bool] | None = None
    past_only: bool = False


KIND = Step("kind", "choice", ("arrival", "dispute"))
BEHALF = Step("behalf", "choice", ("self", "other"))
FLOWS: dict[str, tuple[Step, ...]] = {
    "arrival": (
        Step("name", "text", max_len=MAX_NAME),
        Step("phone", "phone"),
        Step("origin", "text"),
        Step("arrival_date", "date"),
        Step("address", "text"),
        Step("travel", "choice", ("car", "train", "plane", "coach", "other")),
        Step("health", "choice", ("normal", "fever", "cough", "other")),
        Step("test_result", "choice", ("negative", "positive", "none")),
        Step("test_date", "date", when=lambda a: a.get("test_result") != "none", past_only=True),
        Step("companions", "text"),
    ),
    "dispute": (
        Step("category", "choice", ("neighbours", "family", "property", "labour", "epidemic", "other")),
        Step("parties", "text"),
        Step("place", "text"),
        Step("description", "text"),
        Step("urgency", "choice", ("normal", "urgent")),
    ),
}


class Invalid(GridbotError):
    """A typed answer that does not fit: `key` names the message, `context` fills it."""


def new_form(grid: str | None) -> dict[str, Any]:
    return {"flow": "report", "grid": grid, "answers": {}, "trail": []}


def steps(form: dict[str, Any]) -> list[Step]:
    answers = form["answers"]
    out = [KIND, BEHALF]
    kind = answers.get("kind")
    if kind in FLOWS:
        out += [s for s in FLOWS[kind] if s.when is None or s.when(answers)]
    return out


def current(form: dict[str, Any]) -> Step | None:
    """The step to ask next; None when every answer is in (the confirmation screen)."""
    return next((s for s in steps(form) if s.key not in form["answers"]), None)


def parse(step: Step, raw: str, today: date) -> Any:
    """Validate a typed answer for `step`; raise Invalid with the reason."""
    text = raw.strip()
    if not text:
        raise Invalid("empty")
    if step.kind == "choice":
        raise Invalid("use_buttons")
    if step.kind == "phone":
        phone = normalize_phone(text)
        if not PHONE_RE.match(phone):
            raise Invalid("bad_phone")
        return phone
    if step.kind == "date":
        return _parse_date(text, today, step.past_only).isoformat()
    if len(text) > step.max_len:
        raise Invalid("too_long", max=step.max_len, length=len(text))
    return text


def _parse_date(text: str, today: date, past_only: bool) -> date:
    if text.lower() in RELATIVE_DAYS:
        day = today + timedelta(days=RELATIVE_DAYS[text.lower()])
    else:
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if not match:
            raise Invalid("bad_date")
        try:
            day = date(*(int(g) for g in match.groups()))
        except ValueError:
            raise Invalid("bad_date") from None
    if past_only and day > today:
        raise Invalid("date_in_future")
    if abs((day - today).days) > 366:
        raise Invalid("date_out_of_range")
    return day


def answer(form: dict[str, Any], step: Step, value: Any) -> dict[str, Any]:
    """A copy of `form` with `value` as the answer to `step` (answers that no longer apply are dropped)."""
    answers = dict(form["answers"])
    answers[step.key] = value
    form = {**form, "answers": answers, "trail": [*form["trail"], step.key]}
    keep = {s.key for s in steps(form)}
    form["answers"] = {k: v for k, v in answers.items() if k in keep}
    form["trail"] = [k for k in form["trail"] if k in keep]
    return form


def back(form: dict[str, Any]) -> dict[str, Any]:
    """A copy of `form` without its last answer."""
    if not form["trail"]:
        return form
    *trail, last = form["trail"]
    answers = {k: v for k, v in form["answers"].items() if k != last}
    return {**form, "answers": answers, "trail": trail}


def choose(form: dict[str, Any], step_key: str, value: str) -> dict[str, Any]:
    """Apply a button press; Invalid('stale') when the button belongs to another question."""
    step = current(form)
    if step is None or step.key != step_key or step.kind != "choice" or value not in step.options:
        raise Invalid("stale")
    return answer(form, step, value)


def priority(kind: str, answers: dict[str, Any], risk_areas: tuple[str, ...]) -> str:
    """High for arrivals from a risk area or with symptoms or a positive test, and urgent or epidemic disputes."""
    if kind == "arrival":
        origin = answers.get("origin", "")
        if any(area and area in origin for area in risk_areas):
            return "high"
        if answers.get("health") in ("fever", "cough") or answers.get("test_result") == "positive":
            return "high"
        return "normal"
    return "high" if answers.get("urgency") == "urgent" or answers.get("category") == "epidemic" else "normal"
