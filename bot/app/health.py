"""`GET /healthz` (JSON; 200, or 503 when the database is unusable or the sender has stalled) and
`GET /metrics` (Prometheus), on the webhook listener or on `--health-listen` in polling mode."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.app.metrics import CONTENT_TYPE, BotMetrics
from bot.core.clock import stamp
from bot.services.runtime import Runtime
from db import health as health_db

DB_TIMEOUT = 5.0


@dataclass
class _Progress:
    """When the sender last got anything done (sent, failed for good, retried, waited out a 429)."""
    total: int = -1
    at: float = 0.0


class Health:
    def __init__(self, runtime: Runtime, metrics: BotMetrics | None, mode: str) -> None:
        self.runtime, self.metrics, self.mode = runtime, metrics, mode
        self._progress = _Progress(at=time.monotonic())

    def _sender_progress(self) -> tuple[bool, float]:
        """(the sender exists, seconds since it last made progress)."""
        sender = self.runtime.sender
        now = time.monotonic()
        if sender is None:
            return False, now - self._progress.at
        stats = sender.stats
        total = stats.sent + stats.failed + stats.retried + stats.flood_waits
        if total != self._progress.total:
            self._progress = _Progress(total, now)
        return True, now - self._progress.at

    async def snapshot(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, the JSON body)."""
        rt = self.runtime
        now = rt.now()
        database: dict[str, Any] = {"writable": False, "error": None}
        pending: health_db.Pending | None = None
        overdue = None
        try:
            await asyncio.wait_for(rt.db.write(health_db.touch), DB_TIMEOUT)
            database["writable"] = True
            pending = await asyncio.wait_for(rt.db.read(health_db.outbox_pending, stamp(now)), DB_TIMEOUT)
            late = now - timedelta(seconds=max(60.0, 3 * rt.settings.tick_seconds))
            overdue = await asyncio.wait_for(rt.db.read(health_db.overdue_timers, stamp(late)), DB_TIMEOUT)
        except Exception as exc:                  # whatever it is, the answer is "unusable", with the reason
            database["error"] = f"{type(exc).__name__}: {exc}"
        running, quiet_for = self._sender_progress()
        limit = rt.settings.health_stall_seconds
        stalled = (pending is not None and pending.count > 0 and (pending.oldest_seconds or 0) > limit
                   and (not running or quiet_for > limit))
        since_update = self.metrics.seconds_since_last_update() if self.metrics else None
        healthy = bool(database["writable"]) and not stalled
        body = {
            "status": "ok" if healthy else "failing",
            "mode": self.mode,
            "database": database,
            "outbox": {"pending": pending.count if pending else None,
                       "oldest_pending_seconds": _round(pending.oldest_seconds if pending else None),
                       "by_priority": {str(k): v for k, v in pending.by_priority.items()} if pending else {}},
            "sender": {"running": running, "stalled": stalled, "seconds_since_progress": _round(quiet_for)},
            "updates": {"seconds_since_last": _round(since_update)},
            "timers": {"overdue": overdue},
        }
        return healthy, body

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, body = await self.snapshot()
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        if self.metrics is None:
            raise web.HTTPNotFound()
        try:
            text = await asyncio.wait_for(self.metrics.render(), DB_TIMEOUT)
        except Exception as exc:
            return web.Response(status=503, text=f"{type(exc).__name__}: {exc}\n")
        return web.Response(body=text, headers={"Content-Type": CONTENT_TYPE})

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
