"""The shapes a conversation is declared in (`Flow`, `Step`, `FieldType`), and the state it keeps between inputs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence, Union

from bot.core.config import Settings
from bot.core.errors import GridbotError
from bot.services.views import Message

if TYPE_CHECKING:
    from bot.services.flows.attachments import Attachment

Values = Mapping[str, Any]
MAX_TEXT = 500
RESERVED = ("flow", "answers", "trail", "resume")


class Invalid(GridbotError):
    """A typed answer or a press that does not fit the step: the step is asked again with `key` as the reason."""


class Refused(GridbotError):
    """The conversation cannot go on: it ends, and `key` (a template name) with `context` says why."""


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where one person is in one flow. Stored as JSON: the context's keys (the grid, the report a note is for…)
    sit beside `flow`, `answers` and `trail`, the layout the conversations table has always held."""

    flow: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    trail: tuple[str, ...] = ()
    context: Mapping[str, Any] = field(default_factory=dict)
    resume: ConversationState | None = None      # an unfinished flow of the same person, taken up again after this

    @property
    def values(self) -> dict[str, Any]:
        return {**self.context, **self.answers}

    def with_context(self, **values: Any) -> ConversationState:
        if any(key in RESERVED for key in values):
            raise ValueError(f"context keys may not be any of {RESERVED}")
        return ConversationState(self.flow, self.answers, self.trail, {**self.context, **values}, self.resume)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.context, "flow": self.flow, "answers": dict(self.answers),
                                "trail": list(self.trail)}
        if self.resume is not None:
            data["resume"] = self.resume.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConversationState:
        """Raises ValueError for anything that is not a state this code wrote."""
        flow, answers, trail = data.get("flow"), data.get("answers", {}), data.get("trail", [])
        if not isinstance(flow, str) or not isinstance(answers, dict) or not isinstance(trail, list):
            raise ValueError("not a conversation state")
        resume = data.get("resume")
        return cls(flow, answers, tuple(trail), {k: v for k, v in data.items() if k not in RESERVED},
                   cls.from_json(resume) if isinstance(resume, dict) else None)


@dataclass(frozen=True, slots=True)
class Env:
    """What a step's hooks see: the transaction, the settings, who is answering, when, and their state."""

    conn: sqlite3.Connection
    settings: Settings
    user_id: int
    now: datetime
    state: ConversationState

    @property
    def values(self) -> dict[str, Any]:
        return self.state.values

    @property
    def today(self) -> date:
        return self.now.astimezone(self.settings.tz).date()

    def at(self, state: ConversationState) -> Env:
        """The same input, at another state."""
        return Env(self.conn, self.settings, self.user_id, self.now, state)


@dataclass(frozen=True)
class Option:
    """A button of a choice: `text` is a name from the data (an area); without it the flow's option template
    labels `value`."""

    value: str
    text: str | None = None


@dataclass(frozen=True)
class Prompt:
    """How a field type asks, when it asks differently from the flow's question template."""

    template: str
    context: Mapping[str, Any]
    options: Sequence[Option]
    action: str                       # the word in the options' callback data


class FieldType:
    """How a step's answer is given: typed (`parse`) or pressed (`press`), and what it is offered."""

    name = "field"
    pressable = False
    actions: tuple[str, ...] = ()      # other button words this type takes on its step (the community of a grid)
    takes: frozenset[str] = frozenset()    # attachments its step takes (photo, location…), in a flow that keeps them

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        raise Invalid("use_buttons")

    def options(self, step: Step, env: Env) -> Sequence[Option]:
        if callable(step.options):
            return step.options(env)
        return [Option(value) for value in step.options]

    def press(self, step: Step, value: str, env: Env) -> Any:
        if not self.pressable or value not in {o.value for o in self.options(step, env)}:
            raise Invalid("stale")
        return value

    def act(self, step: Step, action: str, value: str, env: Env) -> ConversationState:
        raise Invalid("stale")

    def prompt(self, step: Step, env: Env) -> Prompt | None:
        return None

    def offers_contact(self, step: Step, env: Env) -> bool:
        """Whether Telegram's share-contact button is offered: its contact is then answered with `parse`."""
        return False
    def attach(self, step: Step, item: Attachment, env: Env) -> tuple[ConversationState, Any]:
        """An attachment sent at this step (one it `takes`), already kept with the form: the state to go on
        from, and the answer it gives to the step (None: it answers nothing, the step is asked again)."""
        return env.state, None

    def position(self, step: Step, state: ConversationState) -> str:
        """What a back button on this step's screen names (so that a second tap on it is stale)."""
        return step.key

    def back(self, step: Step, state: ConversationState) -> ConversationState | None:
        """Going back within the step itself (None: the step has nothing of its own to undo)."""
        return None


@dataclass(frozen=True)
class Step:
    """One question. `when` decides from the answers so far whether it is asked; `check` validates the parsed
    answer against the rest (raising Invalid, or Refused to end the conversation)."""

    key: str
    field: FieldType
    options: tuple[str, ...] | Callable[[Env], Sequence[Option]] = ()
    when: Callable[[Values], bool] | None = None
    max_len: int = MAX_TEXT
    past_only: bool = False
    source: str = ""                                      # the answer this one is read against (a schedule's kind)
    check: Callable[[Env, Any], None] | None = None
    ask: str = ""                                          # its question template, if not the flow's
    ask_context: Callable[[Values], Mapping[str, Any]] | None = None
    into: Literal["answers", "context"] = "answers"        # context: where the form goes, not part of it
    columns: int = 0                                       # buttons a row; 0: the flow's


Expand = Callable[[Values, Settings], Sequence[Step]]     # steps that depend on earlier answers (a kind's, a template's)


@dataclass(frozen=True)
class Result:
    """What submitting did, for the person: a template and its context, sent or shown as a toast."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    toast: bool = False


@dataclass(frozen=True)
class Confirmation:
    """The confirmation screen's context, and HTML to show before it (a preview)."""

    context: Mapping[str, Any]
    preamble: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flow:
    """A conversation declared: its steps, what submitting does, its confirmation screen (None: submit as soon as
    the last answer is in), and where its texts are (`<texts>/ask`, `/option`, `/confirm`, `/invalid/<key>`,
    `/cancelled`, `/expired`, each replaceable). Buttons carry `<prefix>|<step>|<value>`, `<prefix>|back|<step>`,
    `<prefix>|cancel` and `<prefix>|<submit_word>`."""

    name: str
    steps: tuple[Union[Step, Expand], ...]
    on_submit: Callable[[Env], Result]
    texts: str
    prefix: str = "f"
    confirm: Callable[[Env], Confirmation] | None = None
    ask_context: Callable[[Env], Mapping[str, Any]] | None = None
    submit_word: str = "submit"
    columns: int = 2
    tick_after_submit: bool = False
    navigation: bool = True                  # back and cancel buttons (an aside is cancelled with /cancel)
    aside: bool = False                      # a short interruption (a note) that keeps the conversation under it
    templates: Mapping[str, str] = field(default_factory=dict)
    attachments: bool = False                # photos, files and places sent at its steps are kept with the form

    def template(self, name: str) -> str:
        return self.templates.get(name, f"{self.texts}/{name}")

    def error(self, exc: Invalid) -> Message:
        return Message(f"{self.template('invalid')}/{exc.key}", exc.context)
