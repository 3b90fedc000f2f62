"""`gridbot doctor`: everything an operator should know before trusting a deployment, each with ✅/❌ and
what to do. Reads only: it migrates nothing and sends no message."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import aiohttp
from telegram import Bot, ChatMember, ChatMemberAdministrator, ChatMemberOwner, ChatMemberRestricted
from telegram.error import InvalidToken, TelegramError

from bot.app.instance_lock import holder
from bot.core.clock import stamp
from bot.core.config import Settings
from bot.delivery import proxy as proxies
from bot.delivery.transport import AiohttpRequest
from db import health as health_db
from db.core import migration_scripts

CLOCK_TOLERANCE = 30.0


@dataclass
class Check:
    name: str                   # the template: cli/doctor/<name>
    ok: bool
    values: dict[str, Any] = field(default_factory=dict)


def _server(settings: Settings) -> str:
    return settings.base_url.removesuffix("/bot")


async def check_telegram(settings: Settings, proxy: str | None) -> tuple[list[Check], Bot | None]:
    """getMe and getWebhookInfo; the bot (initialized) if the token works, for the group checks."""
    bot = Bot(settings.token, base_url=settings.base_url,
              request=AiohttpRequest(connection_pool_size=4, read_timeout=settings.request_timeout, proxy=proxy),
              get_updates_request=AiohttpRequest(connection_pool_size=1, proxy=proxy))
    url = _server(settings)
    try:
        await bot.initialize()
    except InvalidToken:
        await bot.shutdown()
        return [Check("token", False, {"url": url, "reason": "rejected"})], None
    except TelegramError as exc:
        await bot.shutdown()
        return [Check("token", False, {"url": url, "reason": str(exc), "proxy": bool(proxy)})], None
    checks = [Check("token", True, {"url": url, "username": bot.username, "id": bot.id, "proxy": bool(proxy)})]
    info = await bot.get_webhook_info()
    wanted = settings.webhook_url
    consistent = info.url == wanted
    error = info.last_error_message if info.last_error_date else None
    checks.append(Check("webhook", consistent and not error,
                        {"url": info.url, "wanted": wanted, "pending": info.pending_update_count, "error": error}))
    return checks, bot


async def check_clock(settings: Settings, proxy: str | None) -> Check:
    """The server's `Date` header against this machine's clock (TLS and Telegram need it right)."""
    try:
        async with aiohttp.ClientSession(connector=proxies.connector(proxy, 1)) as session:
            before = time.time()
            async with session.get(f"{settings.base_url}{settings.token}/getMe", proxy=proxies.per_request(proxy),
                                   timeout=aiohttp.ClientTimeout(total=settings.request_timeout)) as response:
                header = response.headers.get("Date")
            local = (before + time.time()) / 2
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return Check("clock", False, {"reason": str(exc) or type(exc).__name__, "skew": None})
    if not header:
        return Check("clock", False, {"reason": "no Date header", "skew": None})
    skew = local - parsedate_to_datetime(header).timestamp()
    return Check("clock", abs(skew) <= CLOCK_TOLERANCE, {"skew": round(skew, 1), "reason": None})


def check_timezone(settings: Settings) -> Check:
    now = datetime.now(timezone.utc)
    return Check("timezone", True, {"zone": settings.timezone, "local": f"{now.astimezone(settings.tz):%Y-%m-%d %H:%M}",
                                    "system": time.strftime("%Z")})


def check_database(settings: Settings) -> tuple[list[Check], list[health_db.BoundGroup]]:
    path = settings.database
    if not Path(path).is_file():
        return [Check("db_integrity", False, {"path": path, "reason": "missing"})], []
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        checks = [Check("db_integrity", problems == ["ok"], {"path": path, "reason": "; ".join(problems[:3])})]
        applied = health_db.schema_versions(conn)
        # The same checksum db.core records when it applies a migration.
        known = {v: hashlib.sha256(sql.encode()).hexdigest() for v, _, sql in migration_scripts()}
        pending = sorted(set(known) - set(applied))
        newer = sorted(set(applied) - set(known))
        edited = sorted(v for v in set(known) & set(applied) if known[v] != applied[v])
        checks.append(Check("db_migrations", not (pending or newer or edited),
                            {"applied": len(applied), "pending": pending, "newer": newer, "edited": edited}))
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            checks.append(Check("db_writable", True, {"path": path, "reason": None}))
        except sqlite3.Error as exc:
            checks.append(Check("db_writable", False, {"path": path, "reason": str(exc)}))
        groups: list[health_db.BoundGroup] = []
        if applied:
            pending_mail = health_db.outbox_pending(conn, stamp(datetime.now(timezone.utc)))
            stalled = (pending_mail.oldest_seconds or 0) > settings.health_stall_seconds
            checks.append(Check("outbox", not stalled, {"pending": pending_mail.count,
                                                        "oldest": round(pending_mail.oldest_seconds or 0)}))
            groups = health_db.bound_groups(conn)
    except sqlite3.DatabaseError as exc:
        return [Check("db_integrity", False, {"path": path, "reason": str(exc)})], []
    finally:
        conn.close()
    pid = holder(path)
    checks.append(Check("instance", True, {"pid": pid, "self": pid == os.getpid()}))
    return checks, groups


def _rights(member: ChatMember, permissions: Any) -> tuple[bool, bool]:
    """(may post, may pin) for the bot as this member of a group with these default permissions."""
    if isinstance(member, ChatMemberOwner):
        return True, True
    if isinstance(member, ChatMemberAdministrator):
        return True, bool(member.can_pin_messages)
    if isinstance(member, ChatMemberRestricted):
        return bool(member.can_send_messages), bool(member.can_pin_messages)
    if member.status == ChatMember.MEMBER:
        may_post = permissions is None or permissions.can_send_messages is not False
        return may_post, bool(permissions is not None and permissions.can_pin_messages)
    return False, False


async def check_group(bot: Bot, group: health_db.BoundGroup) -> Check:
    values: dict[str, Any] = {"grid": group.grid, "title": group.title, "chat": group.chat_id, "reason": None}
    try:
        member = await bot.get_chat_member(group.chat_id, bot.id)
        chat = await bot.get_chat(group.chat_id)
    except TelegramError as exc:
        return Check("group", False, values | {"post": False, "pin": False, "reason": str(exc)})
    may_post, may_pin = _rights(member, chat.permissions)
    return Check("group", may_post and may_pin, values | {"post": may_post, "pin": may_pin, "status": member.status})


async def run_doctor(settings: Settings) -> list[Check]:
    proxy = proxies.choose_proxy(settings.base_url, settings.proxy, os.environ)
    checks: list[Check] = []
    if not settings.token:
        checks.append(Check("token", False, {"url": _server(settings), "reason": "missing"}))
        bot = None
    else:
        telegram_checks, bot = await check_telegram(settings, proxy)
        checks += telegram_checks
        checks.append(await check_clock(settings, proxy))
    checks.append(check_timezone(settings))
    database_checks, groups = check_database(settings)
    checks += database_checks
    try:
        if bot is not None:
            for group in groups:
                checks.append(await check_group(bot, group))
    finally:
        if bot is not None:
            await bot.shutdown()
    return checks
