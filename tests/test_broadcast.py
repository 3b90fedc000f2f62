"""Publicity: notices reach every group chat of an area, on time, within Telegram's limits, and the sender
gets a delivery report."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app.harness import running_bot
from sandbox import SandboxDriver
from db import broadcasts as broadcasts_db
from tests.scenario import (DISPUTE, RECORDING, context_of, eventually, names_in, new_group, press_data, started, team,
                            template_of)

GRIDS = ("G0101", "G0102", "G0201", "G0202")


@pytest.fixture(autouse=True)
async def telegram_limits(sandbox):
    """Telegram's overall and per-group limits, enforced by the sandbox in every test here."""
    async with SandboxDriver(sandbox.url) as control:
        await control.limits(overall_per_sec=30, group_per_min=20)


async def groups_of_town(driver) -> tuple[object, dict[str, int]]:
    """The town admin binds one group to each of the town's four grids."""
    admin = await started(driver, "钱文华", 900002)
    groups = {}
    for code in GRIDS:
        groups[code] = await new_group(driver, f"{code} 居民群", [admin], added_by=admin)
        await admin.says(groups[code], f"/bind {code}")
        await driver.expect(groups[code])
    return admin, groups


async def compose(driver, person, steps: list[tuple[str, str]]):
    """Drive /broadcast: ('press', callback data) or ('say', text); returns the last message with buttons."""
    await driver.skip(person.private)
    await person.says(person.private, "/broadcast")
    message = await driver.expect(person.private)
    while not message.buttons:                          # a delivery report may arrive in between
        message = await driver.expect(person.private)
    for kind, value in steps:
        if kind == "press":
            await press_data(person, message, value)
        else:
            await person.says(person.private, value)
        message = await driver.expect(person.private)
        while not message.buttons:                      # the preview comes before its summary, reports any time
            message = await driver.expect(person.private)
    return message


RUMOUR = [("press", "b|tpl|rumour"), ("say", "明天全城封控"), ("say", "没有封控计划"), ("say", "市防控指挥部")]
NOW, NO_PIN, SUBMIT = ("press", "b|when|now"), ("press", "b|pin|0"), "b|ok"


async def test_a_rumour_rebuttal_reaches_every_group_of_the_town_now(bot, driver, clock):
    await driver.limits(overall_per_sec=30, group_per_min=20, chat_per_sec=1)
    admin, groups = await groups_of_town(driver)

    preview_summary = await compose(driver, admin, RUMOUR + [("press", "b|aud|JH"), NOW, NO_PIN])
    assert context_of(preview_summary, "broadcast/preview")["groups"] == 4
    previews = [m for m in await driver.sent(admin.private) if m.text and template_of(bot, m) == "notices/rumour"]
    assert "明天全城封控" in previews[-1].text
    await press_data(admin, preview_summary, SUBMIT)
    assert context_of(await driver.expect(admin.private), "broadcast/created")["when"] == "now"

    for code, chat in groups.items():
        notice = await driver.expect(chat)
        assert notice.text == previews[-1].text
    await bot.runtime.sender.drained()
    await bot.runtime.tick()
    report = await driver.expect(admin.private)
    shown = context_of(report, "broadcast/report")
    assert (shown["delivered"], shown["total"]) == (4, 4)
    assert bot.runtime.sender.stats.flood_waits == 0          # the outbox never ran into flood control


async def test_fields_are_escaped_and_a_bad_template_is_refused_at_compose_time(bot, driver, clock, capsys):
    admin, groups = await groups_of_town(driver)
    await compose(driver, admin, [("press", "b|tpl|rumour"), ("say", "<b>封城</b> & 抢购"), ("say", "假的"),
                                  ("say", "官方"), ("say", "G0101"), NOW, NO_PIN])
    summary = (await driver.sent(admin.private))[-1]
    await press_data(admin, await _last_with_buttons(driver, admin), SUBMIT)
    notice = await driver.expect(groups["G0101"])
    assert "<b>封城</b> & 抢购" in notice.text
    assert summary

    from bot.app.cli import main

    code = await asyncio.to_thread(main, ["broadcast", "--audience", "JH", "--template", "epidemic",
                                          "--var", "title=停课", "--db", bot.runtime.settings.database])
    assert code == 1
    assert "--var measures=" in capsys.readouterr().err
    assert len(await bot.db.read(broadcasts_db.listed, True)) == 1


async def _last_with_buttons(driver, person):
    messages = [m for m in await driver.sent(person.private) if m.buttons]
    return messages[-1]


async def test_a_grid_leader_cannot_reach_beyond_the_grid(bot, driver, clock):
    await groups_of_town(driver)
    leader = await started(driver, "王强", 900011)
    audience = await compose(driver, leader, RUMOUR)
    assert [b["text"] for b in audience.buttons if b["callback_data"].startswith("b|aud|")] == ["府前社区第一网格"]
    for code in ("JH", "TZ", "G0102"):
        await leader.says(leader.private, code)
        assert "broadcast/error/out_of_scope" in names_in(await driver.expect(leader.private))
    forged = await leader.press_data(leader.private, audience.message_id, "b|aud|TZ", forge=True)
    assert template_of(bot, await driver.answer(forged)) == "report/toast_stale"
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/broadcast")
    assert template_of(bot, await driver.expect(resident.private)) == "broadcast/not_allowed"


