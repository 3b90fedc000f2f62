"""Query plans of the hot queries: `check(conn)` runs every query that runs per update, per tick and per send
(through the real functions, rolled back) under EXPLAIN QUERY PLAN and lists each full scan of a table that
grows with use. Empty means every hot query finds its rows through an index."""

from __future__ import annotations

import re
import sqlite3
from typing import Any, Callable, Iterable, Sequence, cast

from db import areas, audit, broadcasts, chats, conversations, invites, outbox, people, reports, timers, updates
from db import plans_services as services
from db.kinds import CHECKED

NOW = "2026-01-01 08:00:00"

# Tables whose rows accumulate with use (a year: millions); a scan of one gets slower every day.
GROWING = frozenset({"reports", "report_events", "report_counters", "outbox", "timers", "processed_updates",
                     "audit_log", "conversations", "broadcast_runs", "telegram_users"}) | services.GROWING

# An index search narrowed only by such a column (`state = 'pending'`) reads every row in that state: all
# pending timers of a year to find one report's. Enumerated columns are the CHECKed ones.
ENUMERATED = frozenset(column for _, column in CHECKED)

# Statements allowed such a search, and why.
NARROW_ENOUGH = {
    "outbox.redirect_chat": "a group became a supergroup (rare): it reads the queue of pending messages once",
}

Hot = Callable[[sqlite3.Connection], object]

PER_UPDATE: dict[str, Hot] = {
    "updates.claim": lambda c: updates.claim(c, 1, NOW),
    "conversations.get": lambda c: conversations.get(c, 1),
    "conversations.put": lambda c: conversations.put(c, 1, {}, NOW),
    "conversations.drop": lambda c: conversations.drop(c, 1),
    "areas.by_code": lambda c: areas.by_code(c, "G0101"),
    "areas.by_id": lambda c: areas.by_id(c, 1),
    "areas.ancestors": lambda c: areas.ancestors(c, 1),
    "areas.children": lambda c: areas.children(c, 1, "grid"),
    "people.by_telegram_id": lambda c: people.by_telegram_id(c, 1),
    "people.by_id": lambda c: people.by_id(c, 1),
    "people.roles_of": lambda c: people.roles_of(c, 1),
    "people.staff_at": lambda c: people.staff_at(c, 1, "grid_worker"),
    "people.staff_member": lambda c: people.staff_member(c, 1),
    "people.remember_user": lambda c: people.remember_user(c, 1, "A", None, "en", NOW),
    "people.language_of": lambda c: people.language_of(c, 1),
    "people.last_in_rotation": lambda c: people.last_in_rotation(c, 1),
    "people.set_last_in_rotation": lambda c: people.set_last_in_rotation(c, 1, 1),
    "people.set_duty": lambda c: people.set_duty(c, 1, True),
    "people.link_telegram": lambda c: people.link_telegram(c, 1, 1, NOW),
    "invites.get": lambda c: invites.get(c, "code"),
    "invites.mark_used": lambda c: invites.mark_used(c, "code", 1, NOW),
    "chats.touch": lambda c: chats.touch(c, -1, "group", "supergroup", NOW),
    "chats.get": lambda c: chats.get(c, -1),
    "chats.for_area": lambda c: chats.for_area(c, 1),
    "chats.bind": lambda c: chats.bind(c, -1, 1, 1, NOW),
    "reports.next_number": lambda c: reports.next_number(c, 1, "G0101", "20260101"),
    "reports.create": lambda c: reports.create(
        c, number="G0101-20260101-0001", grid_id=1, kind="arrival", priority="normal", reporter_user=1,
        on_behalf=False, details={}, now=NOW, accept_due_at=NOW, resolve_due_at=NOW),
    "reports.get": lambda c: reports.get(c, 1),
    "reports.by_number": lambda c: reports.by_number(c, "G0101-20260101-0001"),
    "reports.update": lambda c: reports.update(c, 1, status="accepted", accepted_at=NOW),
    "reports.add_event": lambda c: reports.add_event(c, 1, NOW, 1, "accepted"),
    "reports.events": lambda c: reports.events(c, 1),
    "reports.open_for_assignee": lambda c: reports.open_for_assignee(c, 1),
    "reports.open_counts": lambda c: reports.open_counts(c, [1, 2, 3]),
    "reports.of_reporter": lambda c: reports.of_reporter(c, 1),
    "timers.arm": lambda c: timers.arm(c, "accept", 1, NOW),
    "timers.cancel": lambda c: timers.cancel(c, 1),
    "timers.cancel_kind": lambda c: timers.cancel(c, 1, "accept"),
    "timers.pending_for": lambda c: timers.pending_for(c, 1),
    "outbox.add": lambda c: outbox.add(c, NOW, chat_id=1, text="x", purpose="reporter"),
    "audit.record": lambda c: audit.record(c, NOW, 1, "report_disclosed", "report:1"),
} | services.PER_UPDATE

