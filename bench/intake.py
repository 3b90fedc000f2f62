"""Benchmark: 2,000 reports from simulated residents over 200 grids, each a full conversation, like with like.

The sandbox (with the crowd of residents) runs in its own process, and so does each bot under test. The
baseline is a bare python-telegram-bot bot with gridbot's own transport (`AiohttpRequest`) and update
processor (`PerUserUpdateProcessor`, 32 updates at once) that answers every update with one message and every
button press with its answer and one message. Both face the same crowd, which waits for what a resident waits
for: the next question, and at the end the receipt (gridbot's run also lasts until every assignee has the
report's card). Neither bot is held back by the per-chat and overall limits of its own (the sandbox enforces
none here). The two alternate `--repeat` times (the machine is shared and noisy); figures are medians.
CPU time is the bot process's own (user + system), from the crowd's start until the bot has sent everything;
the share of it spent in the garbage collector is printed for each bot. gridbot's process sets the collector as
`gridbot run` does (bot/app/collector.py); the bare bot keeps Python's defaults.

    .venv/bin/python bench/intake.py [--reports 2000] [--grids 200] [--concurrency 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bot_process, city_csv, crowd_process, percentile, post, stop_and_read  # noqa: E402

# The baseline keeps to no limit of its own, so neither does gridbot's sender here: the overall and the
# per-chat limit are raised out of the way (the receipt would otherwise wait a second behind the last question).
GRIDBOT_SETTINGS = {"send_per_second": 1000.0, "send_per_chat_second": 1000.0}


def run(mode: str, reports: int, grids: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as tmp, crowd_process() as url:
        _, _, grid_groups, staff_ids = city_csv(Path(tmp), grids)
        post(url, "/crowd/setup", {"staff": staff_ids, "groups": [g for _, g in grid_groups]})
        with bot_process(mode, url, Path(tmp), str(grids), json.dumps(GRIDBOT_SETTINGS)) as bot:
            bot.send_signal(signal.SIGUSR2)                 # its CPU time counts from here
            result = post(url, "/crowd/run", {"mode": mode, "grids": grid_groups, "reports": reports,
                                              "concurrency": concurrency})
            result |= stop_and_read(bot)
    result["ups"] = result["updates"] / result["seconds"]
    result["cpu_ms"] = result["cpu_seconds"] / result["updates"] * 1000
    result["gc_share"] = result["gc_seconds"] / result["cpu_seconds"] if result["cpu_seconds"] else 0.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--grids", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=100, help="residents in conversation at once")
    parser.add_argument("--repeat", type=int, default=3, help="run both bots this many times, alternating")
    args = parser.parse_args()
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (the figures are medians)")

    print(f"reports: {args.reports} over {args.grids} grids, {args.concurrency} residents at a time;"
          f" both bots: aiohttp transport, 32 concurrent updates")
    bares, grids = [], []
    for attempt in range(1, args.repeat + 1):
        bares.append(run("bare", args.reports, args.grids, args.concurrency))
        grids.append(run("gridbot", args.reports, args.grids, args.concurrency))
        b, g = bares[-1], grids[-1]
        print(f"  run {attempt}: baseline {b['ups']:.0f} updates/s, {b['cpu_ms']:.3f} ms CPU/update;"
              f" gridbot {g['ups']:.0f} updates/s, {g['cpu_ms']:.3f} ms CPU/update;"
              f" ratio {g['ups'] / b['ups']:.2f}, CPU ratio {b['cpu_ms'] / g['cpu_ms']:.2f}", flush=True)

    def median(runs: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    ratio = statistics.median(g["ups"] / b["ups"] for b, g in zip(bares, grids))
    cpu_ratio = statistics.median(b["cpu_ms"] / g["cpu_ms"] for b, g in zip(bares, grids))
    latencies = [x for g in grids for x in g["latencies"]]
    print(f"medians of {args.repeat} runs (ratios: median of the pairs run back to back):")
    print(f"baseline: {median(bares, 'updates'):.0f} updates in {median(bares, 'seconds'):.2f}s ="
          f" {median(bares, 'ups'):.0f} updates/s, CPU {median(bares, 'cpu_ms'):.3f} ms/update"
          f" ({median(bares, 'gc_share'):.1%} in the garbage collector), peak RSS {median(bares, 'peak_rss_mb'):.0f} MB")
    print(f"gridbot:  {median(grids, 'updates'):.0f} updates in {median(grids, 'seconds'):.2f}s ="
          f" {median(grids, 'ups'):.0f} updates/s, {args.reports / median(grids, 'seconds'):.1f} reports/s,"
          f" CPU {median(grids, 'cpu_ms'):.3f} ms/update ({median(grids, 'gc_share'):.1%} in the garbage collector),"
          f" peak RSS {median(grids, 'peak_rss_mb'):.0f} MB")
    print(f"submit -> assignee's card: p50 {percentile(latencies, 50) * 1000:.0f} ms,"
          f" p99 {percentile(latencies, 99) * 1000:.0f} ms ({len(latencies)} of {args.reports * args.repeat} reports)")
    print(f"outbox: {sum(g['sent_by_outbox'] for g in grids)} sent, {sum(g['flood_waits'] for g in grids)}"
          f" flood waits, {sum(g['retried'] for g in grids)} retries")
    print(f"intake: ratio={ratio:.2f} cpu_ratio={cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
