"""A city's year of data, generated fast, for the benchmarks (bench/scale.py now, a ledger bench later).

The schema comes from the real migrations, the org chart from the real import (`bot.services.org_import`
reading the spreadsheets a city would hand in), the messages from the real templates. Reports, their
history, timers, outbox rows and the daily broadcast's history are then written straight with sqlite3:
bulk inserts in big transactions. Last, the bot's own housekeeping and retention purge run at the year's end
(the same functions, batch by batch, then the free pages given back), so the file is what the running bot
would have left after a year.

    year = cached_year(1_000_000)          # generated once per size and generator, then reused
    year.path, year.groups, year.staff_ids
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from bench.common import city_csv
from bench.yeartexts import (DAY, OUTCOMES, RESOLVED_DETAILS, Variant, assigned_detail, local, local_day,
                             local_midnight, stamp, text_variants)
from bot.core.config import Settings
from bot.services.broadcasting import render_notice
from bot.services.org_import import import_org
from bot.services.retention import BODIES_BATCH, PurgeRun, housekeeping_cuts
from db import outbox as outbox_db
from db import reports as reports_db
from db import retention as retention_db
from db import updates as updates_db
from db.core import apply_migrations, migration_scripts
from db.outbox import ASSIGN, BROADCAST, NOTICE

VERSION = 3                                   # 3: the bot's purge and housekeeping run at the year's end
RESIDENT_BASE = 9_000_000_000
CACHE_MAX_AGE = timedelta(days=20)            # pending timers fall due 30-60 days after the year's end
BROADCAST_HOUR = 8
NOTICE_FIELDS = {"rumour": "网传本市明日起全城封控", "truth": "经核实，系谣言，本市未发布任何封控通知",
                 "source": "市新冠肺炎疫情防控指挥部办公室"}


@dataclass(frozen=True)
class Year:
    path: Path
    reports: int
    grids: int
    groups: list[tuple[str, int]]       # (grid code, group chat id), every group bound to its grid
    staff_ids: list[int]                # Telegram user ids of every staff member (leader, two workers per grid)
    end: str                            # the year's last moment (UTC stamp)
    build_seconds: float
    size_bytes: int
    cached: bool = False                # found in the cache rather than generated now


# ----- the generator ----------------------------------------------------------------------------------------
def generate_year(path: Path, reports: int, *, grids: int = 2000, open_share: float = 0.05,
                  broadcast_days: int | None = None, end: datetime | None = None, seed: int = 10) -> Year:
    """Write a year of a city with `grids` grids and `reports` reports (an `open_share` still unresolved)
    into a new database at `path`; the daily broadcast to every group ran on the last `broadcast_days` days
    (by default in proportion: 365 at a million reports)."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    end_ts = int((end or datetime.now(timezone.utc)).timestamp())
    start_ts = end_ts - 365 * DAY
    days = broadcast_days if broadcast_days is not None else max(1, min(365, round(365 * reports / 1_000_000)))
    rng = random.Random(seed)
    settings = Settings()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY",
                   "locking_mode=EXCLUSIVE"):
        conn.execute(f"PRAGMA {pragma}")
    apply_migrations(conn)
    with tempfile.TemporaryDirectory(prefix="yeargen-") as tmp:
        areas_csv, staff_csv, groups, staff_ids = city_csv(Path(tmp), grids)
        conn.execute("BEGIN")
        import_org(conn, areas_csv, staff_csv, datetime.fromtimestamp(start_ts, timezone.utc), timedelta(days=14))
        conn.execute("COMMIT")
    conn.execute("BEGIN")
    indexes = _drop_indexes(conn, GROWING)
    team = _bind_groups(conn, groups, stamp(start_ts))
    variants = text_variants(64, settings, rng)
    writer = _Writer(conn, rng, settings, team, variants, reports, open_share, start_ts, end_ts)
    broadcast_id, body = _broadcast(conn, start_ts)
    per_day = reports / 365
    for day in range(365):
        writer.reports(int(day * per_day), int((day + 1) * per_day))
        if day >= 365 - days:
            writer.broadcast_run(broadcast_id, body, local_midnight(start_ts) + day * DAY + BROADCAST_HOUR * 3600)
        if day % 10 == 9:
            writer.flush(until=start_ts + (day + 1) * DAY)
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    writer.flush()
    writer.finish()
    for sql in indexes:
        conn.execute(sql)
    conn.execute("UPDATE broadcasts SET next_run_at = ? WHERE id = ?", (stamp(end_ts + DAY), broadcast_id))
    conn.execute("COMMIT")
    as_the_bot_leaves_it(conn, settings, datetime.fromtimestamp(end_ts, timezone.utc))
    conn.execute("PRAGMA locking_mode=NORMAL")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return Year(path, reports, grids, [tuple(g) for g in groups], staff_ids, stamp(end_ts),
                round(time.perf_counter() - started, 1), path.stat().st_size)


