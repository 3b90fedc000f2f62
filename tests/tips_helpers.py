"""Acting out tips and gathering applications: filling a form by callback data and typed answers, pressing a
button by its data, and everything the bot sent to staff."""

from __future__ import annotations

from sandbox.driver import BotMessage, Person

# A tip, step by step: ("press", callback data) or ("say", text).
TIP = [("press", "f|kind|tip"), ("press", "f|subject|arrival"), ("say", "府前小区7号楼1单元302"),
       ("say", "今天上午"), ("say", "302室昨晚来了三个外地人，没有报备"), ("press", "f|media|done"),
       ("press", "f|anonymous|yes")]
TIPSTER = {"first_name": "秘密举报人", "username": "hidden_tipster", "user_id": 777123456}


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