PER_TICK: dict[str, Hot] = {
    "timers.due": lambda c: timers.due(c, NOW),
    "timers.claim": lambda c: timers.claim(c, 1),
    "broadcasts.due": lambda c: broadcasts.due(c, NOW),
    "broadcasts.get": lambda c: broadcasts.get(c, 1),
    "broadcasts.update": lambda c: broadcasts.update(c, 1, next_run_at=NOW),
    "broadcasts.start_run": lambda c: broadcasts.start_run(c, 1, NOW, NOW),
    "broadcasts.groups_under": lambda c: broadcasts.groups_under(c, 1),
    "broadcasts.set_run": lambda c: broadcasts.set_run(c, 1, total=3),
    "broadcasts.sending_runs": lambda c: broadcasts.sending_runs(c),
    "broadcasts.has_pending": lambda c: broadcasts.has_pending(c, 1),
    "broadcasts.deliveries": lambda c: broadcasts.deliveries(c, 1),
    "outbox.add_failed": lambda c: outbox.add_failed(c, NOW, chat_id=-1, purpose="broadcast", error="removed",
                                                     ref="run:1:1"),
} | services.PER_TICK

PER_SEND: dict[str, Hot] = {
    "outbox.pending": lambda c: outbox.pending(c, 200, (1, 2)),
    "outbox.mark_sent": lambda c: outbox.mark_sent(c, [(1, 10, None), (2, 11, None)], NOW),
    "outbox.mark_failed": lambda c: outbox.mark_failed(c, 1, "Forbidden"),
    "outbox.redirect_chat": lambda c: outbox.redirect_chat(c, -1, -2),
    "outbox.get": lambda c: outbox.get(c, 1),
    "chats.set_bot_status": lambda c: chats.set_bot_status(c, -1, "removed", NOW),
    "people.mark_unreachable": lambda c: people.mark_unreachable(c, 1, NOW),
    "people.mark_blocked": lambda c: people.mark_blocked(c, 1, NOW),
}

DAILY: dict[str, Hot] = {
    "outbox.clear_bodies": lambda c: outbox.clear_bodies(c, NOW),
}

HOT: dict[str, Hot] = PER_UPDATE | PER_TICK | PER_SEND | DAILY


