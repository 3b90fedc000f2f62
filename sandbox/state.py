"""The sandbox's world: users, chats, messages and the update queue, with Telegram's rules."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.core.telegram_html import EntityError, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
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

    def as_api(self, users: dict[int, User]) -> dict[str, Any]:
        if self.type == "private":
            user = users[self.id]
            out = {"id": self.id, "type": "private", "first_name": user.first_name}
            if user.username:
                out["username"] = user.username
            return out
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class Event:
    """Something the bot did, for tests and the demo transcript to read."""

    seq: int
    kind: str                      # send, edit, delete, answer, pin
    chat_id: int | None
    message_id: int | None = None
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


class World:
    """All state of one sandbox bot and the people around it."""

    def __init__(self, bot_id: int = 7000000001, bot_username: str = "gridbot_sandbox_bot",
                 bot_name: str = "网格助手") -> None:
        self.bot = {"id": bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.forced: set[int] = set()
        self.delivered: dict[int, dict[str, Any]] = {}
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.events: list[Event] = []
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self._query_ids = itertools.count(1)
        self._group_ids = itertools.count(1)
        self.changed = asyncio.Condition()
        self.listeners: list[Callable[[Event], None]] = []
        self.chat_events: dict[int | None, list[Event]] = {}
        self.documents: dict[str, bytes] = {}

    # ----- people and chats -------------------------------------------------------------
    def user(self, user_id: int, first_name: str | None = None, **extra: Any) -> User:
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = User(user_id, first_name or f"user{user_id}")
        if first_name:
            user.first_name = first_name
        for key, value in extra.items():
            if value is not None:
                setattr(user, key, value)
        return user

    def private_chat(self, user_id: int) -> Chat:
        chat = self.chats.get(user_id)
        if chat is None:
            chat = self.chats[user_id] = Chat(user_id, "private", members={user_id})
        return chat

    def create_group(self, title: str, members: list[int], by_user: int, admin: bool = False,
                     chat_id: int | None = None, chat_type: str = "group") -> Chat:
        chat_id = chat_id or -(4000000000 + next(self._group_ids))
        chat = self.chats[chat_id] = Chat(chat_id, chat_type, title, set(members), bot_status="left")
        self.set_bot_status(chat, "administrator" if admin else "member", by_user)
        return chat

    def set_bot_status(self, chat: Chat, status: str, by_user: int) -> None:
        old = chat.bot_status
        chat.bot_status = status
        self.push_update("my_chat_member", {
            "chat": chat.as_api(self.users), "from": self.users[by_user].as_api(), "date": int(time.time()),
            "old_chat_member": self._member_api(self.bot, old), "new_chat_member": self._member_api(self.bot, status),
        })

    def migrate(self, chat: Chat) -> Chat:
        if chat.type != "group":
            raise ApiError(400, "Bad Request: chat is not a basic group")
        new_id = -(1000000000000 + abs(chat.id) % 1000000000)
        new = self.chats[new_id] = Chat(new_id, "supergroup", chat.title, set(chat.members), set(chat.admins),
                                        chat.bot_status)
        chat.migrated_to = new_id
        someone = next(iter(sorted(chat.members)), None)
        sender = self.users[someone].as_api() if someone else None
        self.add_message(chat, sender, {"migrate_to_chat_id": new_id})
        self.add_message(new, sender, {"migrate_from_chat_id": chat.id})
        return new

    @staticmethod
    def _member_api(user: dict[str, Any] | User, status: str) -> dict[str, Any]:
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

    # ----- updates ---------------------------------------------------------------------
    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self._notify()
        return update

    def add_message(self, chat: Chat, sender: dict[str, Any] | None, fields: dict[str, Any],
                    from_bot: bool = False) -> dict[str, Any]:
        message = {"message_id": chat.next_message_id, "date": int(time.time()), "chat": chat.as_api(self.users)}
        chat.next_message_id += 1
        if sender is not None:
            message["from"] = sender
        message.update(fields)
        chat.messages[message["message_id"]] = message
        if not from_bot:
            self.push_update("message", message)
        return message

    def user_says(self, user_id: int, chat_id: int, text: str) -> dict[str, Any]:
        user = self.users[user_id]
        chat = self.chats.get(chat_id) if chat_id != user_id else self.private_chat(user_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type != "private" and user_id not in chat.members:
            chat.members.add(user_id)
        fields: dict[str, Any] = {"text": text}
        entities = [{"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))}
                    for m in COMMAND_RE.finditer(text)]
        if entities:
            fields["entities"] = entities
        if chat.type == "private":
            if text == "/start" or text.startswith("/start "):
                user.started = True
            if user.blocked:
                user.blocked = False
        return self.add_message(chat, user.as_api(), fields)

    def user_shares_contact(self, user_id: int, phone: str, contact_user_id: int | None,
                            first_name: str | None = None) -> dict[str, Any]:
        """A contact card sent in the user's private chat with the bot: their own (the request-contact
        button) or, with another `contact_user_id` or none, someone else's."""
        user = self.users[user_id]
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or user.first_name}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.add_message(self.private_chat(user_id), user.as_api(), {"contact": contact})

    def press(self, user_id: int, chat_id: int, message_id: int, data: str, forge: bool = False) -> str:
        chat = self.chats.get(chat_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None:
            raise ApiError(400, "sandbox: no such message")
        buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        if not forge and data not in {b.get("callback_data") for b in buttons}:
            raise ApiError(400, f"sandbox: message {message_id} has no button with data {data!r}")
        query_id = str(next(self._query_ids))
        query = {"id": query_id, "from": self.users[user_id].as_api(), "message": message,
                 "chat_instance": str(abs(chat_id)), "data": data}
        self.callback_queries[query_id] = {"answered": False}
        self.push_update("callback_query", query)
        return query_id

    def take_updates(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """getUpdates: forget what is confirmed (below `offset`), hand out the rest in order."""
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset or id(u) in self.forced]
        if self.allowed_updates:
            self.updates = [u for u in self.updates if _kind(u) in self.allowed_updates or id(u) in self.forced]
        batch = self.updates[:limit]
        for update in batch:
            self.delivered[update["update_id"]] = update
            self.forced.discard(id(update))
        return batch

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again although the bot confirmed it, as Telegram may after a timeout."""
        original = self.delivered.get(update_id)
        if original is None:
            raise ApiError(400, "sandbox: unknown update id")
        clone = dict(original)
        self.forced.add(id(clone))
        self.updates.insert(0, clone)
        self._notify()

    def record(self, kind: str, chat_id: int | None, message_id: int | None = None, text: str | None = None,
               **data: Any) -> Event:
        event = Event(len(self.events) + 1, kind, chat_id, message_id, text, data)
        self.events.append(event)
        self.chat_events.setdefault(chat_id, []).append(event)
        for listener in self.listeners:
            listener(event)
        self._notify()
        return event

    def _notify(self) -> None:
        async def wake() -> None:
            async with self.changed:
                self.changed.notify_all()
        try:
            asyncio.get_running_loop().create_task(wake())
        except RuntimeError:
            pass

    # ----- checks the Bot API makes ------------------------------------------------------
    def find_chat(self, chat_id: Any) -> Chat | None:
        """A known chat; a known user's private chat exists even before they write."""
        key = _as_int(chat_id)
        if key in self.chats:
            return self.chats[key]
        return self.private_chat(key) if key in self.users else None

    def writable_chat(self, chat_id: Any) -> Chat:
        chat = self.find_chat(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": chat.migrated_to})
        if chat.type == "private":
            user = self.users[chat.id]
            if user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {'supergroup ' if chat.type == 'supergroup' else 'group '}chat")
        elif chat.bot_status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        return chat

    @staticmethod
    def check_text(text: Any, parse_mode: Any, limit: int = MAX_TEXT, caption: bool = False) -> str:
        if not isinstance(text, str) or (not text.strip() and not caption):
            raise ApiError(400, "Bad Request: message text is empty")
        visible = text
        if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
            try:
                visible = parse_html(text)
            except EntityError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if utf16_len(visible) > limit:
            raise ApiError(400, "Bad Request: message caption is too long" if caption else "Bad Request: message is too long")
        return visible

    @staticmethod
    def check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not (1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"^(https?|tg)://", url):
                    raise ApiError(400, "Bad Request: inline keyboard button URL is invalid")
        return markup


def _kind(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
