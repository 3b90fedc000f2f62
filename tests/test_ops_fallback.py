"""No silence in private: a photo, sticker, location, contact, voice, file, video, an edited message or an
unknown command each gets a short answer saying what the bot expects now. In groups the bot stays quiet,
except for a command addressed to it by name, and never echoes what was posted."""

from __future__ import annotations

import pytest

from db import conversations as conv_db
from tests.scenario import answer_step, new_group, started

LEADER_G0101 = 900011
POSTS = {
    "photo": {"photo": [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]},
    "sticker": {"sticker": {"file_id": "s1", "file_unique_id": "su1", "type": "regular", "width": 512,
                            "height": 512, "is_animated": False, "is_video": False}},
    "location": {"location": {"latitude": 35.08, "longitude": 117.15}},
    "contact": {"contact": {"phone_number": "13806320011", "first_name": "王强"}},
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}},
    "document": {"document": {"file_id": "d1", "file_unique_id": "du1", "file_name": "病历.pdf"}},
    "video": {"video": {"file_id": "m1", "file_unique_id": "mu1", "width": 1, "height": 1, "duration": 1}},
}


def callbacks(message) -> set[str]:
    return {b.get("callback_data") for b in message.buttons}


async def form_state(bot, user_id):
    found = await bot.db.read(conv_db.get, user_id)
    return found[0] if found else None


@pytest.mark.parametrize("kind", sorted(POSTS))
async def test_mid_form_anything_but_text_asks_the_current_question_again(bot, driver, kind):
    resident = await driver.user("居民")
    await resident.start("r_G0101")
    question = await driver.expect(resident.private)
    before = await form_state(bot, resident.id)

    await resident.posts(resident.private, **POSTS[kind])

    reply = await driver.expect(resident.private)
    assert callbacks(reply) == callbacks(question) and "f|kind|arrival" in callbacks(reply)
    assert reply.text.endswith(question.text)
    assert await form_state(bot, resident.id) == before


async def test_mid_form_a_photo_at_a_typed_question_names_that_question(bot, driver):
    resident = await driver.user("居民")
    await resident.start("r_G0101")
    question = await driver.expect(resident.private)
    question = await answer_step(driver, resident, question, "kind", "arrival")
    question = await answer_step(driver, resident, question, "behalf", "self")

    await resident.posts(resident.private, **POSTS["photo"])

    reply = await driver.expect(resident.private)
    assert reply.text.endswith(question.text) and "f|back|name" in callbacks(reply)


async def test_without_a_form_anything_but_text_points_to_help(bot, driver):
    resident = await started(driver, "居民", 100)
    for kind in ("sticker", "location", "voice"):
        await resident.posts(resident.private, **POSTS[kind])
        reply = await driver.expect(resident.private)
        assert "/help" in reply.text and not reply.buttons


async def test_an_edit_is_not_taken_as_an_answer_and_the_question_is_asked_again(bot, driver):
    resident = await driver.user("居民")
    await resident.start("r_G0101")
    question = await driver.expect(resident.private)
    question = await answer_step(driver, resident, question, "kind", "arrival")
    question = await answer_step(driver, resident, question, "behalf", "self")
    sent = await resident.says(resident.private, "赵小满")
    phone_question = await driver.expect(resident.private)
    await driver.expect(resident.private)                  # the share-contact button offered beside it

    await resident.edits(sent, "/start r_G0102")

    reply = await driver.expect(resident.private)
    assert reply.text.endswith(phone_question.text)
    state = await form_state(bot, resident.id)
    assert state["grid"] == "G0101" and state["answers"]["name"] == "赵小满" and "phone" not in state["answers"]


async def test_an_unknown_command_in_private_points_to_help_or_the_current_question(bot, driver):
    resident = await started(driver, "居民", 100)
    await resident.says(resident.private, "/frobnicate")
    assert "/help" in (await driver.expect(resident.private)).text

    await resident.start("r_G0101")
    question = await driver.expect(resident.private)
    await resident.says(resident.private, "/frobnicate")
    reply = await driver.expect(resident.private)
    assert "/frobnicate" in reply.text and reply.text.endswith(question.text)
    assert callbacks(reply) == callbacks(question)


async def test_in_a_group_only_a_command_addressed_to_the_bot_is_answered(bot, driver):
    leader = await driver.user("王强", user_id=LEADER_G0101)
    resident = await driver.user("居民")
    group = await new_group(driver, "群", [leader, resident], added_by=leader)

    for kind in ("photo", "location", "contact", "sticker"):
        await resident.posts(group, **POSTS[kind])
    await resident.says(group, "/frobnicate")
    await resident.says(group, "/report@some_other_bot")
    message = await resident.says(group, "/help")
    await resident.edits(message, "/help@gridbot_sandbox_bot")
    await resident.says(group, "/frobnicate@gridbot_sandbox_bot")

    help_reply = await driver.expect(group)                 # the first thing the bot said after its intro
    assert "/report" in help_reply.text and "/frobnicate" not in help_reply.text
    pointer = await driver.expect(group)
    assert "/frobnicate" in pointer.text and "/help" in pointer.text
    await driver.idle()
    assert len(await driver.sent(group)) == 3               # intro, /help, the pointer: nothing else
