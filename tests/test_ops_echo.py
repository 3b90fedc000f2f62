"""Nothing a person sends can make the bot's answer too long for Telegram: what is quoted back is shortened."""

from __future__ import annotations

from tests.scenario import expect_from, new_group, press_data, started

LEADER_G0101 = 900011


async def test_a_very_long_bind_code_gets_an_answer_quoting_its_start(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    group = await new_group(driver, "群", [leader], added_by=leader)

    await leader.says(group, "/bind " + "G" * 4100)

    reply = await driver.expect(group)
    assert "G" * 40 + "…" in reply.text and "G" * 41 not in reply.text


async def test_a_very_long_report_link_gets_an_answer_quoting_its_start(bot, driver):
    resident = await driver.user("居民")

    await resident.start("r_" + "x" * 5000)

    reply = await driver.expect(resident.private)
    assert "x" * 40 + "…" in reply.text and "x" * 41 not in reply.text


async def test_a_very_long_unknown_command_gets_an_answer(bot, driver):
    resident = await started(driver, "居民", 100)

    await resident.says(resident.private, "/x" + "y" * 4000)

    reply = await driver.expect(resident.private)
    assert "/help" in reply.text and "y" * 41 not in reply.text


async def test_a_very_long_broadcast_time_is_quoted_shortened(bot, driver):
    admin = await started(driver, "钱文华", 900002)
    await admin.says(admin.private, "/broadcast")
    message = await expect_from(driver, admin.private, "broadcast/ask_template")
    await press_data(admin, message, "b|tpl|free")
    await expect_from(driver, admin.private, "broadcast/ask_text")
    await admin.says(admin.private, "今晚停水")
    message = await expect_from(driver, admin.private, "broadcast/ask_audience")
    await press_data(admin, message, "b|aud|JH")
    message = await expect_from(driver, admin.private, "broadcast/ask_when")
    await press_data(admin, message, "b|when|at")
    await expect_from(driver, admin.private, "broadcast/ask_when_value")

    await admin.says(admin.private, "9" * 4000)

    reply = await expect_from(driver, admin.private, "broadcast/error/bad_time")
    assert "9" * 40 + "…" in reply.text and "9" * 41 not in reply.text
