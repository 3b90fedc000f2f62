"""/stats: each person sees the figures of the area in their charge and drills down from there; a button for
another area — forged, or left from someone else's screen — is refused and audited."""

from __future__ import annotations

from datetime import timedelta

from bot.services.ledger import periods
from bot.services.ledger.stats import figures
from db import areas as areas_db
from db import audit
from tests.scenario import ARRIVAL, DISPUTE, card_action, press_data, report_from_group, started, team


async def area(bot, code):
    return await bot.db.read(areas_db.by_code, code)


def pressed_data(message) -> set[str]:
    return {b["callback_data"] for b in message.buttons}


async def test_a_grid_leader_sees_their_grid_and_a_forged_press_for_another_is_refused(bot, driver, clock):
    crew = await team(bot, driver, clock)
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    g0101, g0102 = await area(bot, "G0101"), await area(bot, "G0102")
    leader = crew.leader

    await driver.skip(leader.private)
    await leader.says(leader.private, "/stats")
    screen = await driver.expect(leader.private)
    assert "G0101" in screen.text and "G0102" not in screen.text
    assert f"st|{g0101.id}|month" in pressed_data(screen)
    assert not any(d.startswith(f"st|{g0102.id}|") for d in pressed_data(screen))

    forged = await leader.press_data(leader.private, screen.message_id, f"st|{g0102.id}|month", forge=True)
    refusal = await driver.answer(forged)
    assert refusal.data["show_alert"]
    refused = await bot.db.read(audit.entries, f"area:{g0102.id}", "view_refused")
    assert [(e["actor_user"], e["detail"]["view"]) for e in refused] == [(leader.id, "stats")]

    await leader.says(leader.private, "/stats G0102")
    assert "G0102" in (await driver.expect(leader.private)).text          # out of scope: said, nothing shown
    assert len(await bot.db.read(audit.entries, None, "view_refused")) == 1


async def test_a_town_admin_drills_down_to_a_grid_and_back_up(bot, driver, clock):
    crew = await team(bot, driver, clock)
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    town = crew.town_admin
    jh, jh01, g0101 = await area(bot, "JH"), await area(bot, "JH01"), await area(bot, "G0101")

    await driver.skip(town.private)
    await town.says(town.private, "/stats")
    screen = await driver.expect(town.private)
    assert "荆河街道" in screen.text
    assert {f"st|{jh01.id}|month", f"st|{(await area(bot, 'JH02')).id}|month"} <= pressed_data(screen)

    await town.press_data(town.private, screen.message_id, f"st|{jh.id}|7d")
    assert f"st|{jh01.id}|7d" in pressed_data(await driver.expect(town.private, kinds=("edit",)))
    await town.press_data(town.private, screen.message_id, f"st|{jh01.id}|7d")
    community = await driver.expect(town.private, kinds=("edit",))
    assert "府前社区" in community.text and f"st|{g0101.id}|7d" in pressed_data(community)
    assert f"st|{jh.id}|7d" in pressed_data(community)                        # back up to the town

    await town.press_data(town.private, screen.message_id, f"st|{g0101.id}|7d")
    grid = await driver.expect(town.private, kinds=("edit",))
    assert "G0101" in grid.text
    assert not await bot.db.read(audit.entries, None, "view_refused")


async def test_the_figures_follow_each_report_through_its_life(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    clock.advance(minutes=7)
    await press_data(li_na, card, card_action(card, "acc"))
    await driver.expect(resident.private)
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    clock.advance(timedelta(hours=5))                      # the arrival's accept window (2 h) has passed
    g0101, town = await area(bot, "G0101"), await area(bot, "JH")
    period = periods.preset("today", clock.now(), settings)

    for place in (g0101, town):
        fig = await bot.db.read(figures, place, period, clock.now())
        assert {k.kind: (k.created, k.open, k.accepted) for k in fig.kinds} == {"arrival": (1, 1, 0),
                                                                               "dispute": (1, 0, 1)}
        assert (fig.backlog.open, fig.backlog.overdue) == (2, 1)
        assert fig.accept.count == 1 and 6 * 60 <= fig.accept.median <= 8 * 60
        assert fig.accept_on_time == 1.0 and fig.resolve.count == 0
