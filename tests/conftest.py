"""Fixtures: a database, a hand-moved clock, the sample city, and the bot running on a sandbox."""

from __future__ import annotations

from datetime import timedelta
import re
from pathlib import Path

import pytest

from bot.core.clock import ManualClock
from bot.core.config import Settings
from bot.app.demo import sample_city
from bot.app.harness import running_bot
from bot.services.org_import import import_org
from sandbox import Sandbox
from db import open_database
from tests.scenario import PERSONAL


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Timers fire when a test calls `bot.runtime.tick()` (and once at start-up), not on their own.
    return Settings(database=str(tmp_path / "gridbot.sqlite3"), risk_areas=("吉林",), tick_seconds=3600)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def db(settings):
    database = await open_database(settings.database)
    yield database
    await database.close()


@pytest.fixture
async def city(db, clock, settings):
    """The bundled sample city imported: 滕州市 → 荆河街道 → 府前/龙泉社区 → G0101…G0202."""
    areas, staff = sample_city()
    return await db.write(import_org, areas, staff, clock.now(), timedelta(days=settings.invite_ttl_days))


PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
async def sandbox():
    """A sandbox Bot API server; when the test ends, no group chat may have seen personal data."""
    async with Sandbox() as server:
        yield server
        group_texts = [e.text or "" for e in server.world.events
                       if e.chat_id is not None and e.chat_id < 0 and e.kind in ("send", "edit", "document")]
    for text in group_texts:
        assert not PHONE.search(text), f"a phone number was posted in a group: {text}"
        for word in PERSONAL:
            assert word not in text, f"personal data {word!r} was posted in a group: {text}"


@pytest.fixture
async def bot(settings, clock, db, city, sandbox):
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as running:
        yield running


@pytest.fixture
def driver(bot):
    return bot.driver
