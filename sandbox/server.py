"""The sandbox Bot API server: `/bot<token>/<method>` as Telegram serves it, `/sandbox/*` for drivers."""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import secrets
import time
from collections import Counter
from typing import Any, Awaitable, Callable

from aiohttp import web

from sandbox.limits import SEND_METHODS, Fault, RateLimits
from sandbox.state import MAX_CAPTION, NOT_MODIFIED, ApiError, World, _as_int

log = logging.getLogger(__name__)
DEFAULT_TOKEN = "7000000001:SANDBOX-gridbot-local-token"
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "reply_parameters", "link_preview_options",
               "entities", "caption_entities"}

Handler = Callable[[dict[str, Any]], Any]


class Sandbox:
    """One fake Bot API server on loopback, with the world it serves."""

    def __init__(self, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
        self.host, self.port = host, port
        self.world = World(bot_id=int(token.split(":")[0]) if token.split(":")[0].isdigit() else 7000000001)
        self.limits = RateLimits()
        self.faults: list[Fault] = []
        self.calls: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self._poll_generation = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        self.app.router.add_route("*", "/sandbox/{action}", self._control)
        self.methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any] | Any]] = {
            "getme": lambda p: self.world.bot,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": lambda p: {"url": self.world.webhook_url, "has_custom_certificate": False,
                                         "pending_update_count": len(self.world.updates)},
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "deletemessage": self._delete_message,
            "senddocument": self._send_document,
            "pinchatmessage": self._pin,
            "setmycommands": self._set_my_commands,
            "deletemycommands": lambda p: True,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "close": lambda p: True,
            "logout": lambda p: True,
        }

    # ----- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give python-telegram-bot as `base_url`."""
        return f"{self.url}/bot"

    async def start(self) -> "Sandbox":
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            self._poll_generation += 1
            async with self.world.changed:
                self.world.changed.notify_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "Sandbox":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # ----- HTTP plumbing ---------------------------------------------------------------
    async def _bot_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = self.methods.get(method.lower())
        if handler is None:
            return _error(ApiError(404, "Not Found"))
        try:
            params = await _params(request)
        except ValueError as exc:
            return _error(ApiError(400, f"Bad Request: {exc}"))
        self.calls[method] += 1
        fault = next((f for f in self.faults if f.matches(method, params)), None)
        if fault is not None:
            fault.count -= 1
            self.injected[fault.kind] += 1
            if fault.kind == "retry_after":
                return _error(ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                       {"retry_after": fault.retry_after}))
            if fault.kind == "server_error":
                return _error(ApiError(fault.status, "Internal Server Error" if fault.status == 500 else "Bad Gateway"))
            if fault.kind == "drop":
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
        if method.lower() in {m.lower() for m in SEND_METHODS}:
            chat = self.world.find_chat(params.get("chat_id"))
            if chat is not None:
                retry = self.limits.check(chat.id, chat.type != "private")
                if retry is not None:
                    return _error(ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}))
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    # ----- Bot API methods -------------------------------------------------------------
    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.world.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        offset = _as_int(p.get("offset")) or 0
        limit = min(max(_as_int(p.get("limit")) or 100, 1), 100)
        timeout = float(p.get("timeout") or 0)
        if "allowed_updates" in p:
            self.world.allowed_updates = p["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + timeout
        while True:
            batch = self.world.take_updates(offset, limit)
            if batch:
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            async with self.world.changed:
                try:
                    await asyncio.wait_for(self.world.changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        self.world.webhook_url = str(p.get("url") or "")
        return True

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        self.world.webhook_url = ""
        if str(p.get("drop_pending_updates")).lower() == "true":
            self.world.updates.clear()
        return True

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.writable_chat(p.get("chat_id"))
        visible = self.world.check_text(p.get("text"), p.get("parse_mode"))
        markup = self.world.check_markup(p.get("reply_markup"))
        fields: dict[str, Any] = {"text": p["text"]}
        if markup and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        message = self.world.add_message(chat, self.world.bot, fields, from_bot=True)
        self.world.record("send", chat.id, message["message_id"], visible, html=p["text"], reply_markup=markup,
                          parse_mode=p.get("parse_mode"))
        return message

    def _bot_message(self, p: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if p.get("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self.world.writable_chat(p.get("chat_id"))
        message = chat.messages.get(_as_int(p.get("message_id")) or 0)
        if message is None or message.get("from", {}).get("id") != self.world.bot["id"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, message

    def _edit_message_text(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._bot_message(p)
        visible = self.world.check_text(p.get("text"), p.get("parse_mode"))
        markup = self.world.check_markup(p.get("reply_markup"))
        if message.get("text") == p["text"] and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = p["text"]
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        self.world.record("edit", chat.id, message["message_id"], visible, html=p["text"], reply_markup=markup)
        return message

    def _edit_reply_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._bot_message(p)
        markup = self.world.check_markup(p.get("reply_markup"))
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            raise ApiError(400, NOT_MODIFIED)
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self.world.record("edit", chat.id, message["message_id"], None, reply_markup=markup)
        return message

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query = self.world.callback_queries.get(str(p.get("callback_query_id")))
        if query is None or query["answered"]:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        query["answered"] = True
        self.world.record("answer", None, None, p.get("text"), query_id=str(p.get("callback_query_id")),
                          show_alert=str(p.get("show_alert")).lower() == "true")
        return True

    def _delete_message(self, p: dict[str, Any]) -> bool:
        chat = self.world.writable_chat(p.get("chat_id"))
        message_id = _as_int(p.get("message_id")) or 0
        if chat.messages.pop(message_id, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.world.record("delete", chat.id, message_id)
        return True

    def _send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.writable_chat(p.get("chat_id"))
        document = p.get("document")
        if isinstance(document, web.FileField) or isinstance(document, tuple):
            filename, body = (document.filename, document.file.read()) if isinstance(document, web.FileField) else document
        elif isinstance(document, str) and document in self.world.documents:
            filename, body = document, self.world.documents[document]
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not body:
            raise ApiError(400, "Bad Request: file must be non-empty")
        caption = p.get("caption")
        visible = self.world.check_text(caption, p.get("parse_mode"), MAX_CAPTION, caption=True) if caption else None
        file_id = "DOC" + secrets.token_hex(8)
        self.world.documents[file_id] = body
        fields: dict[str, Any] = {"document": {"file_id": file_id, "file_unique_id": file_id[3:11],
                                                "file_name": filename, "file_size": len(body)}}
        if caption:
            fields["caption"] = caption
        message = self.world.add_message(chat, self.world.bot, fields, from_bot=True)
        self.world.record("document", chat.id, message["message_id"], visible, file_id=file_id, file_name=filename)
        return message

    def _pin(self, p: dict[str, Any]) -> bool:
        chat = self.world.writable_chat(p.get("chat_id"))
        message_id = _as_int(p.get("message_id")) or 0
        if chat.type != "private" and chat.bot_status != "administrator":
            raise ApiError(400, "Bad Request: not enough rights to manage pinned messages in the chat")
        if message_id not in chat.messages:
            raise ApiError(400, "Bad Request: message to pin not found")
        self.world.record("pin", chat.id, message_id)
        return True

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        scope = (p.get("scope") or {}).get("type", "default")
        self.world.commands[f"{scope}:{p.get('language_code') or ''}"] = commands
        return True

    def _get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(p.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return chat.as_api(self.world.users) | {"accent_color_id": 0, "max_reaction_count": 11,
                                                 "accepted_gift_types": gifts}

    def _get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(p.get("chat_id"))
        user_id = _as_int(p.get("user_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user_id == self.world.bot["id"]:
            return self.world._member_api(self.world.bot, chat.bot_status)
        user = self.world.users.get(user_id or 0)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        status = "administrator" if user_id in chat.admins else "member" if user_id in chat.members else "left"
        return self.world._member_api(user, status)

    # ----- the driver's side -----------------------------------------------------------
    async def _control(self, request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"]
        body = await request.json() if request.can_read_body else {}
        body |= dict(request.query)
        try:
            result = await self.control(action, body)
        except ApiError as exc:
            return web.json_response({"ok": False, "description": exc.description}, status=exc.status)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": f"sandbox: bad request: {exc!r}"}, status=400)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    async def control(self, action: str, b: dict[str, Any]) -> Any:
        world = self.world
        if action == "user":
            user = world.user(int(b["id"]), b.get("first_name"), last_name=b.get("last_name"),
                              username=b.get("username"), language_code=b.get("language_code"))
            return user.as_api()
        if action == "group":
            chat = world.create_group(b["title"], [int(m) for m in b.get("members", [])], int(b["by_user"]),
                                      bool(b.get("admin")), _as_int(b.get("chat_id")), b.get("type", "group"))
            return chat.as_api(world.users)
        if action == "say":
            return world.user_says(int(b["user_id"]), int(b["chat_id"]), str(b["text"]))
        if action == "contact":
            contact_user = b.get("contact_user_id")
            return world.user_shares_contact(int(b["user_id"]), str(b["phone"]),
                                             int(contact_user) if contact_user is not None else None,
                                             b.get("first_name"))
        if action == "press":
            return world.press(int(b["user_id"]), int(b["chat_id"]), int(b["message_id"]), str(b["data"]),
                               bool(b.get("forge")))
        if action == "block":
            user = world.users[int(b["user_id"])]
            user.blocked = True
            world.record("blocked", user.id)
            return True
        if action == "bot_status":
            chat = world.chats[int(b["chat_id"])]
            world.set_bot_status(chat, b["status"], int(b["by_user"]))
            return True
        if action == "migrate":
            return world.migrate(world.chats[int(b["chat_id"])]).as_api(world.users)
        if action == "redeliver":
            world.redeliver(int(b["update_id"]))
            return True
        if action == "events":
            return await self._wait_events(int(b.get("after", 0)), float(b.get("timeout", 0)),
                                           _as_int(b.get("chat_id")), b.get("kinds"))
        if action == "messages":
            chat = world.chats[int(b["chat_id"])]
            return list(chat.messages.values())
        if action == "document":
            return {"body": world.documents[b["file_id"]].decode("utf-8", "replace")}
        if action == "fault":
            self.faults.append(Fault(b["kind"], b.get("method"), int(b.get("count", 1)),
                                     int(b.get("retry_after", 1)), int(b.get("status", 500)),
                                     float(b.get("delay", 0)), _as_int(b.get("chat_id"))))
            return True
        if action == "clear_faults":
            self.faults.clear()
            return True
        if action == "limits":
            self.limits.configure(b.get("overall_per_sec"), b.get("group_per_min"), b.get("chat_per_sec"))
            return True
        if action == "stats":
            return {"calls": dict(self.calls), "injected": dict(self.injected), "refused_429": self.limits.refused,
                    "accepted_sends": self.limits.accepted, "pending_updates": len(world.updates),
                    "events": len(world.events), "commands": world.commands}
        if action == "idle":
            return await self._wait_idle(float(b.get("timeout", 5)))
        raise ApiError(404, f"sandbox: unknown action {action}")

    async def _wait_events(self, after: int, timeout: float, chat_id: int | None, kinds: Any) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            if chat_id is None:
                pool = self.world.events[after:]
            else:
                in_chat = self.world.chat_events.get(chat_id, [])
                pool = in_chat[bisect.bisect_right(in_chat, after, key=lambda e: e.seq):]
            found = [vars(e) for e in pool if not kinds or e.kind in kinds]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            async with self.world.changed:
                try:
                    await asyncio.wait_for(self.world.changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass

    async def _wait_idle(self, timeout: float) -> bool:
        """Wait until every update was fetched and the bot has been quiet for a moment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.world.events)
            if not self.world.updates:
                await asyncio.sleep(0.15)
                if not self.world.updates and len(self.world.events) == before:
                    return True
            else:
                await asyncio.sleep(0.02)
        return False


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                params[key] = value
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                raise ValueError(f"can't parse {key} JSON object") from None
    return params


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.status)


async def serve_forever(host: str, port: int, token: str, on_ready: Callable[[Sandbox], None] | None = None) -> None:
    """Run a sandbox until cancelled (`gridbot sandbox`)."""
    async with Sandbox(token, host, port) as sandbox:
        if on_ready:
            on_ready(sandbox)
        await asyncio.Event().wait()
