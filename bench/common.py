"""Shared by the benchmarks: a generated city, the crowd sandbox process, the bots under test."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
STAFF_BASE = 5_000_000
GROUP_BASE = -1_000_000_000_000


def city_csv(folder: Path, grids: int) -> tuple[Path, Path, list[list[Any]], list[int]]:
    """A city of `grids` grids (10 per community, 10 communities per town), a leader and two workers each."""
    areas = ["code,name,level,parent_code", "C,基准市,city,"]
    staff = ["area_code,role,name,phone,telegram_user_id"]
    staff_ids: list[int] = []
    grid_groups: list[list[Any]] = []
    phone = 13000000000
    for g in range(grids):
        town, community = f"T{g // 100:02d}", f"M{g // 10:03d}"
        if g % 100 == 0:
            areas.append(f"{town},镇{town},town,C")
        if g % 10 == 0:
            areas.append(f"{community},社区{community},community,{town}")
        code = f"G{g:04d}"
        areas.append(f"{code},网格{code},grid,{community}")
        for role in ("grid_leader", "grid_worker", "grid_worker"):
            phone += 1
            user_id = STAFF_BASE + len(staff_ids)
            staff_ids.append(user_id)
            staff.append(f"{code},{role},员工{user_id},{phone},{user_id}")
        grid_groups.append([code, GROUP_BASE - g])
    a, s = folder / "areas.csv", folder / "staff.csv"
    a.write_text("\n".join(areas) + "\n", encoding="utf-8")
    s.write_text("\n".join(staff) + "\n", encoding="utf-8")
    return a, s, grid_groups, staff_ids


@contextmanager
def crowd_process() -> Iterator[str]:
    """The sandbox and its crowd, in a process of their own; yields the URL."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "crowd.py")], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline().split()
        yield f"http://127.0.0.1:{line[1]}"
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def bot_process(mode: str, url: str, workdir: Path, *extra: str, log: Path | None = None
                ) -> Iterator[subprocess.Popen]:
    """A bot under test in its own process; it prints 'polling' when ready and its figures as JSON at exit.
    Its log goes to `log` when given (else to this process's stderr)."""
    errors = log.open("a") if log is not None else None
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bots.py"), mode, url, str(workdir), *extra],
                            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT,
                            env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        if "polling" not in line:
            proc.kill()
            raise RuntimeError(f"the {mode} bot did not start: {line!r}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if errors is not None:
            errors.close()


def stop_and_read(proc: subprocess.Popen) -> dict[str, Any]:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    return json.loads(out.strip().splitlines()[-1])


def post(url: str, path: str, body: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    response = httpx.post(url + path, json=body, timeout=timeout)
    response.raise_for_status()
    return response.json()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    """This process's peak resident set. Linux's VmHWM belongs to the process image (getrusage's maxrss carries
    the parent's over fork and exec, which made a bot look as big as the bench that generated its database)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
