"""The sandbox answers python-telegram-bot as Telegram would, over real HTTP."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from sandbox import Sandbox, SandboxDriver


@pytest.fixture
async def sandbox():
    async with Sandbox() as server:
        yield server


@pytest.fixture
async def tg(sandbox):
    async with Bot(sandbox.token, base_url=sandbox.base_url,
                   request=HTTPXRequest(read_timeout=2, connect_timeout=2)) as bot:
        yield bot


@pytest.fixture
async def people(sandbox):
    async with SandboxDriver(sandbox.url) as driver:
        yield driver


async def test_get_me_and_a_wrong_token(sandbox, tg):
    assert tg.username == "gridbot_sandbox_bot"
    from telegram.error import InvalidToken

    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=sandbox.base_url):
            pass


async def test_private_chat_needs_start_and_ids_count_per_chat(tg, people):
    alice, bob = await people.user("Alice"), await people.user("Bob")
    with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
        await tg.send_message(alice.id, "hi")
    await alice.start()
    await bob.start()
    first = await tg.send_message(alice.id, "one")
    second = await tg.send_message(alice.id, "two")
    other = await tg.send_message(bob.id, "one")
    assert (first.message_id, second.message_id, other.message_id) == (2, 3, 2)
    await alice.block_bot()
    with pytest.raises(Forbidden, match="(?i)blocked"):
        await tg.send_message(alice.id, "three")


async def test_text_and_markup_limits(tg, people):
    user = await people.user("U")
    await user.start()
    await tg.send_message(user.id, "字" * 4096)
    with pytest.raises(BadRequest, match="(?i)too long"):
        await tg.send_message(user.id, "字" * 4097)
    await tg.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await tg.send_message(user.id, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await tg.send_message(user.id, "<b>unclosed", parse_mode="HTML")
    await tg.send_message(user.id, "a < b")
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await tg.send_message(user.id, "buttons", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await tg.send_message(user.id, "buttons", reply_markup=too_long)


async def test_edits_buttons_and_callback_answers(tg, people):
    user = await people.user("U")
    await user.start()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="acc:1")]])
    message = await tg.send_message(user.id, "任务", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await tg.edit_message_text("任务", chat_id=user.id, message_id=message.message_id, reply_markup=markup)
    await tg.edit_message_text("任务（已接单）", chat_id=user.id, message_id=message.message_id)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await tg.edit_message_reply_markup(chat_id=user.id, message_id=message.message_id)

    query_id = await user.press_data(user.id, message.message_id, "acc:1", forge=True)
    assert await tg.answer_callback_query(query_id, "好的")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await tg.answer_callback_query(query_id, "again")
    assert (await people.answer(query_id)).text == "好的"
    assert await tg.delete_message(user.id, message.message_id)
    with pytest.raises(BadRequest, match="(?i)not found"):
        await tg.delete_message(user.id, message.message_id)


async def test_groups_removal_migration_pins_documents(tg, people):
    admin = await people.user("Admin")
    group = await people.group("群", [admin], added_by=admin)
    sent = await tg.send_message(group, "通知")
    with pytest.raises(BadRequest, match="(?i)not enough rights"):
        await tg.pin_chat_message(group, sent.message_id)
    document = await tg.send_document(group, b"a,b\n1,2\n", filename="ledger.csv", caption="台账")
    assert document.document.file_name == "ledger.csv"
    assert (await tg.get_chat(group)).title == "群"
    assert (await tg.get_chat_member(group, admin.id)).status == "member"

    new_id = await people.migrate(group)
    with pytest.raises(ChatMigrated) as migrated:
        await tg.send_message(group, "通知")
    assert migrated.value.new_chat_id == new_id
    await people.add_bot(new_id, by=admin, admin=True)
    pinned = await tg.send_message(new_id, "置顶通知")
    assert await tg.pin_chat_message(new_id, pinned.message_id)
    await people.remove_bot(new_id, by=admin)
    with pytest.raises(Forbidden, match="(?i)kicked"):
        await tg.send_message(new_id, "通知")


async def test_long_polling_offsets_and_allowed_updates(tg, people):
    user = await people.user("U")
    assert await tg.get_updates(timeout=0) == ()
    waiting = asyncio.create_task(tg.get_updates(timeout=5, read_timeout=10))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await user.says(user.id, "hello")
    updates = await waiting
    assert time.monotonic() - started < 2
    assert updates[0].message.text == "hello"
    assert await tg.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

    group = await people.group("群", [user], added_by=user)
    await user.says(group, "/bind G1")
    only_messages = await tg.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in only_messages] == ["/bind G1"]
    assert only_messages[0].message.entities[0].type == "bot_command"

    await tg.set_webhook("https://example.invalid/hook")
    with pytest.raises(Conflict):
        await tg.get_updates(timeout=0)
    await tg.delete_webhook()


async def test_injected_faults(tg, people):
    user = await people.user("U")
    await user.start()
    await people.fault("retry_after", "sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as retry:
        await tg.send_message(user.id, "x")
    assert retry.value.retry_after in (3, __import__("datetime").timedelta(seconds=3))
    await people.fault("server_error", "sendMessage", status=502)
    with pytest.raises(NetworkError):
        await tg.send_message(user.id, "x")
    await people.fault("slow", "sendMessage", delay=3)
    with pytest.raises(TimedOut):
        await tg.send_message(user.id, "x")
    await people.fault("drop", "sendMessage")
    with pytest.raises(NetworkError):
        await tg.send_message(user.id, "x")
    await tg.send_message(user.id, "works again")
    assert (await people.stats())["injected"] == {"retry_after": 1, "server_error": 1, "slow": 1, "drop": 1}


async def test_rate_limits_answer_429(tg, people):
    user = await people.user("U")
    group = await people.group("群", [user], added_by=user)
    await people.limits(group_per_min=20)
    for _ in range(20):
        await tg.send_message(group, "x")
    with pytest.raises(RetryAfter):
        await tg.send_message(group, "x")
    await people.limits(overall_per_sec=5)
    sent = refused = 0
    for _ in range(8):
        try:
            await tg.send_message(group, "y")
            sent += 1
        except RetryAfter:
            refused += 1
    assert sent == 5 and refused == 3
    assert (await people.stats())["refused_429"] == 4
