"""`gridbot demo`: a sample city, the sandbox and the bot together, a scripted scenario, a transcript."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from importlib import resources
from pathlib import Path

from bot.clock import SystemClock, stamp
from bot.config import Settings
from bot.harness import running_bot
from bot.invite_links import invite_link
from bot.org_import import import_org
from bot.sandbox.driver import BotMessage, Person
from db import chats as chats_db
from db import invites as invites_db
from db import open_database
from messages import render


class DemoFailed(Exception):
    pass


class Transcript:
    def __init__(self, locale: str, quiet: bool) -> None:
        self.locale, self.quiet = locale, quiet
        self.chat_names: dict[int, str] = {}

    def step(self, name: str, **values) -> None:
        self._print("\n" + render(f"demo/step_{name}", self.locale, **values))

    def said(self, who: Person, chat_id: int, text: str) -> None:
        self._print(render("demo/line", self.locale, chat=self.chat_names[chat_id], who=who.first_name, text=text))

    def bot(self, message: BotMessage) -> None:
        self._print(render("demo/bot_line", self.locale, chat=self.chat_names[message.chat_id], text=message.text))

    def _print(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)


def sample_city() -> tuple[Path, Path]:
    base = resources.files("bot") / "sample_city"
    return Path(str(base / "areas.csv")), Path(str(base / "staff.csv"))


async def run_demo(settings: Settings, quiet: bool = False) -> int:
    """Run the scenario; 0 when every step did what it should."""
    with tempfile.TemporaryDirectory(prefix="gridbot-demo-") as tmp:
        settings = replace(settings, database=str(Path(tmp) / "demo.sqlite3"))
        try:
            await _scenario(settings, Transcript(settings.locale, quiet))
        except (DemoFailed, AssertionError) as exc:
            print(render("demo/failed", settings.locale, reason=str(exc)), file=sys.stderr)
            return 1
    print(render("demo/passed", settings.locale))
    return 0


def check(condition: bool, what: str) -> None:
    if not condition:
        raise DemoFailed(what)


async def _scenario(settings: Settings, out: Transcript) -> None:
    clock = SystemClock()
    db = await open_database(settings.database)
    try:
        areas, staff = sample_city()
        result = await db.write(import_org, areas, staff, clock.now(), timedelta(days=settings.invite_ttl_days))
        out.step("import", r=result)
        async with running_bot(settings, clock, db=db) as bot:
            drv = bot.driver
            username = bot.application.bot.username

            async def say(person: Person, chat_id: int, text: str) -> BotMessage:
                await drv.skip(chat_id)
                out.said(person, chat_id, text)
                await person.says(chat_id, text)
                reply = await drv.expect(chat_id)
                out.bot(reply)
                return reply

            # A grid worker links her Telegram account through her invite link.
            li_na = await drv.user("李娜")
            out.chat_names[li_na.id] = render("demo/private_chat", settings.locale, name=li_na.first_name)
            pending = await db.read(invites_db.pending, stamp(clock.now()))
            code = next(p.code for p in pending if p.name == "李娜")
            out.step("invite", link=invite_link(username, code))
            reply = await say(li_na, li_na.private, f"/start inv_{code}")
            check("G0101" in reply.text, "the invite did not link 李娜 to grid G0101")
            await say(li_na, li_na.private, "/whoami")

            # The grid leader binds the grid's group chat.
            wang = await drv.user("王强", user_id=900011)
            residents = [await drv.user(n) for n in ("居民甲", "居民乙")]
            group = await drv.group("府前社区第一网格居民群", [wang, *residents], added_by=wang)
            out.chat_names[group] = render("demo/group_chat", settings.locale, title="府前社区第一网格居民群")
            out.step("bind")
            reply = await say(wang, group, "/bind G0101")
            bound = await db.read(chats_db.get, group)
            check(bound is not None and bound.area_id is not None, "the leader's /bind did not bind the group")

            # A stranger tries to bind another group to the same grid, and is refused.
            stranger = await drv.user("路人")
            other = await drv.group("随便聊聊群", [stranger], added_by=stranger)
            out.chat_names[other] = render("demo/group_chat", settings.locale, title="随便聊聊群")
            out.step("stranger")
            await say(stranger, other, "/bind G0101")
            refused = await db.read(chats_db.get, other)
            check(refused is None or refused.area_id is None, "a stranger's /bind changed the binding")
            check((await db.read(chats_db.get, group)).area_id == bound.area_id, "the grid lost its group")
    finally:
        await db.close()
