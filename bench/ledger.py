"""The ledger at a city's year: statistics, export and assessment over 1,000,000 reports and 2,000 grids.

    .venv/bin/python bench/ledger.py                 # --reports 1000000 (the year is generated once, cached)

Prints each figure beside its target: an area's statistics (city, town, community, grid) <= 100 ms, the
export of a community's year (about 50,000 rows) <= 2 s and streamed (memory does not grow with the rows),
peak RSS of the process doing all of it <= 200 MB. Measured in a fresh process of its own, after the year
is generated. Exports print their CPU seconds beside the wall-clock ones: on a shared machine the wall clock counts
other processes' turns too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ledger_data import cached_city  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float, Any]:
    """(first run, median of the runs after it) in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(repeat + 1):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:]), result


def measure(path: str, end_text: str) -> dict[str, Any]:
    """Everything measured, in this (fresh) process."""
    import sqlite3
    from datetime import date, datetime

    from bot.core.config import Settings
    from bot.services.ledger import export
    from bot.services.ledger.assessment import assess
    from bot.services.ledger.periods import Period, month
    from bot.services.ledger.stats import figures
    from db import ledger as ledger_db
    from db.areas import Area, by_code
    from db.ledger import Filters

    settings = Settings(database=path)
    end = datetime.fromisoformat(end_text)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    area: dict[str, Area] = {}
    for code in ("C", "T0", "M00", "G0000"):
        found = by_code(conn, code)
        assert found is not None, code
        area[code] = found
    year = Period(date(end.year, 1, 1), end.astimezone(settings.tz).date())
    week = Period(year.last.fromordinal(year.last.toordinal() - 6), year.last)
    out: dict[str, Any] = {"rss_start_mb": round(rss_mb(), 1)}
    for label, code, period in (("city, year", "C", year), ("town, year", "T0", year),
                                ("community, year", "M00", year), ("grid, year", "G0000", year),
                                ("city, 7 days", "C", week)):
        first, median, fig = timed(lambda: figures(conn, area[code], period, end))
        out[f"stats {label}"] = {"first_ms": round(first, 1), "median_ms": round(median, 1),
                                 "reports": fig.total.created, "open": fig.backlog.open,
                                 "overdue": fig.backlog.overdue}
    first, median, page = timed(lambda: ledger_db.open_in_area(conn, area["C"].id, limit=10, offset=0))
    out["tasks city, first page"] = {"first_ms": round(first, 1), "median_ms": round(median, 1), "open": page[0]}
    last_month = month(f"{end.year}-{end.month:02d}")
    for label, code in (("community", "M00"), ("city", "C")):
        first, median, found = timed(lambda: assess(conn, settings, area[code], last_month, end), repeat=1)
        out[f"assessment {label}, month"] = {"first_ms": round(first, 1), "median_ms": round(median, 1),
                                            "staff": len(found.workers)}
    conn.close()
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as folder:
        for fmt in ("xlsx", "csv"):
            for label, code in (("grid", "G0000"), ("community", "M00")):
                request = export.Request(area[code], Filters(since=year.since(settings), until=year.until(settings)),
                                         fmt, False)
                target = Path(folder) / f"{code}.{fmt}"
                before = rss_mb()
                started, cpu = time.perf_counter(), time.process_time()
                result = export.write_apart(path, settings, request, target, end)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                out[f"export {label} year, {fmt}"] = {
                    "seconds": round(seconds, 2), "cpu": round(cpu, 2), "rows": result.rows,
                    "mb": round(target.stat().st_size / 2**20, 1),
                    "rss_growth_mb": round(rss_mb() - before, 1)}
    out["peak_rss_mb"] = round(rss_mb("VmHWM"), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--measure", nargs=2, metavar=("DB", "END"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    city = cached_city(args.reports)
    size = city.path.stat().st_size / 2**30
    print(f"city: {city.reports:,} reports over {city.grids:,} grids and a year, {size:.2f} GB"
          f" ({'cached' if city.cached else f'generated in {city.seconds:.0f} s'}): {city.path}")
    child = subprocess.run([sys.executable, __file__, "--measure", str(city.path), city.end.isoformat()],
                           capture_output=True, text=True, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    if child.returncode:
        sys.exit(child.stderr)
    found = json.loads(child.stdout)
    print(f"{'':34}{'first':>10}{'median':>10}   target")
    for key, value in found.items():
        if key.startswith(("stats", "tasks")):
            extra = ", ".join(f"{k} {v:,}" for k, v in value.items() if not k.endswith("_ms"))
            print(f"{key:34}{value['first_ms']:>8.1f}ms{value['median_ms']:>8.1f}ms   <= 100 ms   ({extra})")
    for key, value in found.items():
        if key.startswith("assessment"):
            print(f"{key:34}{value['first_ms']:>8.1f}ms{'':>10}   (info; {value['staff']:,} staff)")
    for key, value in found.items():
        if key.startswith("export"):
            print(f"{key:34}{value['seconds']:>9.2f}s{value['cpu']:>7.2f}s cpu   <= 2 s     ({value['rows']:,} rows,"
                  f" {value['mb']} MB,"
                  f" RSS grew {value['rss_growth_mb']} MB)")
    print(f"{'peak RSS of the measuring process':34}{found['peak_rss_mb']:>8.1f}MB{'':>10}   <= 200 MB"
          f"   (at start {found['rss_start_mb']} MB)")


if __name__ == "__main__":
    main()
