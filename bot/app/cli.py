"""The `gridbot` command: run, migrate, import, invites, unlink, sandbox, broadcast, templates, demo."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import sys
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Sequence

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.core.clock import SystemClock, stamp
from bot.app import cli_broadcast, field_cli, production, tasks_cli
from bot.app.collector import tune_collector
from bot.app.cli_common import UserError, open_db
from bot.app.logs import LEVELS, add_secrets, setup_logging
from bot.core.config import ConfigError, Settings, load_settings
from bot.services.notify import local_time
from bot.app.ledger_cli import Command, add_parsers as add_ledger_parsers
from db import Database
from messages import DEFAULT_LOCALE, render

LEDGER_COMMANDS: dict[str, Command] = {}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML settings file (default: $GRIDBOT_CONFIG)")
    parser.add_argument("--db", metavar="PATH", help="SQLite database path (overrides the config)")
    parser.add_argument("--log-level", choices=LEVELS, default="warning", help="log threshold (default: warning)")
    parser.add_argument("--log-format", choices=("text", "json"), default="text", help="log lines as text or JSON")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    _common(common)
    parser = argparse.ArgumentParser(prog="gridbot", description="Grid governance bot (网格化服务管理).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="run the bot (long polling, or a webhook)")
    run.add_argument("--token", help="bot token (default: $GRIDBOT_TOKEN or the config)")
    run.add_argument("--base-url", help="Bot API server, e.g. https://api.telegram.org or a sandbox URL")
    production.add_run_arguments(run)
    production.add_commands(sub, common)
    tasks_cli.add_commands(sub, common)
    field_cli.add_commands(sub, common)

    sub.add_parser("migrate", parents=[common], help="apply database migrations")

    imp = sub.add_parser("import", parents=[common], help="import areas.csv and staff.csv")
    imp.add_argument("areas", type=Path, help="areas.csv: code,name,level,parent_code")
    imp.add_argument("staff", type=Path, nargs="?", help="staff.csv: area_code,role,name,phone,telegram_user_id")
    imp.add_argument("--boundaries", type=Path, metavar="GEOJSON",
                     help="grids' boundary polygons: a GeoJSON FeatureCollection, each feature's properties.code a grid")
    imp.add_argument("--bot-username", help="bot username for invite links (default: config or getMe)")

    inv = sub.add_parser("invites", parents=[common], help="list invite links not used yet")
    inv.add_argument("--bot-username", help="bot username for invite links")

    unlink = sub.add_parser("unlink", parents=[common], help="unlink a staff member's Telegram account")
    unlink.add_argument("who", metavar="PHONE", help="their phone on the staff list (or their name)")
    unlink.add_argument("--bot-username", help="bot username for the new invite link")

    sandbox = sub.add_parser("sandbox", parents=[common], help="run a local sandbox Bot API server")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--token", help="the token the sandbox accepts")

    bc = sub.add_parser("broadcast", parents=[common], help="schedule a notice to an area's group chats")
    bc.add_argument("--audience", required=True, metavar="CODE", help="area code: a grid, community, town or the city")
    body = bc.add_mutually_exclusive_group(required=True)
    body.add_argument("--template", choices=("epidemic", "rumour", "tip_reward", "test_reminder"))
    body.add_argument("--text", help="free text (HTML is escaped)")
    bc.add_argument("--var", action="append", default=[], metavar="K=V", help="a template field")
    when = bc.add_mutually_exclusive_group()
    when.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="once, at this local time")
    when.add_argument("--cron", metavar="EXPR", help="repeat: minute hour day month weekday")
    bc.add_argument("--pin", action="store_true", help="pin it in the groups")
    sub.add_parser("templates", parents=[common], help="list the notice templates and the --var fields each needs")
    sub.add_parser("broadcasts", parents=[common], help="list broadcasts and their runs")
    cancel = sub.add_parser("broadcast-cancel", parents=[common], help="cancel a broadcast")
    cancel.add_argument("id", type=int)

    LEDGER_COMMANDS.update(add_ledger_parsers(sub, common))

    demo = sub.add_parser("demo", parents=[common], help="run a scripted demo on the sandbox (no token, no internet)")
    demo.add_argument("--quiet", action="store_true", help="print only the outcome")

    msgs = sub.add_parser("messages", parents=[common], help="the texts' gettext catalogs")
    msgs.add_argument("action", choices=("extract",),
                      help="extract: write messages/locale/gridbot.pot and merge it into each locale's .po")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.log_handler = setup_logging(args.log_level, args.log_format)
    locale = DEFAULT_LOCALE
    try:
        settings = load_settings(args.config).with_overrides(database=args.db)
        add_secrets(args.log_handler, settings.token, settings.webhook_secret, settings.proxy)
        locale = settings.locale
        return {**COMMANDS, **LEDGER_COMMANDS}[args.command](args, settings)
    except (ConfigError, UserError, *production.USER_ERRORS) as exc:
        print(render("cli/error", locale, text=render(f"cli/{exc.key}", locale, **exc.context)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.instance_lock import InstanceLock
    from bot.app.serve import serve
    from bot.app.webhook import Listener
    from bot.app.wiring import build_application
    from bot.services.runtime import Runtime

    settings = production.run_settings(args, settings.with_overrides(token=args.token, base_url=args.base_url))
    if not settings.token:
        raise UserError("no_token")
    add_secrets(args.log_handler, settings.token, settings.webhook_secret)
    # Before anything is opened, sent or polled: a second bot on this database would send everything twice.
    try:
        lock = InstanceLock(settings.database).acquire()
    except OSError as exc:                  # a read-only or missing directory: the database cannot work either
        raise UserError("database_error", path=settings.database, reason=exc.strerror or str(exc)) from None

    async def go() -> None:
        db = await open_db(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        application = build_application(Runtime(settings, db))
        def started(listener: Listener | None) -> None:
            production.print_started(application, settings, listener)
            tune_collector()

        try:
            await serve(application, settings, stop, on_started=started)
        except OSError as exc:
            raise UserError("listen_failed", address=settings.webhook_listen if settings.webhook_url
                            else settings.health_listen, reason=str(exc)) from None
        except InvalidToken:
            raise UserError("token_rejected", url=settings.base_url.removesuffix("/bot")) from None
        except NetworkError as exc:
            raise UserError("server_unreachable", url=settings.base_url.removesuffix("/bot"), reason=str(exc)) from None
        except TelegramError as exc:
            raise UserError("server_unreachable", url=settings.base_url.removesuffix("/bot"), reason=str(exc)) from None
        finally:
            await db.close()
        print(render("cli/stopped", settings.locale))

    try:
        asyncio.run(go())
    finally:
        lock.release()
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from db import MigrationError

    async def go() -> list[str]:
        db = await open_db(settings, migrate=False)
        try:
            return await db.migrate()
        except (sqlite3.Error, MigrationError) as exc:
            raise UserError("database_error", path=settings.database, reason=str(exc)) from None
        finally:
            await db.close()

    print(render("cli/migrated", settings.locale, names=asyncio.run(go()), path=settings.database))
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.org_import import ImportRejected, import_org

    async def go() -> tuple[Any, str]:
        db = await open_db(settings)
        try:
            result = await db.write(partial(import_org, settings=settings, boundaries_path=args.boundaries),
                                    args.areas, args.staff,
                                    SystemClock().now(), timedelta(days=settings.invite_ttl_days))
            return result, await _invite_lines(db, settings, args.bot_username)
        finally:
            await db.close()

    try:
        result, invites = asyncio.run(go())
    except ImportRejected as rejected:
        loc = settings.locale
        print(render("cli/import_rejected", loc, errors=rejected.errors), file=sys.stderr)
        for e in rejected.errors:
            reason = render(f"cli/import_reason/{e.key}", loc, **e.context)
            print(render("cli/import_error_line", loc, file=e.file, line=e.line, reason=reason), file=sys.stderr)
        return 1
    print(render("cli/import_done", settings.locale, r=result))
    if result.boundaries:
        print(render("cli/import_boundaries", settings.locale, count=result.boundaries))
    if invites:
        print(invites)
    return 0


def _invites(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> str:
        db = await open_db(settings)
        try:
            return await _invite_lines(db, settings, args.bot_username, always=True)
        finally:
            await db.close()

    print(asyncio.run(go()))
    return 0


async def _invite_lines(db: Database, settings: Settings, username: str | None, always: bool = False) -> str:
    from bot.app.usernames import resolve_username
    from bot.services.invite_links import invite_link
    from db import invites as invites_db

    pending = await db.read(invites_db.pending, stamp(SystemClock().now()))
    if not pending and not always:
        return ""
    username = await resolve_username(settings, username)
    rows = [{"name": p.name, "link": invite_link(username, p.code),
             "expires": local_time(p.expires_at, settings)} for p in pending]
    text = render("cli/invites", settings.locale, invites=rows)
    if rows and not username:
        text += "\n" + render("cli/no_username", settings.locale)
    return text


def _unlink(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.binding import unlink
    from bot.app.usernames import resolve_username
    from bot.services.invite_links import invite_link

    async def go() -> tuple[Any, str]:
        db = await open_db(settings)
        try:
            outcome = await db.write(unlink, settings, None, args.who, SystemClock().now())
        finally:
            await db.close()
        username = await resolve_username(settings, args.bot_username) if outcome.code else None
        return outcome, invite_link(username, outcome.code) if outcome.code else ""

    outcome, link = asyncio.run(go())
    print(render(f"cli/unlink/{outcome.status}", settings.locale, person=outcome.person, count=outcome.count,
                 text=args.who, link=link))
    return 0 if outcome.status == "unlinked" else 1


def _sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from sandbox.server import DEFAULT_TOKEN, serve_forever

    def ready(sandbox: Any) -> None:
        print(render("cli/sandbox_ready", settings.locale, base_url=sandbox.base_url, token=sandbox.token), flush=True)

    try:
        asyncio.run(serve_forever(args.host, args.port, args.token or DEFAULT_TOKEN, ready))
    except OSError as exc:
        raise UserError("server_unreachable", url=f"{args.host}:{args.port}", reason=str(exc)) from None
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.demo import run_demo

    return asyncio.run(run_demo(settings, quiet=args.quiet))


def _messages(args: argparse.Namespace, settings: Settings) -> int:
    from messages.catalog import POT
    from messages.extract import run

    count, catalogs = run()
    print(render("cli/extracted", settings.locale, pot=POT.relative_to(POT.parents[2]), count=count,
                 catalogs=catalogs))
    return 0


COMMANDS = {"run": _run, "migrate": _migrate, "import": _import, "invites": _invites, "unlink": _unlink,
            "sandbox": _sandbox, "demo": _demo, "messages": _messages, **cli_broadcast.COMMANDS,
            **production.COMMANDS, **tasks_cli.COMMANDS, **field_cli.COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
