"""Gathering applications: offered in /report and /apply; decided by the grid leader, the community admin or the
town admin depending on the expected number of people; approved with a condition or refused with a reason, the
applicant told in private; a press by anyone below the application's level refused; undecided in time,
escalated like any report."""

from __future__ import annotations

from datetime import timedelta

from bot.core.config import Settings
from bot.services.gatherings import approver_level
from db import gatherings as gatherings_db
from db import reports as reports_db
from tests.scenario import context_of, expect_from, names_in, team, template_of
from tests.tips_helpers import apply, datas, expect_buttons, forge, perform, press, report_id


def test_the_approver_follows_the_size() -> None:
    settings = Settings(gathering_grid_max=50, gathering_community_max=200)
    assert [approver_level(settings, n) for n in (1, 50, 51, 200, 201, 5000)] == [1, 1, 2, 2, 3, 3]


async def test_each_size_goes_to_its_approver_who_decides_it(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("周大勇")
    receipts = [await apply(driver, resident, crew.group, n) for n in (30, 120, 500)]
    assert all("G0101-" in r.text for r in receipts)
    assert [context_of(r, "report/submitted")["approver"] for r in receipts] == [1, 2, 3]   # who decides, named

    cards = [await expect_buttons(driver, p.private) for p in (crew.leader, crew.community_admin, crew.town_admin)]
    ids = [report_id(c) for c in cards]
    reports = [await bot.db.read(reports_db.get, i) for i in ids]
    assert [r.level for r in reports] == [1, 2, 3]
    assert all(context_of(c, "report/card")["headline"] == "application" for c in cards)         # to decide
    assert {r.kind for r in reports} == {"gathering"}
    assert all({f"g|{i}|ok", f"g|{i}|no", f"q|{i}|ask"} <= set(datas(c)) for i, c in zip(ids, cards))
    assert "13912348888" in cards[0].text                      # the organizer's phone, in the approver's chat

    # Below the level, or not staff at all: refused, nothing changes.
    for person, target in ((crew.workers[0], ids[0]), (crew.leader, ids[1]), (crew.community_admin, ids[2]),
                           (resident, ids[0])):
        answer = await forge(driver, person, f"g|{target}|ok")
        assert answer.data.get("show_alert"), answer.text
    assert [g.status for g in [await bot.db.read(gatherings_db.get, i) for i in ids]] == ["pending"] * 3

    await press(crew.leader, cards[0], f"g|{ids[0]}|ok")
    ask = await expect_buttons(driver, crew.leader.private)
    assert "a|conditions|none" in datas(ask)
    await crew.leader.says(crew.leader.private, "限 30 人以内，不设流水席")
    await driver.expect(crew.leader.private)
    approved = await expect_from(driver, resident.private, "gatherings/approved")
    assert context_of(approved, "gatherings/approved")["report"].id == ids[0] and "不设流水席" in approved.text

    await press(crew.town_admin, cards[2], f"g|{ids[2]}|no")
    await driver.expect(crew.town_admin.private)
    await crew.town_admin.says(crew.town_admin.private, "人数过多，建议分批举办")
    refused = await expect_from(driver, resident.private, "gatherings/refused")
    assert context_of(refused, "gatherings/refused")["report"].id == ids[2] and "分批" in refused.text

    await press(crew.community_admin, cards[1], f"g|{ids[1]}|ok")
    ask = await expect_buttons(driver, crew.community_admin.private)
    await press(crew.community_admin, ask, "a|conditions|none")
    approved = await expect_from(driver, resident.private, "gatherings/approved")
    assert context_of(approved, "gatherings/approved")["report"].id == ids[1]

    found = [await bot.db.read(gatherings_db.get, i) for i in ids]
    assert [(g.status, g.conditions) for g in found] == [
        ("approved", "限 30 人以内，不设流水席"), ("approved", None), ("refused", "人数过多，建议分批举办")]
    assert [(await bot.db.read(reports_db.get, i)).status for i in ids] == ["resolved"] * 3
    again = await forge(driver, crew.leader, f"g|{ids[0]}|ok")
    assert template_of(bot, again) == "gatherings/outcome/already_decided"


async def test_an_undecided_application_is_reminded_then_escalated(bot, driver, clock):
    crew = await team(bot, driver, clock)
    await apply(driver, await driver.user("周大勇"), crew.group, 30)
    card = await expect_buttons(driver, crew.leader.private)
    rid = report_id(card)

    clock.advance(hours=bot.runtime.settings.gathering_decide_hours, minutes=1)
    await bot.runtime.tick()
    reminder = await expect_buttons(driver, crew.leader.private)
    assert f"g|{rid}|ok" in datas(reminder)
    clock.advance(bot.runtime.settings.accept_window("normal") + timedelta(minutes=1))
    await bot.runtime.tick()

    escalated = await expect_buttons(driver, crew.community_admin.private)
    assert f"g|{rid}|ok" in datas(escalated) and (await bot.db.read(reports_db.get, rid)).level == 2
    await press(crew.community_admin, escalated, f"g|{rid}|ok")
    ask = await expect_buttons(driver, crew.community_admin.private)
    await press(crew.community_admin, ask, "a|conditions|none")
    await driver.expect(crew.community_admin.private)
    assert (await bot.db.read(gatherings_db.get, rid)).status == "approved"


async def test_apply_in_private_asks_the_grid_then_the_application(bot, driver, clock):
    await team(bot, driver, clock)
    resident = await driver.user("周大勇")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/apply")
    communities = await driver.expect(resident.private)
    grids = await perform(driver, resident, communities, [("press", "f|com|JH01")])
    occasion = await perform(driver, resident, grids, [("press", "f|grid|G0101")])
    assert "f|occasion|banquet" in datas(occasion) and "f|kind|tip" not in datas(occasion)
    past = await perform(driver, resident, occasion, [("press", "f|occasion|wedding"), ("say", "2026-04-01")])
    assert "report/invalid/date_in_past" in names_in(past) and context_of(past, "gatherings/ask")["step"] == "date"


async def test_the_approver_asks_the_applicant_and_the_relay_ends_with_the_decision(bot, driver, clock):
    crew = await team(bot, driver, clock)
    applicant = await driver.user("周大勇")
    await apply(driver, applicant, crew.group, 30)
    card = await expect_buttons(driver, crew.leader.private)
    rid = report_id(card)

    await press(crew.leader, card, f"q|{rid}|ask")
    await driver.expect(crew.leader.private)
    await crew.leader.says(crew.leader.private, "有没有流水席？")
    await driver.expect(crew.leader.private)
    question = await expect_buttons(driver, applicant.private)
    await press(applicant, question, f"q|{rid}|reply")
    await driver.expect(applicant.private)
    await applicant.says(applicant.private, "没有，分两桌")
    await driver.expect(applicant.private)
    answer = await expect_buttons(driver, crew.leader.private)
    assert "分两桌" in answer.text and "王强" not in question.text

    await press(crew.leader, card, f"g|{rid}|no")
    await driver.expect(crew.leader.private)
    await crew.leader.says(crew.leader.private, "场地太小")
    await driver.expect(applicant.private)
    closed = await driver.answer(await press(applicant, question, f"q|{rid}|reply"))
    assert template_of(bot, closed) == "relay/closed"
