"""The one engine every declared flow runs on: each user input is one call here, inside the caller's transaction
(the one `handlers.common.once` claims the update in), reading and writing the `conversations` table and
returning the `Screen` to show."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any, Mapping

from bot.core.config import Settings
from bot.services.binding import canonical_phone
from bot.services.flows import attachments, choosing, registry
from bot.services.flows.attachments import Attachment
from bot.services.flows.model import ConversationState, Env, Flow, Invalid, Prompt, Refused, Step
from bot.services.flows.stored import Expired, going_on, load, peek, read, resumed, save
from bot.services.flows.sequence import CONFIRM, answer, back, can_back, current, position
from bot.services.views import STALE, Button, Message, Screen, notice
from db import conversations as conv_db

NO_FORM = "report/no_form"
BACK, CANCEL, SUBMIT = Message("buttons/back"), Message("buttons/cancel"), Message("buttons/submit")


def start(conn: sqlite3.Connection, settings: Settings, user_id: int, flow_name: str, now: datetime, *,
          context: Mapping[str, Any] | None = None) -> Screen:
    """Begin `flow_name`, replacing any conversation going on; an aside (a note) keeps the one it interrupts
    (not another aside) to take it up again when it is over."""
    flow = registry.load(flow_name)
    resume = resumed(conn, settings, user_id, now) if flow.aside else None
    if resume is not None and (under := registry.get(resume.flow)) is not None and under.aside:
        resume = resume.resume                           # a note pressed during a note replaces it
    state = ConversationState(flow_name, resume=resume).with_context(**(context or {}))
    save(conn, user_id, state, now)
    return show(flow, Env(conn, settings, user_id, now, state))


def waiting_screen(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> Screen | None:
    """The screen the conversation going on waits at, to ask it again after an input it cannot take (a photo,
    a sticker); None when there is none or it went idle. Reads only: an expired one is dropped by the next
    input, not here."""
    state = peek(conn, settings, user_id, now)
    if state is None:
        return None
    flow = registry.get(state.flow)
    return show(flow, Env(conn, settings, user_id, now, state)) if flow is not None else None


def typed(conn: sqlite3.Connection, settings: Settings, user_id: int, text: str, now: datetime) -> Screen:
    """A text message in private: the answer to the current step."""
    stored = read(conn, user_id)                      # read once: before the input changes it, and for it
    offered = _offers_contact(conn, settings, user_id, now, stored)
    found = going_on(conn, settings, user_id, now, stored)
    return _keyboard(_typed_input(conn, settings, user_id, text, now, found), offered)


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, data: str, now: datetime) -> Screen:
    """A button `<prefix>|…`: checked against the state, so a stale, repeated or forged press does nothing."""
    stored = read(conn, user_id)
    offered = _offers_contact(conn, settings, user_id, now, stored)
    found = going_on(conn, settings, user_id, now, stored)
    return _keyboard(_pressed_input(conn, settings, user_id, data, now, found), offered)


def contact_shared(conn: sqlite3.Connection, settings: Settings, user_id: int, contact_user_id: int | None,
                   phone: str, now: datetime) -> Screen | None:
    """A contact shared in private, taken as the answer to a step that offers Telegram's share-contact button
    when it is the sender's own (someone else's card is refused); None when no step is waiting for one."""
    found = load(conn, settings, user_id, now)
    if not isinstance(found, ConversationState) or (flow := registry.get(found.flow)) is None:
        return None
    env = Env(conn, settings, user_id, now, found)
    step = current(flow, found, settings)
    if step is None or not step.field.offers_contact(step, env):
        return None
    if contact_user_id != user_id:
        return show(flow, env, error=flow.error(Invalid("not_own_contact")))
    try:
        state = _typed(flow, step, canonical_phone(phone), env)
    except Invalid as exc:
        return show(flow, env, error=flow.error(exc))
    except Refused as exc:
        return _refused(env, exc)
    return _keyboard(_advance(flow, env, state), offered=True)


def _offers_contact(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime,
                    stored: tuple[ConversationState, str] | None) -> bool:
    """Whether the screen the person was at offered the share-contact button (as stored before the input)."""
    state = stored[0] if stored is not None else None
    flow = registry.get(state.flow) if state is not None else None
    if state is None or flow is None:
        return False
    step = current(flow, state, settings)
    return step is not None and step.field.offers_contact(step, Env(conn, settings, user_id, now, state))


def _keyboard(screen: Screen, offered: bool) -> Screen:
    """Leaving a step that offered the share-contact button takes the button away."""
    if offered and not screen.toast and screen.keyboard != "contact":
        return replace(screen, keyboard="remove")
    return screen


def _typed_input(conn: sqlite3.Connection, settings: Settings, user_id: int, text: str, now: datetime,
                 found: ConversationState | Expired | None) -> Screen:
    if not isinstance(found, ConversationState):
        return _notgoing_on(found)
    flow = registry.get(found.flow)
    if flow is None:
        conv_db.drop(conn, user_id)
        return notice(NO_FORM)
    env = Env(conn, settings, user_id, now, found)
    step = current(flow, found, settings)
    if step is None:
        return show(flow, env, error=flow.error(Invalid("use_buttons")))
    try:
        state = _typed(flow, step, text, env)
    except Invalid as exc:
        return show(flow, env, error=flow.error(exc))
    except Refused as exc:
        return _refused(env, exc)
    return _advance(flow, env, state)


def _typed(flow: Flow, step: Step, text: str, env: Env) -> ConversationState:
    """The answer typed; at a step with buttons, a button's label typed is taken like a press of it."""
    try:
        value = step.field.parse(step, text, env)
    except Invalid as exc:
        if not step.field.pressable or exc.key == "empty":
            raise
        prompt = step.field.prompt(step, env) or _question(flow, step, env)
        try:
            option = choosing.choose(flow, step, text, prompt)
        except Invalid:
            if exc.key == "use_buttons":
                raise
            raise exc from None                         # the field's own reason (an unknown code) says more
        if prompt.action != step.key:
            if prompt.action not in step.field.actions:
                raise exc from None
            return step.field.act(step, prompt.action, option.value, env)
        value = step.field.press(step, option.value, env)
    if step.check is not None:
        step.check(env, value)
    return answer(flow, env.state, step, value, env.settings)


