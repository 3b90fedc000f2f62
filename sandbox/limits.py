"""Telegram's flood limits, enforced on request, and faults injected by a test."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Literal

from sandbox.window import SlidingWindow

SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "sendLocation", "copyMessage",
                "forwardMessage"}
FaultKind = Literal["retry_after", "server_error", "slow", "drop"]


class RateLimits:
    """Telegram's limits as the server sees them: overall per second, per group per minute, per private chat
    per second (None = not enforced). A refused request does not count."""

    def __init__(self) -> None:
        self.configure()
        self.refused = 0
        self.accepted = 0

    def configure(self, overall_per_sec: float | None = None, group_per_min: int | None = None,
                  chat_per_sec: float | None = None) -> None:
        self.overall_per_sec, self.group_per_min, self.chat_per_sec = overall_per_sec, group_per_min, chat_per_sec
        self.overall = SlidingWindow(int(overall_per_sec), 1.0) if overall_per_sec else None
        self.chats: dict[int, SlidingWindow] = {}

    def _window(self, chat_id: int, is_group: bool) -> SlidingWindow | None:
        if chat_id not in self.chats:
            if is_group and self.group_per_min:
                self.chats[chat_id] = SlidingWindow(int(self.group_per_min), 60.0)
            elif not is_group and self.chat_per_sec:
                self.chats[chat_id] = SlidingWindow(max(1, int(self.chat_per_sec)), 1.0)
            else:
                return None
        return self.chats[chat_id]

    def check(self, chat_id: int, is_group: bool, now: float | None = None) -> int | None:
        """Count one send to `chat_id`; return retry_after seconds if a limit refuses it."""
        now = time.monotonic() if now is None else now
        windows = [w for w in (self.overall, self._window(chat_id, is_group)) if w is not None]
        wait = max((w.wait(now) for w in windows), default=0.0)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        self.accepted += 1
        for window in windows:
            window.add(now)
        return None


@dataclass
class Fault:
    """The next `count` calls of `method` (any method but getUpdates when None) fail this way."""

    kind: FaultKind
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