async def test_at_a_time_and_daily_runs_go_out_once_each(bot, driver, clock, settings):
    admin, groups = await groups_of_town(driver)
    local = clock.now().astimezone(settings.tz)
    at = (local + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    daily = (local + timedelta(hours=2)).strftime("%H:%M")
    for kind, value in (("at", at), ("daily", daily)):
        last = await compose(driver, admin, RUMOUR + [("say", "G0101"), ("press", f"b|when|{kind}"), ("say", value),
                                                      NO_PIN])
        await press_data(admin, last, SUBMIT)
        assert context_of(await driver.expect(admin.private), "broadcast/created")["when"] == kind
    await bot.runtime.tick()
    assert await driver.nothing_new(groups["G0101"])

    clock.advance(hours=1, minutes=1)
    await bot.runtime.tick()
    await bot.runtime.tick()
    await driver.expect(groups["G0101"])
    assert await driver.nothing_new(groups["G0101"])

    for day in range(2):
        clock.advance(hours=1 if day == 0 else 24)
        await bot.runtime.tick()
        await bot.runtime.tick()
        await driver.expect(groups["G0101"])
        assert await driver.nothing_new(groups["G0101"])
    assert len(await driver.sent(groups["G0101"])) == 1 + 1 + 1 + 2      # intro, bind reply, the one-off, two dailies


async def test_pause_resume_and_cancel(bot, driver, clock, settings):
    admin, groups = await groups_of_town(driver)
    daily = (clock.now().astimezone(settings.tz) + timedelta(minutes=30)).strftime("%H:%M")
    last = await compose(driver, admin, RUMOUR + [("say", "G0101"), ("press", "b|when|daily"), ("say", daily), NO_PIN])
    await press_data(admin, last, SUBMIT)
    await driver.expect(admin.private)
    await admin.says(admin.private, "/broadcasts")
    listing = await driver.expect(admin.private)
    (broadcast,) = await bot.db.read(broadcasts_db.listed)

    await driver.answer(await press_data(admin, listing, f"bl|{broadcast.id}|pause"))
    clock.advance(hours=1)
    await bot.runtime.tick()
    assert await driver.nothing_new(groups["G0101"])

    stranger = await started(driver, "杨帆", 900021)                  # leader of another grid
    pressed = await stranger.press_data(admin.private, listing.message_id, f"bl|{broadcast.id}|cancel", forge=True)
    assert template_of(bot, await driver.answer(pressed)) == "broadcast/status/forbidden"

    await admin.says(admin.private, "/broadcasts")
    listing = await driver.expect(admin.private)
    await driver.answer(await press_data(admin, listing, f"bl|{broadcast.id}|resume"))
    clock.advance(hours=23, minutes=35)                               # tomorrow's run is 5 minutes ago
    await bot.runtime.tick()
    await driver.expect(groups["G0101"])

    await driver.answer(await press_data(admin, listing, f"bl|{broadcast.id}|cancel"))
    clock.advance(hours=48)
    await bot.runtime.tick()
    assert await driver.nothing_new(groups["G0101"])
    assert (await bot.db.read(broadcasts_db.get, broadcast.id)).status == "cancelled"


async def test_a_removed_group_is_reported_and_a_migrated_group_followed(bot, driver, clock):
    admin, groups = await groups_of_town(driver)
    leader = await started(driver, "杨帆", 900021)                    # leader of G0102
    await driver.remove_bot(groups["G0102"], by=admin)
    assert await eventually(lambda: _removed(bot, groups["G0102"]))
    supergroup = await driver.migrate(groups["G0201"])                # the bot learns of it only when sending
    await driver.add_bot(groups["G0202"], by=admin, admin=True)

    last = await compose(driver, admin, RUMOUR + [("press", "b|aud|JH"), NOW, ("press", "b|pin|1")])
    await press_data(admin, last, SUBMIT)
    await driver.expect(admin.private)
    for chat in (groups["G0101"], supergroup, groups["G0202"]):
        assert template_of(bot, await driver.expect(chat)) == "notices/rumour"
    await bot.runtime.sender.drained()
    await bot.runtime.tick()

    report = await driver.expect(admin.private)
    shown = context_of(report, "broadcast/report")
    assert (shown["delivered"], shown["total"], shown["unpinned"]) == (3, 4, 2)
    assert [(f["grid"].code, f["reason"]) for f in shown["failures"]] == [("G0102", "removed")]
    assert template_of(bot, await driver.expect(leader.private)) == "broadcast/group_removed"
    pins = await driver.events(0, None, kinds=["pin"])
    assert [p.chat_id for p in pins] == [groups["G0202"]]             # the only group where the bot may pin
    assert bot.runtime.sender.stats.pin_failures >= 2


async def test_a_long_free_text_is_split_on_line_boundaries(bot, driver, clock):
    admin, groups = await groups_of_town(driver)
    text = "\n".join(f"第{i}条：请居民朋友做好个人防护，勤洗手、常通风、戴口罩。" for i in range(200))
    last = await compose(driver, admin, [("press", "b|tpl|free"), ("say", text), ("say", "G0101"), NOW, NO_PIN])
    await press_data(admin, last, SUBMIT)
    first, second = await driver.expect(groups["G0101"]), await driver.expect(groups["G0101"])
    assert first.text.endswith("戴口罩。") and second.text.startswith("第")
    assert (first.text + "\n" + second.text) == text


async def test_an_assignment_overtakes_a_draining_broadcast(bot, driver, clock):
    from bot.services import casework
    from bot.services.broadcasting import Draft, create
    from bot.services.forms import new_form

    crew = await team(bot, driver, clock)
    await driver.limits(overall_per_sec=5)
    for i in range(15):
        draft = Draft("G0101", None, {"text": f"第{i}号通知"}, "now", "", False)
        await bot.db.write(create, bot.runtime.settings, None, draft, clock.now())
    await bot.runtime.tick()                                          # 15 messages queued: three seconds at 5/s
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    form = {**new_form("G0101"), "answers": dict(DISPUTE)}

    report = await bot.runtime.change(casework.submit, bot.runtime.settings, resident.id, form, clock.now())

    card = await driver.expect(crew.workers[0].private)
    assert report.number in card.text
    notices = [m for m in await driver.sent(crew.group) if "号通知" in (m.text or "")]
    assert len(notices) < 15                                          # the broadcast is still draining
    await bot.runtime.sender.drained(timeout=20)
    assert len([m for m in await driver.sent(crew.group) if "号通知" in (m.text or "")]) == 15


async def test_a_run_missed_while_down_is_sent_once_within_grace_else_skipped(settings, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    local = clock.now().astimezone(settings.tz)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        admin, groups = await groups_of_town(driver)
        for minutes in (60, 120):
            at = (local + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
            last = await compose(driver, admin, RUMOUR + [("say", "G0101"), ("press", "b|when|at"), ("say", at),
                                                          NO_PIN])
            await press_data(admin, last, SUBMIT)
            await driver.expect(admin.private)
    clock.advance(minutes=125)                     # the first is 65 minutes late, the second 5 (grace: 10)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await driver.expect(groups["G0101"])
        await bot.runtime.sender.drained()
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert await driver.nothing_new(groups["G0101"])
        first, second = await bot.db.read(broadcasts_db.listed, True)
        assert [r.status for r in await bot.db.read(broadcasts_db.runs_of, first.id)] == ["skipped"]
        assert [r.status for r in await bot.db.read(broadcasts_db.runs_of, second.id)] == ["done"]
    await driver.close()


async def cli(*argv: str) -> int:
    """`gridbot …` as an admin on the server runs it, beside the running bot."""
    from bot.app.cli import main

    return await asyncio.to_thread(main, list(argv))


async def test_the_command_line_schedules_lists_and_cancels(bot, driver, clock, capsys):
    from bot.core.clock import SystemClock

    admin, groups = await groups_of_town(driver)
    db_path = bot.runtime.settings.database
    assert await cli("broadcast", "--audience", "JH01", "--template", "test_reminder",
                     "--var", "date=4月10日 8:00-11:00", "--var", "place=社区广场", "--db", db_path) == 0
    assert "cli/broadcast_created" in names_in(capsys.readouterr().out)
    assert [r.context["groups"] for r in RECORDING.records if r.name == "cli/broadcast_created"][-1] == 2
    clock.advance(SystemClock().now() - clock.now())                  # the command line knows only real time
    await bot.runtime.tick()
    assert "社区广场" in (await driver.expect(groups["G0101"])).text
    assert "社区广场" in (await driver.expect(groups["G0102"])).text
    await bot.runtime.sender.drained()
    await bot.runtime.tick()

    assert await cli("broadcast", "--audience", "TZ", "--text", "每周一例行通知", "--cron", "0 9 * * 1",
                     "--db", db_path) == 0
    capsys.readouterr()
    assert await cli("broadcasts", "--db", db_path) == 0
    listing = capsys.readouterr().out
    assert "cli/broadcasts" in names_in(listing) and "0 9 * * 1" in listing
    (repeating,) = [b for b in await bot.db.read(broadcasts_db.listed) if b.schedule == "0 9 * * 1"]
    (once,) = [b for b in await bot.db.read(broadcasts_db.listed, True) if b.template == "test_reminder"]
    assert [(r.delivered, r.total) for r in await bot.db.read(broadcasts_db.runs_of, once.id)] == [(2, 2)]
    assert await cli("broadcast-cancel", str(repeating.id), "--db", db_path) == 0
    assert await cli("broadcast", "--audience", "TZ", "--text", "x", "--cron", "99 * * * *", "--db", db_path) == 1
    assert "broadcast/error/bad_cron" in names_in(capsys.readouterr().err)


async def _removed(bot, chat_id: int) -> bool:
    from db import chats as chats_db

    return (await bot.db.read(chats_db.get, chat_id)).bot_status == "removed"
