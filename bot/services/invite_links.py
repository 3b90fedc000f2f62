"""Invite deep links: `https://t.me/<bot>?start=inv_<code>`."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from bot.core.config import Settings

INVITE_PREFIX = "inv_"


def invite_link(username: str | None, code: str) -> str:
    payload = INVITE_PREFIX + code
    return f"https://t.me/{username}?start={payload}" if username else payload


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
