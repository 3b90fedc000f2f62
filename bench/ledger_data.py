"""A city's year for the ledger bench: 1,000,000 reports over 2,000 grids (4 towns, 20 communities of 100 grids,
so that one community's year is about 50,000 reports), written with the real migrations in big bulk
transactions. The summaries are then built by the migration's own rebuild, set-based (the per-row triggers,
which tests/test_ledger_summary.py holds equal to it, would take half an hour here). Cached per size and
generator version.

(bench/yeargen.py, on another branch, generates the same kind of year with every message and history row; this
one writes what the ledger reads: areas, staff, reports with their answers and times, residents' satisfaction, escalations.)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from db.core import apply_migrations, migration_scripts

VERSION = 2
DAY = 86_400
TOWNS, COMMUNITIES_PER_TOWN, GRIDS_PER_COMMUNITY = 4, 5, 100
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴芳", "徐涛", "孙丽"]
ORIGINS = ["上海市浦东新区", "北京市朝阳区", "山东省济南市历下区", "江苏省南京市鼓楼区", "吉林省长春市朝阳区"]
STREETS = ["府前小区", "龙泉花园", "荆河新村", "善国苑", "北辛家园"]
OUTCOMES = ["已上门核实，居家健康监测中", "已调解，双方达成一致", "已联系物业清理楼道", "经核实情况属实，已按规定处置"]


@dataclass(frozen=True)
class City:
    path: Path
    reports: int
    grids: int
    end: datetime                     # the year's last moment
    community: str                    # a community's code (about reports / 20 of its reports)
    grid: str
    seconds: float
    cached: bool


def _stamp(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def _answers(kind: str, rng: random.Random) -> str:
    if kind == "arrival":
        test = rng.choice(["negative"] * 8 + ["none", "positive"])
        answers = {"name": rng.choice(NAMES), "phone": f"139{rng.randrange(10**8):08d}",
                   "origin": rng.choice(ORIGINS), "arrival_date": "2026-04-08",
                   "address": f"{rng.choice(STREETS)}{rng.randrange(1, 30)}号楼{rng.randrange(1, 6)}单元",
                   "travel": rng.choice(["car", "train", "plane", "coach"]),
                   "health": rng.choice(["normal"] * 9 + ["fever"]), "test_result": test, "companions": "无"}
        if test != "none":
            answers["test_date"] = "2026-04-07"
    else:
        answers = {"category": rng.choice(["neighbours", "family", "property", "labour"]),
                   "parties": f"{rng.choice(NAMES)}与{rng.choice(NAMES)}", "place": f"{rng.choice(STREETS)}楼道",
                   "description": "楼道堆放杂物引发争吵", "urgency": rng.choice(["normal"] * 9 + ["urgent"])}
    return json.dumps(answers, ensure_ascii=False)


def _org(conn: sqlite3.Connection, now: str) -> list[tuple[int, str, list[int]]]:
    """The area tree and a leader and two workers per grid; (grid id, code, worker person ids) per grid."""
    def area(code: str, name: str, level: str, parent: int | None) -> int:
        return int(conn.execute("INSERT INTO areas (code, name, level, parent_id, created_at, updated_at)"
                                " VALUES (?, ?, ?, ?, ?, ?)", (code, name, level, parent, now, now)).lastrowid or 0)

    grids, phone = [], 13000000000
    city = area("C", "基准市", "city", None)
    for t in range(TOWNS):
        town = area(f"T{t}", f"第{t + 1}街道", "town", city)
        for c in range(COMMUNITIES_PER_TOWN):
            community = area(f"M{t}{c}", f"第{t + 1}街道第{c + 1}社区", "community", town)
            for g in range(GRIDS_PER_COMMUNITY):
                code = f"G{t}{c}{g:02d}"
                grid = area(code, f"{code}网格", "grid", community)
                workers = []
                for role in ("grid_leader", "grid_worker", "grid_worker"):
                    phone += 1
                    person = int(conn.execute("INSERT INTO people (name, phone, created_at, updated_at)"
                                              " VALUES (?, ?, ?, ?)", (f"员工{phone % 100000}", str(phone), now,
                                                                       now)).lastrowid or 0)
                    conn.execute("INSERT INTO roles (person_id, area_id, role, created_at) VALUES (?, ?, ?, ?)",
                                 (person, grid, role, now))
                    if role == "grid_worker":
                        workers.append(person)
                grids.append((grid, code, workers))
    return grids


def generate(path: Path, reports: int, *, end: datetime, seed: int = 13) -> None:
    path.unlink(missing_ok=True)
    rng = random.Random(seed)
    end_ts = int(end.timestamp())
    start_ts = end_ts - 365 * DAY
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    apply_migrations(conn)
    conn.execute("BEGIN")
    grids = _org(conn, _stamp(start_ts))
    # The reports' indexes and summary triggers are set aside during the load, then made again: the indexes
    # sorted once, the summaries rebuilt in one pass.
    aside = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('reports', 'satisfaction')"
                         " AND type IN ('index', 'trigger') AND sql IS NOT NULL").fetchall()
    for kind, name, _ in aside:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    details = {kind: [_answers(kind, rng) for _ in range(200)] for kind in ("arrival", "dispute")}
    rows: list[tuple[object, ...]] = []
    ratings: list[tuple[object, ...]] = []
    span = (end_ts - start_ts) / reports
    for rid in range(1, reports + 1):
        grid, code, workers = grids[rng.randrange(len(grids))]
        kind = "arrival" if rng.random() < 0.5 else "dispute"
        high = rng.random() < 0.12
        created = start_ts + int((rid - 1) * span + rng.random() * span)
        accept_window, resolve_window = (1800, 86400) if high else (7200, 259200)
        still_open = created > end_ts - 3 * DAY and rng.random() < 0.5 or rng.random() < 0.02
        accepted = None if still_open and rng.random() < 0.5 else created + int(rng.expovariate(1 / 2400)) + 30
        resolved = None if still_open or accepted is None else accepted + int(rng.expovariate(1 / 36000)) + 300
        status = "resolved" if resolved else "accepted" if accepted else "open"
        level = 1 if rng.random() < 0.03 else 0
        rows.append((rid, f"{code}-{rid:07d}", grid, kind, "high" if high else "normal", status, 9_000_000 + rid % 250_000,
                     int(rid % 9 == 0), rng.choice(details[kind]), rng.choice(workers), level,
                     rng.choice(OUTCOMES) if resolved else None, created, accepted, resolved,
                     created + accept_window, (accepted or created) + resolve_window))      # Unix seconds, as stored
        if resolved and rng.random() < 0.3:
            answer = rng.choice(["satisfied"] * 6 + ["unsatisfied"])
            ratings.append((rid, 9_000_000 + rid % 250_000, _stamp(resolved), answer, _stamp(resolved)))
        if len(rows) == 20_000:
            _flush(conn, rows, ratings)
    _flush(conn, rows, ratings)
    for _, _, sql in aside:
        conn.execute(sql)
    conn.execute("UPDATE ledger_state SET generation = generation + 1")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def _flush(conn: sqlite3.Connection, rows: list[tuple[object, ...]], ratings: list[tuple[object, ...]]) -> None:
    conn.executemany("INSERT INTO reports (id, number, grid_id, kind, priority, status, reporter_user, on_behalf,"
                     " details, assignee_id, level, outcome, created_at, accepted_at, resolved_at, accept_due_at,"
                     " resolve_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO satisfaction (report_id, user_id, asked_at, answer, answered_at)"
                     " VALUES (?, ?, ?, ?, ?)", ratings)
    rows.clear()
    ratings.clear()


def cached_city(reports: int) -> City:
    """The generated city for `reports`, made once per size, generator and migrations, then reused."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for _, name, sql in migration_scripts():
        digest.update(name.encode() + sql.encode())
    folder = Path(os.environ.get("GRIDBOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "gridbot-bench-ledger"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ledger-{reports}-v{VERSION}-{digest.hexdigest()[:12]}.sqlite3"
    # The year ends at a fixed moment, so that a cached city reads the same on any day.
    end = datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc)
    started, cached = time.perf_counter(), path.exists()
    if not cached:
        generate(path.with_suffix(".tmp"), reports, end=end)
        path.with_suffix(".tmp").rename(path)
    return City(path, reports, TOWNS * COMMUNITIES_PER_TOWN * GRIDS_PER_COMMUNITY, end, "M00", "G0000",
                round(time.perf_counter() - started, 1), cached)