def as_the_bot_leaves_it(conn: sqlite3.Connection, settings: Settings, now: datetime) -> None:
    """What the running bot's daily jobs have done by `now`, through their own functions, each batch in a
    transaction as the bot runs it: the retention purge (bot.app.serve.purge: erase, prune, then give the free
    pages back) and the housekeeping (bot.app.wiring.housekeeping: old update ids, bodies of messages older than
    outbox_keep_days). Run once at the year's end they leave what a year of daily runs leaves, as each only
    removes what is past its time (the purge first here: the bodies it deletes need no clearing)."""
    def transaction(fn: Any, *args: Any) -> Any:
        conn.execute("BEGIN IMMEDIATE")
        result = fn(conn, *args)
        conn.execute("COMMIT")
        return result

    run = PurgeRun(settings, now)
    while transaction(run.step):
        pass
    cuts = housekeeping_cuts(settings, now)
    transaction(updates_db.forget_before, cuts.updates_before)
    transaction(reports_db.forget_counters, cuts.counters_before)
    while transaction(outbox_db.clear_bodies, cuts.bodies_before, BODIES_BATCH) == BODIES_BATCH:
        pass
    while transaction(retention_db.reclaim):
        pass
    retention_db.checkpoint(conn)


GROWING = ("reports", "report_events", "outbox", "timers", "audit_log", "telegram_users", "report_counters")


def _drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the migrations' indexes on the tables about to be filled; return their SQL to build them again
    (the same indexes, sorted once at the end instead of kept up row by row)."""
    marks = ",".join("?" * len(tables))
    found = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                         f" AND tbl_name IN ({marks})", tables).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _bind_groups(conn: sqlite3.Connection, groups: list[list[Any]], now: str) -> dict[int, dict[str, Any]]:
    """Bind each grid's group as /bind would; return each grid's team: code, name, chat, leader, workers."""
    codes = {code: chat for code, chat in groups}
    team: dict[int, dict[str, Any]] = {}
    for row in conn.execute("SELECT id, code, name FROM areas WHERE level = 'grid'").fetchall():
        team[row[0]] = {"code": row[1], "name": row[2], "chat": codes[row[1]], "workers": [], "leader": None}
    conn.executemany("INSERT INTO group_chats (chat_id, title, type, area_id, bound_by, bound_at, status_at,"
                     " updated_at) VALUES (?, ?, 'supergroup', ?, 0, ?, ?, ?)",
                     [(t["chat"], f"{t['name']}居民群", area, now, now, now) for area, t in team.items()])
    rows = conn.execute("SELECT r.area_id, r.role, p.id, p.name, p.telegram_user_id FROM roles r "
                        "JOIN people p ON p.id = r.person_id WHERE r.role IN ('grid_leader', 'grid_worker') "
                        "ORDER BY p.id").fetchall()
    for area, role, person, name, user in rows:
        member = (person, name, user)
        if role == "grid_leader":
            team[area]["leader"] = member
        else:
            team[area]["workers"].append(member)
    conn.execute("UPDATE people SET started_at = ?, locale = 'zh-hans'", (now,))
    return team


def _broadcast(conn: sqlite3.Connection, start_ts: int) -> tuple[int, str]:
    """The city's daily rumour rebuttal (paused now: its history is what matters, not another run)."""
    body = render_notice("rumour", NOTICE_FIELDS, "zh_CN")
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    cur = conn.execute("INSERT INTO broadcasts (created_at, created_by, audience_id, template, fields, body,"
                       " schedule, pin, status, next_run_at) VALUES (?, NULL, ?, 'rumour', ?, ?, ?, 0, 'paused', ?)",
                       (stamp(start_ts), city, json.dumps(NOTICE_FIELDS, ensure_ascii=False), body,
                        f"0 {BROADCAST_HOUR} * * *", stamp(start_ts)))
    return int(cur.lastrowid or 0), body


