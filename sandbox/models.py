"""The things the sandbox's world is made of: people, chats, files, and the record of what the bot did."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None
    started: bool = False
    blocked: bool = False

    def as_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass
class Chat:
    id: int
    type: str                      # private, group, supergroup
    title: str = ""
    members: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)
    bot_status: str = "member"     # member, administrator, left, kicked
    migrated_to: int | None = None
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None    # the bot's reply keyboard the chat's people now see

    def as_api(self, users: dict[int, User]) -> dict[str, Any]:
        if self.type == "private":
            user = users[self.id]
            out = {"id": self.id, "type": "private", "first_name": user.first_name}
            if user.username:
                out["username"] = user.username
            return out
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class StoredFile:
    """A file the server holds: sent by the bot (an upload) or by a person."""

    file_id: str
    name: str | None
    body: bytes
    mime_type: str | None = None


@dataclass
class Event:
    """Something the bot did, for tests and the demo transcript to read."""

    seq: int
    kind: str                      # send, edit, delete, answer, pin, document, photo, location, webhook
    chat_id: int | None
    message_id: int | None = None
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


def member_api(user: dict[str, Any] | User, status: str) -> dict[str, Any]:
    user_api = user if isinstance(user, dict) else user.as_api()
    if status == "administrator":
        rights = dict.fromkeys(("can_be_edited", "is_anonymous", "can_promote_members", "can_post_stories",
                                "can_edit_stories", "can_delete_stories"), False)
        rights |= dict.fromkeys(("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                                 "can_restrict_members", "can_change_info", "can_invite_users",
                                 "can_pin_messages"), True)
        return {"status": status, "user": user_api, **rights}
    if status == "kicked":
        return {"status": status, "user": user_api, "until_date": 0}
    return {"status": status, "user": user_api}
