"""Which step comes next, and what answering or going back does to a state: pure functions of a flow's declaration
and a state (unit-tested as such)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.config import Settings
from bot.services.flows.model import ConversationState, Flow, Step, Values

CONFIRM = "confirm"


def active_steps(flow: Flow, values: Values, settings: Settings) -> list[Step]:
    """The steps asked given the answers so far: expanded, and those whose `when` holds."""
    out: list[Step] = []
    for item in flow.steps:
        for step in ([item] if isinstance(item, Step) else item({**values}, settings)):
            if step.when is None or step.when(values):
                out.append(step)
    return out


def current(flow: Flow, state: ConversationState, settings: Settings) -> Step | None:
    """The step to ask next; None when every answer is in (the confirmation screen, or submitting)."""
    values = state.values
    return next((s for s in active_steps(flow, values, settings) if s.key not in values), None)


def position(flow: Flow, state: ConversationState, settings: Settings) -> str:
    """What the screen the state is at is called: its step's name, or `confirm`."""
    step = current(flow, state, settings)
    return step.field.position(step, state) if step is not None else CONFIRM


def answer(flow: Flow, state: ConversationState, step: Step, value: Any, settings: Settings) -> ConversationState:
    """The state with `value` as the answer to `step`; answers of steps no longer asked are dropped."""
    if step.into == "context":
        state = state.with_context(**{step.key: value})
    else:
        state = replace(state, answers={**state.answers, step.key: value})
    state = replace(state, trail=(*(k for k in state.trail if k != step.key), step.key))
    asked = {s.key for s in active_steps(flow, state.values, settings)}
    return replace(state, answers={k: v for k, v in state.answers.items() if k in asked},
                   trail=tuple(k for k in state.trail if k in asked))


def can_back(flow: Flow, state: ConversationState, settings: Settings) -> bool:
    step = current(flow, state, settings)
    return bool(state.trail) or (step is not None and step.field.back(step, state) is not None)


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
    return replace(state, trail=tuple(trail), answers={k: v for k, v in state.answers.items() if k != last},
                   context={k: v for k, v in state.context.items() if k != last})
