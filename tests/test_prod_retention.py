"""Retention: after its time a resolved report keeps what statistics need and nothing personal remains in any
table (nor in the database file); open reports keep everything; `purge --dry-run` only tells."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.core.clock import ManualClock
from db import reports as reports_db
from tests.scenario import ARRIVAL, DISPUTE, RECORDING, card_action, expect_from, press_data, report_from_group, team

NOTE = "已电话联系赵小满家属，身份证370481199001011234"
OUTCOME = "已上门登记，联系人孙某某13700001111"
TOURIST = "周游客甲"                     # a resident's Telegram name


@pytest.fixture
def clock() -> ManualClock:
    """The reports were filed 200 days ago: past the default 180 days of retain_personal_days."""
    return ManualClock(datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=200))


def dump(path: str) -> dict[str, list[tuple]]:
    """Every row of every table."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND name NOT LIKE 'sqlite_%'")]
        # Sorted here: the ledger's summary tables are WITHOUT ROWID.
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def where_found(path: str, value: str) -> list[str]:
    """Each table.column (of every text column of every table) holding `value`."""
    found = []
    for table, rows in dump(path).items():
        with sqlite3.connect(path) as conn:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
        for row in rows:
            for column, cell in zip(columns, row):
                if isinstance(cell, str) and value in cell:
                    found.append(f"{table}.{column}")
    return found


STATISTICS = ("SELECT id, number, grid_id, kind, priority, status, on_behalf, assignee_id, level, created_at,"
              " accepted_at, resolved_at, accept_due_at, resolve_due_at FROM reports ORDER BY id")


def purge_printed(out: str) -> dict:
    """What `gridbot purge` printed its summary (`cli/purge_result`) with: `dry`, `purged` (the counts)."""
    [record] = [r for r in RECORDING.inside(out) if r.name == "cli/purge_result"]
    return dict(record.context)


def statistics(path: str) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(path) as conn:
        return (conn.execute(STATISTICS).fetchall(),
                conn.execute("SELECT report_id, at, actor_user, action FROM report_events ORDER BY report_id, seq").fetchall())


async def test_purge_erases_personal_details_of_old_resolved_reports_only(bot, driver, clock, settings, capsys):
    crew = await team(bot, driver, clock)
    worker = crew.workers[0]
    resident = await driver.user(TOURIST)
    number = await report_from_group(driver, resident, crew.group, ARRIVAL)
    card = await driver.expect(worker.private)
    await press_data(worker, card, card_action(card, "note"))
    await driver.expect(worker.private)
    await worker.says(worker.private, NOTE)
    await expect_from(driver, worker.private, "casework/outcome/noted")
    await press_data(worker, card, card_action(card, "res"))
    await expect_from(driver, worker.private, "casework/ask_resolve")
    await worker.says(worker.private, OUTCOME)
    await expect_from(driver, worker.private, "casework/outcome/resolved")
    await driver.expect(resident.private)                        # resolved, with the one satisfaction question:
                                                                 # sent before the dumps below
    neighbour = await driver.user("居民钱")
    still_open = await report_from_group(driver, neighbour, crew.group, DISPUTE)
    await driver.idle()
    path = settings.database
    erased = [ARRIVAL["name"], ARRIVAL["phone"], ARRIVAL["address"], ARRIVAL["origin"], NOTE, OUTCOME, TOURIST,
              "370481199001011234", "13700001111"]
    assert all(where_found(path, value) for value in erased)    # the test is not vacuous
    before = statistics(path)

    contents = dump(path)
    assert await asyncio.to_thread(main, ["purge", "--dry-run", "--db", path]) == 0
    printed = capsys.readouterr().out
    assert purge_printed(printed)["dry"] and number in printed and still_open not in printed
    assert dump(path) == contents                                # a dry run changes nothing

    assert await asyncio.to_thread(main, ["purge", "--db", path]) == 0
    assert number in capsys.readouterr().out
    for value in erased:
        assert not where_found(path, value), (value, where_found(path, value))
    assert statistics(path) == before                             # statistics unchanged
    report = await bot.db.read(reports_db.by_number, number)
    assert report.status == "resolved" and report.outcome is None and report.reporter_user == 0
    assert report.details == {"travel": "train", "health": "normal", "test_result": "negative"}
    kept = await bot.db.read(reports_db.by_number, still_open)
    assert kept.details["parties"] == DISPUTE["parties"] and where_found(path, "居民钱")

    # And not in the file either: the freed pages were overwritten and the WAL checkpointed.
    raw = b"".join(Path(path + suffix).read_bytes() for suffix in ("", "-wal") if Path(path + suffix).exists())
    for value in erased:
        assert value.encode() not in raw, value

    assert await asyncio.to_thread(main, ["purge", "--dry-run", "--db", path]) == 0
    again = capsys.readouterr().out
    assert purge_printed(again)["purged"].reports == 0           # nothing left to do


async def test_each_kind_is_pruned_after_its_own_setting(db, settings, clock):
    from bot.app.serve import purge
    from bot.core.clock import stamp
    from bot.services.runtime import Runtime
    from db import audit, outbox, updates

    now = clock.now()

    def old_rows(conn: sqlite3.Connection) -> None:
        for days in (1, 3, 100, 800, 2000):
            at = stamp(now - timedelta(days=days))
            audit.record(conn, at, None, "old", str(days))
            updates.claim(conn, 10_000 + days, at)
            oid = outbox.add(conn, at, chat_id=42, text="text", purpose="test")
            outbox.mark_sent(conn, [(oid, 1, None)], at)
        outbox.add(conn, stamp(now - timedelta(days=2000)), chat_id=42, text="still pending", purpose="test")

    await db.write(old_rows)
    done = await purge(Runtime(settings, db, clock))
    assert (done.updates, done.outbox, done.audit) == (4, 3, 1)
    left = await db.read(lambda c: {
        "audit": sorted(r[0] for r in c.execute("SELECT subject FROM audit_log WHERE action = 'old'")),
        "outbox": c.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]})
    assert left == {"audit": ["1", "100", "3", "800"], "outbox": 1}     # pending mail is never pruned
