"""What /metrics shows (Prometheus text format) and the update processor that measures handling."""

from __future__ import annotations

import time
from typing import Any, Awaitable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from telegram import Update
from telegram.ext import Application

from bot.delivery.update_order import PerUserUpdateProcessor
from bot.services.runtime import Runtime
from db import health as health_db

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PRIORITY_NAMES = {0: "urgent", 1: "assign", 2: "notice", 5: "broadcast"}
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class BotMetrics:
    """One registry per bot (several bots in one test process must not share counters)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter("gridbot_updates_handled", "Telegram updates handled, by kind", ["kind"],
                               registry=self.registry)
        self.latency = Histogram("gridbot_update_handling_seconds", "Time to handle one update",
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.outbox_depth = Gauge("gridbot_outbox_pending", "Messages waiting in the outbox, by priority",
                                  ["priority"], registry=self.registry)
        self.oldest_pending = Gauge("gridbot_outbox_oldest_pending_seconds", "Age of the oldest waiting message",
                                    registry=self.registry)
        self.registry.register(_SenderCollector(self))
        self.last_update: float | None = None          # time.monotonic() of the last update handled

    def seconds_since_last_update(self) -> float | None:
        return None if self.last_update is None else time.monotonic() - self.last_update

    async def render(self) -> bytes:
        """The text exposition, after reading the outbox depth from the database."""
        pending = await self.runtime.db.read(health_db.outbox_pending, self.runtime.stamp())
        for priority in set(PRIORITY_NAMES) | set(pending.by_priority):
            self.outbox_depth.labels(PRIORITY_NAMES.get(priority, str(priority))).set(
                pending.by_priority.get(priority, 0))
        self.oldest_pending.set(pending.oldest_seconds or 0.0)
        return generate_latest(self.registry)


class _SenderCollector(Collector):
    """The sender's own counters, read when scraped."""

    def __init__(self, metrics: BotMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[Metric]:
        sender = self.metrics.runtime.sender
        stats = sender.stats if sender is not None else None
        for name, doc, value in (
                ("gridbot_messages_sent", "Messages delivered to Telegram", stats.sent if stats else 0),
                ("gridbot_messages_retried", "Sends retried after a network error or 5xx", stats.retried if stats else 0),
                ("gridbot_flood_waits", "429 Too Many Requests answers received", stats.flood_waits if stats else 0),
                ("gridbot_messages_failed", "Messages refused for good (blocked, kicked, not found)",
                 stats.failed if stats else 0)):
            yield CounterMetricFamily(name, doc, value=value)


class MeasuredUpdateProcessor(PerUserUpdateProcessor):
    """Per-user ordering as before; counts each update and times its handlers (not its wait for the lock)."""

    def __init__(self, max_concurrent_updates: int, metrics: BotMetrics) -> None:
        super().__init__(max_concurrent_updates)
        self.metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await super().do_process_update(update, self._timed(update, coroutine))

    async def _timed(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.monotonic()
        try:
            await coroutine
        finally:
            self.metrics.latency.observe(time.monotonic() - started)
            self.metrics.updates.labels(_kind(update)).inc()
            self.metrics.last_update = time.monotonic()


def _kind(update: object) -> str:
    if isinstance(update, Update):
        for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
            if getattr(update, kind) is not None:
                return kind
        return "other"
    return "internal"


def metrics_of(application: Application[Any, Any, Any, Any, Any, Any]) -> BotMetrics | None:
    processor = application.update_processor
    return processor.metrics if isinstance(processor, MeasuredUpdateProcessor) else None
