"""The Bot API methods the sandbox serves (all but getUpdates, which lives with the HTTP server)."""

from __future__ import annotations

import itertools
import time
from typing import Any, Awaitable, Callable

from aiohttp import web

from sandbox.models import Chat, member_api
from sandbox.state import NOT_MODIFIED, ApiError, World, _as_int
from sandbox.telegram_rules import bad_request, check_commands, check_markup, check_text, scope_key

Method = Callable[[dict[str, Any]], "Awaitable[Any] | Any"]
MEDIA_GROUP_TYPES = {"photo", "video", "document", "audio"}


class BotApi:
    """Each method takes the request's parameters and returns its result or raises ApiError."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._media_groups = itertools.count(13000000000000001)
        self.methods: dict[str, Method] = {
            "getme": lambda p: world.bot,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_reply_markup,
            "answercallbackquery": self.answer_callback_query,
            "deletemessage": self.delete_message,
            "senddocument": lambda p: self.send_file(p, "document"),
            "sendphoto": lambda p: self.send_file(p, "photo"),
            "sendvoice": lambda p: self.send_file(p, "voice"),
            "sendvideo": lambda p: self.send_file(p, "video"),
            "sendaudio": lambda p: self.send_file(p, "audio"),
            "sendmediagroup": self.send_media_group,
            "sendlocation": self.send_location,
            "pinchatmessage": self.pin,
            "setmycommands": self.set_my_commands,
            "getmycommands": lambda p: world.commands.get(self._command_key(p), []),
            "deletemycommands": self.delete_my_commands,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
            "close": lambda p: True,
            "logout": lambda p: True,
        }

    # ----- webhook (recorded only: the sandbox never calls out) ------------------------------------
    def set_webhook(self, p: dict[str, Any]) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.world.webhook_url = url
        if _true(p.get("drop_pending_updates")):
            self.world.updates.clear()
        self.world.record("webhook", None, None, url, secret_token=p.get("secret_token"),
                          allowed_updates=p.get("allowed_updates"))
        return True

    def delete_webhook(self, p: dict[str, Any]) -> bool:
        self.world.webhook_url = ""
        if _true(p.get("drop_pending_updates")):
            self.world.updates.clear()
        self.world.record("webhook", None, None, "", deleted=True)
        return True

    def get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.world.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.world.updates)}

    # ----- sending ---------------------------------------------------------------------------------
    def _post(self, chat: Chat, fields: dict[str, Any], markup: dict[str, Any] | None) -> dict[str, Any]:
        """Add the bot's message to the chat; only an inline keyboard belongs to the message itself."""
        if markup and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        self.world.keyboard_shown(chat, markup)
        return self.world.add_message(chat, self.world.bot, fields, from_bot=True)

    def send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.writable_chat(p.get("chat_id"))
        visible = check_text(p.get("text"), p.get("parse_mode"))
        markup = check_markup(p.get("reply_markup"))
        message = self._post(chat, {"text": p["text"]}, markup)
        self.world.record("send", chat.id, message["message_id"], visible, html=p["text"], reply_markup=markup,
                          parse_mode=p.get("parse_mode"))
        return message

    def _resolve_file(self, value: Any, params: dict[str, Any], default_name: str) -> tuple[str, bytes, str | None]:
        """(name, bytes, mime type) of an upload, an `attach://` part, a known file_id or an HTTP URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, web.FileField):
            return value.filename or default_name, value.file.read(), value.content_type
        if isinstance(value, str) and value in self.world.files:
            stored = self.world.files[value]
            return stored.name or default_name, stored.body, stored.mime_type
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value.rsplit("/", 1)[-1] or default_name, value.encode(), None
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _file_fields(self, kind: str, name: str, body: bytes, mime: str | None) -> dict[str, Any]:
        stored = self.world.store_file(name, body, mime, kind[:3].upper())
        described = {"file_id": stored.file_id, "file_unique_id": stored.file_id[:16], "file_size": len(body)}
        if kind == "photo":
            return {"photo": [described | {"width": 320, "height": 320}]}
        if kind == "document":
            return {"document": described | {"file_name": name} | ({"mime_type": mime} if mime else {})}
        return {kind: described | {"duration": 1} | ({"width": 320, "height": 320} if kind == "video" else {})}

    def _media_message(self, chat: Chat, kind: str, item: dict[str, Any], params: dict[str, Any], *,
                       markup: dict[str, Any] | None = None, group: str | None = None) -> dict[str, Any]:
        name, body, mime = self._resolve_file(item.get("media"), params, f"{kind}.bin")
        if not body:
            raise bad_request("file must be non-empty")
        caption = item.get("caption")
        visible = check_text(caption, item.get("parse_mode"), caption=True) if caption else None
        fields = self._file_fields(kind, name, body, mime)
        if caption:
            fields["caption"] = caption
        if group:
            fields["media_group_id"] = group
        message = self._post(chat, fields, markup)
        self.world.record(kind, chat.id, message["message_id"], visible, file_id=next(iter(_files(fields))),
                          file_name=name, size=len(body), html=caption, media_group_id=group, reply_markup=markup)
        return message

    def send_file(self, p: dict[str, Any], kind: str) -> dict[str, Any]:
        """sendDocument, sendPhoto: an upload (multipart), a file_id the server knows, or a URL."""
        chat = self.world.writable_chat(p.get("chat_id"))
        markup = check_markup(p.get("reply_markup"))
        item = {"media": p.get(kind), "caption": p.get("caption"), "parse_mode": p.get("parse_mode")}
        return self._media_message(chat, kind, item, p, markup=markup)

    def send_media_group(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self.world.writable_chat(p.get("chat_id"))
        media = p.get("media")
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise bad_request("can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise bad_request("media must contain between 2 and 10 items")
        kinds = {m.get("type") for m in media}
        if not kinds <= MEDIA_GROUP_TYPES:
            raise bad_request(f"unsupported media type in a media group: {sorted(map(str, kinds - MEDIA_GROUP_TYPES))}")
        for only in ("document", "audio"):
            if only in kinds and len(kinds) > 1:
                raise bad_request(f"{only} can't be mixed with other media types")
        group = str(next(self._media_groups))
        return [self._media_message(chat, str(item["type"]), item, p, group=group) for item in media]

    def send_location(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.writable_chat(p.get("chat_id"))
        try:
            latitude, longitude = float(p["latitude"]), float(p["longitude"])
        except (KeyError, TypeError, ValueError):
            raise bad_request("wrong latitude or longitude specified") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong latitude or longitude specified")
        markup = check_markup(p.get("reply_markup"))
        location = {"latitude": latitude, "longitude": longitude}
        message = self._post(chat, {"location": location}, markup)
        self.world.record("location", chat.id, message["message_id"], None, location=location, reply_markup=markup)
        return message

    # ----- changing what was sent --------------------------------------------------------------------
    def _bot_message(self, p: dict[str, Any]) -> tuple[Chat, dict[str, Any]]:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.world.writable_chat(p.get("chat_id"))
        message = chat.messages.get(_as_int(p.get("message_id")) or 0)
        if message is None or message.get("from", {}).get("id") != self.world.bot["id"]:
            raise bad_request("message to edit not found")
        return chat, message

    def edit_message_text(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._bot_message(p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        visible = check_text(p.get("text"), p.get("parse_mode"))
        markup = check_markup(p.get("reply_markup"), inline_only=True)
        if message.get("text") == p["text"] and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = p["text"]
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        self.world.record("edit", chat.id, message["message_id"], visible, html=p["text"], reply_markup=markup)
        return message

    def edit_reply_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._bot_message(p)
        markup = check_markup(p.get("reply_markup"), inline_only=True)
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            raise ApiError(400, NOT_MODIFIED)
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self.world.record("edit", chat.id, message["message_id"], None, reply_markup=markup)
        return message

    def answer_callback_query(self, p: dict[str, Any]) -> bool:
        query = self.world.callback_queries.get(str(p.get("callback_query_id")))
        if query is None or query["answered"]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self.world.record("answer", None, None, text, query_id=str(p.get("callback_query_id")),
                          show_alert=_true(p.get("show_alert")))
        return True

    def delete_message(self, p: dict[str, Any]) -> bool:
        chat = self.world.writable_chat(p.get("chat_id"))
        message_id = _as_int(p.get("message_id")) or 0
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        self.world.record("delete", chat.id, message_id)
        return True

    def pin(self, p: dict[str, Any]) -> bool:
        chat = self.world.writable_chat(p.get("chat_id"))
        message_id = _as_int(p.get("message_id")) or 0
        if chat.type != "private" and chat.bot_status != "administrator":
            raise bad_request("not enough rights to manage pinned messages in the chat")
        if message_id not in chat.messages:
            raise bad_request("message to pin not found")
        self.world.record("pin", chat.id, message_id)
        return True

    # ----- the command menu and chats ----------------------------------------------------------------
    def _command_key(self, p: dict[str, Any]) -> str:
        scope = p.get("scope")
        if isinstance(scope, dict) and str(scope.get("type", "")).startswith("chat"):
            chat = self.world.find_chat(scope.get("chat_id"))
            if chat is None:
                raise bad_request("chat not found")
            if scope["type"] != "chat" and chat.type == "private":
                raise bad_request("can't change commands of administrators or members in a private chat")
        return scope_key(scope, p.get("language_code"))

    def set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = check_commands(p.get("commands"))
        self.world.commands[self._command_key(p)] = commands
        return True

    def delete_my_commands(self, p: dict[str, Any]) -> bool:
        self.world.commands.pop(self._command_key(p), None)
        return True

    def get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(p.get("chat_id"))
        if chat is None:
            raise bad_request("chat not found")
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return chat.as_api(self.world.users) | {"accent_color_id": 0, "max_reaction_count": 11,
                                                 "accepted_gift_types": gifts}

    def get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.find_chat(p.get("chat_id"))
        user_id = _as_int(p.get("user_id"))
        if chat is None:
            raise bad_request("chat not found")
        if user_id == self.world.bot["id"]:
            return member_api(self.world.bot, chat.bot_status)
        user = self.world.users.get(user_id or 0)
        if user is None:
            raise bad_request("user not found")
        status = "administrator" if user_id in chat.admins else "member" if user_id in chat.members else "left"
        return member_api(user, status)


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _files(fields: dict[str, Any]) -> list[str]:
    """The file ids in a message's fields (a photo lists sizes, largest last)."""
    for value in fields.values():
        if isinstance(value, list) and value and isinstance(value[-1], dict) and "file_id" in value[-1]:
            return [value[-1]["file_id"]]
        if isinstance(value, dict) and "file_id" in value:
            return [value["file_id"]]
    return []
