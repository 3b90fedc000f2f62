"""A sandbox with a crowd of simulated residents inside it, for benchmarks (run in its own process).

Each resident acts as soon as the bot has answered their last action (the next question; at the end, the
receipt; not the share-contact keyboard offered beside a question or taken away), so the bot under test is the
bottleneck; gridbot's run lasts until the assignees' cards are in too.
Control: POST /crowd/setup, POST /crowd/run (waits until every resident is done), POST /crowd/cards.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.server import DEFAULT_TOKEN, Sandbox
from sandbox.state import Event

NUMBER = re.compile(r"[A-Z]\d{4,}-\d{8}-\d{4}")


@dataclass
class Resident:
    user_id: int
    group: int
    token: str                  # a unique word in the answers, found again in the assignee's card
    actions: list[tuple[str, str]]
    step: int = 0
    submitted_at: float = 0.0
    receipt: bool = False
    carded: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)


def arrival_actions(token: str, grid: str) -> list[tuple[str, str]]:
    return [("group", "/report"), ("say", f"/start r_{grid}"), ("press", "f|kind|arrival"),
            ("press", "f|behalf|self"), ("say", token), ("say", "13912345678"), ("say", "山东省济南市历下区"),
            ("say", "今天"), ("say", "3号楼2单元401"), ("press", "f|travel|train"), ("press", "f|health|normal"),
            ("press", "f|test_result|negative"), ("say", "昨天"), ("say", "无"), ("press", "f|submit")]


def dispute_actions(token: str, grid: str) -> list[tuple[str, str]]:
    return [("group", "/report"), ("say", f"/start r_{grid}"), ("press", "f|kind|dispute"),
            ("press", "f|behalf|self"), ("press", "f|category|neighbours"), ("say", token), ("say", "5号楼楼道"),
            ("say", "楼道堆放杂物引发争吵"), ("press", "f|urgency|normal"), ("press", "f|submit")]


class Crowd:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.world = sandbox.world
        self.residents: dict[int, Resident] = {}
        self.by_token: dict[str, Resident] = {}
        self.staff: set[int] = set()
        self.mode = "gridbot"
        self.updates = 0
        self.latencies: list[float] = []
        self.group_waiters: dict[int, list[Resident]] = {}
        self.world.listeners.append(self.on_event)
        self.queue: asyncio.Queue[Resident] | None = None
        self.carded = 0
        self.all_carded = asyncio.Event()

    # ----- setup ------------------------------------------------------------------------
    def setup(self, body: dict[str, Any]) -> dict[str, Any]:
        for user_id in body["staff"]:
            user = self.world.user(int(user_id), f"staff{user_id}", language_code="zh-hans")
            user.started = True
            self.staff.add(int(user_id))
        founder = int(body["staff"][0])
        for group_id in body["groups"]:
            self.world.create_group(f"网格群{group_id}", [founder], founder, chat_id=int(group_id))
        self.world.updates.clear()
        return {"staff": len(self.staff), "groups": len(body["groups"])}

    def cards(self, body: dict[str, Any]) -> dict[str, list[int]]:
        """Put report cards into staff members' private chats, as if the bot had sent them long ago (the year's
        cards were sent before this sandbox started); their reporters become users who pressed Start."""
        ids = []
        for card in body["cards"]:
            reporter = self.world.user(int(card["reporter"]), "居民", language_code="zh-hans")
            reporter.started = True
            chat = self.world.private_chat(int(card["user_id"]))
            message = self.world.add_message(chat, self.world.bot, {"text": card["text"],
                                                                    "reply_markup": card["reply_markup"]},
                                             from_bot=True)
            ids.append(message["message_id"])
        return {"message_ids": ids}

    # ----- running ------------------------------------------------------------------------
    async def run(self, body: dict[str, Any]) -> dict[str, Any]:
        self.mode = body["mode"]
        grids = body["grids"]                      # [[grid code, group chat id], ...]
        count, concurrency = int(body["reports"]), int(body["concurrency"])
        self.queue = asyncio.Queue()
        base = 8_000_000
        for i in range(count):
            code, group = grids[i % len(grids)]
            token = f"居民{i:05d}"
            actions = (arrival_actions if i % 2 == 0 else dispute_actions)(token, code)
            resident = Resident(base + i, int(group), token, actions)
            user = self.world.user(resident.user_id, token, language_code="zh-hans")
            self.world.chats[int(group)].members.add(user.id)
            self.residents[resident.user_id] = resident
            self.by_token[token] = resident
            self.queue.put_nowait(resident)
        self.carded, self.all_carded = 0, asyncio.Event()
        started = time.perf_counter()
        await asyncio.gather(*(self._worker() for _ in range(concurrency)))
        if self.mode != "bare":           # the run ends when the work it caused is done: the assignees' cards too
            try:
                await asyncio.wait_for(self.all_carded.wait(), 60)
            except asyncio.TimeoutError:
                pass
        elapsed = time.perf_counter() - started
        return {"updates": self.updates, "reports": count, "seconds": elapsed,
                "latencies": sorted(self.latencies), "calls": dict(self.sandbox.calls)}

    async def _worker(self) -> None:
        while not self.queue.empty():
            resident = self.queue.get_nowait()
            self._act(resident)
            await resident.done.wait()

    def _act(self, resident: Resident) -> None:
        kind, value = resident.actions[resident.step]
        resident.step += 1
        self.updates += 1
        if kind == "group":
            self.group_waiters.setdefault(resident.group, []).append(resident)
            self.world.user_says(resident.user_id, resident.group, value)
        elif kind == "say":
            self.world.user_says(resident.user_id, resident.user_id, value)
        else:
            chat = self.world.private_chat(resident.user_id)
            last = max((m for m in chat.messages.values() if m.get("reply_markup")), key=lambda m: m["message_id"],
                       default=None)
            forge = self.mode == "bare"
            message_id = last["message_id"] if last else max(chat.messages, default=1)
            if value == "f|submit":
                resident.submitted_at = time.perf_counter()
            self.world.press(resident.user_id, resident.user_id, message_id, value, forge=forge)

    def on_event(self, event: Event) -> None:
        if event.kind != "send":
            return
        if event.chat_id in self.staff:
            match = re.search(r"居民\d{5}", event.text or "")
            resident = self.by_token.get(match.group(0)) if match else None
            if resident is not None and not resident.carded and resident.submitted_at:
                resident.carded = True
                self.latencies.append(time.perf_counter() - resident.submitted_at)
                self.carded += 1
                if self.carded == len(self.residents):
                    self.all_carded.set()
            return
        if event.chat_id is not None and event.chat_id < 0:
            waiting = self.group_waiters.get(event.chat_id)
            if waiting:
                self._next(waiting.pop(0))
            return
        resident = self.residents.get(event.chat_id)
        if resident is None:
            return
        markup = event.data.get("reply_markup") or {}
        if "keyboard" in markup or "remove_keyboard" in markup:
            # The share-contact keyboard offered beside a question, or taken away before the next one: not what
            # a resident answers (acting on it too would answer one question twice).
            return
        if resident.step < len(resident.actions):
            self._next(resident)
        elif self.mode == "bare" or NUMBER.search(event.text or ""):
            resident.receipt = True
            resident.done.set()

    def _next(self, resident: Resident) -> None:
        asyncio.get_running_loop().call_soon(self._act, resident)


async def main(port: int) -> None:
    sandbox = Sandbox(DEFAULT_TOKEN, "127.0.0.1", port)
    crowd = Crowd(sandbox)

    async def setup(request: web.Request) -> web.Response:
        return web.json_response(crowd.setup(await request.json()))

    async def run(request: web.Request) -> web.Response:
        return web.json_response(await crowd.run(await request.json()))

    async def cards(request: web.Request) -> web.Response:
        return web.json_response(crowd.cards(await request.json()))

    sandbox.app.router.add_post("/crowd/setup", setup)
    sandbox.app.router.add_post("/crowd/cards", cards)
    sandbox.app.router.add_post("/crowd/run", run)
    await sandbox.start()
    print(f"ready {sandbox.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(main(parser.parse_args().port))
