"""The bot and a sandbox started together in one event loop, for the demo and the tests; or each in a real
process of its own, for the crash tests and bench/crash.py."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx

from bot.app.wiring import GridApplication, build_application, start_polling, stop_polling
from bot.core.clock import Clock, SystemClock
from bot.core.config import Settings
from bot.services.runtime import Runtime
from sandbox.driver import SandboxDriver
from sandbox.server import DEFAULT_TOKEN, Sandbox
from db import Database, open_database


@dataclass
class Running:
    sandbox: Sandbox
    driver: SandboxDriver
    application: GridApplication
    runtime: Runtime

    @property
    def db(self) -> Database:
        return self.runtime.db


@asynccontextmanager
async def running_bot(settings: Settings, clock: Clock | None = None, sandbox: Sandbox | None = None,
                      db: Database | None = None) -> AsyncIterator[Running]:
    """Start (or reuse) a sandbox, open the database and poll it until the block ends."""
    own_sandbox = sandbox is None
    if sandbox is None:
        sandbox = await Sandbox().start()
    settings = settings.with_overrides(token=sandbox.token, base_url=sandbox.base_url)
    own_db = db is None
    if db is None:
        db = await open_database(settings.database)
    runtime = Runtime(settings, db, clock or SystemClock())
    application = build_application(runtime)
    driver = SandboxDriver(sandbox.url)
    try:
        await start_polling(application)
        yield Running(sandbox, driver, application, runtime)
    finally:
        await stop_polling(application)
        await driver.close()
        if own_db:
            await db.close()
        if own_sandbox:
            await sandbox.stop()
        await asyncio.sleep(0)


# ----- real processes: for the crash tests and bench/crash.py ----------------------------------------------
ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def sandbox_process(timeout: float = 20.0) -> Iterator[str]:
    """`python -m bot sandbox` in a process of its own; yields its URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.post(f"{url}/sandbox/stats", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


class BotProcess:
    """`python -m bot run` against a sandbox, in a process of its own that a test may kill -9 and start again.
    Its log (stderr) accumulates in `log_path` over every start."""

    def __init__(self, url: str, folder: Path, settings: dict[str, Any] | None = None) -> None:
        self.url, self.folder = url, folder
        self.database = folder / "gridbot.sqlite3"
        self.log_path = folder / "bot.log"
        self.config = folder / "gridbot.toml"
        self.config.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in (settings or {}).items()))
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 30.0) -> None:
        """Start it and return once it polls (its getUpdates calls go up)."""
        before = self._polls()
        with open(self.log_path, "ab") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config), "--db", str(self.database),
                 "--token", DEFAULT_TOKEN, "--base-url", self.url],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file, env=os.environ | {"PYTHONUNBUFFERED": "1"})
        self.starts += 1
        deadline = time.monotonic() + timeout
        while self._polls() <= before:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gridbot did not start; see {self.log_path}")
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit status."""
        if self.proc is None:
            return 0
        self.proc.terminate()
        code = self.proc.wait(30)
        self.proc = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def _polls(self) -> int:
        calls: dict[str, int] = httpx.post(f"{self.url}/sandbox/stats", timeout=10).json()["result"]["calls"]
        return calls.get("getUpdates", 0)
