"""The SQL of retention: which rows are past their time, erasing a report's personal details, pruning.

Each function does one batch (`limit` rows) so that a long backlog is worked off in short transactions
instead of holding the write lock for the whole of it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from itertools import takewhile
from typing import Any, Callable

from db.core import rewrite_whole
from db.reports import compact_json
from db.stamps import epoch_seconds

Keep = Callable[[str, Any], bool]


@dataclass(frozen=True)
class Cutoffs:
    """UTC stamps: rows older than these are past their time."""
    personal: str
    outbox: str
    updates: str
    events: str
    audit: str
    households: str


# A resolved report whose service task still runs (its monitoring, a follow-up visit) waits: the task needs it.
TASK_RUNNING = (" AND NOT EXISTS (SELECT 1 FROM monitorings m WHERE m.report_id = reports.id AND m.status = 'active')"
                " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.report_id = reports.id"
                " AND v.status IN ('scheduled', 'due'))")
# Resolved before the cut (the one parameter: Unix seconds), not erased yet, no task waiting for it: what a purge
# erases.
ERASABLE = "status = 'resolved' AND erased_at IS NULL AND resolved_at < ?" + TASK_RUNNING


def erasable_reports(conn: sqlite3.Connection, before: str, limit: int) -> list[tuple[int, str]]:
    """(id, number) of resolved reports, not yet erased, resolved before `before` (reports_erasable index)."""
    rows = conn.execute(f"SELECT id, number FROM reports WHERE {ERASABLE} ORDER BY resolved_at LIMIT ?",
                        (epoch_seconds(before), limit))
    return [(r[0], r[1]) for r in rows]


def erase_reports(conn: sqlite3.Connection, report_ids: list[int], now: str, keep_detail: Keep,
                  keep_event: Keep) -> None:
    """Keep each report's number, area, kind, priority, times and status; drop who filed it, the outcome's text,
    every answer `keep_detail` does not keep, free texts in its history, and the texts of messages about it."""
    for report_id in report_ids:
        details = json.loads(conn.execute("SELECT details FROM reports WHERE id = ?", (report_id,)).fetchone()[0])
        kept = {k: v for k, v in details.items() if keep_detail(k, v)}
        conn.execute("UPDATE reports SET details = ?, outcome = NULL, reporter_user = 0, erased_at = ? WHERE id = ?",
                     (compact_json(kept), epoch_seconds(now), report_id))
        for seq, detail in conn.execute("SELECT seq, detail FROM report_events WHERE report_id = ? AND detail"
                                        " IS NOT NULL", (report_id,)).fetchall():
            values = json.loads(detail)
            cleaned = {k: v for k, v in values.items() if keep_event(k, v)}
            if cleaned != values:
                conn.execute("UPDATE report_events SET detail = ? WHERE report_id = ? AND seq = ?",
                             (compact_json(cleaned) if cleaned else None, report_id, seq))
    # One statement for the whole batch (outbox_report finds each report's messages).
    marks = ",".join("?" * len(report_ids))
    conn.execute(f"UPDATE outbox SET text = '', reply_markup = NULL WHERE report_id IN ({marks}) AND text != ''",
                 report_ids)


def pack_erased(conn: sqlite3.Connection, filed_before: str, limit: int) -> int:
    """Write erased reports again whole under their ids, in id order, from where the last call stopped: up to
    `limit` reports, none filed at or after `filed_before`. Returns how many it went past (call again while that is
    `limit`); one not erased by then (unresolved for long, its task still running) is passed and stays as it is.

    Why: erased where it stands, a report is ~150 bytes shorter and its page stays two-thirds full for good
    (`rewrite_whole`). Rewriting the reports as they are erased does not help: a purge's batch (by resolved_at) is
    about one report in sixteen of a page, and it fits back where it was; whole runs of neighbours do. Their
    history, its free texts dropped where they stood, is written again with them (`_rewrite_history`)."""
    after = conn.execute("SELECT last_id FROM report_packing").fetchone()[0]
    cursor = conn.execute("SELECT * FROM reports WHERE id > ? ORDER BY id LIMIT ?", (after, limit))
    columns = [d[0] for d in cursor.description]
    key, filed, erased_at = (columns.index(c) for c in ("id", "created_at", "erased_at"))
    before = epoch_seconds(filed_before)                      # reports' times are Unix seconds (0026)
    passed = list(takewhile(lambda row: row[filed] < before, cursor.fetchall()))
    erased = [tuple(row) for row in passed if row[erased_at] is not None]
    if erased:
        # Between a report's DELETE and its INSERT the rows that refer to it (history, timers, messages…) refer to
        # nothing: their foreign keys wait for the COMMIT (the pragma ends with the transaction). The INSERT trigger
        # does not count an erased report again (0025_dense_reports.sql).
        conn.execute("PRAGMA defer_foreign_keys = ON")
        rewrite_whole(conn, "reports", columns, erased)
        _rewrite_history(conn, [row[key] for row in erased])
    if passed:
        conn.execute("UPDATE report_packing SET last_id = ?", (passed[-1][key],))
    return len(passed)


def _rewrite_history(conn: sqlite3.Connection, report_ids: list[int]) -> None:
    """Write the history of `report_ids` (neighbours in id order) again whole, in the order of its key.

    Why: erasing a report drops the free texts of its history where the rows stand, which left the history's pages
    of erased reports two-thirds full (31% of them unused in a generated year, 10% elsewhere); the rows of a run of
    reports, deleted and inserted again in key order, fill pages as they did when new."""
    marks = ",".join("?" * len(report_ids))
    cursor = conn.execute(f"SELECT * FROM report_events WHERE report_id IN ({marks}) ORDER BY report_id, seq",
                          report_ids)
    rewrite_whole(conn, "report_events", [d[0] for d in cursor.description], cursor.fetchall(),
                  key=("report_id", "seq"))


def erase_tasks(conn: sqlite3.Connection, report_ids: list[int]) -> int:
    """The personal data kept beside erased reports: who was monitored, the temperatures they typed (the answers,
    a choice among fixed options, stay), who tipped, who answered the satisfaction question, and the household an
    arrival added. Returns households masked."""
    marks = ",".join("?" * len(report_ids))
    conn.execute(f"UPDATE checkins SET temperature = NULL WHERE temperature IS NOT NULL AND monitoring_id IN"
                 f" (SELECT id FROM monitorings WHERE report_id IN ({marks}))", report_ids)
    conn.execute(f"UPDATE monitorings SET resident_user = 0 WHERE report_id IN ({marks})", report_ids)
    # Who tipped (every linked tipster too) and who answered the satisfaction question: Telegram ids as personal
    # as the reporter's, which erase_reports drops. 0 is "nobody", as for reports.reporter_user.
    conn.execute(f"UPDATE tips SET user_id = 0 WHERE report_id IN ({marks})", report_ids)
    conn.execute(f"UPDATE satisfaction SET user_id = 0 WHERE report_id IN ({marks})", report_ids)
    return conn.execute(f"UPDATE households SET {MASKED} WHERE source = 'arrival' AND report_id IN ({marks})"
                        f" AND {HAS_PERSONAL}", report_ids).rowcount


# A household's head: name, phone and Telegram id. The address (grid, building, unit, room) stays for campaigns.
MASKED = "head_name = '', phone = '', telegram_user_id = NULL"
HAS_PERSONAL = "(head_name != '' OR phone != '' OR telegram_user_id IS NOT NULL)"


def count_households(conn: sqlite3.Connection, stale_before: str, reports_before: str) -> int:
    """Households a purge would mask: unconfirmed since `stale_before`, or added by an arrival it would erase."""
    return int(conn.execute(
        f"SELECT count(*) FROM households WHERE {HAS_PERSONAL} AND (updated_at < ? OR (source = 'arrival' AND"
        f" report_id IN (SELECT id FROM reports WHERE {ERASABLE})))",
        (stale_before, epoch_seconds(reports_before))).fetchone()[0])


def mask_stale_households(conn: sqlite3.Connection, before: str, limit: int) -> int:
    """Households no import or arrival has confirmed since `before` lose their head's name, phone and Telegram id."""
    return conn.execute(f"UPDATE households SET {MASKED} WHERE id IN (SELECT id FROM households WHERE updated_at < ?"
                        f" AND {HAS_PERSONAL} ORDER BY id LIMIT ?)", (before, limit)).rowcount


