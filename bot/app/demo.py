"""`gridbot demo`: a sample city, the sandbox and the bot together, a scripted scenario, a transcript."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from bot.core.clock import ManualClock, SystemClock, stamp
from bot.core.config import Settings
from bot.app.harness import running_bot
from bot.services.invite_links import invite_link
from bot.services.org_import import import_org
from sandbox.driver import BotMessage, Person
from db import broadcasts as broadcasts_db
from db import chats as chats_db
from db import invites as invites_db
from db import reports as reports_db
from bot.core.errors import GridbotError
from db import open_database
from messages import Recording, label, recording, render


class DemoFailed(GridbotError):
    """The demo saw something other than what it expected."""


class Transcript:
    def __init__(self, locale: str, quiet: bool) -> None:
        self.locale, self.quiet = locale, quiet
        self.chat_names: dict[int, str] = {}

    def step(self, name: str, **values: Any) -> None:
        self._print("\n" + render(f"demo/step_{name}", self.locale, **values))

    def said(self, who: Person, chat_id: int, text: str) -> None:
        self._print(render("demo/line", self.locale, chat=self.chat_names[chat_id], who=who.first_name, text=text))

    def pressed(self, who: Person, chat_id: int, label: str) -> None:
        self._print(render("demo/press_line", self.locale, chat=self.chat_names[chat_id], who=who.first_name,
                           label=label))

    def sent(self, who: Person, chat_id: int, kind: str) -> None:
        """A person sent something other than text (a photo, a place)."""
        self._print(render("demo/sent_line", self.locale, chat=self.chat_names[chat_id], who=who.first_name, kind=kind))

    def sent_by_bot(self, chat_id: int, kind: str) -> None:
        self._print(render("demo/bot_sent_line", self.locale, chat=self.chat_names[chat_id], kind=kind))

    def bot(self, message: BotMessage) -> None:
        self._print(render("demo/bot_line", self.locale, chat=self.chat_names.get(message.chat_id or 0, ""),
                           text=message.text))

    def _print(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)


def sample_city() -> tuple[Path, Path]:
    base = resources.files("bot.app") / "sample_city"
    return Path(str(base / "areas.csv")), Path(str(base / "staff.csv"))


async def run_demo(settings: Settings, quiet: bool = False) -> int:
    """Run the scenario; 0 when every step did what it should (in any locale: it presses buttons by their
    callback data and checks which template each message came from, never their words)."""
    with tempfile.TemporaryDirectory(prefix="gridbot-demo-") as tmp, recording() as rendered:
        settings = replace(settings, database=str(Path(tmp) / "demo.sqlite3"))
        try:
            await _scenario(settings, Transcript(settings.locale, quiet), rendered)
        except (DemoFailed, AssertionError) as exc:
            print(render("demo/failed", settings.locale, reason=str(exc)), file=sys.stderr)
            return 1
    print(render("demo/passed", settings.locale))
    return 0


def check(condition: bool, what: str) -> None:
    if not condition:
        raise DemoFailed(what)


def action(card: BotMessage, name: str) -> str:
    """The callback data of a report card's button (`acc`, `res`, …)."""
    return next(str(b["callback_data"]) for b in card.buttons if b.get("callback_data", "").endswith(f"|{name}"))


