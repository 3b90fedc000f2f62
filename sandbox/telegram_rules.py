"""What the Bot API refuses, written from Telegram's documentation (independently of the bot's own copy,
so that a mistake there shows up here as a refusal)."""

from __future__ import annotations

import re
from typing import Any

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_COMMANDS = 100

# https://core.telegram.org/bots/api#html-style
HTML_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                       "code", "pre", "blockquote", "tg-emoji"})
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
INLINE_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                         "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                         "callback_game", "pay")
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SPACE = " \t\n\r\f"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9._-]*")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so a character outside the BMP counts twice."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


# ----- the HTML parse mode -------------------------------------------------------------------------
class _Unparsable(Exception):
    """Text the HTML parse mode cannot read; the message becomes "can't parse entities: ..."."""


class _HtmlReader:
    """One pass over HTML text, collecting the visible text and checking the tags."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.at = 0
        self.visible: list[str] = []
        self.open_tags: list[str] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def fail(self, message: str, index: int | None = None) -> _Unparsable:
        if index is not None:
            message += f" at byte offset {self.byte_offset(index)}"
        return _Unparsable(message)

    def read(self) -> str:
        src = self.src
        while self.at < len(src):
            ch = src[self.at]
            if ch == "&":
                self.visible.append(self.entity())
            elif ch == "<":
                if src.startswith("</", self.at):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                # '>' is plain text: it cannot begin markup, and the server reads it as such.
                self.visible.append(ch)
                self.at += 1
        if self.open_tags:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1]}"')
        return "".join(self.visible)

    def entity(self) -> str:
        """`&...;` at self.at: one of the four named entities or a numeric one. Stricter than the server on a
        bare '&' (which it shows as is): the documentation says to escape it, and an unescaped '&' in the
        bot's output means user text went out unescaped."""
        start = self.at
        end = self.src.find(";", start, start + 12)
        body = self.src[start + 1:end] if end != -1 else ""
        if end == -1 or not body:
            raise self.fail("Character '&' must be escaped as \"&amp;\"", start)
        char: str | None = NAMED_ENTITIES.get(body)
        if body.startswith("#"):
            digits, base = (body[2:], 16) if body[1:2] in ("x", "X") else (body[1:], 10)
            allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
            code = int(digits, base) if digits and all(d in allowed for d in digits) else 0
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                char = chr(code)
        if char is None:
            raise self.fail(f'Unsupported HTML entity "&{body};"', start)
        self.at = end + 1
        return char

    def tag_name(self) -> str:
        start = self.at
        while self.at < len(self.src) and self.src[self.at] not in _SPACE + ">":
            self.at += 1
        return self.src[start:self.at].lower()

    def skip_spaces(self) -> None:
        while self.at < len(self.src) and self.src[self.at] in _SPACE:
            self.at += 1

    def start_tag(self) -> None:
        begin = self.at
        self.at += 1
        name = self.tag_name()
        if self.at >= len(self.src):
            raise self.fail("Unclosed start tag", begin)
        if name not in HTML_TAGS:
            raise self.fail(f'Unsupported start tag "{name}"', begin)
        attributes = self.attributes(name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler"', begin)
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise self.fail('Tag "tg-emoji" must have attribute "emoji-id" with a custom emoji identifier', begin)
        self.open_tags.append(name)

    def attributes(self, tag: str, begin: int) -> dict[str, str]:
        """Attributes up to and including the closing '>'. Unknown ones are read and ignored, as the server does."""
        found: dict[str, str] = {}
        src = self.src
        while True:
            self.skip_spaces()
            if self.at >= len(src):
                raise self.fail("Unclosed start tag", begin)
            if src[self.at] == ">":
                self.at += 1
                return found
            start = self.at
            while self.at < len(src) and src[self.at] not in _SPACE + "=>":
                self.at += 1
            name = src[start:self.at].lower()
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}"', begin)
            self.skip_spaces()
            if self.at >= len(src) or src[self.at] != "=":
                found[name] = ""          # a bare attribute, like <blockquote expandable>
                continue
            self.at += 1
            self.skip_spaces()
            found[name] = self.attribute_value()

    def attribute_value(self) -> str:
        src = self.src
        if self.at < len(src) and src[self.at] in "\"'":
            start = self.at + 1
            end = src.find(src[self.at], start)
            if end == -1:
                raise self.fail("Unclosed end of attribute value", self.at)
            after = end + 1
        else:
            match = _NAME_TOKEN.match(src, self.at)
            start = self.at
            end = after = start + len(match.group(0) if match else "")
            if after < len(src) and src[after] not in _SPACE + ">":
                raise self.fail("Unexpected end of name token", after)
        # Entities inside a value are decoded by the same rules as in text.
        value: list[str] = []
        self.at = start
        while self.at < end:
            if src[self.at] == "&":
                value.append(self.entity())
            else:
                value.append(src[self.at])
                self.at += 1
        self.at = after
        return "".join(value)

    def end_tag(self) -> None:
        begin = self.at
        if not self.open_tags:
            raise self.fail("Unexpected end tag", begin)
        self.at += 2
        name = self.tag_name()
        self.skip_spaces()
        if self.at >= len(self.src) or self.src[self.at] != ">":
            raise self.fail("Unclosed end tag", begin)
        self.at += 1
        expected = self.open_tags[-1]
        if name and name != expected:
            raise self.fail(f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "</{expected}>", '
                            f'found "</{name}>"')
        self.open_tags.pop()


