"""Stopping background tasks for certain."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and wait until it has ended. Cancelled again until it does: before Python 3.12,
    `asyncio.wait_for` swallows a cancellation that arrives just as what it waits for completes, and a loop
    built on it would then go on."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.1)
    if not task.cancelled():
        task.exception()                     # retrieved: no "exception was never retrieved" at exit


async def wind_down(tasks: set[asyncio.Task[Any]], grace: float) -> None:
    """Give running `tasks` `grace` seconds to end, then cancel (for certain) the ones still running."""
    if tasks:
        _, late = await asyncio.wait(set(tasks), timeout=grace)
        for task in late:
            await cancel_and_wait(task)
