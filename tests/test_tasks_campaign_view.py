"""/campaign shows the staff of a grid the campaigns that cover it, also when launched over the community or the
town above (a worker knocking at its doors, the grid's leader); never a campaign over another community."""

from __future__ import annotations

from datetime import timedelta

from bot.services.campaigns import launch
from bot.services.households import import_households
from tests.scenario import context_of, expect_from, next_from, started, team
from tests.tasks_helpers import field
from tests.test_tasks_campaigns import HOUSEHOLDS, progress

LEADER_G0102 = 900021


async def test_a_community_campaign_is_shown_to_its_grids_staff(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS + "G0201,9,1,101,癸,13911110010,\n", encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew = await team(bot, driver, clock)
    leader_g0102 = await started(driver, "杨帆", LEADER_G0102)
    for code, title in (("JH01", "府前社区摸排"), ("G0201", "龙泉网格摸排")):
        done = await bot.db.write(lambda conn, code=code, title=title: launch(
            conn, settings, None, area_code=code, title=title, due=clock.now() + timedelta(days=3), now=clock.now()))
        assert done.key == "created"

    for person in (crew.workers[0], leader_g0102, crew.community_admin):
        await person.says(person.private, "/campaign")
        shown = await next_from(driver, person.private, "tasks/campaign/overview")
        [campaign] = context_of(shown, "tasks/campaign/overview")["campaigns"]
        assert field(campaign, "campaign").title == "府前社区摸排", (person.id, shown.text)
        assert progress(field(campaign, "lines"))[0][2:4] == (0, 9)
        assert "龙泉网格摸排" not in shown.text
    await crew.town_admin.says(crew.town_admin.private, "/campaign")
    shown = await next_from(driver, crew.town_admin.private, "tasks/campaign/overview")
    assert {field(c, "campaign").title for c in context_of(shown, "tasks/campaign/overview")["campaigns"]} == {
        "府前社区摸排", "龙泉网格摸排"}


async def test_a_worker_may_see_but_not_launch(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await li_na.says(li_na.private, "/campaign")
    overview = await driver.expect(li_na.private)
    assert not overview.buttons
    await li_na.press_data(li_na.private, overview.message_id, "cl|new", forge=True)
    await expect_from(driver, li_na.private, "tasks/campaign/not_allowed")
    assert await bot.db.read(lambda conn: conn.execute("SELECT count(*) FROM conversations").fetchone()[0]) == 0
