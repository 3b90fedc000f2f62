"""The bot's sliding-window limiter (bot/delivery/ratelimit.py), with time given explicitly, checked against the
sandbox's independent window and its enforcement of Telegram's limits."""

from __future__ import annotations

import random

import pytest

from bot.delivery.ratelimit import IN_FLIGHT, ChatLimits, SlidingWindow
from sandbox.limits import RateLimits
from sandbox.window import SlidingWindow as SandboxWindow


def most_in_any_window(times: list[float], span: float) -> int:
    """The largest number of events inside any half-open window [t, t + span), give or take float rounding."""
    times = sorted(times)
    best, first = 0, 0
    for last, moment in enumerate(times):
        while times[first] <= moment - span + 1e-9:
            first += 1
        best = max(best, last - first + 1)
    return best


@pytest.mark.parametrize(("limit", "span", "seed"), [(1, 1.0, 1), (3, 1.0, 2), (20, 60.0, 3), (30, 1.0, 4)])
def test_a_window_never_lets_more_than_its_limit_through(limit, span, seed):
    rng = random.Random(seed)
    window, judge = SlidingWindow(limit, span), SandboxWindow(limit, span)
    now, accepted = 0.0, []
    while len(accepted) < 2000:
        # A sender with a message always waiting: it asks, sleeps as long as told (or a little more), asks again.
        wait = window.wait(now)
        if wait > 0:
            now += wait + rng.choice([0.0, 0.0, rng.random() * span / limit])
            continue
        window.add(now)
        accepted.append(now)
        assert judge.wait(now) < 1e-9, f"the sandbox would refuse the send at {now}"
        judge.add(now)
        now += rng.choice([0.0, rng.random() * span / limit])
    assert most_in_any_window(accepted, span) <= limit
    # Not too strict either: it lets nearly `limit` per span through.
    assert len(accepted) >= 0.8 * limit * (now / span)


def test_wait_says_exactly_when_the_next_event_fits():
    window = SlidingWindow(2, 10.0)
    assert window.wait(100.0) == 0
    window.add(100.0)
    window.add(103.0)
    assert window.wait(104.0) == pytest.approx(6.0)
    assert window.wait(109.999) == pytest.approx(0.001)
    assert window.wait(110.0) == 0                       # the event at 100 no longer counts
    window.add(110.0)
    assert window.wait(111.0) == pytest.approx(2.0)      # now the one at 103 is the oldest that counts


def test_a_send_in_flight_holds_its_place_until_it_ends():
    window = SlidingWindow(1, 1.0)
    window.add(IN_FLIGHT)
    assert 0 < window.wait(50.0) < 0.1                   # poll again soon: it may end any moment
    window.settle(50.2)
    assert window.wait(50.5) == pytest.approx(0.7)      # counted from when it ended
    window.add(IN_FLIGHT)
    window.drop_in_flight()                              # refused by the server: does not count
    assert window.wait(51.2) == 0


def simulate(limits: ChatLimits, chats: list[int], until: float, step: float = 0.005) -> dict[int, list[float]]:
    """Every chat always has a message waiting; send one whenever the limiter says it may."""
    sent: dict[int, list[float]] = {chat: [] for chat in chats}
    for tick in range(int(until / step)):
        now = tick * step
        for chat in chats:
            overall, chat_wait = limits.wait(chat, now)
            if overall <= 0 and chat_wait <= 0:
                limits.count(chat, now)
                sent[chat].append(now)
    return sent


def test_per_group_per_chat_and_overall_limits_hold_together():
    groups, privates = [-1001, -1002, -1003], [501, 502]
    limits = ChatLimits(per_second=30, per_group_minute=20, per_chat_second=1)
    sent = simulate(limits, groups + privates, until=119.9)
    for group in groups:
        assert most_in_any_window(sent[group], 60.0) <= 20
        assert len(sent[group]) == 40                    # and no fewer: 20 in each minute
    for private in privates:
        assert most_in_any_window(sent[private], 1.0) <= 1
        assert len(sent[private]) >= 115
    everything = sorted(t for times in sent.values() for t in times)
    assert most_in_any_window(everything, 1.0) <= 30
    # The sandbox, enforcing the same limits independently, would have refused none of them.
    server = RateLimits()
    server.configure(overall_per_sec=30, group_per_min=20, chat_per_sec=1)
    for moment, chat in sorted((t, chat) for chat, times in sent.items() for t in times):
        assert server.check(chat, chat < 0, moment) is None, f"429 for chat {chat} at {moment}"


def test_sends_are_spaced_rather_than_burst():
    limits = ChatLimits(per_second=10, per_group_minute=1000, per_chat_second=1000)
    sent = simulate(limits, [-1], until=3.0)[-1]
    assert most_in_any_window(sent, 1.0) <= 10
    assert most_in_any_window(sent, 0.3) <= 4            # about one per 0.1 s, not ten at once
    assert len(sent) >= 29


def test_a_chat_at_its_limit_does_not_hold_up_the_others():
    limits = ChatLimits(per_second=30, per_group_minute=2, per_chat_second=1)
    sent = simulate(limits, [-1, -2, 7], until=10.0)
    assert len(sent[-1]) == len(sent[-2]) == 2
    assert len(sent[7]) == 10


def test_start_and_finish_count_a_send_from_when_it_ends():
    limits = ChatLimits(per_second=30, per_group_minute=20, per_chat_second=1)
    limits.start(7)
    _, chat_wait = limits.wait(7, 1000.0)
    assert chat_wait > 0                                 # in flight: the private chat's one slot is taken
    limits.finish(7, 1000.0)
    assert limits.wait(7, 1000.4)[1] == pytest.approx(0.6)
    limits.start(7)
    limits.finish(7, 1001.0, counted=False)
    assert limits.wait(7, 1001.0)[1] == 0
