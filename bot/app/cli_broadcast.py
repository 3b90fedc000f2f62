"""`gridbot broadcast`, `broadcasts`, `broadcast-cancel` and `templates`; `schedule` also serves `gridbot commend`."""

from __future__ import annotations

import argparse
import html
import sys
from typing import Any

from bot.app.cli_common import in_db
from bot.core.clock import SystemClock, stamp
from bot.core.config import Settings
from bot.services.broadcasting import ComposeError, Draft
from bot.services.notify import local_time
from messages import render


def refusal(exc: ComposeError, locale: str) -> str:
    """Why a notice cannot be sent, as the terminal prints it (the template is Telegram HTML)."""
    reason = html.unescape(render(f"broadcast/error/{exc.key}", locale, **exc.context))
    return render("cli/broadcast_refused", locale, reason=reason)


def schedule(settings: Settings, draft: Draft, code: str) -> int:
    """Create the broadcast a command line asked for and print its id and first run (or the refusal)."""
    from bot.services.broadcasting import create

    try:
        broadcast_id, groups, first = in_db(settings, create, settings, None, draft, SystemClock().now(), write=True)
    except ComposeError as exc:
        print(refusal(exc, settings.locale), file=sys.stderr)
        return 1
    print(render("cli/broadcast_created", settings.locale, id=broadcast_id, code=code, groups=groups,
                 first=local_time(stamp(first), settings)))
    return 0


def broadcast(args: argparse.Namespace, settings: Settings) -> int:
    fields = dict(v.split("=", 1) for v in args.var if "=" in v)
    if args.text is not None:
        fields = {"text": args.text}
    else:
        missing = _missing_vars(args.template, fields, args.audience, settings.locale)
        if missing:
            print(missing, file=sys.stderr)
            return 1
    kind, value = ("at", args.at) if args.at else ("cron", args.cron) if args.cron else ("now", "")
    return schedule(settings, Draft(args.audience, args.template, fields, kind, value, args.pin), args.audience)


def _missing_vars(template: str, fields: dict[str, str], audience: str, locale: str) -> str | None:
    """The refusal to print when a notice template lacks some of its --var fields, else None."""
    from bot.services.broadcasting import notice_fields

    needed = notice_fields(template, locale)
    missing = [f for f in needed if not fields.get(f, "").strip()]
    if not missing:
        return None
    unknown = sorted(set(fields) - set(needed))
    return render("cli/broadcast_missing_vars", locale, notice=template, missing=missing, needed=needed,
                  unknown=unknown, code=audience)


def templates(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.broadcasting import NOTICES, notice_fields

    notices = [(name, notice_fields(name, settings.locale)) for name in NOTICES]
    print(render("cli/templates", settings.locale, notices=notices))
    return 0


def broadcasts(args: argparse.Namespace, settings: Settings) -> int:
    from db import broadcasts as broadcasts_db

    def listing(conn: Any) -> tuple[Any, Any]:
        items = broadcasts_db.listed(conn, include_finished=True)
        return items, {b.id: broadcasts_db.runs_of(conn, b.id) for b in items}

    items, runs = in_db(settings, listing)
    print(render("cli/broadcasts", settings.locale, items=items, runs=runs, local=lambda s: local_time(s, settings),
                 next={b.id: local_time(b.next_run_at, settings) for b in items}))
    return 0


def broadcast_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.broadcasting import change_status

    outcome = in_db(settings, change_status, settings, None, args.id, "cancel", SystemClock().now(), write=True)
    print(render(f"broadcast/status/{outcome}", settings.locale, id=args.id))
    return 0 if outcome == "cancelled" else 1


COMMANDS = {"broadcast": broadcast, "templates": templates, "broadcasts": broadcasts,
            "broadcast-cancel": broadcast_cancel}
