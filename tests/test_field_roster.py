"""A worker dropped from the roster loses power over their reports at once: their old cards are refused,
and a re-import hands their unresolved reports on and tells the leader."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import areas as areas_db
from db import people as people_db
from db import reports as reports_db
from tests.scenario import (DISPUTE, assigned_dispute, card_action, context_of, names_in, press_data, report_from_group,
                            team, template_of)

ACTIONS = ("acc", "note", "res", "esc", "xfer")


async def snapshot(bot, number):
    report = await bot.db.read(reports_db.by_number, number)
    return report.status, report.assignee_id, report.level, report.outcome


async def refused_everything(bot, driver, worker, card, report_id) -> None:
    for action in ACTIONS:
        pressed = await worker.press_data(card.chat_id, card.message_id, f"r|{report_id}|{action}", forge=True)
        answer = await driver.answer(pressed)
        assert answer.data["show_alert"], (action, answer.text)
        assert template_of(bot, answer) == "casework/outcome/forbidden", (action, answer.text)


async def test_a_worker_whose_role_is_gone_cannot_use_her_old_card(bot, driver, clock):
    case = await assigned_dispute(bot, driver, clock)
    li_na, resident, number, card, report = case.worker, case.resident, case.number, case.card, case.report
    assert report.assignee_id is not None

    def drop_role(conn):
        grid = areas_db.by_code(conn, "G0101")
        people_db.remove_role(conn, report.assignee_id, grid.id, "grid_worker")
    await bot.db.write(drop_role)
    before = await snapshot(bot, number)

    await refused_everything(bot, driver, li_na, card, report.id)
    await li_na.says(li_na.private, "我来办结")                      # no note or resolve is waiting for text
    assert await snapshot(bot, number) == before
    assert await driver.nothing_new(resident.private)


async def test_a_reimport_without_her_hands_her_reports_on_and_tells_the_leader(bot, driver, clock, settings,
                                                                                 tmp_path):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    resident = await driver.user("居民")
    first = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await press_data(li_na, card, card_action(card, "acc"))          # one she accepted…
    await driver.expect(resident.private)
    second = await report_from_group(driver, resident, crew.group, DISPUTE)
    await driver.expect(zhang_wei.private)
    third = await report_from_group(driver, resident, crew.group, DISPUTE)
    third_card = await driver.expect(li_na.private)                  # …and one still open
    await driver.skip(crew.leader.private)

    areas, staff = sample_city()
    roster = tmp_path / "staff.csv"
    roster.write_text("".join(line for line in staff.read_text(encoding="utf-8-sig").splitlines(keepends=True)
                              if "李娜" not in line), encoding="utf-8")
    result = await bot.runtime.change(partial(import_org, settings=settings), None, roster, clock.now(),
                                      timedelta(days=14))
    assert result.roles_removed == 1 and result.reports_moved == 2
    assert await bot.runtime.sender.drained()

    zhang_id = (await bot.db.read(people_db.by_telegram_id, zhang_wei.id)).id
    for number, status in ((first, "accepted"), (third, "open")):
        report = await bot.db.read(reports_db.by_number, number)
        assert (report.assignee_id, report.status, report.level) == (zhang_id, status, 0)
        history = await bot.db.read(reports_db.events, report.id)
        assert history[-1].action == "assigned" and history[-1].detail["reason"] == "off_roster"
    zhang_cards = [m.text for m in await driver.sent(zhang_wei.private) if m.text]
    assert any(first in t for t in zhang_cards) and any(third in t for t in zhang_cards)
    told = [m for m in await driver.sent(crew.leader.private) if m.text and "report/reassigned_removed" in names_in(m)]
    notices = [m.text for m in told]
    assert [(context_of(m, "report/reassigned_removed")["name"], context_of(m, "report/reassigned_removed")["assignee"])
            for m in told] == [("李娜", "张伟")] * 2
    assert all("李娜" in t and "张伟" in t for t in notices)
    assert {first, third} == {n for n in (first, third) if any(n in t for t in notices)}
    assert second not in " ".join(notices)

    before = [await snapshot(bot, n) for n in (first, third)]
    await driver.skip(resident.private)
    for number, old_card in ((first, card), (third, third_card)):
        report = await bot.db.read(reports_db.by_number, number)
        await refused_everything(bot, driver, li_na, old_card, report.id)
    assert [await snapshot(bot, n) for n in (first, third)] == before
    assert await driver.nothing_new(resident.private)
