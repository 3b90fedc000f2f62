"""Command menus per role: residents never see staff commands; in groups only administrators see /bind and
/unbind; a staff member gets the menu of their roles in their own chat when they link."""

from __future__ import annotations

from tests.scenario import eventually, link, started

LEADER_G0101 = 900011


async def menus(driver) -> dict[str, set[str]]:
    found = (await driver.stats())["commands"]
    return {scope: {c["command"] for c in commands} for scope, commands in found.items()}


async def test_the_general_menus_hide_staff_and_admin_commands(bot, driver):
    shown = await menus(driver)

    for locale in ("", "en"):
        assert shown[f"all_private_chats:{locale}"] == {"report", "apply", "my", "whoami", "cancel", "help"}
        assert shown[f"all_group_chats:{locale}"] == {"report", "help"}
        assert shown[f"all_chat_administrators:{locale}"] == {"report", "bind", "unbind", "help"}


async def test_a_worker_who_links_gets_the_menu_of_their_roles(bot, driver, clock):
    worker = await link(bot, driver, clock, "李娜")

    async def worker_menu():
        return (await menus(driver)).get(f"chat:{worker.id}:")

    assert await eventually(worker_menu) == {"report", "apply", "my", "tasks", "gatherings", "duty", "campaign", "remind",
                                             "reminders", "stats", "ledger",
                                             "whoami", "cancel",
                                             "help"}


async def test_a_linked_leader_gets_their_menu_on_start_and_a_resident_none(bot, driver):
    await started(driver, "王强", LEADER_G0101)
    resident = await started(driver, "居民", 100)

    async def leader_menu():
        return (await menus(driver)).get(f"chat:{LEADER_G0101}:")

    assert await eventually(leader_menu) == {"report", "apply", "my", "tasks", "gatherings", "campaign", "remind",
                                             "reminders", "broadcast", "broadcasts",
                                             "rewards", "stats", "ledger", "assessment", "whoami", "cancel", "help"}
    await resident.says(resident.private, "/help")
    await driver.expect(resident.private)
    assert f"chat:{resident.id}:" not in await menus(driver)
