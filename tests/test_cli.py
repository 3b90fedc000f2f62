"""The command line: bad settings, no token, a server that is not there or refuses the token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from bot.app.cli import main
from messages import DEFAULT_LOCALE, render
from sandbox.server import DEFAULT_TOKEN
from tests.scenario import RECORDING, names_in


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for var in ("GRIDBOT_CONFIG", "GRIDBOT_TOKEN", "GRIDBOT_BASE_URL", "GRIDBOT_DATABASE"):
        monkeypatch.delenv(var, raising=False)


def test_run_without_a_token(tmp_path, capsys):
    code, _, err = run(capsys, "run", "--db", str(tmp_path / "g.sqlite3"))
    assert code == 2
    assert names_in(one_line_error(err)) == {"cli/error", "cli/no_token"}


def test_config_problems_are_named(tmp_path, capsys):
    config = tmp_path / "gridbot.toml"
    cases = {
        'timezone = "Mars/Olympus"\n': "timezone",
        'base_url = "ftp://example"\n': "base_url",
        'locale = "fr"\n': "locale",
        'tokne = "x"\n': "tokne",
        'invite_ttl_days = "soon"\n': "invite_ttl_days",
        'send_concurrency = 0\n': "send_concurrency",
    }
    for body, named in cases.items():
        config.write_text(body)
        code, _, err = run(capsys, "migrate", "--config", str(config), "--db", str(tmp_path / "g.sqlite3"))
        assert code == 2, body
        assert named in one_line_error(err)
    config.write_text('token = \n')
    code, _, err = run(capsys, "migrate", "--config", str(config), "--db", str(tmp_path / "g.sqlite3"))
    assert code == 2 and "cli/config_unreadable" in names_in(one_line_error(err))
    code, _, err = run(capsys, "migrate", "--config", str(tmp_path / "nope.toml"))
    assert code == 2 and "cli/config_not_found" in names_in(one_line_error(err))


def test_environment_overrides_the_config(tmp_path, monkeypatch):
    from bot.core.config import load_settings

    config = tmp_path / "gridbot.toml"
    config.write_text('token = "from-file"\nbase_url = "http://127.0.0.1:8081"\ndatabase = "a.sqlite3"\n')
    monkeypatch.setenv("GRIDBOT_TOKEN", "from-env")
    monkeypatch.setenv("GRIDBOT_CONFIG", str(config))
    settings = load_settings()
    assert settings.token == "from-env"
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.timezone == "Asia/Shanghai" and settings.locale == "zh_CN"
    assert settings.with_overrides(database="b.sqlite3").database == "b.sqlite3"


def test_a_server_that_is_not_there(tmp_path, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    code, _, err = run(capsys, "run", "--token", "1:x", "--base-url", url, "--db", str(tmp_path / "g.sqlite3"))
    assert code == 2
    line = one_line_error(err)
    assert "cli/server_unreachable" in names_in(line) and url in line


def test_migrate_applies_once(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    code, out, _ = run(capsys, "migrate", "--db", db)
    assert code == 0 and "0001_org.sql" in out and "0001_org.sql" in applied(out)
    code, out, _ = run(capsys, "migrate", "--db", db)
    assert code == 0 and applied(out) == []                                # told it is up to date


def applied(out: str) -> list[str]:
    """The migrations `gridbot migrate` said it applied (its one line, `cli/migrated`, rendered with them)."""
    [record] = [r for r in RECORDING.inside(out) if r.name == "cli/migrated"]
    return list(record.context["names"])


def delivered(out: str) -> list[tuple[int, int]]:
    """(delivered, total) of each broadcast run `gridbot broadcasts` listed (`cli/broadcasts` was rendered with them)."""
    [record] = [r for r in RECORDING.inside(out) if r.name == "cli/broadcasts"]
    return [(run.delivered, run.total) for runs in record.context["runs"].values() for run in runs]


@pytest.fixture
def sandbox_process():
    """`gridbot sandbox` in its own process, as the bot and the sandbox run when separate."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/sandbox/stats", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_a_token_the_server_rejects(tmp_path, capsys, sandbox_process):
    code, _, err = run(capsys, "run", "--token", "123:wrong", "--base-url", sandbox_process,
                       "--db", str(tmp_path / "g.sqlite3"))
    assert code == 2
    assert "cli/token_rejected" in names_in(one_line_error(err))


def test_run_serves_a_separate_sandbox_until_stopped(tmp_path, sandbox_process):
    db = tmp_path / "g.sqlite3"
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--token", DEFAULT_TOKEN, "--base-url",
                            sandbox_process, "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        control = httpx.Client(base_url=sandbox_process, timeout=30)
        control.post("/sandbox/user", json={"id": 42, "first_name": "居民"})
        control.post("/sandbox/say", json={"user_id": 42, "chat_id": 42, "text": "/start"})
        events = control.post("/sandbox/events", json={"chat_id": 42, "timeout": 20}).json()["result"]
        assert events and "/report" in events[0]["text"]
        commands = control.post("/sandbox/stats").json()["result"]["commands"]
        assert {c["command"] for c in commands["all_group_chats:"]} == {"report", "help"}
        assert {c["command"] for c in commands["all_chat_administrators:"]} == {"report", "bind", "unbind", "help"}
    finally:
        bot.terminate()
        out, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
    # The bot ran in its own process, so its renders are not recorded here: render the same lines to compare.
    running = render("cli/running", DEFAULT_LOCALE, username="gridbot_sandbox_bot", url=sandbox_process, db=str(db))
    assert out.splitlines()[0] == running and out.splitlines()[-1] == render("cli/stopped", DEFAULT_LOCALE)


def test_a_running_bot_picks_up_a_broadcast_scheduled_from_the_command_line(tmp_path, capsys, sandbox_process):
    from bot.app.demo import sample_city

    db = str(tmp_path / "g.sqlite3")
    areas, staff = sample_city()
    assert main(["import", str(areas), str(staff), "--db", db, "--bot-username", "b"]) == 0
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--token", DEFAULT_TOKEN, "--base-url",
                            sandbox_process, "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        control = httpx.Client(base_url=sandbox_process, timeout=30)
        control.post("/sandbox/user", json={"id": 900002, "first_name": "钱文华"})
        group = control.post("/sandbox/group", json={"title": "群", "members": [900002], "by_user": 900002}).json()
        chat_id = group["result"]["id"]
        intro = control.post("/sandbox/events", json={"chat_id": chat_id, "timeout": 20}).json()["result"]
        control.post("/sandbox/say", json={"user_id": 900002, "chat_id": chat_id, "text": "/bind G0101"})
        bound = control.post("/sandbox/events", json={"chat_id": chat_id, "after": intro[0]["seq"],
                                                      "timeout": 20}).json()["result"]
        assert "G0101" in bound[0]["text"]

        assert main(["broadcast", "--audience", "G0101", "--text", "今晚停水通知", "--db", db]) == 0
        started = time.monotonic()
        notices = control.post("/sandbox/events", json={"chat_id": chat_id, "after": bound[0]["seq"],
                                                        "timeout": 20}).json()["result"]
        assert notices and notices[0]["text"] == "今晚停水通知"
        assert time.monotonic() - started < 5
        capsys.readouterr()
        deadline = time.monotonic() + 10                               # the run is closed at the next tick
        while main(["broadcasts", "--db", db]) == 0 and (1, 1) not in delivered(capsys.readouterr().out):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        bot.terminate()
        bot.communicate(timeout=20)
