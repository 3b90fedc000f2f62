"""The service tasks' tests name what they press and read: buttons by callback data (`ck|7|fever`, `mo|3|start|7`),
printed or button text by the render values of its template, not by their words."""

from __future__ import annotations

import re

from sandbox.driver import BotMessage, Person
from tests.scenario import RECORDING, press_data


def button_data(message: BotMessage, pattern: str) -> str:
    """The callback data of the one button whose data fully matches the regular expression `pattern`."""
    found = [b["callback_data"] for b in message.buttons if re.fullmatch(pattern, b.get("callback_data", ""))]
    assert len(found) == 1, (pattern, message.buttons)
    return found[0]


async def press_matching(person: Person, message: BotMessage, pattern: str) -> str:
    """Press the button whose callback data matches `pattern` (`r"ck\\|\\d+\\|fever"`, `r".*\\|phone"`)."""
    return await press_data(person, message, button_data(message, pattern))


def context_in(text: str, name: str) -> dict:
    """The values template `name` was rendered with inside `text` (what the command line printed, a button's words)."""
    found = [r.context for r in RECORDING.inside(text) if r.name == name]
    assert found, f"{name} is not in {text!r}"
    return dict(found[0])


def field(value: object, name: str) -> object:
    """`value.name` or `value[name]`: a render value as the template reads it (an object or a dict)."""
    return value[name] if isinstance(value, dict) else getattr(value, name)
