"""A sliding-window counter for the sandbox's flood limits; the caller passes the time in."""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    """At most `limit` events in any `span` seconds: an event at t counts until t + span (exclusive)."""

    def __init__(self, limit: int, span: float) -> None:
        if limit < 1 or span <= 0:
            raise ValueError("a window needs limit >= 1 and span > 0")
        self.limit, self.span = limit, span
        self._times: deque[float] = deque()

    def _forget(self, now: float) -> None:
        # The same sum as in wait(), so that float rounding cannot make the two disagree.
        while self._times and self._times[0] + self.span <= now:
            self._times.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more event would fit; 0.0 when it fits now."""
        self._forget(now)
        if len(self._times) < self.limit:
            return 0.0
        return self._times[len(self._times) - self.limit] + self.span - now

    def add(self, now: float) -> None:
        """Count an event at `now` (times are given in non-decreasing order)."""
        self._times.append(now)

    def __len__(self) -> int:
        return len(self._times)
