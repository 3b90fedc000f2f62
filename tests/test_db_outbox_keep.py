"""Storage stays bounded: after `outbox_keep_days` a sent or failed message keeps what the delivery report
and the audit read, not its text and keyboard (issue 10.4)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.app.harness import running_bot
from bot.core.clock import stamp
from bot.core.config import load_settings
from db import outbox
from db.core import apply_migrations

KEPT = ("id", "chat_id", "purpose", "ref", "status", "error", "sent_at", "message_id", "created_at", "report_id")
KEYBOARD = {"inline_keyboard": [[{"text": "ok", "callback_data": "r|1|acc"}]]}


def queue(conn: sqlite3.Connection, created: str, status: str, n: int = 1) -> list[int]:
    ids = [outbox.add(conn, created, chat_id=100 + i, text="<b>正文</b>", purpose="assigned", reply_markup=KEYBOARD,
                      ref=f"run:1:{i}") for i in range(n)]
    if status == "sent":
        outbox.mark_sent(conn, [(i, 9000 + i, None) for i in ids], created)
    elif status == "failed":
        for i in ids:
            outbox.mark_failed(conn, i, "Forbidden: bot was blocked by the user")
    return ids


def rows(conn: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    return {r["id"]: r for r in conn.execute("SELECT * FROM outbox")}


def test_old_delivered_rows_lose_only_their_body() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    old, recent, cutoff = "2026-01-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00"
    old_sent, old_failed, old_pending = queue(conn, old, "sent"), queue(conn, old, "failed"), queue(conn, old, "pending")
    new_sent = queue(conn, recent, "sent")
    before = rows(conn)

    assert outbox.clear_bodies(conn, cutoff) == 2
    after = rows(conn)
    for oid in old_sent + old_failed:
        assert (after[oid]["text"], after[oid]["reply_markup"]) == ("", None)
        assert [after[oid][k] for k in KEPT] == [before[oid][k] for k in KEPT]
    for oid in old_pending + new_sent:                        # still owed, or still young: untouched
        assert dict(after[oid]) == dict(before[oid])
    assert outbox.clear_bodies(conn, cutoff) == 0             # cleared once


def test_clearing_goes_in_batches() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    queue(conn, "2026-01-01T00:00:00+00:00", "sent", n=5)
    assert [outbox.clear_bodies(conn, "2026-02-01", limit=2) for _ in range(4)] == [2, 2, 1, 0]


def test_the_setting_is_read_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "gridbot.toml"
    config.write_text("outbox_keep_days = 7\n")
    assert load_settings(config, env={}).outbox_keep_days == 7.0
    assert load_settings(None, env={}).outbox_keep_days == 30.0


async def test_the_bot_clears_old_bodies_when_it_starts(settings, clock, db, city, sandbox) -> None:
    settings = settings.with_overrides(outbox_keep_days=7)
    ten_days, three_days = stamp(clock.now() - timedelta(days=10)), stamp(clock.now() - timedelta(days=3))
    old = await db.write(queue, ten_days, "sent", 3)
    young = await db.write(queue, three_days, "failed", 2)
    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        texts = await db.read(lambda c: {r[0]: r[1] for r in c.execute("SELECT id, text FROM outbox")})
    assert [texts[i] for i in old] == ["", "", ""]
    assert [texts[i] for i in young] == ["<b>正文</b>"] * 2