class _Writer:
    """Builds the rows of a span of reports and writes them in bulk."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, settings: Settings,
                 team: dict[int, dict[str, Any]], variants: list[Variant], total: int, open_share: float,
                 start_ts: int, end_ts: int) -> None:
        self.conn, self.rng, self.team, self.variants = conn, rng, team, variants
        self.total, self.open_share, self.start_ts, self.end_ts = total, open_share, start_ts, end_ts
        self.grid_ids = sorted(team)
        self.windows = {p: (int(settings.accept_window(p).total_seconds()),
                            int(settings.resolve_window(p).total_seconds())) for p in ("normal", "high")}
        self.counters: dict[tuple[int, str], int] = {}
        self.rotation: dict[int, int] = {}
        self.reporters: dict[int, int] = {}
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in SQL}
        self.message_id = 1

    def reports(self, first: int, last: int) -> None:
        span = (self.end_ts - self.start_ts) / max(self.total, 1)
        for index in range(first, last):
            self._report(index + 1, self.start_ts + int(index * span + self.rng.random() * span))

    def _report(self, rid: int, created: int) -> None:
        rng, rows = self.rng, self.rows
        grid_id = self.grid_ids[rng.randrange(len(self.grid_ids))]
        team = self.team[grid_id]
        variant = self.variants[rng.randrange(len(self.variants))]
        accept_window, resolve_window = self.windows[variant.priority]
        reporter = RESIDENT_BASE + rng.randrange(max(1, self.total // 4))
        self.reporters.setdefault(reporter, created)
        day = local_day(created)
        seq = self.counters[(grid_id, day)] = self.counters.get((grid_id, day), 0) + 1
        number = f"{team['code']}-{day}-{seq:04d}"
        turn = self.rotation[grid_id] = (self.rotation.get(grid_id, -1) + 1) % len(team["workers"])
        person, name, user = team["workers"][turn]
        still_open = rng.random() < self.open_share
        accepted = None if still_open and rng.random() < 0.5 else created + rng.randrange(60, accept_window * 2)
        resolved = None if still_open or accepted is None else accepted + rng.randrange(600, resolve_window)
        status = "resolved" if resolved else "accepted" if accepted else "open"
        outcome_index = rng.randrange(len(OUTCOMES))
        ts, accept_due = stamp(created), created + accept_window
        resolve_due = (accepted or created + accept_window) + resolve_window
        later = self.end_ts + rng.randrange(30 * DAY, 60 * DAY)     # pending timers: never due during a bench
        rows["reports"].append((rid, number, grid_id, variant.kind, variant.priority, status, reporter,
                                int(rid % 7 == 0), variant.details, person, 0,
                                OUTCOMES[outcome_index] if resolved else None, created, accepted, resolved,
                                accept_due, resolve_due))                # Unix seconds (0026_report_times.sql)
        # The history as db/reports.py keeps it (0024_compact_history.sql): numbered within the report, Unix seconds.
        events: list[tuple[int, int | None, str, str | None]] = [
            (created, reporter, "created", f'{{"priority": "{variant.priority}"}}'),
            (created, None, "assigned", assigned_detail(name))]
        rows["timers"].append(("accept", rid, 0, stamp(later) if accepted is None else stamp(accept_due),
                               "pending" if accepted is None else "cancelled"))
        fill = (("\x01N\x01", number), ("\x01GC\x01", team["code"]), ("\x01GN\x01", team["name"]),
                ("\x01T\x01", local(created)), ("\x01W\x01", name), ("\x01D\x01", local(accept_due)))
        card = variant.card
        for key, value in fill:
            card = card.replace(key, value)
        receipt = variant.receipt.replace("\x01N\x01", number).replace("\x01GN\x01", team["name"])
        self._sent(created, NOTICE, reporter, receipt, None, "reporter", None, rid)
        self._sent(created, ASSIGN, user, card, variant.markup.replace("\x01I\x01", str(rid)), "assign", person, rid)
        rows["audit"].append((created, None, "report_disclosed", f"report:{rid}",
                              f'{{"to_person": {person}, "why": "assign"}}'))
        if rng.random() < 0.03:
            events.append((accept_due, None, "reminded", '{"phase": "accept"}'))
        if accepted is not None:
            events.append((accepted, user, "accepted", None))
            rows["timers"].append(("resolve", rid, 0, stamp(later) if resolved is None else stamp(resolve_due),
                                   "pending" if resolved is None else "cancelled"))
            self._sent(accepted, NOTICE, reporter, variant.accepted.replace("\x01N\x01", number), None, "reporter",
                       None, rid)
            if rng.random() < 0.1:
                events.append((accepted, user, "note", '{"text": "已电话联系当事人"}'))
        if resolved is not None:
            events.append((resolved, user, "resolved", RESOLVED_DETAILS[outcome_index]))
            self._sent(resolved, NOTICE, reporter, variant.resolved[outcome_index].replace("\x01N\x01", number), None,
                       "reporter", None, rid)
        rows["events"].extend((rid, n, *event) for n, event in enumerate(events, 1))

    def _sent(self, at: int, priority: int, chat_id: int, text: str, markup: str | None, purpose: str,
              person_id: int | None, report_id: int | None, ref: str | None = None) -> None:
        self.message_id += 1
        self.rows["outbox"].append((at, priority, chat_id, text, markup, purpose, person_id, report_id, ref,
                                    self.message_id, at))

    def broadcast_run(self, broadcast_id: int, body: str, moment: int) -> None:
        at = stamp(moment)
        cur = self.conn.execute("INSERT INTO broadcast_runs (broadcast_id, scheduled_for, started_at, status, total,"
                                " delivered, failed, finished_at) VALUES (?, ?, ?, 'done', ?, ?, 0, ?)",
                                (broadcast_id, at, at, len(self.grid_ids), len(self.grid_ids), stamp(moment + 3600)))
        run_id = cur.lastrowid
        for area_id in self.grid_ids:
            self._sent(moment, BROADCAST, self.team[area_id]["chat"], body, None, "broadcast", None, None,
                       f"run:{run_id}:{area_id}")

    def flush(self, until: int | None = None) -> None:
        """Write the rows built so far; messages sent at or after `until` wait for the next flush.

        The history in the order the bot writes it, by time: its table is kept in report order (WITHOUT ROWID),
        and a report's later events land among newer reports' rows, as they do in a running bot. The outbox by
        time too: the bot adds a message when it is due, so its ids follow the time (what clears bodies and
        prunes goes along runs of neighbouring ids); a report's later notices get the ids of their day."""
        self.rows["events"].sort(key=lambda event: event[2])
        self.rows["outbox"].sort(key=lambda message: message[0])
        later = [] if until is None else [m for m in self.rows["outbox"] if m[0] >= until]
        if later:
            self.rows["outbox"] = self.rows["outbox"][:len(self.rows["outbox"]) - len(later)]
        for table, sql in SQL.items():
            if self.rows[table]:
                self.conn.executemany(sql, self.rows[table])
                self.rows[table] = []
        self.rows["outbox"] = later

    def finish(self) -> None:
        """What accumulates over the year: number counters, the rotation, the residents met."""
        self.conn.executemany("INSERT INTO report_counters (grid_id, day, last) VALUES (?, ?, ?)",
                              [(g, d, n) for (g, d), n in self.counters.items()])
        self.conn.executemany("INSERT INTO duty_rotation (grid_id, person_id) VALUES (?, ?)",
                              [(g, self.team[g]["workers"][turn][0]) for g, turn in self.rotation.items()])
        self.conn.executemany("INSERT INTO telegram_users (user_id, first_name, language, started_at, updated_at)"
                              " VALUES (?, ?, 'zh-hans', ?, ?)",
                              [(u, "居民", stamp(t), stamp(t)) for u, t in self.reporters.items()])


