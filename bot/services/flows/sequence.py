"""Which step comes next, and what answering or going back does to a state: pure functions of a flow's declaration
and a state (unit-tested as such)."""

from __future__ import annotations

from typing import Any

from bot.core.config import Settings
from bot.services.flows.model import ConversationState, Flow, Step, Values

CONFIRM = "confirm"


def active_steps(flow: Flow, values: Values, settings: Settings) -> list[Step]:
    """The steps asked given the answers so far: expanded, and those whose `when` holds."""
    out: list[Step] = []
    for item in flow.steps:
        if isinstance(item, Step):
            if item.when is None or item.when(values):
                out.append(item)
        else:
            out += [step for step in item(values, settings) if step.when is None or step.when(values)]
    return out


def current(flow: Flow, state: ConversationState, settings: Settings) -> Step | None:
    """The step to ask next; None when every answer is in (the confirmation screen, or submitting)."""
    values = state.values
    return next((s for s in active_steps(flow, values, settings) if s.key not in values), None)


def position(flow: Flow, state: ConversationState, settings: Settings, step: Step | None | bool = False) -> str:
    """What the screen the state is at is called: its step's name, or `confirm` (`step`: its current step, if
    known already)."""
    at = current(flow, state, settings) if step is False else step
    return at.field.position(at, state) if isinstance(at, Step) else CONFIRM


def answer(flow: Flow, state: ConversationState, step: Step, value: Any, settings: Settings) -> ConversationState:
    """The state with `value` as the answer to `step`; answers of steps no longer asked are dropped."""
    answers, context = dict(state.answers), state.context
    if step.into == "context":
        context = {**context, step.key: value}
    else:
        answers[step.key] = value
    asked = {s.key for s in active_steps(flow, {**context, **answers}, settings)}
    trail = tuple(k for k in state.trail if k != step.key and k in asked) + (step.key,)
    return ConversationState(state.flow, {k: v for k, v in answers.items() if k in asked}, trail, context,
                             state.resume)


def can_back(flow: Flow, state: ConversationState, settings: Settings, step: Step | None | bool = False) -> bool:
    at = current(flow, state, settings) if step is False else step
    return bool(state.trail) or (isinstance(at, Step) and at.field.back(at, state) is not None)


def back(flow: Flow, state: ConversationState, settings: Settings) -> ConversationState:
    """The state one answer earlier (or one choice earlier within a step that has its own, like a grid's
    community); unchanged at the first question."""
    step = current(flow, state, settings)
    undone = step.field.back(step, state) if step is not None else None
    if undone is not None:
        return undone
    if not state.trail:
        return state
    *trail, last = state.trail
    return ConversationState(state.flow, {k: v for k, v in state.answers.items() if k != last}, tuple(trail),
                             {k: v for k, v in state.context.items() if k != last}, state.resume)
