"""The service tasks' private commands (/campaign, /remind, /reminders) are in the menus and /help of the staff
who may use them, never in a resident's."""

from __future__ import annotations

from bot.services.help import private_commands
from tests.scenario import eventually, link, started

TASK_COMMANDS = {"campaign", "remind", "reminders"}
LEADER_G0101 = 900011


async def menus(driver) -> dict[str, set[str]]:
    found = (await driver.stats())["commands"]
    return {scope: {c["command"] for c in commands} for scope, commands in found.items()}


def test_each_role_that_may_use_them_gets_them():
    for role in ("grid_leader", "grid_worker", "supervisor", "community_admin", "town_admin", "city_admin"):
        assert TASK_COMMANDS <= set(private_commands([role])), role
    for role in ("volunteer", "building_head", "street_head"):
        assert not TASK_COMMANDS & set(private_commands([role])), role
    assert not TASK_COMMANDS & set(private_commands(()))


async def test_a_worker_and_a_leader_get_them_a_resident_does_not(bot, driver, clock):
    worker = await link(bot, driver, clock, "李娜")
    await started(driver, "王强", LEADER_G0101)
    resident = await started(driver, "居民", 100)

    for user_id in (worker.id, LEADER_G0101):
        async def menu(user_id: int = user_id) -> set[str] | None:
            found = (await menus(driver)).get(f"chat:{user_id}:")
            return found if found and TASK_COMMANDS <= found else None
        assert await eventually(menu)
    for locale in ("", "en"):
        assert not TASK_COMMANDS & (await menus(driver))[f"all_private_chats:{locale}"]

    await worker.says(worker.private, "/help")
    shown = (await driver.expect(worker.private)).text
    assert all(f"/{name}" in shown for name in TASK_COMMANDS), shown
    await resident.says(resident.private, "/help")
    told = (await driver.expect(resident.private)).text
    assert not any(f"/{name}" in told for name in TASK_COMMANDS), told