def idle_residents(conn: sqlite3.Connection, before: str, limit: int, after: int = 0) -> list[int]:
    """Telegram users who are not staff, were last seen before `before`, and have no unresolved report, no form in
    progress and no monitoring running: their profile (name, username, language) is no longer needed. By user id,
    from above `after`: a purge's next batch starts past the users its last one looked at and kept."""
    rows = conn.execute(
        "SELECT t.user_id FROM telegram_users t WHERE t.user_id > ? AND t.updated_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM people p WHERE p.telegram_user_id = t.user_id)"
        # `!= 0` lets the planner use the reporter index, which leaves out erased reports (reporter 0).
        " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.reporter_user = t.user_id AND r.reporter_user != 0"
        " AND r.status != 'resolved')"
        " AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.user_id = t.user_id)"
        " AND t.user_id NOT IN (SELECT resident_user FROM monitorings WHERE status = 'active')"
        " ORDER BY t.user_id LIMIT ?", (after, before, limit))
    return [r[0] for r in rows]


def forget_residents(conn: sqlite3.Connection, user_ids: list[int]) -> int:
    conn.executemany("DELETE FROM telegram_users WHERE user_id = ?", [(u,) for u in user_ids])
    return len(user_ids)


# Each prune: (table, its key, the condition on a row past its time). Rows go in key order, oldest first. The
# outbox's, the history's and the audit log's times are Unix seconds (migrations 0024, 0027, 0028): the cut's stamp
# is turned into them, since any number sorts before any text in SQLite and `at < :cut` would hold for every row.
PRUNES = {
    "outbox": ("outbox", "rowid", "status != 'pending' AND created_at < unixepoch(:cut)"),
    "updates": ("processed_updates", "rowid", "at < :cut"),
    "conversations": ("conversations", "rowid", "updated_at < :cut"),
    "events": ("report_events", "report_id, seq",
               "at < unixepoch(:cut) AND report_id IN (SELECT id FROM reports WHERE status = 'resolved')"),
    "audit": ("audit_log", "rowid", "at < unixepoch(:cut)"),
    # Who was reminded of a test, and their answer: gone `retain_personal_days` after the reminder's time.
    "reminders": ("reminders", "rowid", "batch_id IN (SELECT id FROM reminder_batches WHERE at < :cut)"),
    # A fired or cancelled timer: nothing reads it again (the tick reads pending ones, the ledger reads the reports
    # and their history), so it goes at the next purge, whatever its time.
    "timers": ("timers", "rowid", "state != 'pending'"),
}


