"""Acting out the report loop: staff linking up, a resident filling in a report step by step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import messages
from bot.core.clock import stamp
from sandbox.driver import BotMessage, Person
from db import invites as invites_db
from db import reports as reports_db

ARRIVAL = {
    "kind": "arrival", "behalf": "self", "name": "赵小满", "phone": "13912345678", "origin": "上海市浦东新区",
    "arrival_date": "今天", "address": "府前小区3号楼2单元401", "travel": "train", "health": "normal",
    "test_result": "negative", "test_date": "昨天", "companions": "无",
}
DISPUTE = {
    "kind": "dispute", "behalf": "self", "category": "neighbours", "parties": "钱大爷与孙阿姨",
    "place": "府前小区5号楼楼道", "description": "楼道堆放杂物引发争吵", "urgency": "normal",
}
CONTACT_ASIDES = {"report/contact_offer", "report/contact_done"}
CHOICES = {"kind", "behalf", "travel", "health", "test_result", "category", "urgency"}
# Everything personal the tests type in; none of it may ever appear in a group chat.
PERSONAL = [ARRIVAL["name"], ARRIVAL["phone"], ARRIVAL["address"], DISPUTE["parties"], DISPUTE["place"],
            "王强", "李娜", "张伟", "孙丽", "钱文华", "13806320011", "13806320012"]


# Every text the bot renders while the tests run, so a test can ask which template a message came from
# instead of matching its wording.
RECORDING = messages.start_recording(maxlen=5000)
REPORT_NUMBER = re.compile(r"[A-Za-z0-9_-]+-\d{8}-\d{4}")


def template_of(bot, message: BotMessage) -> str:
    """The name of the template that produced `message` ("report/submitted", "report/toast_stale"), from
    what the bot sent (HTML as sent). `bot` may be None: the records are the whole test process's."""
    sent = message.data.get("html") or message.text or ""
    name = RECORDING.name_of(sent)
    assert name is not None, f"no template rendered {sent!r}"
    return name


def records_in(message: BotMessage) -> list[messages.Record]:
    """Every render found in what the bot sent, longest first, with the values it was rendered with: a message
    made of several (an error above the question it repeats) has them all."""
    return RECORDING.inside(message.data.get("html") or message.text or "")


def names_in(message: BotMessage | str) -> set[str]:
    """The templates found in a message, or in any text (what the command line printed)."""
    text = message if isinstance(message, str) else message.data.get("html") or message.text or ""
    return {r.name for r in RECORDING.inside(text)}


def context_of(message: BotMessage, name: str) -> dict:
    """The values template `name` was rendered with for this message (the rows of a confirmation, …)."""
    found = [r.context for r in records_in(message) if r.name == name]
    assert found, f"{name} is not in {message.text!r}"
    return dict(found[0])


async def expect_from(driver, chat_id: int | None, name: str) -> BotMessage:
    """The next message in the chat, which must be template `name`'s (a test names the message, not its words)."""
    message = await driver.expect(chat_id)
    assert template_of(None, message) == name, (name, names_in(message), message.text)
    return message


async def next_from(driver, chat_id: int | None, name: str, limit: int = 8) -> BotMessage:
    """The next message in the chat that holds a render of template `name`, past up to `limit` others."""
    seen = []
    for _ in range(limit):
        message = await driver.expect(chat_id)
        if name in names_in(message):
            return message
        seen.append(names_in(message) or message.text)
    raise AssertionError(f"no {name} in the next {limit} messages: {seen}")


def asked(message: BotMessage) -> str | None:
    """The step a report form question (`report/ask`) asks, as its key ("phone")."""
    return next((r.context["step"] for r in records_in(message) if r.name == "report/ask"), None)


def back_data(message: BotMessage) -> str:
    """The callback data of a form question's Back button (it names the step it leaves)."""
    return next(b["callback_data"] for b in message.buttons if b.get("callback_data", "").startswith("f|back|"))


def card_action(card: BotMessage, action: str) -> str:
    """The callback data of a report card's button (`acc`, `res`, `note`, `xfer`, `esc`)."""
    return next(b["callback_data"] for b in card.buttons if b.get("callback_data", "").endswith(f"|{action}"))


def history_of(card: BotMessage) -> list[tuple[str, str]]:
    """A report card's history as (action, who) pairs, oldest first ("" for the reporter or the system)."""
    return [(h["action"], h["actor"]) for h in context_of(card, "report/card")["history"]]


async def worker_data(bot, choices: BotMessage, name: str) -> str:
    """The callback data of the transfer list's button for staff member `name` (it carries their id)."""
    person_id = await bot.db.read(lambda conn: conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])
    return next(b["callback_data"] for b in choices.buttons if b.get("callback_data", "").endswith(f"|to|{person_id}"))