def attached(conn: sqlite3.Connection, settings: Settings, user_id: int, item: Attachment, now: datetime
             ) -> Screen | None:
    """A photo, video, voice note, document or place sent in private: kept with the form when the step waiting
    takes it, or at the confirmation (answering the step when it does: a caption, a shared place); None when
    nothing waits for one, for the caller to answer as for any other message."""
    found = load(conn, settings, user_id, now)
    if not isinstance(found, ConversationState):
        return None
    flow = registry.get(found.flow)
    if flow is None or not flow.attachments:
        return None
    step = current(flow, found, settings)
    if (step is None and flow.confirm is None) or (step is not None and item.kind not in step.field.takes):
        return None
    env = Env(conn, settings, user_id, now, found)
    try:
        kept = env.at(attachments.add(found, item, settings.attachments_max))
        state, value = step.field.attach(step, item, kept) if step is not None else (kept.state, None)
        if step is not None and value is not None and step.check is not None:
            step.check(env.at(state), value)
    except Invalid as exc:
        return show(flow, env, error=flow.error(exc))
    except Refused as exc:
        return _refused(env, exc)
    if step is not None and value is not None:
        return _advance(flow, env, answer(flow, state, step, value, settings))
    save(conn, user_id, state, now)
    files, place = attachments.held(state.context)
    return show(flow, env.at(state), error=Message(flow.template("attached"),
                                                   {"counts": attachments.counts(files, place)}))


def _pressed_input(conn: sqlite3.Connection, settings: Settings, user_id: int, data: str, now: datetime,
                   found: ConversationState | Expired | None) -> Screen:
    prefix, *args = data.split("|")
    if not isinstance(found, ConversationState):
        return _notgoing_on(found) if isinstance(found, Expired) else STALE
    flow = registry.get(found.flow)
    if flow is None or flow.prefix != prefix or not args:
        return STALE
    env = Env(conn, settings, user_id, now, found)
    action, rest = args[0], args[1:]
    if action == "cancel" and not rest:
        _finish(env)
        return notice(flow.template("cancelled"))
    step = current(flow, found, settings)
    if action == "back":
        if rest != [position(flow, found, settings, step)]:
            return STALE                                       # a back button of an earlier screen
        state = back(flow, found, settings)
        save(conn, user_id, state, now)
        return show(flow, env.at(state))
    if action == flow.submit_word and not rest:
        return _submit(flow, env) if step is None else STALE
    if step is None or len(rest) != 1:
        return STALE
    try:
        if action == step.key and step.field.pressable:
            value = step.field.press(step, rest[0], env)
            if step.check is not None:
                step.check(env, value)
            state = answer(flow, found, step, value, settings)
        elif action in step.field.actions:
            state = step.field.act(step, action, rest[0], env)
        else:
            return STALE
    except Invalid:
        return STALE
    except Refused as exc:
        return _refused(env, exc)
    return _advance(flow, env, state)


