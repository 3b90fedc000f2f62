"""One bot per database (a second one refuses before it talks to Telegram), and `gridbot doctor`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import httpx
import pytest

from bot.app.cli import main
from bot.app.instance_lock import AlreadyRunning, InstanceLock, holder
from messages import DEFAULT_LOCALE, render
from sandbox.server import DEFAULT_TOKEN
from tests.prod_helpers import free_port
from tests.scenario import RECORDING, team


@pytest.fixture
def sandbox_process():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline()                                  # ready
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def calls(url: str) -> dict[str, int]:
    return httpx.post(f"{url}/sandbox/stats", timeout=10).json()["result"]["calls"]


def test_a_second_bot_on_the_same_database_refuses_before_it_calls_telegram(tmp_path, sandbox_process):
    db = str(tmp_path / "g.sqlite3")
    argv = [sys.executable, "-m", "bot", "run", "--token", DEFAULT_TOKEN, "--base-url", sandbox_process, "--db", db]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=os.environ | {"PYTHONUNBUFFERED": "1"})
    try:
        assert first.stdout.readline()                             # running
        seen = calls(sandbox_process)
        second = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        [line] = second.stderr.strip().splitlines()
        # The second bot is its own process, so its renders are not recorded here: render the same words.
        assert render("cli/instance_running", DEFAULT_LOCALE, path=db, pid=first.pid) in line
        after = calls(sandbox_process)
        assert after.get("getMe") == seen.get("getMe") == 1 and after.get("deleteWebhook") == seen.get("deleteWebhook")
        assert holder(db) == first.pid
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert first.returncode == 0
    assert holder(db) is None
    with InstanceLock(db):                                          # free again once the first has stopped
        with pytest.raises(AlreadyRunning):
            InstanceLock(db).acquire()


async def doctor(capsys, *argv: str) -> tuple[int, list[str]]:
    code = await asyncio.to_thread(main, ["doctor", *argv])
    return code, capsys.readouterr().out.splitlines()


def found(lines: list[str]) -> dict[str, tuple[bool, dict]]:
    """What each check of `gridbot doctor` found, by the check's name: (ok, its values), from the renders printed."""
    printed = [r for r in RECORDING.inside("\n".join(lines)) if r.name.startswith("cli/doctor/")]
    return {r.name.removeprefix("cli/doctor/"): (r.context["ok"], dict(r.context.get("c") or r.context))
            for r in printed}


async def test_doctor_against_the_sandbox(bot, driver, clock, settings, sandbox, capsys):
    crew = await team(bot, driver, clock)
    args = ("--token", sandbox.token, "--base-url", sandbox.url, "--db", settings.database)
    code, lines = await doctor(capsys, *args)
    text = "\n".join(lines)
    assert code == 1, text
    checks = found(lines)
    assert "@gridbot_sandbox_bot" in text and checks["token"][1]["username"] == "gridbot_sandbox_bot"
    assert all(checks[name][0] for name in ("token", "webhook", "clock", "timezone", "db_integrity", "db_migrations",
                                            "db_writable", "outbox")), checks
    assert checks["timezone"][1]["zone"] == "Asia/Shanghai" and checks["summary"][1]["failed"] == 1
    ok, group_found = checks["group"]                                 # a member may post, not pin
    assert not ok and (group_found["grid"], group_found["post"], group_found["pin"]) == ("G0101", True, False)
    [group] = [line for line in lines if "G0101" in line]
    assert group.startswith("❌") and lines[lines.index(group) + 1].strip().startswith("→")   # what to do

    await driver.call("bot_status", chat_id=crew.group, status="administrator", by_user=crew.leader.id)
    code, lines = await doctor(capsys, *args)
    assert code == 0, lines
    assert any(line.startswith("✅") and "G0101" in line for line in lines) and found(lines)["group"][0]
    assert found([lines[-1]]) == {"summary": (True, {"failed": 0, "ok": True})}


async def test_doctor_names_a_rejected_token_and_a_missing_database(tmp_path, sandbox, capsys):
    code, lines = await doctor(capsys, "--token", "1:wrong", "--base-url", sandbox.url, "--db",
                               str(tmp_path / "none.sqlite3"))
    assert code == 1
    checks = found(lines)
    assert lines[0].startswith("❌") and checks["token"] == (False, {"url": sandbox.url, "reason": "rejected"})
    assert checks["db_integrity"] == (False, {"path": str(tmp_path / "none.sqlite3"), "reason": "missing"})
    assert not (tmp_path / "none.sqlite3").exists()                 # doctor creates nothing
