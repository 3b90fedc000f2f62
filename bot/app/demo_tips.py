"""The end of `gridbot demo`: an anonymous tip verified and rewarded (with a question relayed to the tipster), a
banquet application approved with a condition and checked on site, and a dispute with a photo and a place."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from bot.app.demo import Transcript, check
from bot.app.harness import Running
from bot.core.clock import ManualClock
from bot.core.config import Settings
from messages import render
from sandbox.driver import BotMessage, Person


class Scene:
    """The demo's people and chats, and how to act in them with the transcript printed."""

    def __init__(self, bot: Running, out: Transcript, settings: Settings, clock: ManualClock, group: int,
                 worker: Person, leader: Person) -> None:
        self.bot, self.drv, self.out, self.settings, self.clock = bot, bot.driver, out, settings, clock
        self.group, self.worker, self.leader = group, worker, leader

    async def person(self, name: str, **user: Any) -> Person:
        person = await self.drv.user(name, **user)
        self.out.chat_names[person.id] = render("demo/private_chat", self.settings.locale, name=name)
        return person

    async def expect(self, chat_id: int, buttons: bool = False) -> BotMessage:
        """The next message in the chat (with `buttons`, the next one that has some)."""
        while True:
            message = await self.drv.expect(chat_id)
            self.out.bot(message)
            if message.buttons or not buttons:
                return message

    async def press(self, person: Person, message: BotMessage, data: str) -> None:
        button = next((b for b in message.buttons if b.get("callback_data") == data), None)
        check(button is not None, f"no button {data} for {person.first_name}")
        assert button is not None and message.chat_id is not None and message.message_id is not None
        self.out.pressed(person, message.chat_id, button["text"])
        await person.press_data(message.chat_id, message.message_id, data)

    async def say(self, person: Person, text: str, chat_id: int | None = None) -> None:
        self.out.said(person, person.private if chat_id is None else chat_id, text)
        await person.says(person.private if chat_id is None else chat_id, text)

    async def sends(self, person: Person, kind: str, **spec: Any) -> None:
        self.out.sent(person, person.private, kind)
        await person.sends(kind, **spec)

    async def form(self, person: Person, steps: list[tuple[str, Any]]) -> str:
        """/report in the group, the deep link, each step (a press, typed text, or something sent), submit; the
        receipt's text."""
        await self.drv.skip(self.group)
        await self.say(person, "/report", self.group)
        link = await self.expect(self.group)
        payload = link.buttons[0]["url"].split("start=")[1]
        await self.say(person, f"/start {payload}")
        message = await self.expect(person.private, buttons=True)
        for how, value in steps:
            if how == "press":
                await self.press(person, message, value)
            elif how == "say":
                await self.say(person, value)
            else:
                await self.sends(person, how, **value)
            message = await self.expect(person.private, buttons=True)
        await self.press(person, message, "f|submit")
        return (await self.expect(person.private)).text or ""

    def card_id(self, card: BotMessage) -> str:
        data = next(str(b["callback_data"]) for b in card.buttons if str(b["callback_data"]).count("|") == 2)
        return data.split("|")[1]

    async def tick_at(self, moment: datetime) -> None:
        minutes = int((moment - self.clock.now()).total_seconds() // 60)
        self.clock.advance(moment - self.clock.now())
        self.out.step("time_passes", minutes=minutes)
        await self.bot.runtime.tick()


async def tip(scene: Scene) -> None:
    scene.out.step("tip")
    await scene.drv.skip(scene.leader.private)
    tipster = await scene.person("热心居民", username="rexin_jumin")
    receipt = await scene.form(tipster, [
        ("press", "f|kind|tip"), ("press", "f|subject|arrival"), ("say", "府前小区7号楼1单元302"),
        ("say", "今天上午"), ("say", "302室昨晚来了三个外地人，至今没有报备"), ("press", "f|media|done"),
        ("press", "f|anonymous|yes")])
    check("匿名" in receipt, "the tipster was not told they are anonymous")
    card = await scene.expect(scene.worker.private, buttons=True)
    check("热心居民" not in (card.text or "") and "rexin_jumin" not in (card.text or ""), "the card names the tipster")
    rid = scene.card_id(card)
    await scene.press(scene.worker, card, f"q|{rid}|ask")
    await scene.expect(scene.worker.private)
    await scene.say(scene.worker, "请问这三个人是从哪里来的？")
    await scene.expect(scene.worker.private)
    question = await scene.expect(tipster.private, buttons=True)
    await scene.press(tipster, question, f"q|{rid}|reply")
    await scene.expect(tipster.private)
    await scene.say(tipster, "听口音像是东北来的，开一辆吉A牌照的车")
    await scene.expect(tipster.private)
    answer = await scene.expect(scene.worker.private, buttons=True)
    check("吉A" in (answer.text or ""), "the tipster's answer was not relayed")
    await scene.press(scene.worker, card, f"t|{rid}|ver")
    await scene.expect(scene.worker.private)
    await scene.say(scene.worker, "已上门核实：三人从吉林返回未报备，已补登记并落实居家监测")
    await scene.expect(scene.worker.private)
    await scene.expect(tipster.private)
    approval = await scene.expect(scene.leader.private, buttons=True)
    await scene.press(scene.leader, approval, next(b["callback_data"] for b in approval.buttons
                                                   if b["callback_data"].endswith("|ok")))
    claim = await scene.expect(tipster.private)
    check("领取码" in (claim.text or "") or "Claim code" in (claim.text or ""), "the tipster got no claim code")


async def gathering(scene: Scene) -> None:
    scene.out.step("gathering")
    organizer = await scene.person("周大勇")
    day = (scene.clock.now().astimezone(scene.settings.tz) + timedelta(days=2)).date()
    await scene.form(organizer, [
        ("press", "f|kind|gathering"), ("press", "f|occasion|banquet"), ("say", day.isoformat()),
        ("say", "11:00-14:00"), ("say", "府前小区活动中心"), ("say", "40"), ("say", "周大勇"), ("say", "13912348888"),
        ("say", "控制人数，进门测温，分餐"), ("press", "f|media|done")])
    card = await scene.expect(scene.leader.private, buttons=True)
    rid = scene.card_id(card)
    await scene.press(scene.leader, card, f"g|{rid}|ok")
    await scene.expect(scene.leader.private)
    await scene.say(scene.leader, "控制在 40 人以内，不设流水席")
    await scene.expect(scene.leader.private)
    approved = await scene.expect(organizer.private)
    check("流水席" in (approved.text or ""), "the applicant was not told the condition")
    hour = time(scene.settings.gathering_remind_hour)
    await scene.drv.skip(scene.worker.private)
    await scene.tick_at(datetime.combine(day - timedelta(days=1), hour, tzinfo=scene.settings.tz))
    await scene.expect(scene.worker.private, buttons=True)
    await scene.tick_at(datetime.combine(day, hour, tzinfo=scene.settings.tz))
    reminder = await scene.expect(scene.worker.private, buttons=True)
    await scene.press(scene.worker, reminder, f"g|{rid}|chk")
    kept = await scene.expect(scene.worker.private, buttons=True)
    await scene.press(scene.worker, kept, "a|kept|kept")
    await scene.expect(scene.worker.private)
    await scene.say(scene.worker, "现场约 35 人，已测温，未设流水席")
    await scene.expect(scene.worker.private)
    await scene.sends(scene.worker, "photo", body="banquet", caption="现场照片")
    done = await scene.expect(scene.worker.private, buttons=True)
    await scene.press(scene.worker, done, "a|media|done")
    recorded = await scene.expect(scene.worker.private)
    check("按审批要求" in (recorded.text or "") or "keeps to its approval" in (recorded.text or ""),
          "the check on site was not recorded")


async def dispute(scene: Scene) -> None:
    scene.out.step("media")
    resident = await scene.person("孙大姐")
    await scene.drv.skip(scene.worker.private)
    await scene.form(resident, [
        ("press", "f|kind|dispute"), ("press", "f|behalf|self"), ("press", "f|category|property"),
        ("say", "6号楼住户与物业"),
        ("venue", {"latitude": 35.0815, "longitude": 117.1531, "title": "府前小区6号楼", "address": "府前路20号"}),
        ("photo", {"body": "leak", "caption": "楼顶漏水三个月，物业一直不修"}), ("press", "f|urgency|normal")])
    card = await scene.expect(scene.worker.private, buttons=True)
    check("府前小区6号楼" in (card.text or "") and "href" in str(card.data.get("html")), "the card has no map link")
    sent: list[BotMessage] = []
    after = card.data["seq"]
    while len(sent) < 2:                # the photo and the pin follow the card through the outbox
        more = await scene.drv.events(after, scene.worker.private, timeout=5, kinds=["photo", "location"])
        check(bool(more), "the worker did not get the photo and the place")
        sent, after = sent + more, more[-1].data["seq"]
    for event in sent:
        scene.out.sent_by_bot(event.chat_id or 0, event.kind)
    groups = [e for e in await scene.drv.events(0, None, kinds=["photo", "location"]) if (e.chat_id or 0) < 0]
    check(not groups, "a photo or a place was posted in a group")


async def field_scenario(bot: Running, out: Transcript, settings: Settings, clock: ManualClock, group: int,
                         worker: Person, leader: Person) -> None:
    scene = Scene(bot, out, settings, clock, group, worker, leader)
    await tip(scene)
    await gathering(scene)
    await dispute(scene)
