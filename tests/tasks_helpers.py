"""Pressing the service tasks' buttons by their callback data (`ck|7|fever`, `mo|3|start|7`), not their words."""

from __future__ import annotations

import re

from sandbox.driver import BotMessage, Person
from tests.scenario import press_data


def button_data(message: BotMessage, pattern: str) -> str:
    """The callback data of the one button whose data fully matches the regular expression `pattern`."""
    found = [b["callback_data"] for b in message.buttons if re.fullmatch(pattern, b.get("callback_data", ""))]
    assert len(found) == 1, (pattern, message.buttons)
    return found[0]


async def press_matching(person: Person, message: BotMessage, pattern: str) -> str:
    """Press the button whose callback data matches `pattern` (`r"ck\\|\\d+\\|fever"`, `r".*\\|phone"`)."""
    return await press_data(person, message, button_data(message, pattern))
