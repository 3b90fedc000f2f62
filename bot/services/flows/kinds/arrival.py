"""An arrival (来/返报备): who came, from where and when, how they travelled, their health and latest test."""

from __future__ import annotations

from bot.services.flows.fields import CHOICE, DATE, MAX_NAME, OWN_NAME, OWN_PHONE, TEXT
from bot.services.flows.kinds.base import Priority, ReportKind, register
from bot.services.flows.model import Step, Values


def priority(answers: Values, risk_areas: tuple[str, ...]) -> Priority:
    """High for arrivals from a risk area, or with symptoms or a positive test."""
    origin = str(answers.get("origin", ""))
    if any(area and area in origin for area in risk_areas):
        return "high"
    if answers.get("health") in ("fever", "cough") or answers.get("test_result") == "positive":
        return "high"
    return "normal"


ARRIVAL = register(ReportKind("arrival", (
    Step("name", OWN_NAME, max_len=MAX_NAME),
    Step("phone", OWN_PHONE),
    Step("origin", TEXT),
    Step("arrival_date", DATE),
    Step("address", TEXT),
    Step("travel", CHOICE, ("car", "train", "plane", "coach", "other")),
    Step("health", CHOICE, ("normal", "fever", "cough", "other")),
    Step("test_result", CHOICE, ("negative", "positive", "none")),
    Step("test_date", DATE, when=lambda a: a.get("test_result") != "none", past_only=True),
    Step("companions", TEXT),
), priority, shown=("description", "from_tip")))          # an arrival made from a tip (bot.services.tips)
