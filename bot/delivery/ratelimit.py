"""Sliding-window rate limits, shared by the outbox sender (to keep under them) and the sandbox (to enforce them)."""

from __future__ import annotations

import bisect
import math
import time

IN_FLIGHT = math.inf


class SlidingWindow:
    """At most `limit` events in any `span` seconds. A send still in flight holds its place until it ends."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit, self.span = limit, span
        self.times: list[float] = []

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 if it fits now)."""
        cut = bisect.bisect_right(self.times, now - self.span)
        if cut:
            del self.times[:cut]
        if len(self.times) < self.limit:
            return 0.0
        oldest = self.times[len(self.times) - self.limit]
        return 0.005 if oldest == IN_FLIGHT else oldest + self.span - now

    def add(self, moment: float) -> None:
        bisect.insort(self.times, moment)

    def settle(self, moment: float) -> None:
        """An in-flight event ended at `moment`."""
        if self.times and self.times[-1] == IN_FLIGHT:
            self.times.pop()
            bisect.insort(self.times, moment)

    def drop_in_flight(self) -> None:
        """An in-flight event did not count (it was refused)."""
        if self.times and self.times[-1] == IN_FLIGHT:
            self.times.pop()


class ChatLimits:
    """Telegram's limits: overall per second, per group per minute, per private chat per second.

    Sends are also spaced evenly (1/per_second apart) rather than let out in bursts, so that a message that
    must go first (an assignment during a broadcast) never waits long for a free slot."""

    def __init__(self, per_second: float, per_group_minute: int, per_chat_second: float) -> None:
        self.overall = SlidingWindow(max(1, int(per_second)), 1.0)
        self.spacing = 1.0 / per_second
        # How far a late sender may catch up at once. Short: a catch-up burst fills the one-second window early, and
        # then every send, a reply too, waits as long as the burst was (at 30 msg/s a 0.25 s credit held each
        # /tasks of bench/scale.py for ~270 ms at the start of a notice). 8 sends' worth only at high rates.
        self.credit = min(0.02, 8 * self.spacing)
        self.next_slot = 0.0
        self.per_group_minute = per_group_minute
        self.per_chat_second = per_chat_second
        self.chats: dict[int, SlidingWindow] = {}
        self._sent = 0

    def _chat(self, chat_id: int) -> SlidingWindow:
        window = self.chats.get(chat_id)
        if window is None:
            window = self.chats[chat_id] = (SlidingWindow(self.per_group_minute, 60.0) if chat_id < 0
                                            else SlidingWindow(max(1, int(self.per_chat_second)), 1.0))
        return window

    def wait(self, chat_id: int, now: float) -> tuple[float, float]:
        """(seconds until the overall limit allows a send, seconds until this chat's does)."""
        return max(self.overall.wait(now), self.next_slot - now), self._chat(chat_id).wait(now)

    def count(self, chat_id: int, now: float) -> None:
        """A message sent outside the sender (a direct reply): later sends must make room for it."""
        self.overall.add(now)
        self._take_slot(now)
        self._chat(chat_id).add(now)
        self._sent += 1
        if self._sent % 5000 == 0:
            self._prune(now)

    def _prune(self, now: float) -> None:
        for chat_id in [c for c, w in self.chats.items() if w.wait(now) == 0 and not w.times]:
            del self.chats[chat_id]

    def _take_slot(self, now: float) -> None:
        self.next_slot = max(self.next_slot, now - self.credit) + self.spacing

    def start(self, chat_id: int) -> None:
        self._take_slot(time.monotonic())
        self.overall.add(IN_FLIGHT)
        self._chat(chat_id).add(IN_FLIGHT)
        self._sent += 1
        if self._sent % 5000 == 0:
            self._prune(time.monotonic())

    def finish(self, chat_id: int, now: float, counted: bool = True) -> None:
        for window in (self.overall, self._chat(chat_id)):
            window.settle(now) if counted else window.drop_in_flight()
