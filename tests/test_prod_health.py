"""/healthz says whether the bot can do its job (200) or not (503); /metrics counts what it did."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest

from bot.core.clock import stamp
from db import outbox as outbox_db
from db import timers as timers_db
from tests.prod_helpers import free_port, serving
from tests.scenario import eventually, report_from_group, team


@pytest.fixture
def health_settings(settings):
    return settings.with_overrides(health_listen=f"127.0.0.1:{free_port()}", health_stall_seconds=0.2)


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            return response.status, await response.text()


async def health(bot) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(bot.base + "/healthz") as response:
            return response.status, await response.json()


async def test_metrics_count_updates_and_sends(health_settings, clock, db, city, sandbox):
    async with serving(health_settings, clock, sandbox, db) as bot:
        crew = await team(bot, bot.driver, clock)
        await report_from_group(bot.driver, await bot.driver.user("居民"), crew.group)
        await bot.driver.expect(crew.workers[0].private)
        status, text = await get(bot.base + "/metrics")
        assert status == 200
        values = {line.split(" ")[0]: float(line.split(" ")[1]) for line in text.splitlines()
                  if line and not line.startswith("#")}
        assert values['gridbot_updates_handled_total{kind="message"}'] >= 10
        assert values['gridbot_updates_handled_total{kind="callback_query"}'] >= 5
        assert values["gridbot_update_handling_seconds_count"] == sum(
            v for k, v in values.items() if k.startswith("gridbot_updates_handled_total"))
        assert 'gridbot_update_handling_seconds_bucket{le="0.1"}' in values
        assert values["gridbot_messages_sent_total"] >= 1
        assert {"gridbot_flood_waits_total", "gridbot_messages_retried_total", "gridbot_messages_failed_total"} <= set(values)
        for priority in ("urgent", "assign", "notice", "broadcast"):
            assert f'gridbot_outbox_pending{{priority="{priority}"}}' in values

        status, body = await health(bot)
        assert status == 200 and body["status"] == "ok"
        assert body["database"]["writable"] is True and body["sender"]["running"] is True
        assert body["updates"]["seconds_since_last"] is not None and body["timers"]["overdue"] == 0


async def test_a_stalled_sender_and_overdue_timers_are_reported(health_settings, clock, db, city, sandbox):
    async with serving(health_settings, clock, sandbox, db) as bot:
        await bot.runtime.sender.stop()                      # the sender dies
        await bot.db.write(lambda c: outbox_db.add(c, stamp(clock.now()), chat_id=42, text="hello", purpose="test"))
        await bot.db.write(timers_db.arm, "accept", None, stamp(clock.now() - timedelta(days=1)))
        clock.advance(minutes=10)
        status, body = await health(bot)
        assert body["outbox"]["pending"] == 1 and body["outbox"]["oldest_pending_seconds"] == 600
        assert body["timers"]["overdue"] == 1

        async def failing() -> bool:
            return (await health(bot))[0] == 503

        assert await eventually(failing)
        status, body = await health(bot)
        assert body["status"] == "failing" and body["sender"]["stalled"] is True
        assert body["database"]["writable"] is True
        bot.runtime.sender.start()                           # back: the message goes, health recovers

        async def recovered() -> bool:
            return (await health(bot))[0] == 200

        assert await eventually(recovered)


async def test_an_unusable_database_is_503(health_settings, clock, db, city, sandbox, tmp_path):
    from db import open_database

    other = await open_database(str(tmp_path / "other.sqlite3"))
    async with serving(health_settings, clock, sandbox, db) as bot:
        real = bot.runtime.db
        bot.runtime.db = other
        await other.close()
        status, body = await health(bot)
        bot.runtime.db = real
    assert status == 503
    assert body["database"]["writable"] is False and body["database"]["error"]
