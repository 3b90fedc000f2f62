"""Binding a group chat to its grid: who may, who may not, and what the group sees."""

from __future__ import annotations

from db import audit
from tests.scenario import context_of, eventually, expect_from, new_group, template_of
from db import chats as chats_db

LEADER_G0101 = 900011
LEADER_G0102 = 900021
COMMUNITY_ADMIN_JH01 = 900003
TOWN_ADMIN = 900002


async def grid_of(bot, chat_id):
    chat = await bot.db.read(chats_db.get, chat_id)
    if chat is None or chat.area_id is None:
        return None
    return (await bot.db.read(lambda c: c.execute("SELECT code FROM areas WHERE id = ?", (chat.area_id,)).fetchone()))[0]


async def test_grid_leader_binds_the_group_and_the_group_is_told(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    resident = await driver.user("居民甲")
    group = await new_group(driver, "第一网格群", [leader, resident], added_by=leader)

    await leader.says(group, "/bind G0101")

    reply = await expect_from(driver, group, "groups/bind_bound")
    assert context_of(reply, "groups/bind_bound")["area"].code == "G0101" and "府前社区第一网格" in reply.text
    assert "/report" in reply.text
    assert await grid_of(bot, group) == "G0101"
    entries = await bot.db.read(audit.entries, f"chat:{group}", "group_bound")
    assert entries and entries[0]["actor_user"] == LEADER_G0101


async def test_admins_above_the_grid_may_bind_it(bot, driver):
    community_admin = await driver.user("孙丽", user_id=COMMUNITY_ADMIN_JH01)
    town_admin = await driver.user("钱文华", user_id=TOWN_ADMIN)
    g1 = await new_group(driver, "G0102 群", [community_admin], added_by=community_admin)
    g2 = await new_group(driver, "G0201 群", [town_admin], added_by=town_admin)

    await community_admin.says(g1, "/bind G0102")
    await town_admin.says(g2, "/bind G0201")

    assert context_of(await expect_from(driver, g1, "groups/bind_bound"), "groups/bind_bound")["area"].code == "G0102"
    assert context_of(await expect_from(driver, g2, "groups/bind_bound"), "groups/bind_bound")["area"].code == "G0201"
    assert await grid_of(bot, g1) == "G0102"
    assert await grid_of(bot, g2) == "G0201"


async def test_those_without_authority_are_refused_and_nothing_changes(bot, driver):
    stranger = await driver.user("路人")
    other_leader = await driver.user("杨帆", user_id=LEADER_G0102)
    community_admin = await driver.user("孙丽", user_id=COMMUNITY_ADMIN_JH01)   # JH01 is not above G0201
    group = await new_group(driver, "某群", [stranger, other_leader, community_admin], added_by=stranger)

    for person, code in ((stranger, "G0101"), (other_leader, "G0101"), (community_admin, "G0201")):
        await person.says(group, f"/bind {code}")
        await expect_from(driver, group, "groups/bind_forbidden")
    assert await grid_of(bot, group) is None
    refusals = await bot.db.read(audit.entries, f"chat:{group}", "bind_refused")
    assert [e["actor_user"] for e in refusals] == [stranger.id, LEADER_G0102, COMMUNITY_ADMIN_JH01]


async def test_a_linked_grid_worker_is_not_a_leader(bot, driver, clock):
    from db import invites as invites_db
    from bot.core.clock import stamp

    pending = await bot.db.read(invites_db.pending, stamp(clock.now()))
    code = next(p.code for p in pending if p.name == "李娜")
    worker = await driver.user("李娜")
    await worker.start(f"inv_{code}")
    await driver.expect(worker.private)
    group = await new_group(driver, "群", [worker], added_by=worker)

    await worker.says(group, "/bind G0101")

    await expect_from(driver, group, "groups/bind_forbidden")
    assert await grid_of(bot, group) is None


async def test_bad_bind_commands_get_clear_answers(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)

    await leader.says(group, "/bind")
    await expect_from(driver, group, "groups/bind_usage")
    await leader.says(group, "/bind G9999")
    unknown = await expect_from(driver, group, "groups/bind_unknown_grid")
    assert context_of(unknown, "groups/bind_unknown_grid")["code"] == "G9999" and "G9999" in unknown.text
    await leader.says(group, "/bind JH01")
    assert context_of(await expect_from(driver, group, "groups/bind_not_a_grid"), "groups/bind_not_a_grid")["area"].code == "JH01"
    await leader.says(leader.private, "/start")
    await driver.expect(leader.private)
    await leader.says(leader.private, "/bind G0101")
    assert template_of(bot, await driver.expect(leader.private)) == "groups/only_in_group"
    assert await grid_of(bot, group) is None


async def test_one_group_per_grid(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    first = await new_group(driver, "一群", [leader], added_by=leader)
    second = await new_group(driver, "二群", [leader], added_by=leader)

    await leader.says(first, "/bind G0101")
    await driver.expect(first)
    await leader.says(second, "/bind G0101")

    assert "/unbind" in (await expect_from(driver, second, "groups/bind_grid_taken")).text
    assert await grid_of(bot, first) == "G0101"
    assert await grid_of(bot, second) is None
    await leader.says(first, "/bind G0101")
    await expect_from(driver, first, "groups/bind_already_bound")


async def test_unbind_is_for_the_leader_and_admins_only(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    resident = await driver.user("居民")
    group = await new_group(driver, "群", [leader, resident], added_by=leader)
    await leader.says(group, "/bind G0101")
    await driver.expect(group)

    await resident.says(group, "/unbind")
    await expect_from(driver, group, "groups/unbind_forbidden")
    assert await grid_of(bot, group) == "G0101"

    await leader.says(group, "/unbind")
    await expect_from(driver, group, "groups/unbind_unbound")
    assert await grid_of(bot, group) is None
    await leader.says(group, "/unbind")
    await expect_from(driver, group, "groups/unbind_not_bound")


async def test_the_binding_follows_a_migration_to_a_supergroup(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)
    await leader.says(group, "/bind G0101")
    await driver.expect(group)

    supergroup = await driver.migrate(group)

    assert await eventually(lambda: grid_of(bot, supergroup)) == "G0101"
    assert await grid_of(bot, group) is None
    old = await bot.db.read(chats_db.get, group)
    assert old.migrated_to == supergroup
    await leader.says(supergroup, "/unbind")
    await expect_from(driver, supergroup, "groups/unbind_unbound")


async def test_removal_from_a_group_and_readding_are_recorded(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)
    await leader.says(group, "/bind G0101")
    await driver.expect(group)

    async def status():
        return (await bot.db.read(chats_db.get, group)).bot_status

    await driver.remove_bot(group, by=leader)
    assert await eventually(lambda: _equals(status, "removed"))
    assert (await bot.db.read(chats_db.get, group)).area_id is not None

    await driver.add_bot(group, by=leader)
    assert await eventually(lambda: _equals(status, "member"))
    actions = [e["action"] for e in await bot.db.read(audit.entries, f"chat:{group}")]
    assert actions == ["group_bound", "bot_removed", "bot_added"]


async def test_a_removed_group_frees_its_grid_for_a_new_group(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    old = await new_group(driver, "旧群", [leader], added_by=leader)
    await leader.says(old, "/bind G0101")
    await driver.expect(old)
    await driver.remove_bot(old, by=leader)
    new = await new_group(driver, "新群", [leader], added_by=leader)

    await leader.says(new, "/bind G0101")

    await expect_from(driver, new, "groups/bind_bound")
    assert await grid_of(bot, new) == "G0101"
    assert await grid_of(bot, old) is None


async def test_whoami_shows_roles_in_private_only(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)
    await leader.says(group, "/whoami")
    in_group = await expect_from(driver, group, "whoami/private_only")
    assert "王强" not in in_group.text and "G0101" not in in_group.text

    await leader.start()
    await driver.expect(leader.private)
    await leader.says(leader.private, "/whoami")
    reply = await expect_from(driver, leader.private, "whoami/roles")
    roles = context_of(reply, "whoami/roles")["roles"]
    assert "王强" in reply.text and "G0101" in reply.text
    assert [(r.area_code, r.role) for r in roles] == [("G0101", "grid_leader")]

    resident = await driver.user("居民", language_code="en")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/whoami")
    unlinked = await expect_from(driver, resident.private, "whoami/roles")
    assert context_of(unlinked, "whoami/roles")["person"] is None


async def test_a_redelivered_update_is_handled_once(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)
    await leader.says(group, "/bind G0101")
    await driver.expect(group)
    await driver.idle()
    update_ids = sorted(bot.sandbox.world.delivered)

    await driver.call("redeliver", update_id=update_ids[-1])
    await driver.idle()

    assert len(await driver.sent(group)) == 2          # the bot's introduction and the answer to /bind


async def test_private_commands_in_a_group_point_to_the_private_chat(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)
    for command in ("/tasks", "/broadcast@gridbot_sandbox_bot", "/my"):
        await leader.says(group, command)
        reply = await expect_from(driver, group, "groups/private_only")
        assert context_of(reply, "groups/private_only") == {"command": command.split("@")[0][1:], "username": "gridbot_sandbox_bot"}


async def _equals(read, expected) -> bool:
    return await read() == expected
