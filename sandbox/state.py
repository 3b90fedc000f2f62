"""The sandbox's world: users, chats, messages and the update queue, with Telegram's rules."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from typing import Any, Callable

from sandbox.models import Chat, Event, StoredFile, User, member_api
from sandbox.telegram_rules import MAX_CALLBACK_DATA, MAX_CAPTION, MAX_TEXT, ApiError, reply_buttons, utf16_len

__all__ = ["MAX_CALLBACK_DATA", "MAX_CAPTION", "MAX_TEXT", "ApiError", "Chat", "Event", "StoredFile", "User", "World"]
COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


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
        self.files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)

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
            "old_chat_member": member_api(self.bot, old), "new_chat_member": member_api(self.bot, status),
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

    # ----- updates ---------------------------------------------------------------------
    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self._notify()
        return update

    def add_message(self, chat: Chat, sender: dict[str, Any] | None, fields: dict[str, Any],
                    from_bot: bool = False) -> dict[str, Any]:
        message_id = chat.next_message_id
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat.as_api(self.users)}
        chat.next_message_id += 1
        if sender is not None:
            message["from"] = sender
        message.update(fields)
        chat.messages[message_id] = message
        if not from_bot:
            self.push_update("message", message)
        return message

    def _speaker(self, user_id: int, chat_id: int) -> tuple[User, Chat]:
        user = self.users.get(user_id)
        if user is None:
            raise ApiError(400, "sandbox: unknown user; create it with /sandbox/user first")
        chat = self.chats.get(chat_id) if chat_id != user_id else self.private_chat(user_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type != "private":
            chat.members.add(user_id)
        return user, chat

    def user_says(self, user_id: int, chat_id: int, text: str) -> dict[str, Any]:
        user, chat = self._speaker(user_id, chat_id)
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

    def user_sends(self, user_id: int, chat_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        """A message that is not plain text: a photo, a sticker, a contact, ... (see sandbox.media)."""
        user, chat = self._speaker(user_id, chat_id)
        return self.add_message(chat, user.as_api(), fields)

    def user_edits(self, user_id: int, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The person edits a text message of theirs: the bot gets an `edited_message` update."""
        _, chat = self._speaker(user_id, chat_id)
        old = chat.messages.get(message_id)
        if old is None or old.get("from", {}).get("id") != user_id or "text" not in old:
            raise ApiError(400, f"sandbox: user {user_id} has no text message {message_id} in chat {chat_id}")
        # A new dict: an update still queued keeps the text as it was when sent.
        edited = {k: v for k, v in old.items() if k != "entities"} | {"text": text, "edit_date": int(time.time())}
        entities = [{"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))}
                    for m in COMMAND_RE.finditer(text)]
        if entities:
            edited["entities"] = entities
        chat.messages[message_id] = edited
        self.push_update("edited_message", edited)
        return edited

    def keyboard_shown(self, chat: Chat, markup: dict[str, Any] | None) -> None:
        """The bot sent `markup` to the chat: a reply keyboard replaces the one shown, a removal hides it."""
        if markup is None:
            return
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None

    def tap(self, user_id: int, chat_id: int, label: str) -> dict[str, Any]:
        """The person taps the first button whose text contains `label` on the reply keyboard shown in the
        chat: a text button sends its text, a request_contact button the person's own contact."""
        user, chat = self._speaker(user_id, chat_id)
        button = next((b for b in reply_buttons(chat.reply_keyboard) if label in b["text"]), None)
        if button is None:
            shown = [b["text"] for b in reply_buttons(chat.reply_keyboard)]
            raise ApiError(400, f"sandbox: no keyboard button {label!r} in chat {chat_id}; shown: {shown}")
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        if button.get("request_contact"):
            if not user.phone_number:
                raise ApiError(400, f"sandbox: user {user_id} has no phone_number; give one with /sandbox/user")
            contact = {"phone_number": user.phone_number, "first_name": user.first_name, "user_id": user.id}
            if user.last_name:
                contact["last_name"] = user.last_name
            return self.user_sends(user_id, chat_id, {"contact": contact})
        if button.get("request_location"):
            return self.user_sends(user_id, chat_id, {"location": {"latitude": 35.08, "longitude": 117.15}})
        return self.user_says(user_id, chat_id, button["text"])

    def store_file(self, name: str | None, body: bytes, mime_type: str | None = None, prefix: str = "FILE") -> StoredFile:
        file_id = f"{prefix}{next(self._file_ids):06d}{self.bot['id']}"
        stored = self.files[file_id] = StoredFile(file_id, name, body, mime_type)
        return stored
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
        # A copy: the update shows the message as it was when pressed, whatever the bot edits later.
        query = {"id": query_id, "from": self.users[user_id].as_api(), "message": dict(message),
                 "chat_instance": str(abs(chat_id)), "data": data}
        self.callback_queries[query_id] = {"answered": False}
        self.push_update("callback_query", query)
        return query_id

    def take_updates(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """getUpdates: forget what is confirmed (below `offset`), hand out the rest in order; nothing is
        forgotten until a later call's offset passes it. A negative offset keeps only the last -offset."""
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
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


def _kind(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
