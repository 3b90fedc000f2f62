"""What a conversation shows next, independent of Telegram: one `Screen` that one renderer in handlers turns into
text and buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping


@dataclass(frozen=True)
class Message:
    """A template under `messages/` and what fills it; a value that is itself a Message is rendered first."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    """An inline button: `label` is a short template (its context all strings), `text` a name from the data."""

    data: str
    label: Message | None = None
    text: str = ""


ScreenKind = Literal["ask", "confirm", "done", "notice", "stale"]
Keyboard = Literal["contact", "remove"]


@dataclass(frozen=True)
class Screen:
    """`message` (after `error`, if any) with `buttons`; `preamble` is HTML sent before it (a broadcast's preview);
    `toast` answers a button press instead of sending; `tick` asks for the timers to run now; `keyboard`: offer
Telegram's share-contact button beside it, or take that button away (the step that offered it is left)."""

    kind: ScreenKind
    message: Message
    buttons: tuple[tuple[Button, ...], ...] = ()
    error: Message | None = None
    preamble: tuple[str, ...] = ()
    toast: bool = False
    tick: bool = False
    keyboard: Keyboard | None = None


STALE = Screen("stale", Message("report/toast_stale"), toast=True)


def notice(template: str, /, **context: Any) -> Screen:
    return Screen("notice", Message(template, context))
