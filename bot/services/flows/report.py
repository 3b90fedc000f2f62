"""The report form: the grid (from the group's link, or chosen), the kind, for whom, then the kind's own steps
(`kinds/`), a confirmation, and submitting it as a report. Photos, files and a place sent at a free-text step or
at the confirmation go with it."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot.core.config import Settings
from bot.services import casework
from bot.services.flows import attachments
from bot.services.flows.fields import CHOICE
from bot.services.flows.kinds import REPORT_KINDS
from bot.services.flows.model import Confirmation, Env, Flow, Option, Result, Step, Values
from bot.services.flows.pickers import GridPicker
from bot.services.flows.sequence import active_steps
from db import areas as areas_db


def _kinds(env: Env) -> list[Option]:
    return [Option(name) for name in REPORT_KINDS]


def _admit(env: Env, kind: Any) -> None:
    found = REPORT_KINDS.get(str(kind))
    if found is not None and found.admit is not None:
        found.admit(env)


def _asks_behalf(values: Values) -> bool:
    kind = REPORT_KINDS.get(str(values.get("kind")))
    return kind is None or kind.asks_behalf


def _kind_steps(values: Values, settings: Settings) -> Sequence[Step]:
    kind = REPORT_KINDS.get(str(values.get("kind")))
    return kind.steps if kind is not None else ()


def _grid(env: Env) -> Mapping[str, Any]:
    return {"grid": areas_db.by_code(env.conn, env.state.context["grid"])}


def _confirm(env: Env) -> Confirmation:
    rows = [(s.key, env.state.answers[s.key]) for s in active_steps(FLOW, env.values, env.settings)
            if s.into == "answers"]
    files, place = attachments.held(env.values)
    return Confirmation({"rows": rows, "attached": attachments.counts(files, place), **_grid(env)})


def _submit(env: Env) -> Result:
    answers = {**env.state.answers, **attachments.into_details(env.values)}
    form = {"grid": env.state.context["grid"], "answers": answers}
    kind = REPORT_KINDS[str(answers["kind"])]
    if kind.submit is not None:
        return kind.submit(env, form)
    report = casework.submit(env.conn, env.settings, env.user_id, form, env.now)
    return Result("report/toast_submitted", {"report": report}, toast=True)


GRID = Step("grid", GridPicker("report/ask_community", "report/ask_grid"), into="context")
FLOW = Flow("report", (
    GRID,
    Step("kind", CHOICE, _kinds, check=_admit),
    Step("behalf", CHOICE, ("self", "other"), when=_asks_behalf),
    _kind_steps,
), _submit, texts="report", confirm=_confirm, ask_context=_grid, attachments=True)
