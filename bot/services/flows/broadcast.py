"""Composing a broadcast in private: a notice template and its fields (or free text), the audience, when, whether
to pin; a preview, then it is scheduled. Buttons keep their `b|tpl|…`, `b|aud|…`, `b|when|…`, `b|pin|…`, `b|ok`."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import broadcasting
from bot.services.broadcasting import MAX_BODY, NOTICES, ComposeError, Draft
from bot.services.flows.fields import CHOICE, TEXT, field_type, normalize_code
from bot.services.flows.model import Confirmation, Env, FieldType, Flow, Invalid, Refused, Result, Step, Values
from bot.services.flows.pickers import AREA, in_scope, scope_areas
from bot.services.notify import local_time
from bot.services.views import Message
from db import areas as areas_db
from db import broadcasts as broadcasts_db

SCHEDULE_KINDS = ("now", "at", "daily", "weekly", "cron")
FREE = "free"
MAX_FIELD = 1000


class Schedule(FieldType):
    """A time for the kind of schedule answered at `step.source` (see `broadcasting.parse_schedule`)."""

    name = "schedule"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        text = normalize_code(raw)
        if not text:
            raise Invalid("empty")
        kind = str(env.values[step.source])
        value = broadcasting.schedule_value(kind, text, env.now, env.settings)
        try:
            broadcasting.parse_schedule(kind, value, env.now, env.settings)
        except ComposeError as exc:
            raise Invalid(exc.key, **exc.context) from None
        return value                     # as understood, so that the preview shows the time it will run


SCHEDULE = field_type(Schedule())


def _draft(values: Values) -> Draft:
    template = str(values["tpl"])
    fields = {"text": values["text"]} if template == FREE else \
        {k.removeprefix("field."): v for k, v in values.items() if k.startswith("field.")}
    return Draft(values["aud"], None if template == FREE else template, fields, values["when"],
                 values.get("when_value", ""), values["pin"] == "1")


def _refused(exc: ComposeError) -> Refused:
    return Refused("broadcast/refused", reason=Message(f"broadcast/error/{exc.key}", exc.context))


def _free_text_renders(env: Env, text: Any) -> None:
    try:
        broadcasting.render_notice(None, {"text": str(text)}, env.settings.locale)
    except ComposeError as exc:
        raise Invalid(exc.key, **exc.context) from None


def _field_steps(values: Values, settings: Settings) -> Sequence[Step]:
    """One step a field of the chosen notice template; the last checks that the notice renders."""
    template = values.get("tpl")
    if template not in NOTICES:
        return ()
    names = broadcasting.notice_fields(str(template), settings.locale)

    def renders(env: Env, last: Any) -> None:
        fields = {k.removeprefix("field."): v for k, v in env.values.items() if k.startswith("field.")}
        try:
            broadcasting.render_notice(str(template), {**fields, names[-1]: last}, env.settings.locale)
        except ComposeError as exc:
            raise _refused(exc) from None

    return [Step(f"field.{name}", TEXT, max_len=MAX_FIELD, ask="broadcast/ask_field", ask_context=_asking(name),
                 check=renders if i == len(names) - 1 else None) for i, name in enumerate(names)]


def _asking(name: str) -> Callable[[Values], Mapping[str, Any]]:
    return lambda _: {"field": name}


def _confirm(env: Env) -> Confirmation:
    draft = _draft(env.values)
    area = areas_db.by_code(env.conn, draft.audience)
    assert area is not None                          # checked when answered; areas are never deleted
    body = broadcasting.render_notice(draft.template, draft.fields, env.settings.locale)
    return Confirmation({"body": body, "area": area, "groups": len(broadcasts_db.groups_under(env.conn, area.id)),
                         "when": draft.schedule_kind, "when_value": draft.schedule_value, "pin": draft.pin},
                        preamble=(body,))


def _submit(env: Env) -> Result:
    draft = _draft(env.values)
    try:
        broadcast_id, groups, first = broadcasting.create(env.conn, env.settings, env.user_id, draft, env.now)
    except ComposeError as exc:
        raise _refused(exc) from None
    return Result("broadcast/created", {"id": broadcast_id, "groups": groups, "when": draft.schedule_kind,
                                        "first": local_time(stamp(first), env.settings)})


FLOW = Flow("broadcast", (
    Step("tpl", CHOICE, (*NOTICES, FREE), ask="broadcast/ask_template"),
    _field_steps,
    Step("text", TEXT, when=lambda v: v.get("tpl") == FREE, max_len=MAX_BODY, check=_free_text_renders,
         ask="broadcast/ask_text"),
    Step("aud", AREA, scope_areas, check=in_scope, ask="broadcast/ask_audience"),
    Step("when", CHOICE, SCHEDULE_KINDS, ask="broadcast/ask_when"),
    Step("when_value", SCHEDULE, when=lambda v: v.get("when", "now") != "now", source="when",
         ask="broadcast/ask_when_value", ask_context=lambda v: {"schedule": v["when"]}),
    Step("pin", CHOICE, ("1", "0"), columns=2, ask="broadcast/ask_pin"),
), _submit, texts="broadcast", prefix="b", confirm=_confirm, submit_word="ok", columns=1, tick_after_submit=True,
    templates={"confirm": "broadcast/preview", "invalid": "broadcast/error"})
