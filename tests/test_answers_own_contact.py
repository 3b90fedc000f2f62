"""Reporting for oneself: the Telegram name is offered as the name, and Telegram's share-contact button fills the
phone (only one's own contact, only at that step); binding still takes the contacts it waits for."""

from __future__ import annotations

from db import conversations as conv_db
from tests.scenario import asked, names_in, press_data, template_of


async def at_name_step(driver, resident, behalf="self"):
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/report")
    await driver.expect(resident.private)
    await resident.says(resident.private, "G0101")
    kinds = await driver.expect(resident.private)
    behalf_question = await press(driver, resident, kinds, "f|kind|arrival")
    return await press(driver, resident, behalf_question, f"f|behalf|{behalf}")


async def press(driver, person, message, data):
    await press_data(person, message, data)
    return await driver.expect(person.private)


async def answers(bot, person):
    state, _ = await bot.db.read(conv_db.get, person.id)
    return state["answers"]


async def test_own_report_takes_the_telegram_name_and_shared_phone(bot, driver):
    resident = await driver.user("赵小满", phone_number="8613912345678")
    name = await at_name_step(driver, resident)
    assert asked(name) == "name"
    button = next(b for b in name.buttons if b["callback_data"] == "f|name|telegram")
    assert button["text"] == "赵小满"

    phone = await press(driver, resident, name, "f|name|telegram")
    assert asked(phone) == "phone"
    offer = await driver.expect(resident.private)
    assert template_of(bot, offer) == "report/contact_offer"
    assert any(b.get("request_contact") for b in await driver.keyboard(resident.private))

    await resident.shares_contact()                                     # taps the request_contact button
    done = await driver.expect(resident.private)
    assert template_of(bot, done) == "report/contact_done" and done.removes_keyboard
    assert asked(await driver.expect(resident.private)) == "origin"
    assert await driver.keyboard(resident.private) == []
    assert {k: v for k, v in (await answers(bot, resident)).items() if k in ("name", "phone")} == \
        {"name": "赵小满", "phone": "13912345678"}

    await resident.shares_contact("8613912345678")                      # no step waits for one now
    assert "fallback/received" in names_in(await driver.expect(resident.private))
    assert "phone" in await answers(bot, resident)


async def test_someone_elses_contact_is_not_taken_and_typing_still_works(bot, driver):
    resident = await driver.user("赵小满", phone_number="8613912345678")
    name = await at_name_step(driver, resident)
    await resident.says(resident.private, "赵 小满")
    assert asked(await driver.expect(resident.private)) == "phone"
    await driver.expect(resident.private)                               # the share-contact offer

    await resident.shares_contact("13800000000", own=False, contact_user_id=777)
    refused = await driver.expect(resident.private)
    assert "report/invalid/not_own_contact" in names_in(refused) and asked(refused) == "phone"
    assert "phone" not in await answers(bot, resident)
    assert template_of(bot, await driver.expect(resident.private)) == "report/contact_offer"     # offered again

    await resident.says(resident.private, "13700001111")
    assert template_of(bot, await driver.expect(resident.private)) == "report/contact_done"
    assert asked(await driver.expect(resident.private)) == "origin"
    assert (await answers(bot, resident))["phone"] == "13700001111"


async def test_reporting_for_someone_else_offers_neither(bot, driver):
    resident = await driver.user("赵小满", phone_number="8613912345678")
    name = await at_name_step(driver, resident, behalf="other")
    assert "f|name|telegram" not in {b["callback_data"] for b in name.buttons}
    await resident.says(resident.private, "钱大爷")
    assert asked(await driver.expect(resident.private)) == "phone"
    assert await driver.keyboard(resident.private) == []
    await resident.shares_contact("13800000000")
    assert "fallback/received" in names_in(await driver.expect(resident.private))
