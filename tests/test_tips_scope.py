"""What the users rely on around tips: /report's kind buttons carry the words 举报 and 聚集/申报 (typed, each picks
its button); /rewards is for the grid leader and the admins above (a worker or a resident is refused, an admin sees
the grids below), only in private — a claim code never reaches a group."""

from __future__ import annotations

from tests.scenario import names_in, team
from tests.tips_helpers import datas, rewarded_tip, start_from_group


async def test_the_kind_buttons_of_report_say_tip_and_gathering(bot, driver, clock):
    crew = await team(bot, driver, clock)
    tipster, organizer = await driver.user("居民"), await driver.user("周大勇")
    kinds = await start_from_group(driver, tipster, crew.group)
    assert {"f|kind|arrival", "f|kind|dispute", "f|kind|tip", "f|kind|gathering"} <= set(datas(kinds))

    # A word typed at the kind step is taken as the press of the one button whose label holds it (and refused when
    # none or several do): the tip's button, and no other, carries 举报.
    await tipster.says(tipster.private, "举报")
    assert "f|subject|arrival" in datas(await driver.expect(tipster.private))          # the tip's first question
    await start_from_group(driver, organizer, crew.group)
    for word in ("聚集", "申报"):                                   # either word on the gathering's button will do
        await organizer.says(organizer.private, word)
        if "f|occasion|banquet" in datas(await driver.expect(organizer.private)):      # the gathering's first question
            break
    else:
        raise AssertionError("neither 聚集 nor 申报 picks the gathering's button")


async def test_rewards_is_for_leaders_and_admins_above_and_only_in_private(bot, driver, clock):
    crew = await team(bot, driver, clock)
    code = await rewarded_tip(driver, crew, await driver.user("居民"))
    for person in (crew.leader, crew.community_admin, crew.town_admin, *crew.workers):
        await driver.skip(person.private)

    for admin in (crew.leader, crew.community_admin, crew.town_admin):
        await admin.says(admin.private, "/rewards")
        ledger = await driver.expect(admin.private)
        assert code in ledger.text and "rewards/ledger" in names_in(ledger)
    resident = await driver.user("居民乙")
    await resident.start()
    await driver.expect(resident.private)
    for person in (crew.workers[0], resident):
        await person.says(person.private, "/rewards")
        refused = await driver.expect(person.private)
        assert code not in refused.text and "rewards/not_allowed" in names_in(refused)

    await crew.leader.says(crew.group, "/rewards")
    await crew.leader.says(crew.group, "/gatherings")             # a later command the group does answer
    await driver.expect(crew.group)
    assert all(code not in (e.text or "") for e in await driver.events(0, crew.group, kinds=None))
