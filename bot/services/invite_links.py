"""Invite deep links: `https://t.me/<bot>?start=inv_<code>`."""

from __future__ import annotations

INVITE_PREFIX = "inv_"


def invite_link(username: str | None, code: str) -> str:
    payload = INVITE_PREFIX + code
    return f"https://t.me/{username}?start={payload}" if username else payload