async def press_data(person: Person, message: BotMessage, data: str) -> str:
    """Press the button with this callback data: a test names the button, not its words."""
    assert data in {b.get("callback_data") for b in message.buttons}, (data, message.buttons)
    return await person.press_data(message.chat_id, message.message_id, data)


@dataclass
class Team:
    leader: Person
    workers: list[Person]
    community_admin: Person
    town_admin: Person
    group: int


async def eventually(check, timeout: float = 5.0):
    """Poll `check()` (async) until it returns something true: for changes the bot makes without a message."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.02)


async def new_group(driver, title: str, members: list[Person], added_by: Person, admin: bool = False) -> int:
    """A group with these members; `added_by` adds the bot, which introduces itself there."""
    group = await driver.group(title, members, added_by=added_by, admin=admin)
    await driver.expect(group)
    return group


async def link(bot, driver, clock, name: str, **user) -> Person:
    """A staff member opens their invite link, presses Start, and shares their contact when asked."""
    pending = await bot.db.read(invites_db.pending, stamp(clock.now()))
    code = next(p.code for p in pending if p.name == name)
    person = await driver.user(name, **user)
    await person.start(f"inv_{code}")
    ask = await driver.expect(person.private)
    assert any(b.get("request_contact") for row in ask.data["reply_markup"]["keyboard"] for b in row), ask.text
    await person.shares_contact(await roster_phone(bot, name))
    reply = await driver.expect(person.private)
    assert template_of(bot, reply) == "start/invite_linked", reply.text
    return person


async def roster_phone(bot, name: str) -> str:
    return await bot.db.read(lambda conn: conn.execute("SELECT phone FROM people WHERE name = ?", (name,)).fetchone()[0])


async def started(driver, name: str, user_id: int) -> Person:
    person = await driver.user(name, user_id=user_id)
    await person.start()
    await driver.expect(person.private)
    return person


async def team(bot, driver, clock, workers: tuple[str, ...] = ("李娜", "张伟")) -> Team:
    """G0101's team on Telegram, and its group bound."""
    leader = await started(driver, "王强", 900011)
    linked = [await link(bot, driver, clock, name) for name in workers]
    community_admin = await started(driver, "孙丽", 900003)
    town_admin = await started(driver, "钱文华", 900002)
    group = await new_group(driver, "府前社区第一网格居民群", [leader], added_by=leader)
    await leader.says(group, "/bind G0101")
    await driver.expect(group)
    return Team(leader, linked, community_admin, town_admin, group)


@dataclass
class Assigned:
    """A resident's dispute in G0101 and the card it put in the first worker's private chat."""

    crew: Team
    worker: Person
    resident: Person
    number: str
    card: BotMessage
    report: Any


async def assigned_dispute(bot, driver, clock) -> Assigned:
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(crew.workers[0].private)
    report = await bot.db.read(reports_db.by_number, number)
    return Assigned(crew, crew.workers[0], resident, number, card, report)


async def next_screen(driver, chat_id: int) -> BotMessage:
    """The next form screen in the chat, past the share-contact button's offer and its removal (own reports)."""
    while True:
        message = await driver.expect(chat_id)
        if not names_in(message) & CONTACT_ASIDES:
            return message


async def answer_step(driver, person: Person, question: BotMessage, key: str, value: str) -> BotMessage:
    if key in CHOICES:
        await press_data(person, question, f"f|{key}|{value}")
    else:
        await person.says(person.private, value)
    return await next_screen(driver, person.private)


async def fill(driver, person: Person, first_question: BotMessage, answers: dict[str, str]) -> BotMessage:
    """Answer every question in order; return the confirmation screen."""
    message = first_question
    for key, value in answers.items():
        message = await answer_step(driver, person, message, key, value)
    assert "f|submit" in {b.get("callback_data") for b in message.buttons}, message.text
    return message


async def report_from_group(driver, resident: Person, group: int, answers: dict[str, str] = ARRIVAL) -> str:
    """The whole loop from the resident's side: /report in the group, the deep link, the form, submit.
    Returns the report number the bot gave."""
    await resident.says(group, "/report")
    intake = await driver.expect(group)
    url = intake.buttons[0]["url"]
    payload = url.split("start=")[1]
    await resident.start(payload)
    first = await driver.expect(resident.private)
    confirm = await fill(driver, resident, first, answers)
    await press_data(resident, confirm, "f|submit")
    receipt = await driver.expect(resident.private)
    assert template_of(None, receipt) == "report/submitted", receipt.text
    return REPORT_NUMBER.search(receipt.text)[0]
