"""The typed context every handler gets: `context.runtime` rather than a lookup in a dictionary."""

from __future__ import annotations

from typing import Any, Protocol

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.services.runtime import Runtime


class Redelivery(Protocol):
    """Whoever fetches updates: lets a handler whose transaction failed have its update handled again."""

    def again(self, update_id: int) -> bool:
        """Handle this update again later; False when it has had its tries (answer the person now)."""


class NoRedelivery:
    """Updates fed in by hand (tests, the demo) are tried once."""

    def again(self, update_id: int) -> bool:
        return False


class BotData:
    """What the application keeps for every handler (ptb's `bot_data`): the runtime, and the update fetcher."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        self.redelivery: Redelivery = NoRedelivery()

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("gridbot: no runtime set (bot.app.wiring.build_application sets it)")
        return self._runtime

    @runtime.setter
    def runtime(self, value: Runtime) -> None:
        self._runtime = value


class GridContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """ptb's `CallbackContext` with the runtime at hand, typed."""

    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime


CONTEXT_TYPES = ContextTypes(context=GridContext, bot_data=BotData)
