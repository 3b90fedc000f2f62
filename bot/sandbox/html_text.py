"""Telegram's HTML parse mode: which markup it accepts and how long the visible text is."""

from __future__ import annotations

import html
import re

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
        "blockquote", "tg-emoji"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>|<|&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&")


class EntityError(ValueError):
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
