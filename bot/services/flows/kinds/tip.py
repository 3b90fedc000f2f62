"""A tip (举报线索): what it is about, where (an address or a shared place), when, what happened, photos if any,
and whether the tipster stays anonymous. Stored, limited and linked by `bot.services.tips`."""

from __future__ import annotations

from typing import Any

from bot.services.flows.attachments import MEDIA, PLACE
from bot.services.flows.fields import CHOICE, LINE, TEXT
from bot.services.flows.kinds.base import ButtonRows, Priority, ReportKind, register
from bot.services.flows.model import Env, Result, Step, Values
from db.reports import Report

# The services are imported when used: they import the report kinds themselves (through notify).


def _admit(env: Env) -> None:
    from bot.services import tips

    tips.admit(env)


def _submit(env: Env, form: dict[str, Any]) -> Result:
    from bot.services import tips

    return tips.submit(env, form)


def _buttons(report: Report) -> ButtonRows:
    from bot.services import tips

    return tips.card_buttons(report)


def priority(answers: Values, risk_areas: tuple[str, ...]) -> Priority:
    """High for an unreported arrival or a risk; a gathering or anything else waits its normal turn."""
    return "high" if answers.get("subject") in ("arrival", "risk") else "normal"


TIP = register(ReportKind("tip", (
    Step("subject", CHOICE, ("arrival", "gathering", "risk", "other"), columns=1),
    Step("where", PLACE),
    Step("when", LINE, max_len=100),
    Step("description", TEXT),
    Step("media", MEDIA, into="context"),
    Step("anonymous", CHOICE, ("yes", "no"), columns=1),
), priority, asks_behalf=False, admit=_admit, submit=_submit, buttons=_buttons))
