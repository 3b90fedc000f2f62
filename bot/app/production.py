"""The command line's production part: `run`'s webhook/health/proxy flags, and `backup`, `restore`, `purge`,
`doctor`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, Callable

from bot.app.backup import BackupError, backup, restore
from bot.app.instance_lock import AlreadyRunning
from bot.app.webhook import Listener, webhook_secret
from bot.core.clock import SystemClock
from bot.core.config import Settings
from messages import render

USER_ERRORS = (AlreadyRunning, BackupError)     # printed as one line, exit status 2


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("--webhook-url", metavar="URL", help="https URL Telegram posts updates to (webhook mode)")
    run.add_argument("--listen", metavar="HOST:PORT", help="where the webhook listens (default 127.0.0.1:8443)")
    run.add_argument("--health-listen", metavar="HOST:PORT", help="/healthz and /metrics in polling mode")
    run.add_argument("--proxy", metavar="URL", help="http://, https:// or socks5:// proxy to the Bot API")


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`sub` is the parser's subparsers action (argparse does not export its type)."""
    bak = sub.add_parser("backup", parents=[common], help="copy the database consistently, also while the bot runs")
    bak.add_argument("--out", required=True, metavar="FILE", help="where to write the copy")
    res = sub.add_parser("restore", parents=[common], help="replace the database with a backup (bot stopped)")
    res.add_argument("file", metavar="FILE", help="a file written by gridbot backup")
    purge = sub.add_parser("purge", parents=[common], help="erase and prune what is past its retention time")
    purge.add_argument("--dry-run", action="store_true", help="only print what would be erased")
    doctor = sub.add_parser("doctor", parents=[common], help="check token, server, webhook, database, clock, groups")
    doctor.add_argument("--token", help="bot token (default: $GRIDBOT_TOKEN or the config)")
    doctor.add_argument("--base-url", help="Bot API server")
    doctor.add_argument("--proxy", metavar="URL", help="proxy to the Bot API")


def run_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    settings = settings.with_overrides(webhook_url=args.webhook_url, webhook_listen=args.listen,
                                       health_listen=args.health_listen, proxy=args.proxy)
    if settings.webhook_url:            # fixed now, so that the log can mask it
        settings = settings.with_overrides(webhook_secret=webhook_secret(settings))
    return settings


def print_started(application: Any, settings: Settings, listener: Listener | None) -> None:
    url = settings.base_url.removesuffix("/bot")
    print(render("cli/running", settings.locale, username=application.bot.username, url=url, db=settings.database),
          flush=True)
    if listener is not None:
        print(render("cli/listening", settings.locale, webhook=settings.webhook_url,
                     listen=f"{listener.host}:{listener.port}"), flush=True)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    checked = backup(settings.database, args.out)
    print(render("cli/backup_done", settings.locale, backup=checked))
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    checked, previous = restore(args.file, settings.database)
    print(render("cli/restore_done", settings.locale, backup=checked, previous=previous, path=settings.database))
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.serve import purge
    from bot.services.retention import due
    from bot.services.runtime import Runtime
    from db import open_database

    async def go() -> Any:
        db = await open_database(settings.database)
        try:
            if args.dry_run:
                return await db.read(due, settings, SystemClock().now())
            return await purge(Runtime(settings, db))
        finally:
            await db.close()

    purged = asyncio.run(go())
    retain = {k: getattr(settings, f"retain_{k}_days") for k in ("personal", "outbox", "updates", "events", "audit",
                                                                      "households")}
    print(render("cli/purge_result", settings.locale, purged=purged, dry=args.dry_run, retain=retain))
    return 0


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.doctor import run_doctor

    settings = settings.with_overrides(token=args.token, base_url=args.base_url, proxy=args.proxy)
    checks = asyncio.run(run_doctor(settings))
    for check in checks:
        print(render(f"cli/doctor/{check.name}", settings.locale, ok=check.ok, c=check.values))
    failed = sum(not c.ok for c in checks)
    print(render("cli/doctor/summary", settings.locale, failed=failed, ok=not failed))
    sys.stdout.flush()
    return 0 if not failed else 1


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "backup": _backup, "restore": _restore, "purge": _purge, "doctor": _doctor}
