"""Acting out tips and gathering applications: filling a form by callback data and typed answers, pressing a
button by its data, and everything the bot sent to staff."""

from __future__ import annotations

from messages.catalog import translations
from sandbox.driver import BotMessage, Person
from tests.scenario import context_of, expect_from, next_from

# A tip, step by step: ("press", callback data) or ("say", text).
TIP = [("press", "f|kind|tip"), ("press", "f|subject|arrival"), ("say", "府前小区7号楼1单元302"),
       ("say", "今天上午"), ("say", "302室昨晚来了三个外地人，没有报备"), ("press", "f|media|done"),
       ("press", "f|anonymous|yes")]
TIPSTER = {"first_name": "秘密举报人", "username": "hidden_tipster", "user_id": 777123456}


def sentence(msgid: str, **params: object) -> str:
    """One sentence of a message, named by its msgid, as the zh_CN catalog words it: for a part a template shows or
    leaves out (the anonymity note of a receipt), which the template's name alone does not tell."""
    text = translations("zh_CN").gettext(msgid)
    return text % params if params else text


def datas(message: BotMessage) -> list[str]:
    return [b.get("callback_data", "") for b in message.buttons]


async def press(person: Person, message: BotMessage, data: str) -> str:
    """Press the button with this callback data (it must be on the message)."""
    assert data in datas(message), f"no {data} in {datas(message)}: {message.text}"
    assert message.chat_id is not None and message.message_id is not None
    return await person.press_data(message.chat_id, message.message_id, data)


async def expect_buttons(driver, chat_id: int) -> BotMessage:
    """The next message with buttons in the chat (notes before it skipped)."""
    while True:
        message = await driver.expect(chat_id)
        if message.buttons:
            return message


async def perform(driver, person: Person, first: BotMessage, steps: list[tuple[str, str]]) -> BotMessage:
    """Answer each step; return the screen after the last (the confirmation, for a whole form)."""
    message = first
    for how, value in steps:
        if how == "press":
            await press(person, message, value)
        else:
            await person.says(person.private, value)
        message = await expect_buttons(driver, person.private)
    return message


async def start_from_group(driver, person: Person, group: int) -> BotMessage:
    """/report in the grid's group, then the deep link: the first question in private."""
    await person.says(group, "/report")
    intake = await driver.expect(group)
    await person.start(intake.buttons[0]["url"].split("start=")[1])
    return await driver.expect(person.private)


async def submit(driver, person: Person, confirm: BotMessage) -> BotMessage:
    assert "f|submit" in datas(confirm), confirm.text
    await press(person, confirm, "f|submit")
    return await driver.expect(person.private)


async def send_tip(driver, person: Person, group: int, steps: list[tuple[str, str]] = TIP) -> BotMessage:
    """The whole tip from the resident's side; the receipt."""
    first = await start_from_group(driver, person, group)
    return await submit(driver, person, await perform(driver, person, first, steps))


async def staff_texts(driver, staff_ids: list[int]) -> list[str]:
    """Every text, caption, button and answer the bot sent to these private chats."""
    out = []
    for event in await driver.events(0, None, kinds=None):
        if event.chat_id in staff_ids:
            out.append(f"{event.text or ''} {event.data}")
    return out


async def forge(driver, person: Person, data: str) -> BotMessage:
    """Press a button that was never offered (callback data is the client's to send): on the last message the
    bot sent the person. Returns the bot's answer to the press."""
    last = [m for m in await driver.sent(person.private) if m.message_id is not None][-1]
    return await driver.answer(await person.press_data(person.private, last.message_id, data, forge=True))


def application(people: int, day: str = "2026-04-12", hours: str = "11:00-14:00", occasion: str = "banquet"
                ) -> list[tuple[str, str]]:
    """A gathering application, step by step, from the kind on."""
    return [("press", "f|kind|gathering"), ("press", f"f|occasion|{occasion}"), ("say", day), ("say", hours),
            ("say", "府前小区活动中心"), ("say", str(people)), ("say", "周大勇"), ("say", "13912348888"),
            ("say", "控制人数，分餐，通风"), ("press", "f|media|done")]


async def apply(driver, person: Person, group: int, people: int, **kw: str) -> BotMessage:
    """The whole application from the group's /report; the receipt."""
    return await send_tip(driver, person, group, application(people, **kw))


def report_id(card: BotMessage) -> int:
    return int(next(d for d in datas(card) if d.count("|") == 2).split("|")[1])


async def approved_banquet(driver, crew, people: int = 30) -> int:
    """A banquet applied for in the grid's group and approved by its leader with a condition; its report id."""
    await apply(driver, await driver.user("周大勇"), crew.group, people)
    card = await expect_buttons(driver, crew.leader.private)
    rid = report_id(card)
    await press(crew.leader, card, f"g|{rid}|ok")
    await expect_from(driver, crew.leader.private, "asides/ask_conditions")
    await crew.leader.says(crew.leader.private, "限 30 人以内")
    # Waited for, so that a test skipping the leader's chat next skips it too.
    await expect_from(driver, crew.leader.private, "asides/outcome/approved")
    return rid


async def rewarded_tip(driver, crew, tipster: Person) -> str:
    """A tip sent, verified by the worker and its reward approved by the leader; the claim code."""
    await send_tip(driver, tipster, crew.group)
    card = await expect_buttons(driver, crew.workers[0].private)
    await press(crew.workers[0], card, f"t|{report_id(card)}|ver")
    await driver.expect(crew.workers[0].private)
    await crew.workers[0].says(crew.workers[0].private, "属实")
    approval = await expect_buttons(driver, crew.leader.private)
    await press(crew.leader, approval, next(d for d in datas(approval) if d.endswith("|ok")))
    told = await next_from(driver, tipster.private, "rewards/approved")
    return str(context_of(told, "rewards/approved")["reward"].claim_code)
