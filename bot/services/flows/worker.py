"""A worker's note on a report, or its outcome: one text, asked from the card's button (see
`intake.ask_worker_text`), then back to whatever the worker was filling in before."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping

from bot.core.config import Settings
from bot.services import casework
from bot.services.flows.fields import TEXT
from bot.services.flows.model import Env, Flow, Result, Step
from db import reports as reports_db



def _report(env: Env) -> Mapping[str, Any]:
    return {"report": reports_db.get(env.conn, int(env.state.context["report_id"]))}


def _declare(name: str, act: Callable[[Any, Settings, int, int, str, datetime], casework.Outcome]) -> Flow:
    def submit(env: Env) -> Result:
        outcome = act(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                      env.state.answers["text"], env.now)
        return Result(f"casework/outcome/{outcome.key}", {"report": outcome.report, **(outcome.extra or {})})

    return Flow(name, (Step("text", TEXT, ask=f"casework/ask_{name}"),), submit, texts="casework", prefix="w",
                ask_context=_report, navigation=False, aside=True,
                templates={"invalid": "report/invalid", "expired": "casework/input_expired"})


NOTE = _declare("note", casework.add_note)
RESOLVE = _declare("resolve", casework.resolve)
FLOWS = (NOTE, RESOLVE)