def visible_text(html: str) -> str:
    """What a reader sees of `html` sent with parse_mode HTML; ApiError "can't parse entities" where refused."""
    try:
        return _HtmlReader(html).read()
    except _Unparsable as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


# ----- messages and their parts -------------------------------------------------------------------
def check_text(text: Any, parse_mode: Any, *, caption: bool = False) -> str:
    """The visible text of a message text or caption, or ApiError as the Bot API answers."""
    if not isinstance(text, str):
        if caption and text is None:
            return ""
        raise bad_request("message text is empty")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise bad_request("strings must be encoded in UTF-8")
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode not in ("", "html", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    visible = visible_text(text) if mode == "html" else text
    # Emptiness is judged after parsing: "<b> </b>" is an empty message.
    if not caption and not visible.strip():
        raise bad_request("message text is empty")
    if utf16_len(visible) > (MAX_CAPTION if caption else MAX_TEXT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    return visible


def check_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """An inline keyboard, a reply keyboard, a keyboard removal or a forced reply, as checked by the Bot API."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], _check_inline_button)
    elif inline_only:
        raise bad_request("can't parse inline keyboard markup JSON object")
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], _check_reply_button)
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_rows(rows: Any, check: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in rows:
        for button in row:
            check(button)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(?i)(https?|tg)://\S", str(url)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _check_reply_button(button: Any) -> None:
    text = button if isinstance(button, str) else button.get("text") if isinstance(button, dict) else None
    if not isinstance(text, str):
        raise bad_request("can't parse keyboard button: KeyboardButton must be a String or an Object")
    if not text:
        raise bad_request("BUTTON_TEXT_INVALID")


def reply_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The buttons of a reply keyboard, each as an object (a bare string is a text button)."""
    rows = (markup or {}).get("keyboard") or []
    return [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]


# ----- the command menu ---------------------------------------------------------------------------
SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
          "chat_administrators", "chat_member")


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def scope_key(scope: Any, language_code: Any) -> str:
    """One key per (scope, language) menu: "chat:-100:" or "all_private_chats:en"."""
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope: unsupported scope type")
    language = language_code or ""
    if language and not re.fullmatch(r"[a-z]{2}", str(language)):
        raise bad_request("invalid language code specified")
    parts = [scope["type"]]
    if scope["type"].startswith("chat"):
        if scope.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        parts.append(str(scope["chat_id"]))
    if scope["type"] == "chat_member":
        parts.append(str(scope.get("user_id") or ""))
    return ":".join(parts + [str(language)])
