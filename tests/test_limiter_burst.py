"""The outbox's catch-up after a late start does not fill Telegram's one-second window early: while a notice sends
at the full overall rate, a reply waits for its turn (a spacing and a little), never for the window to empty (time is
given explicitly: no timing)."""

from __future__ import annotations

import random

import pytest

from bot.delivery.ratelimit import ChatLimits


@pytest.mark.parametrize("per_second", [30, 100])
def test_a_reply_during_a_notice_waits_about_one_spacing(per_second: int) -> None:
    limits = ChatLimits(per_second, 20, 1)
    rng = random.Random(per_second)
    start = now = 1000.0
    worst, sent, group = 0.0, 0, -1
    while now < start + 10:
        everyone, _ = limits.wait(7, now)                   # what a reply to person 7 would wait for
        worst = max(worst, everyone)
        if everyone <= 0:                                   # the notice's next group, as soon as allowed
            limits.count(group, now)
            group, sent = group - 1, sent + 1
            now += rng.random() * 0.01                      # the event loop comes back a little late
        now += 0.0005
    assert worst < 0.06, worst                              # a 0.25 s credit: 0.28 s at 30 msg/s
    assert sent >= per_second * 10 - 1                      # and the notice still goes at the full rate
