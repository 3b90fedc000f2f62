"""The report form as older callers know it: a new form's stored shape, and a finished form's priority. The form
itself is declared in `bot.services.flows` (report.py, kinds/)."""

from __future__ import annotations

from typing import Any

from bot.services.flows.fields import MAX_NAME
from bot.services.flows.kinds import priority
from bot.services.flows.model import MAX_TEXT, ConversationState

__all__ = ["MAX_NAME", "MAX_TEXT", "new_form", "priority"]


def new_form(grid: str | None) -> dict[str, Any]:
    """A report form with nothing answered, as the conversations table holds it."""
    state = ConversationState("report")
    return (state.with_context(grid=grid) if grid is not None else state).to_json()
