"""Staff link their Telegram account by opening their invite link, pressing Start and sharing their contact."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import stamp
from db import audit
from db import invites as invites_db
from db import people as people_db
from tests.scenario import context_of, template_of


async def invite_code(bot, clock, name: str) -> str:
    pending = await bot.db.read(invites_db.pending, stamp(clock.now()))
    return next(p.code for p in pending if p.name == name)


async def test_a_worker_links_through_the_invite_link(bot, driver, clock):
    code = await invite_code(bot, clock, "李娜")
    li_na = await driver.user("Nana")

    await li_na.start(f"inv_{code}")
    await driver.expect(li_na.private)                      # asked to share her contact
    await li_na.shares_contact("13806320012")

    reply = await driver.expect(li_na.private)
    shown = context_of(reply, "start/invite_linked")
    assert shown["person"].name == "李娜" and [(r.area_code, r.role) for r in shown["roles"]] == [("G0101", "grid_worker")]
    person = await bot.db.read(people_db.by_telegram_id, li_na.id)
    assert person.name == "李娜"
    assert (await bot.db.read(audit.entries, f"person:{person.id}", "invite_redeemed"))[0]["actor_user"] == li_na.id
    assert code not in [p.code for p in await bot.db.read(invites_db.pending, stamp(clock.now()))]


async def test_an_invite_works_once(bot, driver, clock):
    code = await invite_code(bot, clock, "李娜")
    li_na, someone = await driver.user("李娜"), await driver.user("冒名者")
    await li_na.start(f"inv_{code}")
    await driver.expect(li_na.private)
    await li_na.shares_contact("13806320012")
    await driver.expect(li_na.private)

    await someone.start(f"inv_{code}")
    assert template_of(bot, await driver.expect(someone.private)) == "start/invite_used"
    assert await bot.db.read(people_db.by_telegram_id, someone.id) is None

    await li_na.start(f"inv_{code}")
    assert template_of(bot, await driver.expect(li_na.private)) == "start/invite_already_linked"


async def test_an_expired_invite_links_nobody(bot, driver, clock, settings):
    code = await invite_code(bot, clock, "张伟")
    clock.advance(timedelta(days=settings.invite_ttl_days, seconds=1))
    zhang = await driver.user("张伟")

    await zhang.start(f"inv_{code}")

    assert template_of(bot, await driver.expect(zhang.private)) == "start/invite_expired"
    assert await bot.db.read(people_db.by_telegram_id, zhang.id) is None


async def test_a_wrong_code_links_nobody(bot, driver):
    guesser = await driver.user("猜码的人", language_code="en")

    await guesser.start("inv_not-a-real-code")

    reply = await driver.expect(guesser.private)
    assert template_of(bot, reply) == "start/invite_unknown"
    assert await bot.db.read(people_db.by_telegram_id, guesser.id) is None


async def test_one_account_cannot_take_two_identities(bot, driver, clock):
    first, second = await invite_code(bot, clock, "李娜"), await invite_code(bot, clock, "张伟")
    li_na = await driver.user("李娜")
    await li_na.start(f"inv_{first}")
    await driver.expect(li_na.private)
    await li_na.shares_contact("13806320012")
    await driver.expect(li_na.private)

    await li_na.start(f"inv_{second}")

    assert template_of(bot, await driver.expect(li_na.private)) == "start/invite_account_taken"
    assert (await bot.db.read(people_db.by_telegram_id, li_na.id)).name == "李娜"
    assert second in [p.code for p in await bot.db.read(invites_db.pending, stamp(clock.now()))]


async def test_a_plain_start_welcomes_a_resident(bot, driver):
    resident = await driver.user("<b>居民</b>")

    await resident.start()

    reply = await driver.expect(resident.private)
    assert template_of(bot, reply) == "start/welcome" and "<b>居民</b>" in reply.text     # escaped, shown as typed
