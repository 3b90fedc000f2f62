"""Telegram's HTML parse mode: which markup it accepts and how long the visible text is."""

from __future__ import annotations

import html
import re

from bot.core.errors import GridbotError

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
        "blockquote", "tg-emoji"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>|<|&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&")


class EntityError(GridbotError):
    """Text Telegram would refuse with "can't parse entities"."""


def parse_html(text: str) -> str:
    """Return the visible text; raise EntityError where Telegram would."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in TOKEN.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        offset = len(text[: match.start()].encode("utf-8"))
        if match.group(2):
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in TAGS:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{tag}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != tag:
                    raise EntityError(f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1] if stack else ""}>", found "</{tag}>"')
                stack.pop()
            else:
                attributes = match.group(3)
                if tag == "span" and not re.search(r"""\bclass=["']?tg-spoiler\b""", attributes):
                    raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
                if tag == "tg-emoji" and not re.search(r"""\bemoji-id=["']?[0-9]""", attributes):
                    raise EntityError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
                stack.append(tag)
        elif token == "<":
            raise EntityError(f"Unsupported start tag \"\" at byte offset {offset}")
        elif token == "&":
            raise EntityError(f"Character '&' is reserved and must be escaped at byte offset {offset}")
        else:
            name = match.group(4)
            if name.startswith("#"):
                out.append(html.unescape(token))
            elif name in NAMED_ENTITIES:
                out.append(NAMED_ENTITIES[name])
            else:
                raise EntityError(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
    out.append(text[pos:])
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = 4096) -> list[str]:
    """Split Telegram HTML into messages of at most `limit` visible characters, at line ends where possible;
    tags open at a cut are closed before it and opened again after it."""
    # The visible text is never longer than its HTML (tags go, entities shrink): most messages are let through
    # on that count alone, without being parsed.
    if utf16_len(text) <= limit or utf16_len(parse_html(text)) <= limit:
        return [text]
    pieces = _pieces(text)
    chunks: list[str] = []
    prefix: list[tuple[str, str]] = []          # tags open at the start of the current chunk
    current: list[tuple[str, int, str | None, str]] = []
    stack: list[tuple[str, str]] = []
    cost = 0
    last_newline: tuple[int, int, list[tuple[str, str]]] | None = None

    def emit(body: list[tuple[str, int, str | None, str]], open_at_end: list[tuple[str, str]]) -> None:
        chunks.append("".join(raw for _, raw in prefix) + "".join(p[0] for p in body)
                      + "".join(f"</{name}>" for name, _ in reversed(open_at_end)))

    for piece in pieces:
        raw, width, tag, kind = piece
        # A loop: after a cut at a line end, the rest of the line plus this piece may still be too long.
        while current and cost + width > limit:
            if last_newline is not None:
                index, _, snapshot = last_newline
                emit(current[:index], snapshot)
                prefix = list(snapshot)
                current = current[index + 1:]
            else:
                emit(current, stack)
                prefix = list(stack)
                current = []
            cost = sum(p[1] for p in current)
            last_newline = None
        current.append(piece)
        cost += width
        if kind == "open" and tag is not None:
            stack.append((tag, raw))
        elif kind == "close":
            stack.pop()
        elif raw == "\n":
            last_newline = (len(current) - 1, cost, list(stack))
    if current:
        emit(current, stack)
    return [c for c in chunks if parse_html(c).strip()]


def _pieces(text: str) -> list[tuple[str, int, str | None, str]]:
    """Atoms of HTML text: (raw, visible width, tag name, kind) with kind open, close, entity or char."""
    out: list[tuple[str, int, str | None, str]] = []
    pos = 0
    for match in TOKEN.finditer(text):
        out += [(ch, utf16_len(ch), None, "char") for ch in text[pos:match.start()]]
        pos = match.end()
        if match.group(2):
            kind = "close" if match.group(1) == "/" else "open"
            out.append((match.group(0), 0, match.group(2).lower(), kind))
        else:
            out.append((match.group(0), utf16_len(html.unescape(match.group(0))), None, "entity"))
    out += [(ch, utf16_len(ch), None, "char") for ch in text[pos:]]
    return out