SQL = {
    "reports": "INSERT INTO reports (id, number, grid_id, kind, priority, status, reporter_user, on_behalf, details,"
               " assignee_id, level, outcome, created_at, accepted_at, resolved_at, accept_due_at, resolve_due_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, json(?), ?, ?, ?, ?, ?, ?, ?, ?)",   # JSON as db.reports writes it
    # The action by its number and the detail without spaces, as db.reports.add_event writes them (0029).
    "events": "INSERT INTO report_events (report_id, seq, at, actor_user, action, detail) VALUES (?, ?, ?, ?,"
              " (SELECT id FROM report_actions WHERE name = ?), json(?))",
    "timers": "INSERT INTO timers (kind, report_id, step, due_at, state) VALUES (?, ?, ?, ?, ?)",
    "outbox": "INSERT INTO outbox (created_at, priority, chat_id, text, reply_markup, purpose, person_id, report_id,"
              " ref, status, attempts, message_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', 1, ?, ?)",
    "audit": "INSERT INTO audit_log (at, actor_user, action, subject, detail) VALUES (?, ?, ?, ?, json(?))",
}


# ----- the cache --------------------------------------------------------------------------------------------
def generator_key(reports: int, grids: int) -> str:
    """Changes with the size, the generator's source, the bot's purge and the migrations (a new index means a new
    file)."""
    root = Path(__file__).parent.parent
    digest = hashlib.sha256()
    # The generator, and the bot's code that runs at the year's end (purge, housekeeping): a change to either
    # changes the file.
    for source in ("bench/yeargen.py", "bench/yeartexts.py", "bot/services/retention.py", "db/retention.py",
                   "db/outbox.py", "db/updates.py"):
        digest.update((root / source).read_bytes())
    for _, name, sql in migration_scripts():
        digest.update(name.encode() + sql.encode())
    return f"{reports}-{grids}-v{VERSION}-{digest.hexdigest()[:12]}"


def cache_dir() -> Path:
    return Path(os.environ.get("GRIDBOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "gridbot-bench-years"))


def cached_year(reports: int, *, grids: int = 2000, folder: Path | None = None, log: Any = None) -> Year:
    """The year for this size from the cache, generated first if missing, stale or made by other code."""
    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = generator_key(reports, grids)
    path, meta = folder / f"year-{key}.sqlite3", folder / f"year-{key}.json"
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        made = datetime.fromisoformat(info["end"])
        if datetime.now(timezone.utc) - made < CACHE_MAX_AGE:
            return Year(**{**info, "path": path, "groups": [tuple(g) for g in info["groups"]],
                           "size_bytes": path.stat().st_size, "cached": True})
    for old in folder.glob(f"year-{reports}-{grids}-*"):
        old.unlink()
    if log:
        log(f"generating a year of {reports:,} reports over {grids:,} grids into {path} ...")
    year = generate_year(path, reports, grids=grids)
    meta.write_text(json.dumps({**asdict(year), "path": str(path)}))
    return year


def iter_sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        yield int(part.replace("_", "").strip())
