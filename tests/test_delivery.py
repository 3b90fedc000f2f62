"""Delivery through the outbox: Telegram's errors, people who cannot be reached, crashes, redelivered updates."""

from __future__ import annotations

from bot.app.harness import running_bot
from sandbox import SandboxDriver
from db import outbox as outbox_db
from db import people as people_db
from db import reports as reports_db
from tests.scenario import DISPUTE, context_of, report_from_group, team, template_of


async def cards_in(driver, chat_id, number):
    return [m for m in await driver.sent(chat_id) if m.kind == "send" and number in (m.text or "")]


async def test_flood_control_is_waited_out(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await driver.fault("retry_after", "sendMessage", count=1, retry_after=1, chat_id=li_na.id)

    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)

    card = await driver.expect(li_na.private)
    assert number in card.text
    assert len(await cards_in(driver, li_na.private, number)) == 1
    assert bot.runtime.sender.stats.flood_waits == 1


async def test_server_errors_and_dropped_connections_are_retried(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await driver.fault("server_error", "sendMessage", count=2, status=502, chat_id=li_na.id)
    await driver.fault("drop", "sendMessage", count=1, chat_id=li_na.id)

    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)

    assert number in (await driver.expect(li_na.private, timeout=20)).text
    assert len(await cards_in(driver, li_na.private, number)) == 1
    assert bot.runtime.sender.stats.retried >= 3
    assert await bot.runtime.sender.drained()                         # delivered rows are recorded in batches
    rows = await bot.db.read(lambda c: c.execute("SELECT status, attempts FROM outbox WHERE chat_id = ?",
                                                 (li_na.id,)).fetchall())
    assert [tuple(r) for r in rows][-1][0] == "sent"


async def test_a_worker_who_never_pressed_start(bot, driver, clock):
    crew = await team(bot, driver, clock, workers=("李娜",))
    li_na = crew.workers[0]
    silent = await driver.user("张伟")                                      # on Telegram, never pressed Start
    await bot.db.write(lambda c: c.execute("UPDATE people SET telegram_user_id = ? WHERE name = '张伟'", (silent.id,)))
    await li_na.says(li_na.private, "/duty off")
    await driver.expect(li_na.private)

    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)

    card = await driver.expect(crew.leader.private)
    notices = [card, await driver.expect(crew.leader.private)]
    (warning,) = [n for n in notices if template_of(bot, n) == "report/worker_unreachable"]
    shown = context_of(warning, "report/worker_unreachable")
    assert (shown["report"].number, shown["name"]) == (number, "张伟")
    assert any(number in n.text for n in notices if n is not warning)             # the card, rerouted to him
    person = await bot.db.read(people_db.by_telegram_id, silent.id)
    assert await bot.db.read(lambda c: c.execute("SELECT unreachable_at FROM people WHERE id = ?",
                                                 (person.id,)).fetchone()[0])
    report = await bot.db.read(reports_db.by_number, number)
    assert [e.action for e in await bot.db.read(reports_db.events, report.id)] == [
        "created", "assigned", "unreachable", "assigned"]
    failed = await bot.db.read(lambda c: c.execute("SELECT error FROM outbox WHERE status = 'failed'").fetchall())
    assert "initiate conversation" in failed[0][0]

    number2 = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    assert number2 in (await driver.expect(crew.leader.private)).text    # not tried on 张伟 again


async def test_delivery_resumes_after_a_crash(settings, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        await driver.fault("retry_after", "sendMessage", count=1, retry_after=600, chat_id=li_na.id)
        number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
        await driver.idle()
        assert not await cards_in(driver, li_na.private, number)
    pending = await db.read(outbox_db.pending, 10)
    assert [m.chat_id for m in pending] == [li_na.id]

    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        assert number in (await driver.expect(li_na.private)).text
        assert await bot.runtime.sender.drained()
    assert len(await cards_in(driver, li_na.private, number)) == 1
    assert await db.read(outbox_db.pending, 10) == []
    await driver.close()


async def test_a_redelivered_update_makes_one_report_and_one_notification(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    await driver.expect(li_na.private)
    await driver.idle()
    submit = next(u for u in bot.sandbox.world.delivered.values()
                  if u.get("callback_query", {}).get("data") == "f|submit")

    await driver.call("redeliver", update_id=submit["update_id"])
    await driver.idle()
    await bot.runtime.sender.drained()

    assert len(await bot.db.read(reports_db.all_reports)) == 1
    assert len(await cards_in(driver, li_na.private, number)) == 1
    receipts = [m for m in await driver.sent(resident.private) if m.text and template_of(bot, m) == "report/submitted"]
    assert len(receipts) == 1


async def test_an_assignment_is_not_held_up_by_a_queue_of_notices(bot, driver, clock):
    from bot.services.notify import to_user

    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await bot.db.write(lambda c: [to_user(c, bot.runtime.settings, crew.town_admin.id, "report/no_form", "bulk",
                                          bot.runtime.stamp(), priority=outbox_db.BROADCAST) for _ in range(40)])
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    assert number in card.text
    town = await driver.sent(crew.town_admin.private)
    # A private chat takes about one message a second: the 40 notices are still draining, yet the card is out.
    assert sum(1 for m in town if m.data["seq"] < card.data["seq"]) < 40


async def test_a_timed_out_send_is_retried(settings, clock, db, city, sandbox):
    """A send that times out may or may not have reached Telegram; it is sent again rather than lost."""
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings.with_overrides(request_timeout=0.5), clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        await driver.fault("slow", "sendMessage", count=1, delay=1.0, chat_id=li_na.id)
        number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
        assert number in (await driver.expect(li_na.private)).text
        assert await bot.runtime.sender.drained()
        assert bot.runtime.sender.stats.retried == 1
        assert 1 <= len(await cards_in(driver, li_na.private, number)) <= 2
        rows = await db.read(lambda c: c.execute("SELECT status FROM outbox WHERE chat_id = ? AND purpose != 'reply'", (li_na.id,)).fetchall())
        assert [r[0] for r in rows] == ["sent"]
    await driver.close()
