"""Logs an operator can read: expected Telegram refusals on one line with the chat, tracebacks only for bugs,
JSON when asked, nothing personal above DEBUG, no secrets, and no "Unclosed client session" at exit."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import subprocess
import sys

import pytest
from telegram.ext import MessageHandler, filters

from sandbox.server import DEFAULT_TOKEN
from bot.app.logs import setup_logging
from tests.prod_helpers import free_port
from tests.scenario import ARRIVAL, DISPUTE, PERSONAL, card_action, eventually, press_data, report_from_group, team

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(params=["text", "json"])
def captured(request):
    """The root logger writing INFO and above, in the given format, to a string (set up before the bot starts)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    setup_logging("info", request.param, secrets=[DEFAULT_TOKEN], stream=stream)
    yield request.param, stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


async def test_a_full_run_logs_nothing_personal_and_refusals_on_one_line(captured, bot, driver, clock):
    fmt, stream = captured

    async def bug(update, context):
        raise RuntimeError("a real bug")

    bot.application.add_handler(MessageHandler(filters.Regex("^/crash"), bug), group=-1)
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民赵")
    await report_from_group(driver, resident, crew.group, ARRIVAL)
    worker = next(w for w in crew.workers if w.first_name == "李娜")
    card = await driver.expect(worker.private)
    await resident.block_bot()
    await press_data(worker, card, card_action(card, "acc"))        # the resident's notice is refused
    await press_data(worker, card, card_action(card, "res"))
    await driver.expect(worker.private)
    await worker.says(worker.private, "已上门登记 13800001111 赵小满")
    await driver.expect(worker.private)
    await report_from_group(driver, await driver.user("居民钱"), crew.group, DISPUTE)
    await resident.sends("sticker")                                  # the no-silence reply, refused
    await worker.says(worker.private, "/crash")
    assert await eventually(lambda: _has(stream, "a real bug"))
    assert await eventually(lambda: _count(stream, "Forbidden", 2))
    await driver.idle()
    assert await bot.runtime.sender.drained()

    # One line for each message Telegram refused: the outbox's to the blocked resident (replies included).
    refusals = await bot.db.read(lambda conn: conn.execute(
        "SELECT count(*) FROM outbox WHERE chat_id = ? AND status = 'failed'", (resident.id,)).fetchone()[0])
    log = stream.getvalue()
    lines = log.splitlines()
    for word in PERSONAL + [ARRIVAL["origin"], "已上门登记", "13800001111"]:
        assert word not in log, f"personal data {word!r} in the log"
    assert not PHONE.search(log)
    assert DEFAULT_TOKEN not in log and DEFAULT_TOKEN.split(":")[1] not in log
    if fmt == "json":
        entries = [json.loads(line) for line in lines]
        refused = [e for e in entries if "Forbidden" in e["message"]]
        assert len(refused) == refusals >= 2 and all("traceback" not in e for e in refused)
        assert all(str(resident.id) in e["message"] for e in refused)
        bugs = [e for e in entries if "error while handling" in e["message"] and "traceback" in e]
        assert bugs and "RuntimeError: a real bug" in bugs[0]["traceback"]
    else:
        refused = [line for line in lines if "Forbidden" in line]
        assert len(refused) == refusals >= 2 and all(str(resident.id) in line for line in refused)
        assert log.count("Traceback") == 1                  # the bug's, and only the bug's
        assert "RuntimeError: a real bug" in log


async def _has(stream: io.StringIO, text: str) -> bool:
    return text in stream.getvalue()


async def _count(stream: io.StringIO, text: str, at_least: int) -> bool:
    return stream.getvalue().count(text) >= at_least


def test_a_run_that_cannot_reach_the_server_leaves_no_unclosed_session(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bot", "run", "--token", "1:x", "--base-url",
                           f"http://127.0.0.1:{free_port()}", "--db", str(tmp_path / "g.sqlite3")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Unclosed" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_run_stopped_by_sigterm_logs_json_and_leaves_no_unclosed_session(tmp_path):
    port = free_port()
    sandbox = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert sandbox.stdout.readline()                # "sandbox … ready"
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--token", DEFAULT_TOKEN, "--base-url",
                                f"http://127.0.0.1:{port}", "--db", str(tmp_path / "g.sqlite3"), "--log-level",
                                "info", "--log-format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
        assert bot.stdout.readline()                    # "running as …": started
        bot.send_signal(signal.SIGTERM)
        out, err = bot.communicate(timeout=30)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    assert bot.returncode == 0, err
    assert "Unclosed" not in err
    entries = [json.loads(line) for line in err.splitlines()]
    assert entries and {e["level"] for e in entries} <= {"info", "warning"}
    assert DEFAULT_TOKEN not in err