async def _scenario(settings: Settings, out: Transcript, rendered: Recording) -> None:
    def came_from(message: BotMessage, name: str) -> bool:
        return rendered.name_of(message.data.get("html") or message.text or "") == name
    from bot.app.demo_tips import field_scenario        # imported here: these build on this module
    from bot.app.demo_tasks import service_tasks
    from bot.app.ledger_demo import finish as ledger_finish

    clock = ManualClock(SystemClock().now())
    db = await open_database(settings.database)
    try:
        areas, staff = sample_city()
        result = await db.write(import_org, areas, staff, clock.now(), timedelta(days=settings.invite_ttl_days))
        out.step("import", r=result)
        async with running_bot(settings, clock, db=db) as bot:
            drv = bot.driver
            username = bot.application.bot.username

            async def user(name: str, user_id: int | None = None) -> Person:
                """Everyone in the demo speaks the configured locale, so the transcript shows one language."""
                return await drv.user(name, user_id, language_code="en" if settings.locale == "en" else "zh-hans")

            async def say(person: Person, chat_id: int, text: str) -> BotMessage:
                await drv.skip(chat_id)
                out.said(person, chat_id, text)
                await person.says(chat_id, text)
                reply = await drv.expect(chat_id)
                out.bot(reply)
                return reply

            # A grid worker links her Telegram account through her invite link.
            li_na = await user("李娜")
            out.chat_names[li_na.id] = render("demo/private_chat", settings.locale, name=li_na.first_name)
            pending = await db.read(invites_db.pending, stamp(clock.now()))
            code = next(p.code for p in pending if p.name == "李娜")
            out.step("invite", link=invite_link(username, code))
            await say(li_na, li_na.private, f"/start inv_{code}")
            await drv.skip(li_na.private)                      # she proves it is her: her own contact
            out.said(li_na, li_na.private, "📱 13806320012")
            await li_na.shares_contact("13806320012")
            reply = await drv.expect(li_na.private)
            out.bot(reply)
            check("G0101" in (reply.text or ""), "the invite did not link 李娜 to grid G0101")
            await say(li_na, li_na.private, "/whoami")

            # The grid leader binds the grid's group chat.
            wang = await user("王强", user_id=900011)
            out.chat_names[wang.id] = render("demo/private_chat", settings.locale, name=wang.first_name)
            await wang.start()
            await drv.expect(wang.private)
            residents = [await user(n) for n in ("居民甲", "居民乙")]
            group = await drv.group("府前社区第一网格居民群", [wang, *residents], added_by=wang, admin=True)
            out.chat_names[group] = render("demo/group_chat", settings.locale, title="府前社区第一网格居民群")
            out.step("bind")
            out.bot(await drv.expect(group))                 # the bot introduces itself
            reply = await say(wang, group, "/bind G0101")
            bound = await db.read(chats_db.get, group)
            check(bound is not None and bound.area_id is not None, "the leader's /bind did not bind the group")

            # A stranger tries to bind another group to the same grid, and is refused.
            stranger = await user("路人")
            other = await drv.group("随便聊聊群", [stranger], added_by=stranger)
            out.chat_names[other] = render("demo/group_chat", settings.locale, title="随便聊聊群")
            await drv.expect(other)
            out.step("stranger")
            await say(stranger, other, "/bind G0101")
            refused = await db.read(chats_db.get, other)
            check(refused is None or refused.area_id is None, "a stranger's /bind changed the binding")
            kept = await db.read(chats_db.get, group)
            check(kept is not None and kept.area_id == (bound.area_id if bound else None), "the grid lost its group")

            async def press(person: Person, message: BotMessage, data: str) -> None:
                button = next((b for b in message.buttons if b.get("callback_data") == data), None)
                if button is None or message.chat_id is None or message.message_id is None:
                    raise DemoFailed(f"no button {data} in {message.buttons}")
                out.pressed(person, message.chat_id, button["text"])
                await person.press_data(message.chat_id, message.message_id, data)

            async def expect(chat_id: int) -> BotMessage:
                message = await drv.expect(chat_id)
                out.bot(message)
                return message

            async def perform(person: Person, message: BotMessage, steps: list[tuple[str, str]]) -> BotMessage:
                """Press buttons and type answers in private, one step per bot message with buttons."""
                for kind, value in steps:
                    if kind == "press":
                        await press(person, message, value)
                    else:
                        out.said(person, person.private, value)
                        await person.says(person.private, value)
                    message = await expect(person.private)
                    while not message.buttons:         # a preview, or a notice, comes before the question
                        message = await expect(person.private)
                return message

            async def fill(person: Person, group_id: int, answers: list[tuple[str, str]]) -> str:
                await drv.skip(group_id)
                out.said(person, group_id, "/report")
                await person.says(group_id, "/report")
                link = await expect(group_id)
                out.chat_names[person.id] = render("demo/private_chat", settings.locale, name=person.first_name)
                payload = link.buttons[0]["url"].split("start=")[1]
                out.said(person, person.private, f"/start {payload}")
                await person.start(payload)
                question = await perform(person, await expect(person.private), answers)
                await press(person, question, "f|submit")
                receipt = await expect(person.private)
                check("G0101-" in (receipt.text or ""), "the resident got no report number")
                return receipt.text or ""

            # A resident reports an arrival; the worker on duty accepts and resolves it.
            out.step("arrival")
            zhang = await user("赵小满")
            await fill(zhang, group, [
                ("press", "f|kind|arrival"), ("press", "f|behalf|self"), ("say", "赵小满"), ("say", "13912345678"),
                ("say", "山东省济南市历下区"), ("say", "今天"), ("say", "府前小区3号楼2单元401"),
                ("press", "f|travel|train"), ("press", "f|health|normal"), ("press", "f|test_result|negative"),
                ("say", "昨天"), ("say", "无")])
            card = await expect(li_na.private)
            check("赵小满" in (card.text or ""), "the worker's card lacks the report")
            await press(li_na, card, action(card, "acc"))
            await expect(zhang.private)
            await press(li_na, card, action(card, "res"))
            await expect(li_na.private)
            out.said(li_na, li_na.private, "已上门登记，告知居家健康监测注意事项")
            await li_na.says(li_na.private, "已上门登记，告知居家健康监测注意事项")
            await expect(li_na.private)
            resolved = await expect(zhang.private)
            check(came_from(resolved, "report/status_resolved"), "the resident was not told the outcome")

            # A resident reports an urgent dispute; nobody accepts it in time, so it escalates.
            out.step("dispute")
            qian = await user("钱阿姨")
            await fill(qian, group, [
                ("press", "f|kind|dispute"), ("press", "f|behalf|self"), ("press", "f|category|neighbours"),
                ("say", "5号楼两户邻居"), ("say", "府前小区5号楼楼道"), ("say", "楼道堆放杂物引发争吵，双方情绪激动"),
                ("press", "f|urgency|urgent")])
            await expect(li_na.private)
            window = settings.accept_window("high")
            for _ in range(2):
                clock.advance(window + timedelta(minutes=1))
                out.step("time_passes", minutes=int(window.total_seconds() // 60) + 1)
                await bot.runtime.tick()
                if _ == 0:
                    await expect(li_na.private)
            escalated = await expect(wang.private)
            await expect(qian.private)
            dispute = (await db.read(reports_db.all_reports))[-1]
            check(came_from(escalated, "report/card") and dispute.number in (escalated.text or "")
                  and dispute.level > 0, "the dispute did not escalate to the grid leader")
            await press(wang, escalated, action(escalated, "acc"))
            accepted = await expect(qian.private)
            check(came_from(accepted, "report/status_accepted"), "the resident was not told the leader accepted")

            # The town admin schedules a rumour rebuttal for every group of the town; it goes out on time.
            out.step("broadcast")
            qian_admin = await user("钱文华", user_id=900002)
            out.chat_names[qian_admin.id] = render("demo/private_chat", settings.locale, name=qian_admin.first_name)
            await qian_admin.start()
            await drv.expect(qian_admin.private)
            second = await drv.group("龙泉社区第一网格居民群", [qian_admin], added_by=qian_admin, admin=True)
            out.chat_names[second] = render("demo/group_chat", settings.locale, title="龙泉社区第一网格居民群")
            await drv.expect(second)
            await say(qian_admin, second, "/bind G0201")
            at = (clock.now() + timedelta(minutes=10)).astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")

            await drv.skip(qian_admin.private)
            out.said(qian_admin, qian_admin.private, "/broadcast")
            await qian_admin.says(qian_admin.private, "/broadcast")
            message = await perform(qian_admin, await expect(qian_admin.private), [
                ("press", "b|tpl|rumour"), ("say", "明天全城封控，超市停止营业"), ("say", "没有封控计划，超市正常营业"),
                ("say", "滕州市疫情防控指挥部"), ("press", "b|aud|JH"), ("press", "b|when|at"), ("say", at),
                ("press", "b|pin|1")])
            await press(qian_admin, message, "b|ok")
            await expect(qian_admin.private)
            clock.advance(minutes=10)
            out.step("time_passes", minutes=10)
            await bot.runtime.tick()
            for chat_id in (group, second):
                notice = await expect(chat_id)
                check(came_from(notice, "notices/rumour"), "a group did not get the rebuttal")
            await bot.runtime.sender.drained()
            await bot.runtime.tick()
            report = await expect(qian_admin.private)
            runs = await db.read(lambda conn: broadcasts_db.runs_of(conn, broadcasts_db.listed(conn, True)[-1].id))
            check(came_from(report, "broadcast/report") and [(r.delivered, r.total) for r in runs] == [(2, 2)],
                  "the delivery report is wrong")

            # Tips, a gathering application and a report with a photo and a place (bot/app/demo_tips.py).
            await field_scenario(bot, out, settings, clock, group, li_na, wang)
            await service_tasks(bot, out, settings, clock, rendered, li_na=li_na, resident=zhang, card=card,
                                leader=wang, neighbour=qian, dispute=escalated)
            # The town's ledger, exported and read back, and its figures.
            await ledger_finish(db, settings, clock.now(), Path(settings.database).parent, out.step, check)
    finally:
        await db.close()
