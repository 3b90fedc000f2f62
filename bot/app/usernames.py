"""The bot's @username, which invite links need: given, configured, or asked of the Bot API server."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from bot.core.config import Settings


async def resolve_username(settings: Settings, given: str | None = None) -> str | None:
    """The bot's username: given, configured, or asked of the server with getMe (None if unknown)."""
    if given or settings.bot_username:
        return (given or settings.bot_username).lstrip("@")
    if not settings.token:
        return None
    try:
        async with Bot(settings.token, base_url=settings.base_url) as bot:
            return bot.username
    except (TelegramError, OSError):
        return None
