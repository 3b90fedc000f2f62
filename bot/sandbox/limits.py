"""Telegram's flood limits, enforced on request, and faults injected by a test."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}


@dataclass
class RateLimits:
    """Sliding windows: overall per second, per group per minute, per chat per second (None = off)."""

    overall_per_sec: float | None = None
    group_per_min: int | None = None
    chat_per_sec: float | None = None
    overall: deque = field(default_factory=deque)
    per_group: dict[int, deque] = field(default_factory=dict)
    per_chat: dict[int, deque] = field(default_factory=dict)
    refused: int = 0
    accepted: int = 0

    def configure(self, overall_per_sec: float | None = None, group_per_min: int | None = None,
                  chat_per_sec: float | None = None) -> None:
        self.overall_per_sec, self.group_per_min, self.chat_per_sec = overall_per_sec, group_per_min, chat_per_sec
        self.overall.clear()
        self.per_group.clear()
        self.per_chat.clear()

    def check(self, chat_id: int, is_group: bool, now: float | None = None) -> int | None:
        """Count one send to `chat_id`; return retry_after seconds if a limit refuses it."""
        now = time.monotonic() if now is None else now
        waits = []
        if self.overall_per_sec:
            waits.append(_wait(self.overall, now, 1.0, int(self.overall_per_sec)))
        if self.group_per_min and is_group:
            waits.append(_wait(self.per_group.setdefault(chat_id, deque()), now, 60.0, self.group_per_min))
        if self.chat_per_sec and not is_group:
            waits.append(_wait(self.per_chat.setdefault(chat_id, deque()), now, 1.0, max(1, int(self.chat_per_sec))))
        wait = max(waits, default=0.0)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        self.accepted += 1
        self.overall.append(now)
        if is_group:
            self.per_group.setdefault(chat_id, deque()).append(now)
        else:
            self.per_chat.setdefault(chat_id, deque()).append(now)
        return None


def _wait(window: deque, now: float, span: float, limit: int) -> float:
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[len(window) - limit] + span - now


@dataclass
class Fault:
    """The next `count` calls of `method` (any method but getUpdates when None) fail this way."""

    kind: str                    # retry_after, server_error, slow, drop
    method: str | None = None
    count: int = 1
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0
    chat_id: int | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.count <= 0:
            return False
        if self.method is None and method == "getUpdates":
            return False
        if self.method is not None and self.method != method:
            return False
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        return True
