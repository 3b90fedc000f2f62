"""The database's own thread: a queue of calls, each result handed back to the caller's event loop."""

from __future__ import annotations

import asyncio
import queue
import threading
from contextvars import ContextVar
from typing import Any, Callable, TypeVar

from bot.core.errors import GridbotError

T = TypeVar("T")
_IN_THE_LOOP: ContextVar[bool] = ContextVar("gridbot_db_in_the_loop", default=False)


class ThreadOnly(GridbotError):
    """A call running in the event loop found it has much to do (`thread_only`): it is run again in the thread."""


def thread_only() -> None:
    """Call first in a change that may write or read thousands of rows (a campaign over a town's households): in
    the event loop it stops here, its transaction rolls back, and `Database` runs it again in the thread."""
    if _IN_THE_LOOP.get():
        raise ThreadOnly("thread_only")


def in_the_loop(call: Callable[[], T]) -> T:
    """`call` in the event loop, where `thread_only` stops it."""
    token = _IN_THE_LOOP.set(True)
    try:
        return call()
    finally:
        _IN_THE_LOOP.reset(token)


class DatabaseThread:
    """One dedicated thread serving a queue of calls; each result goes back to the caller's loop. (Measured
    against `ThreadPoolExecutor(max_workers=1)` + `run_in_executor`: that costs about twice as much per call,
    for its extra future and wrapping; this costs what aiosqlite's own thread did.)"""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[asyncio.Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        # A daemon: a database left open by mistake must not keep the process alive (a command that hangs).
        self._thread = threading.Thread(target=self._serve, name="gridbot-db", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, call = job
            try:
                result = call()
            except BaseException as exc:
                post(future.get_loop(), _set_exception, future, exc)
            else:
                post(future.get_loop(), _set_result, future, result)

    def submit(self, call: Callable[[], T]) -> asyncio.Future[T]:
        """`call`'s future in the running loop, set when the thread has run it (cancelling it stops nothing)."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((future, call))
        return future

    async def run(self, call: Callable[[], T]) -> T:
        return await self.submit(call)

    def stop(self) -> None:
        self._jobs.put(None)


def post(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:                        # the loop is closed: nobody is waiting any more
        pass


def _set_result(future: asyncio.Future[T], result: T) -> None:
    if not future.done():                       # the awaiting task may have been cancelled meanwhile
        future.set_result(result)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
