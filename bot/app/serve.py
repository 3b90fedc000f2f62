"""`gridbot run`: the bot in polling or webhook mode, its listener, and the daily backup and purge."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

from apscheduler.triggers.cron import CronTrigger
from telegram.ext import Application, CallbackContext

from bot.app import backup as backups
from bot.app.webhook import Listener, leave_webhook_mode, set_webhook, webhook_path, webhook_secret
from bot.app.wiring import ALLOWED_UPDATES, GridApplication, receive_by_polling, start_bot, stop_polling
from bot.core.config import Settings
from bot.services.retention import Purged, PurgeRun
from bot.services.runtime import Runtime
from db import retention as retention_db

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def purge(runtime: Runtime) -> Purged:
    """Erase and prune everything past its time, a batch per transaction so the bot is never held up long; then
    give the freed pages back to the file system, a few thousand per transaction (bench/yeargen.py does the same
    to a generated year)."""
    run = PurgeRun(runtime.settings, runtime.now())
    while await runtime.db.write(run.step):
        pass
    if run.total.total or run.packed:
        while await runtime.db.write(retention_db.reclaim):
            pass
        await runtime.db.read(retention_db.checkpoint)
    return run.total


async def _purge_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    runtime: Runtime = context.application.bot_data.runtime
    try:
        done = await purge(runtime)
        log.info("retention: erased %s reports and %s residents, deleted %s messages, %s update ids, %s forms, "
                 "%s history rows, %s audit rows, %s test reminders, %s finished timers; masked %s households",
                 done.reports, done.residents, done.outbox, done.updates, done.conversations, done.events, done.audit,
                 done.reminders, done.timers, done.households)
    except Exception:
        log.exception("retention purge failed; it runs again at its next time")


async def _backup_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    runtime: Runtime = context.application.bot_data.runtime
    settings = runtime.settings
    directory = settings.backup_dir or backups.default_backup_dir(settings.database)
    try:
        # In a thread: VACUUM INTO takes a while on a big database, and the bot keeps working meanwhile.
        checked, removed = await asyncio.to_thread(backups.scheduled_backup, settings.database, directory,
                                                   settings.backup_keep, runtime.now().astimezone(settings.tz))
        log.info("backup %s written (%s bytes); removed %s", checked.path, checked.size, removed or "none")
    except Exception:
        log.exception("scheduled backup failed; it runs again at its next time")


def schedule_maintenance(application: AnyApplication, settings: Settings) -> None:
    """The daily purge and, if `backup_cron` is set, the backups, at local times (APScheduler cron triggers)."""
    queue = application.job_queue
    if queue is None:
        return
    if settings.purge_cron:
        queue.run_custom(_purge_job, {"trigger": CronTrigger.from_crontab(settings.purge_cron, timezone=settings.tz)},
                         name="purge")
    if settings.backup_cron:
        queue.run_custom(_backup_job, {"trigger": CronTrigger.from_crontab(settings.backup_cron,
                                                                           timezone=settings.tz)}, name="backup")


async def serve(application: GridApplication, settings: Settings, stop: asyncio.Event,
                on_started: Callable[[Listener | None], None] | None = None) -> None:
    """Start the bot, then receive updates until `stop` is set: by webhook if `webhook_url` is set, else by long
    polling (removing a webhook an earlier run left). Always shuts down cleanly, the listener first, also when
    start-up fails."""
    listener: Listener | None = None
    try:
        await start_bot(application)
        if settings.webhook_url:
            secret = webhook_secret(settings)
            # The listener first: Telegram may post the moment the webhook is set.
            listener = Listener(application, settings.webhook_listen, path=webhook_path(settings.webhook_url),
                                secret=secret)
            await listener.start()
            await set_webhook(application.bot, settings, secret, ALLOWED_UPDATES)
        else:
            await leave_webhook_mode(application.bot)
            if settings.health_listen:
                listener = Listener(application, settings.health_listen)
                await listener.start()
            await receive_by_polling(application)
        schedule_maintenance(application, settings)
        if on_started:
            on_started(listener)
        await stop.wait()
    finally:
        if listener is not None:
            await listener.stop()
        await stop_polling(application)
