"""/help everywhere with the commands this person may use, /start greeting by role, the bot introducing
itself in a new group, and /duty alone showing the current state."""

from __future__ import annotations

import re

from bot.services.help import greeting_for
from messages import render
from tests.scenario import context_of, expect_from, link, new_group, started

LEADER_G0101 = 900011


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"^/(\w+)", text, re.M))


async def test_a_resident_is_shown_only_residents_commands(bot, driver):
    resident = await started(driver, "居民", 100)

    await resident.says(resident.private, "/help")

    listed = commands_in((await driver.expect(resident.private)).text)
    assert {"report", "my", "whoami", "cancel", "help"} <= listed
    assert not listed & {"tasks", "duty", "broadcast", "broadcasts", "bind", "unbind"}


async def test_staff_are_shown_the_commands_of_their_roles(bot, driver, clock):
    leader = await started(driver, "王强", LEADER_G0101)
    worker = await link(bot, driver, clock, "李娜")
    helper = await link(bot, driver, clock, "陈静")           # a building head

    await leader.says(leader.private, "/help")
    reply = await driver.expect(leader.private)
    assert {"tasks", "broadcast", "broadcasts"} <= commands_in(reply.text) and "duty" not in commands_in(reply.text)
    assert "/bind G0101" in reply.text

    await worker.says(worker.private, "/help")
    assert {"tasks", "duty"} <= commands_in((await driver.expect(worker.private)).text)

    await helper.says(helper.private, "/help")
    listed = commands_in((await driver.expect(helper.private)).text)
    assert "tasks" in listed and not listed & {"duty", "broadcast"}


async def test_help_in_a_group_lists_the_group_commands_and_nothing_personal(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)

    await leader.says(group, "/help")

    reply = await driver.expect(group)
    assert {"report", "bind", "unbind", "help"} == commands_in(reply.text)
    assert "王强" not in reply.text and "G0101" not in reply.text


async def test_start_greets_a_linked_leader_by_role_not_with_the_invite_link_advice(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    resident = await driver.user("居民")

    await leader.start()
    await resident.start()

    greeting = await driver.expect(leader.private)
    assert greeting.text == render("start/welcome", "zh_CN", name="王强", **await bot.db.read(greeting_for, leader.id))
    assert "G0101" in greeting.text and context_of(greeting, "start/welcome")["roles"]
    advised = context_of(await expect_from(driver, resident.private, "start/welcome"), "start/welcome")
    assert advised["person"] is None and not advised["roles"]              # the invite link advice


async def test_the_bot_introduces_itself_in_a_new_group_and_says_how_to_bind(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await driver.group("群", [leader], added_by=leader)

    intro = await driver.expect(group)
    assert intro.text == render("groups/intro", "zh_CN", grid=None, example="G0101")
    assert "/bind G0101" in intro.text

    await leader.says(group, "/bind G0101")
    await driver.expect(group)
    await driver.remove_bot(group, by=leader)
    await driver.add_bot(group, by=leader)
    again = await driver.expect(group)
    assert "G0101" in again.text and "/report" in again.text and "/bind" not in again.text


async def test_duty_alone_shows_the_current_state(bot, driver, clock):
    worker = await link(bot, driver, clock, "李娜")
    leader = await started(driver, "王强", LEADER_G0101)

    await worker.says(worker.private, "/duty")
    assert (await driver.expect(worker.private)).text == render("casework/duty_state", "zh_CN", on=True)
    await worker.says(worker.private, "/duty off")
    await driver.expect(worker.private)
    await worker.says(worker.private, "/duty")
    assert (await driver.expect(worker.private)).text == render("casework/duty_state", "zh_CN", on=False)

    await leader.says(leader.private, "/duty")
    assert (await driver.expect(leader.private)).text == render("casework/duty_not_worker", "zh_CN")
