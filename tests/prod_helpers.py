"""For the production tests: the bot run as `gridbot run` runs it (serve), and Telegram's side of a webhook."""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import aiohttp
from telegram.ext import Application

from bot.app.serve import serve
from bot.app.webhook import SECRET_HEADER, Listener
from bot.app.wiring import build_application
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.services.runtime import Runtime
from db import Database
from sandbox import Sandbox, SandboxDriver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    application: Application
    runtime: Runtime
    listener: Listener | None
    driver: SandboxDriver

    @property
    def db(self) -> Database:
        return self.runtime.db

    @property
    def base(self) -> str:
        assert self.listener is not None
        return f"http://{self.listener.host}:{self.listener.port}"


@asynccontextmanager
async def serving(settings: Settings, clock: Clock, sandbox: Sandbox, db: Database) -> AsyncIterator[Served]:
    """`serve` (what `gridbot run` runs) in a task until the block ends."""
    settings = settings.with_overrides(token=sandbox.token, base_url=sandbox.base_url)
    runtime = Runtime(settings, db, clock)
    application = build_application(runtime)
    stop = asyncio.Event()
    started: asyncio.Future[Listener | None] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(application, settings, stop, on_started=started.set_result))
    done, _ = await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()                   # start-up failed: raise it here
    driver = SandboxDriver(sandbox.url)
    try:
        yield Served(application, runtime, started.result(), driver)
    finally:
        stop.set()
        await task
        await driver.close()


@dataclass
class Telegram:
    """Telegram's side of a webhook: posts each update the sandbox holds to the bot, in order, again until it is
    answered 200 (as Telegram redelivers)."""

    sandbox: Sandbox
    url: str
    secret: str
    statuses: list[int] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Telegram":
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass

    async def _run(self) -> None:
        world = self.sandbox.world
        offset = 0
        async with aiohttp.ClientSession() as http:
            while True:
                batch = world.take_updates(offset, 100)
                if not batch:
                    async with world.changed:
                        try:
                            await asyncio.wait_for(world.changed.wait(), 0.2)
                        except asyncio.TimeoutError:
                            pass
                    continue
                for update in batch:
                    async with http.post(self.url, json=update, headers={SECRET_HEADER: self.secret}) as response:
                        self.statuses.append(response.status)
                        if response.status != 200:
                            await asyncio.sleep(0.05)
                            break
                    offset = update["update_id"] + 1
