"""The ledger's part of a running bot: the summaries counted in the configured timezone, the settings checked
at start, and the weekly digest's photos drawn and sent.

The photos are sent here, not through the outbox: the outbox carries text, and a chart is drawn from the
figures when it is sent (a week of digests stored as images would weigh more than every message of the week).
What is owed is decided in the database first (bot.services.ledger.digest), so a restart resends only what
was not yet confirmed sent."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackContext

from bot.services.ledger import digest, formula
from bot.services.ledger import stats as stats_service
from bot.services.runtime import Runtime

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
BATCH = 10
DIGEST_CHECK_SECONDS = 30.0


def check_settings(rt: Runtime) -> None:
    """ConfigError for a digest schedule or score formula that cannot be read (at start, not on Monday)."""
    digest.check_schedule(rt.settings)
    formula.parse(rt.settings.assessment_formula)


async def start(application: AnyApplication) -> None:
    rt: Runtime = application.bot_data.runtime
    check_settings(rt)
    await rt.db.write(stats_service.prepare, rt.settings)
    if application.job_queue is not None:
        interval = max(rt.settings.tick_seconds, DIGEST_CHECK_SECONDS)
        application.job_queue.run_repeating(_tick, interval=interval, first=interval, name="digest")


async def _tick(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        await deliver_digests(context.application)
    except Exception:
        log.exception("digest delivery failed")


async def deliver_digests(application: AnyApplication, limit: int = BATCH) -> int:
    """Start the digest if one is due, then send up to `limit` of those owed; the number sent."""
    rt: Runtime = application.bot_data.runtime
    await rt.db.write(digest.fire_due, rt.settings, rt.now())
    sent = 0
    for delivery in await rt.db.read(digest.pending, limit):
        content = await rt.db.read(digest.content, rt.settings, delivery, rt.now())
        if content is None:
            await rt.db.write(digest.settle, delivery, "area gone", rt.now(), True)
            continue
        photo = await asyncio.to_thread(digest.draw, content)
        try:
            await application.bot.send_photo(delivery.chat_id, photo, caption=content.caption,
                                             parse_mode=ParseMode.HTML)
        except RetryAfter:
            break                                   # flood control: the rest wait for the next round
        except (Forbidden, BadRequest) as exc:
            await rt.db.write(digest.settle, delivery, exc.message, rt.now(), True)
            continue
        except (TimedOut, NetworkError) as exc:
            await rt.db.write(digest.settle, delivery, exc.message, rt.now(), False)
            break
        if rt.sender is not None:
            rt.sender.limits.count(delivery.chat_id, time.monotonic())
        await rt.db.write(digest.settle, delivery, None, rt.now(), False)
        sent += 1
    return sent
