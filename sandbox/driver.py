"""Acting as people against a sandbox over HTTP: say things, press buttons, read what the bot sent."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from typing import Any, cast

import httpx


class SandboxError(Exception):
    """The sandbox refused a driver action."""


@dataclass(frozen=True)
class BotMessage:
    """Something the bot did in a chat: a message sent or edited, a document, a pin, a callback answer."""

    kind: str
    chat_id: int | None
    message_id: int | None
    text: str | None
    data: dict[str, Any]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.data.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, label: str) -> dict[str, Any]:
        """The first inline button whose text contains `label`."""
        for button in self.buttons:
            if label in button["text"]:
                return button
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons]}")

    @property
    def keyboard(self) -> list[dict[str, Any]]:
        """The buttons of a reply keyboard sent with this message (each as an object, e.g. with request_contact)."""
        markup = self.data.get("reply_markup") or {}
        return [b if isinstance(b, dict) else {"text": b} for row in markup.get("keyboard", []) for b in row]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.data.get("reply_markup") or {}).get("remove_keyboard"))


@dataclass
class Person:
    """A Telegram user the test or demo acts as."""

    driver: "SandboxDriver"
    id: int
    first_name: str
    language_code: str | None = None

    @property
    def private(self) -> int:
        return self.id

    async def says(self, chat_id: int, text: str) -> dict[str, Any]:
        return cast(dict[str, Any], await self.driver.call("say", user_id=self.id, chat_id=chat_id, text=text))

    async def sends(self, kind: str, chat_id: int | None = None, **spec: Any) -> dict[str, Any]:
        """Send a message other than text (kind: photo, sticker, voice, document, video, location, venue,
        contact); `spec` as /sandbox/send takes it (caption, file_name, body, latitude, phone_number, ...)."""
        return cast(dict[str, Any], await self.driver.call("send", user_id=self.id, kind=kind,
                                                           chat_id=self.id if chat_id is None else chat_id, **spec))

    async def sends_contact(self, phone_number: str, first_name: str, user_id: int | None = None,
                            chat_id: int | None = None) -> dict[str, Any]:
        """Share a contact from the address book (anyone's; `user_id` when that contact uses Telegram)."""
        return await self.sends("contact", chat_id, phone_number=phone_number, first_name=first_name,
                                contact_user_id=user_id)

    async def taps(self, label: str, chat_id: int | None = None) -> dict[str, Any]:
        """Tap a button of the reply keyboard the bot shows (the first whose text contains `label`)."""
        return cast(dict[str, Any], await self.driver.call("tap", user_id=self.id, label=label,
                                                           chat_id=self.id if chat_id is None else chat_id))

    async def edits(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a text message this person sent (as returned by `says`)."""
        return cast(dict[str, Any], await self.driver.call("edit", user_id=self.id, chat_id=message["chat"]["id"],
                                                           message_id=message["message_id"], text=text))

    async def start(self, payload: str | None = None) -> dict[str, Any]:
        """Open the bot's deep link (`t.me/<bot>?start=<payload>`) and press Start."""
        return await self.says(self.id, f"/start {payload}" if payload else "/start")

    async def posts(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        """Send something other than text: `photo=[…]`, `sticker={…}`, `location={…}`, `contact={…}`…"""
        message: dict[str, Any] = await self.driver.call("post", user_id=self.id, chat_id=chat_id, fields=fields)
        return message

    async def shares_contact(self, phone: str | None = None, own: bool = True, contact_user_id: int | None = None,
                             first_name: str | None = None, chat_id: int | None = None) -> dict[str, Any]:
        """Share a contact in the private chat. Without `phone`: tap the bot's request_contact keyboard button
        (the person's own phone number and user id go out). With `phone`: their own contact (`own`), or with
        `own=False` someone else's card (`contact_user_id` None: a contact without a Telegram account)."""
        if phone is None:
            keyboard = await self.driver.keyboard(self.id if chat_id is None else chat_id)
            button = next((b for b in keyboard if b.get("request_contact")), None)
            if button is None:
                raise AssertionError(f"no request_contact button is shown; the keyboard is {keyboard}")
            return await self.taps(button["text"], chat_id)
        message: dict[str, Any] = await self.driver.call(
            "contact", user_id=self.id, phone=phone, contact_user_id=self.id if own else contact_user_id,
            first_name=first_name)
        return message

    async def press(self, message: BotMessage, label: str) -> str:
        button = message.button(label)
        if message.chat_id is None or message.message_id is None:
            raise AssertionError(f"{message.kind} is not a message with buttons")
        return await self.press_data(message.chat_id, message.message_id, button["callback_data"])

    async def press_data(self, chat_id: int, message_id: int, data: str, forge: bool = False) -> str:
        return cast(str, await self.driver.call("press", user_id=self.id, chat_id=chat_id, message_id=message_id,
                                      data=data, forge=forge))

    async def block_bot(self) -> None:
        await self.driver.call("block", user_id=self.id)


@dataclass
class SandboxDriver:
    """A client of the sandbox's `/sandbox/*` control API."""

    url: str
    timeout: float = 10.0
    cursors: dict[Any, int] = field(default_factory=dict)
    _client: httpx.AsyncClient | None = None
    _user_ids: int = 100000

    async def __aenter__(self) -> "SandboxDriver":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def call(self, action: str, **body: Any) -> Any:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.url, timeout=self.timeout + 30)
        response = await self._client.post(f"/sandbox/{action}", json=body)
        payload = response.json()
        if not payload.get("ok"):
            raise SandboxError(payload.get("description"))
        return payload["result"]

    async def user(self, first_name: str, user_id: int | None = None, language_code: str | None = "zh-hans",
                   username: str | None = None, phone_number: str | None = None) -> Person:
        if user_id is None:
            self._user_ids += 1
            user_id = self._user_ids
        await self.call("user", id=user_id, first_name=first_name, language_code=language_code, username=username,
                        phone_number=phone_number)
        return Person(self, user_id, first_name, language_code)

    async def group(self, title: str, members: list[Person], added_by: Person, admin: bool = False) -> int:
        """Create a group with these members; `added_by` adds the bot to it."""
        chat = await self.call("group", title=title, members=[m.id for m in members], by_user=added_by.id, admin=admin)
        return int(chat["id"])

    async def remove_bot(self, chat_id: int, by: Person) -> None:
        await self.call("bot_status", chat_id=chat_id, status="kicked", by_user=by.id)

    async def add_bot(self, chat_id: int, by: Person, admin: bool = False) -> None:
        await self.call("bot_status", chat_id=chat_id, status="administrator" if admin else "member", by_user=by.id)

    async def migrate(self, chat_id: int) -> int:
        """Turn a group into a supergroup; return the new chat id."""
        return int((await self.call("migrate", chat_id=chat_id))["id"])

    async def events(self, after: int = 0, chat_id: int | None = None, timeout: float = 0.0,
                     kinds: list[str] | None = None) -> list[BotMessage]:
        found = await self.call("events", after=after, chat_id=chat_id, timeout=timeout, kinds=kinds)
        return [BotMessage(e["kind"], e["chat_id"], e["message_id"], e["text"], e["data"] | {"seq": e["seq"]})
                for e in found]

    async def expect(self, chat_id: int | None, timeout: float | None = None,
                     kinds: tuple[str, ...] = ("send", "document")) -> BotMessage:
        """The next message the bot sends to `chat_id` (any chat when None) since the last `expect` there."""
        key = (chat_id, kinds)
        found = await self.events(self.cursors.get(key, 0), chat_id, self.timeout if timeout is None else timeout,
                                  list(kinds))
        if not found:
            raise AssertionError(f"the bot did nothing in chat {chat_id} within {timeout or self.timeout}s")
        self.cursors[key] = found[0].data["seq"]
        return found[0]

    async def answer(self, query_id: str, timeout: float | None = None) -> BotMessage:
        """The bot's answer to one button press (the toast the user sees)."""
        deadline = asyncio.get_running_loop().time() + (self.timeout if timeout is None else timeout)
        after = 0
        while True:
            left = deadline - asyncio.get_running_loop().time()
            found = await self.events(after, None, max(left, 0), ["answer"])
            for event in found:
                if event.data.get("query_id") == query_id:
                    return event
            if left <= 0:
                raise AssertionError(f"the bot did not answer button press {query_id}")
            after = found[-1].data["seq"] if found else after

    async def sent(self, chat_id: int | None = None) -> list[BotMessage]:
        """Everything the bot has sent (or edited) so far, in `chat_id` or everywhere."""
        return await self.events(0, chat_id, kinds=["send", "edit", "document"])

    async def skip(self, chat_id: int | None = None) -> None:
        """Move the cursor past everything already there, so `expect` sees only what comes next."""
        found = await self.events(0, chat_id)
        last = found[-1].data["seq"] if found else 0
        for kinds in (("send", "document"), ("answer",)):
            self.cursors[(chat_id, kinds)] = last

    async def nothing_new(self, chat_id: int | None, wait: float = 0.3) -> bool:
        """True when the bot does nothing more in `chat_id` for `wait` seconds."""
        key = (chat_id, ("send", "document"))
        found = await self.events(self.cursors.get(key, 0), chat_id, wait, ["send", "document"])
        return not found

    async def idle(self, timeout: float = 5.0) -> bool:
        return bool(await self.call("idle", timeout=timeout))

    async def fault(self, kind: str, method: str | None = None, count: int = 1, **extra: Any) -> None:
        await self.call("fault", kind=kind, method=method, count=count, **extra)

    async def limits(self, overall_per_sec: float | None = None, group_per_min: int | None = None,
                     chat_per_sec: float | None = None) -> None:
        await self.call("limits", overall_per_sec=overall_per_sec, group_per_min=group_per_min,
                        chat_per_sec=chat_per_sec)

    async def stats(self) -> dict[str, Any]:
        return cast(dict[str, Any], await self.call("stats"))

    async def keyboard(self, chat_id: int) -> list[dict[str, Any]]:
        """The reply keyboard the bot shows in `chat_id` now ([] when none): buttons as objects."""
        markup = await self.call("keyboard", chat_id=chat_id) or {}
        return [b if isinstance(b, dict) else {"text": b} for row in markup.get("keyboard", []) for b in row]

    async def document(self, file_id: str) -> tuple[str | None, bytes]:
        """The name and bytes of a file the bot sent (a document's file_id, as in its event's data)."""
        found = await self.call("document", file_id=file_id)
        return found["file_name"], base64.b64decode(found["base64"])

    async def commands(self, scope: dict[str, Any] | None = None, language_code: str | None = None
                       ) -> list[dict[str, str]]:
        """The command menu the bot set for a scope ({"type": "all_private_chats"}, {"type": "chat",
        "chat_id": ...}; default when None) and language."""
        return cast(list[dict[str, str]], await self.call("commands", scope=scope, language_code=language_code))