def cancel(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> bool:
    """/cancel: end the conversation going on (a form it interrupted is taken up again); False if none was."""
    found = load(conn, settings, user_id, now)
    if not isinstance(found, ConversationState):
        return False
    _finish(Env(conn, settings, user_id, now, found))
    return True


def show(flow: Flow, env: Env, error: Message | None = None) -> Screen:
    """The screen the state is at: its question, or the confirmation."""
    step = current(flow, env.state, env.settings)
    nav = _navigation(flow, env.state, env.settings, step)
    if step is None:
        if flow.confirm is None:                          # submitted as soon as complete: never rests here
            return notice(NO_FORM)
        confirmation = flow.confirm(env)
        submit = Button(f"{flow.prefix}|{flow.submit_word}", SUBMIT)
        return Screen("confirm", Message(flow.template(CONFIRM), confirmation.context), ((submit,), nav),
                      error, confirmation.preamble if error is None else ())
    prompt = step.field.prompt(step, env) or _question(flow, step, env)
    buttons = [Button(f"{flow.prefix}|{prompt.action}|{o.value}", text=o.text) if o.text is not None else
               Button(f"{flow.prefix}|{prompt.action}|{o.value}",
                      Message(flow.template("option"), {"key": step.key, "value": o.value}))
               for o in prompt.options]
    columns = step.columns or flow.columns
    rows = [tuple(buttons[i:i + columns]) for i in range(0, len(buttons), columns)]
    return Screen("ask", Message(prompt.template, prompt.context), tuple(rows) + ((nav,) if nav else ()), error,
                  keyboard="contact" if step.field.offers_contact(step, env) else None)


def _question(flow: Flow, step: Step, env: Env) -> Prompt:
    """The flow's way of asking: its question template (or the step's) told the step, and the step's options."""
    context = {"step": step.key, "kind": step.field.name, "answers": env.state.answers,
               **(flow.ask_context(env) if flow.ask_context else {}),
               **(step.ask_context(env.values) if step.ask_context else {})}
    return Prompt(step.ask or flow.template("ask"), context, step.field.options(step, env), step.key)


def _navigation(flow: Flow, state: ConversationState, settings: Settings, step: Step | None
                ) -> tuple[Button, ...]:
    """Back (naming the screen it is on, so that a second tap is stale) when there is a way back, and cancel."""
    if not flow.navigation:
        return ()
    cancel = Button(f"{flow.prefix}|cancel", CANCEL)
    if not can_back(flow, state, settings, step):
        return (cancel,)
    return Button(f"{flow.prefix}|back|{position(flow, state, settings, step)}", BACK), cancel


def _advance(flow: Flow, env: Env, state: ConversationState) -> Screen:
    env = env.at(state)
    if flow.confirm is None and current(flow, state, env.settings) is None:
        return _submit(flow, env)
    save(env.conn, env.user_id, state, env.now)
    return show(flow, env)


def _submit(flow: Flow, env: Env) -> Screen:
    try:
        result = flow.on_submit(env)
    except Refused as exc:
        return _refused(env, exc)
    _finish(env)
    return Screen("done", Message(result.template, result.context), toast=result.toast,
                  tick=flow.tick_after_submit)


def _refused(env: Env, exc: Refused) -> Screen:
    _finish(env)
    return notice(exc.key, **exc.context)


def _finish(env: Env) -> None:
    """The conversation is over: the one it interrupted, if any, is taken up again."""
    if env.state.resume is not None:
        save(env.conn, env.user_id, env.state.resume, env.now)
    else:
        conv_db.drop(env.conn, env.user_id)


def _notgoing_on(found: Expired | None) -> Screen:
    if found is None:
        return notice(NO_FORM)
    flow = registry.get(found.flow)
    return notice(flow.template("expired") if flow is not None else "report/expired")

