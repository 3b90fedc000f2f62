"""Short conversations a button opens over whatever the person was filling in (taken up again after): the reason
a tip is verified or unfounded, a question relayed to a reporter and its answer, and a gathering's approval,
refusal and check on site. Each submits to its service, which checks again that the person may do it now."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from bot.services.flows import attachments
from bot.services.flows.attachments import MEDIA
from bot.services.flows.fields import CHOICE, TEXT, Choice
from bot.services.flows.model import Env, Flow, Invalid, Result, Step
from db import reports as reports_db

TEMPLATES = {"invalid": "report/invalid", "expired": "casework/input_expired", "cancelled": "asides/cancelled",
             "option": "asides/option", "attached": "report/attached"}


def _report(env: Env) -> Mapping[str, Any]:
    return {"report": reports_db.get(env.conn, int(env.state.context["report_id"])),
            "verdict": env.state.context.get("verdict", "")}


def _declare(name: str, steps: tuple[Step, ...], submit: Callable[[Env], Result], attachments: bool = False
             ) -> Flow:
    return Flow(name, steps, submit, texts="asides", prefix="a", ask_context=_report, aside=True,
                templates=TEMPLATES, columns=1, attachments=attachments)


def _outcome(outcome: Any) -> Result:
    return Result(f"asides/outcome/{outcome.key}", {"report": outcome.report, **(outcome.extra or {})})


def _verdict(env: Env) -> Result:
    from bot.services import tips

    return _outcome(tips.verdict(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                                 env.state.context["verdict"], env.state.answers["text"], env.now))


def _ask(env: Env) -> Result:
    from bot.services import relay

    return _outcome(relay.ask(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                              env.state.answers["text"], env.now))


def _answer(env: Env) -> Result:
    from bot.services import relay

    return _outcome(relay.answer(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                                 env.state.answers["text"], env.now))


class TextOrNone(Choice):
    """Typed text, or the button that says there is none (answered as "")."""

    name = "text_or_none"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return TEXT.parse(step, raw, env)

    def press(self, step: Step, value: str, env: Env) -> Any:
        if value != "none":
            raise Invalid("stale")
        return ""


TEXT_OR_NONE = TextOrNone()

def _approve(env: Env) -> Result:
    from bot.services import gatherings

    return _outcome(gatherings.approve(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                                       env.state.answers["conditions"], env.now))


def _refuse(env: Env) -> Result:
    from bot.services import gatherings

    return _outcome(gatherings.refuse(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                                      env.state.answers["text"], env.now))


def _checked(env: Env) -> Result:
    from bot.services import gathering_checks

    answers = env.state.answers
    return _outcome(gathering_checks.checked(env.conn, env.settings, int(env.state.context["report_id"]), env.user_id,
                                       answers["kept"], answers["note"], attachments.into_details(env.values),
                                       env.now))


TIP_VERDICT = _declare("tip_verdict", (Step("text", TEXT, ask="asides/ask_verdict"),), _verdict)
RELAY_ASK = _declare("relay_ask", (Step("text", TEXT, ask="asides/ask_question"),), _ask)
RELAY_ANSWER = _declare("relay_answer", (Step("text", TEXT, ask="asides/ask_answer"),), _answer)
GATHERING_APPROVE = _declare("gathering_approve", (
    Step("conditions", TEXT_OR_NONE, ("none",), ask="asides/ask_conditions"),), _approve)
GATHERING_REFUSE = _declare("gathering_refuse", (Step("text", TEXT, ask="asides/ask_refusal"),), _refuse)
GATHERING_CHECK = _declare("gathering_check", (
    Step("kept", CHOICE, ("kept", "not_kept"), ask="asides/ask_kept"),
    Step("note", TEXT, ask="asides/ask_check_note"),
    Step("media", MEDIA, into="context"),
), _checked, attachments=True)
FLOWS = [TIP_VERDICT, RELAY_ASK, RELAY_ANSWER, GATHERING_APPROVE, GATHERING_REFUSE, GATHERING_CHECK]
