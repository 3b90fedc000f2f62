"""The bot and a sandbox started together in one event loop: for the demo and the tests."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from bot.app.wiring import GridApplication, build_application, start_polling, stop_polling
from bot.core.clock import Clock, SystemClock
from bot.core.config import Settings
from bot.services.runtime import Runtime
from sandbox.driver import SandboxDriver
from sandbox.server import Sandbox
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
