"""Check-ins, reminders and door-knocking lists go through the outbox at their own priority: below assignments
and escalations, above broadcasts (the sender takes the lowest number first)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.services import reminders
from bot.services.campaigns import launch
from bot.services.households import import_households
from db import outbox
from tests.test_tasks_campaigns import HOUSEHOLDS
from tests.scenario import next_from
from tests.test_tasks_monitoring import DAY, monitored_arrival


def priorities(path: str) -> dict[str, set[int]]:
    with sqlite3.connect(path) as conn:
        found: dict[str, set[int]] = {}
        for purpose, priority in conn.execute("SELECT purpose, priority FROM outbox"):
            found.setdefault(purpose, set()).add(priority)
        return found


async def test_each_task_message_has_the_task_priority(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    await bot.db.write(lambda conn: reminders.schedule(
        conn, settings, li_na.id, grid_code="G0101", source="monitoring", building="",
        at=clock.now() + timedelta(hours=1), place="卫生服务站", now=clock.now()))
    await bot.db.write(lambda conn: launch(conn, settings, None, area_code="G0101", title="摸排",
                                           due=clock.now() + timedelta(days=3), now=clock.now()))
    clock.advance(DAY)
    await bot.runtime.tick()
    await next_from(driver, resident.private, "tasks/checkin/ask")

    found = priorities(settings.database)
    assert outbox.URGENT < outbox.ASSIGN < outbox.TASK < outbox.BROADCAST
    for purpose in ("checkin", "reminder", "campaign_list", "monitoring"):
        assert found[purpose] == {outbox.TASK}, (purpose, found)
    assert found["assign"] == {outbox.ASSIGN}