def count_prunable(conn: sqlite3.Connection, kind: str, cut: str) -> int:
    table, _, where = PRUNES[kind]
    return int(conn.execute(f"SELECT count(*) FROM {table} WHERE {where}", {"cut": cut}).fetchone()[0])


def prune(conn: sqlite3.Connection, kind: str, cut: str, limit: int) -> int:
    table, key, where = PRUNES[kind]
    return conn.execute(f"DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} WHERE {where}"
                        f" ORDER BY {key} LIMIT :limit)", {"cut": cut, "limit": limit}).rowcount


def secure_delete(conn: sqlite3.Connection, on: bool) -> None:
    """While on, SQLite overwrites what it deletes or shrinks with zeros (else erased text stays in free space)."""
    conn.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")


RECLAIM_PAGES = 4096                            # 16 MB of free pages given back per transaction
INCREMENTAL = 2                                 # PRAGMA auto_vacuum's value for INCREMENTAL


def reclaim(conn: sqlite3.Connection, pages: int = RECLAIM_PAGES) -> int:
    """Give up to `pages` free pages back to the file system (a database made with auto_vacuum=INCREMENTAL, see
    db.core.apply_migrations; elsewhere nothing happens). Returns the free pages left: call again while above 0,
    each call its own transaction. Without it, what a purge deleted stays in the file as free pages."""
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
        return 0
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    # The pragma gives back one page per step, and sqlite3 steps a statement without result columns once.
    for _ in range(min(free, pages)):
        conn.execute("PRAGMA incremental_vacuum(1)")
    return int(conn.execute("PRAGMA freelist_count").fetchone()[0])


def checkpoint(conn: sqlite3.Connection) -> None:
    """Move the WAL into the database file and empty it: old page images in the WAL held the erased text too."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