class _Recorder:
    """Stands in for the connection: runs each statement and keeps it with its parameters."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        self.statements.append((sql, parameters))
        return self.conn.execute(sql, parameters)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        rows = list(seq)
        if rows:
            self.statements.append((sql, rows[0]))
        return self.conn.executemany(sql, rows)


def statements(conn: sqlite3.Connection, hot: dict[str, Hot] | None = None) -> list[tuple[str, str, Sequence[Any]]]:
    """(name, sql, parameters) of every statement the hot functions run; nothing they write is kept."""
    out: list[tuple[str, str, Sequence[Any]]] = []
    row_factory, conn.row_factory = conn.row_factory, sqlite3.Row     # what the db functions read rows as
    try:
        for name, fn in (HOT if hot is None else hot).items():
            try:
                out += _run(conn, name, fn)
            except sqlite3.OperationalError as exc:
                # An older schema (a test of old migrations) lacks later tables and columns: nothing to judge.
                message = str(exc)
                if not message.startswith(("no such table", "no such column")) and "has no column" not in message:
                    raise

    finally:
        conn.row_factory = row_factory
    return out


def _run(conn: sqlite3.Connection, name: str, fn: Hot) -> list[tuple[str, str, Sequence[Any]]]:
    """One hot function, rolled back, and the statements it ran."""
    recorder = _Recorder(conn)
    conn.execute("SAVEPOINT gridbot_plans")
    try:
        # The sample ids point at nothing: foreign keys are checked at the end, which never comes.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        fn(cast(sqlite3.Connection, recorder))
    finally:
        conn.execute("ROLLBACK TO gridbot_plans")
        conn.execute("RELEASE gridbot_plans")
    return [(name, sql, parameters) for sql, parameters in recorder.statements]


_TABLE = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_NOT_ALIAS = {"where", "join", "left", "inner", "cross", "on", "order", "group", "limit", "set", "using", "values",
              "natural", "union", "as", "default"}
_SCAN = re.compile(r"^SCAN (?:TABLE )?(\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
_SEARCH = re.compile(r"^SEARCH (?:TABLE )?(\w+) USING (?:COVERING )?INDEX (\w+) \((.*)\)$")
_TERM = re.compile(r"(\w+)(=|>|<|>=|<=)\?")


def _tables(sql: str) -> dict[str, str]:
    """Name or alias → table, as the plan names them (`SCAN r` for `roles r`)."""
    names: dict[str, str] = {}
    for table, alias in _TABLE.findall(sql):
        names[table] = table
        if alias and alias.lower() not in _NOT_ALIAS:
            names[alias] = table
    return names


def _partial(conn: sqlite3.Connection, table: str, index: str) -> bool:
    return any(row[1] == index and row[4] for row in conn.execute(f"PRAGMA index_list({table})"))


def _settling_children(conn: sqlite3.Connection, sql: str) -> set[str]:
    """The tables whose foreign keys point at the table `sql` inserts into. Once a table has triggers, an INSERT
    into it is planned with a scan of each such child, but SQLite runs that scan only to settle a foreign-key
    violation the statement left outstanding (OP_FkIfZero skips it otherwise): a new row has no children yet."""
    into = re.match(r"\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)", sql, re.IGNORECASE)
    if into is None:
        return set()
    return {t for t in GROWING if any(row[2] == into[1] for row in conn.execute(f"PRAGMA foreign_key_list({t})"))}


def problems(conn: sqlite3.Connection, name: str, sql: str, parameters: Sequence[Any] = ()) -> list[str]:
    """Each full scan of a growing table in the plan of one statement (a walk of a partial index is none), and
    each search of one narrowed only by an enumerated column (unless the index is partial, or rows come in index order up to a LIMIT)."""
    tables = _tables(sql)
    details = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
    in_order_up_to_limit = " LIMIT " in f" {sql.upper()} " and not any("TEMP B-TREE" in d for d in details)
    found = []
    settling = _settling_children(conn, sql)
    for detail in details:
        if (scan := _SCAN.match(detail)) and tables.get(scan[1], scan[1]) in GROWING and scan[1] not in settling:
            # A walk of a partial index reads only the rows it holds (the pending few), not the table.
            if scan[2] and _partial(conn, tables.get(scan[1], scan[1]), scan[2]):
                continue
            found.append(f"{name}: {detail} in: {' '.join(sql.split())}")
        elif (search := _SEARCH.match(detail)) and tables.get(search[1], search[1]) in GROWING:
            terms = _TERM.findall(search[3])
            if (terms and all(op == "=" and column in ENUMERATED for column, op in terms)
                    and not _partial(conn, tables.get(search[1], search[1]), search[2])
                    and not in_order_up_to_limit and name not in NARROW_ENOUGH):
                found.append(f"{name}: {detail}, narrowed only by {', '.join(c for c, _ in terms)},"
                             f" in: {' '.join(sql.split())}")
    return found


def check(conn: sqlite3.Connection) -> list[str]:
    """Every full scan of a growing table among the hot queries' plans (empty when all is well)."""
    return [problem for name, sql, parameters in statements(conn) for problem in problems(conn, name, sql, parameters)]
