"""Fixtures: a database, a hand-moved clock, the sample city, and the bot running on a sandbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.demo import sample_city
from bot.harness import running_bot
from bot.org_import import import_org
from db import open_database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database=str(tmp_path / "gridbot.sqlite3"))


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


@pytest.fixture
async def bot(settings, clock, db, city):
    async with running_bot(settings, clock, db=db) as running:
        yield running


@pytest.fixture
def driver(bot):
    return bot.driver
