"""Benchmark: one notice to 2,000 group chats through the outbox, under Telegram's limits.

The sandbox runs in its own process and so does gridbot. Run 1: the sandbox enforces 30 msg/s overall and
20 msg/min per group, and 20 urgent reports are filed while the notice drains (one every half second):
achieved msgs/s as a fraction of 30, 429s received, messages lost, p50/p99 from filing a report to its
assignee's notification. Run 2: the overall limit raised to 1,000 msg/s (Telegram's paid-broadcast ceiling),
gridbot configured for it: achieved msgs/s.

    .venv/bin/python bench/broadcast.py [--groups 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bot_process, city_csv, crowd_process, percentile, post, stop_and_read  # noqa: E402

NOTICE = "辟谣：网传明日全城封控，经核实系谣言。请以官方发布为准。"


def run(groups: int, overall: int, bot_rate: float, assignments: int, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp, crowd_process() as url:
        _, _, grid_groups, staff_ids = city_csv(Path(tmp), groups)
        post(url, "/crowd/setup", {"staff": staff_ids, "groups": [g for _, g in grid_groups]})
        post(url, "/sandbox/limits", {"overall_per_sec": overall, "group_per_min": 20})
        settings = {"send_per_second": bot_rate, "tick_seconds": 0.5}
        with bot_process("gridbot", url, Path(tmp), str(groups), json.dumps(settings), str(assignments)) as bot:
            subprocess.run([sys.executable, "-m", "bot", "broadcast", "--audience", "C", "--text", NOTICE,
                            "--db", str(Path(tmp) / "bench.sqlite3")], check=True, cwd=ROOT, capture_output=True,
                           env=os.environ | {"PYTHONPATH": str(ROOT)})
            bot.send_signal(signal.SIGUSR1)
            group_ids = {g for _, g in grid_groups}
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                events = post(url, "/sandbox/events", {"kinds": ["send"]})["result"]
                delivered = [e for e in events if e["chat_id"] in group_ids and NOTICE in (e["text"] or "")]
                if len(delivered) >= groups:
                    break
                time.sleep(0.5)
            time.sleep(1.0)
            events = post(url, "/sandbox/events", {"kinds": ["send"]})["result"]
            stats = post(url, "/sandbox/stats", {})["result"]
            figures = stop_and_read(bot)
    delivered = [e for e in events if e["chat_id"] in group_ids and NOTICE in (e["text"] or "")]
    times = sorted(e["at"] for e in delivered)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    # Everything the bot sent while the notice drained counts against the same 30 msg/s.
    during = [e for e in events if times and times[0] <= e["at"] <= times[-1]]
    latencies = []
    for token, submitted in figures["submitted"].items():
        cards = [e["at"] for e in events if e["chat_id"] not in group_ids and token in (e["text"] or "")
                 and "编号" in (e["text"] or "") and "分派给您" in (e["text"] or "")]
        if cards:
            latencies.append(min(cards) - submitted)
    return {"delivered": len({e["chat_id"] for e in delivered}), "messages": len(delivered), "span": span,
            "all_messages": len(during),
            "rate": (len(during) - 1) / span if span == span and span > 0 else float("nan"),
            "refused_429": stats["refused_429"], "flood_waits": figures["flood_waits"], "latencies": latencies,
            "assignments": len(figures["submitted"]), "peak_rss_mb": figures["peak_rss_mb"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    args = parser.parse_args()

    limited = run(args.groups, 30, 30.0, 20, timeout=args.groups / 30 * 1.5 + 30)
    paid = run(args.groups, 1000, 1000.0, 0, timeout=120)
    lost = args.groups - limited["delivered"]
    print(f"groups: {args.groups}")
    print(f"run 1, sandbox at 30 msg/s and 20/min per group: the notice to {limited['messages']} groups took"
          f" {limited['span']:.1f}s; with the reports' messages {limited['all_messages']} messages ="
          f" {limited['rate']:.2f} msg/s = {limited['rate'] / 30:.3f} of 30 (target >= 0.97);"
          f" 429s {limited['refused_429']} = {limited['refused_429'] / max(limited['messages'], 1) * 100:.2f}%"
          f" (target <= 1%); lost {lost} (target 0)")
    lat = limited["latencies"]
    print(f"assignments filed during run 1: {len(lat)} of {limited['assignments']} delivered;"
          f" p50 {percentile(lat, 50):.2f}s, p99 {percentile(lat, 99):.2f}s (target p99 <= 2s)")
    print(f"run 2, sandbox at 1000 msg/s: {paid['all_messages']} messages in {paid['span']:.2f}s"
          f" = {paid['rate']:.0f} msg/s (target >= 900); 429s {paid['refused_429']};"
          f" lost {args.groups - paid['delivered']}")
    print(f"peak RSS of gridbot: {limited['peak_rss_mb']} MB, {paid['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
