"""The service tasks in `gridbot demo` (issue 12): a follow-up visit after a dispute, home health monitoring after an
arrival, a door-knocking campaign."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.app.demo import DemoFailed, Transcript, check
from bot.app.harness import Running
from bot.core.clock import ManualClock
from bot.core.config import Settings
from messages import Recording, label, render
from sandbox.driver import BotMessage, Person


async def service_tasks(bot: Running, out: Transcript, settings: Settings, clock: ManualClock, rendered: Recording,
                        *, li_na: Person, resident: Person, card: BotMessage, leader: Person, neighbour: Person,
                        dispute: BotMessage) -> None:
    """The leader's dispute resolved with a follow-up visit; 赵小满's arrival under home monitoring (a missed
    check-in, checked by phone; an abnormal one); a campaign over a building with a nobody-home revisit; the visit
    finds the dispute not settled and reopens it."""
    from bot.services.households import import_households
    from bot.services.tasks_common import next_at

    drv = bot.driver

    loc = settings.locale

    async def expect(chat_id: int, name: str) -> BotMessage:
        """The next message in the chat from template `name` (what else comes on the way is printed too)."""
        for _ in range(12):
            message = await drv.expect(chat_id)
            out.bot(message)
            if rendered.name_of(message.data.get("html") or message.text or "") == name:
                return message
        raise DemoFailed(f"no message from {name} in chat {chat_id}")

    async def press(person: Person, message: BotMessage, text: str) -> None:
        """Press the button whose text holds `text` (rendered in the demo's locale by the caller)."""
        out.pressed(person, person.private, message.button(text)["text"])
        await person.press(message, text)

    async def say(person: Person, text: str) -> None:
        out.said(person, person.private, text)
        await person.says(person.private, text)

    async def later(delta: timedelta) -> None:
        clock.advance(delta)
        out.step("time_passes", minutes=int(delta.total_seconds() // 60))
        await bot.runtime.tick()

    # The leader resolves the dispute he accepted; with visits on for disputes, one is due in 7 days.
    bot.runtime.settings = settings = replace(settings, visit_days_by_kind=(("dispute", 7),))
    out.step("visit")
    await press(leader, dispute, label("buttons/res", loc))
    await expect(leader.private, "casework/ask_resolve")
    await say(leader, "双方已当面协商，杂物当天清理")
    await expect(leader.private, "tasks/visit/scheduled")
    await expect(neighbour.private, "report/status_resolved")

    # 赵小满's arrival under home monitoring: day 1 unanswered (checked by phone), day 2 a fever.
    out.step("monitoring")
    await press(li_na, card, label("buttons/monitor", loc))
    panel = await expect(li_na.private, "tasks/monitoring/panel")
    await press(li_na, panel, render("tasks/monitoring/start", loc, days=7))
    await expect(resident.private, "tasks/monitoring/started_resident")
    await later(next_at(clock.now(), settings.checkin_time, settings) - clock.now() + timedelta(minutes=1))
    await expect(resident.private, "tasks/checkin/ask")
    await later(timedelta(minutes=settings.checkin_grace_minutes + 1))
    missed = await expect(li_na.private, "tasks/checkin/missed")
    await press(li_na, missed, render("tasks/checkin/record_check", loc))
    await press(li_na, await expect(li_na.private, "tasks/checkin/check/ask"),
                label("tasks/checkin/check/option", loc, value="phone"))
    await press(li_na, await expect(li_na.private, "tasks/checkin/check/ask"),
                label("tasks/checkin/check/option", loc, value="normal"))
    await expect(li_na.private, "tasks/checkin/checked")
    await later(next_at(clock.now(), settings.checkin_time, settings) - clock.now() + timedelta(minutes=1))
    second = await expect(resident.private, "tasks/checkin/ask")
    await press(resident, second, label("tasks/checkin/option", loc, value="fever"))
    await expect(resident.private, "tasks/checkin/temperature/ask")
    await say(resident, "38.2")
    await expect(resident.private, "tasks/checkin/temperature_recorded")
    alert = await expect(li_na.private, "report/card")
    check("赵小满" in (alert.text or ""), "the abnormal check-in did not reach the worker as a report")

    # A campaign over building 3 of the grid; nobody is home at 102 the first day, back on the next day's list.
    out.step("campaign")
    sheet = Path(settings.database).parent / "households.csv"
    sheet.write_text("网格编码,楼栋,单元,房号,户主,电话\nG0101,3,1,101,孙大爷,13911110001\n"
                     "G0101,3,1,102,周阿姨,13911110002\nG0101,3,1,103,吴先生,13911110003\n", encoding="utf-8")
    await bot.db.write(import_households, sheet, clock.now())
    await say(leader, "/campaign")
    await press(leader, await expect(leader.private, "tasks/campaign/overview"), render("tasks/campaign/new", loc))
    await press(leader, await expect(leader.private, "tasks/campaign/launch/ask"), "府前社区第一网格")
    await expect(leader.private, "tasks/campaign/launch/ask")
    await say(leader, "入户摸排")
    await expect(leader.private, "tasks/campaign/launch/ask")
    due = (clock.now() + timedelta(days=3)).astimezone(settings.tz).strftime("%Y-%m-%d 18:00")
    await say(leader, due)
    await press(leader, await expect(leader.private, "tasks/campaign/launch/confirm"), label("buttons/submit", loc))
    await expect(leader.private, "tasks/campaign/created")
    first = await expect(li_na.private, "tasks/campaign/list")
    await press(li_na, first, "3-1-101 ✅")
    out.pressed(li_na, li_na.private, "🚪 (3-1-102)")
    await li_na.press_data(li_na.private, first.message_id or 0,
                           first.button("3-1-102 ✅")["callback_data"][:-1] + "n")
    await press(li_na, first, "3-1-103 ✅")
    await later(next_at(clock.now(), settings.campaign_list_time, settings) - clock.now() + timedelta(minutes=1))
    revisit = await expect(li_na.private, "tasks/campaign/list")
    check([b["text"] for b in revisit.buttons][0] == "3-1-102 ✅", "nobody home did not come back the next day")
    await press(li_na, revisit, "3-1-102 ✅")
    await say(leader, "/campaign")
    progress = await expect(leader.private, "tasks/campaign/overview")
    check("3/3" in (progress.text or ""), "the campaign's progress is wrong")

    # The visit is due: not settled, so the dispute is open again, with its leader.
    out.step("visit_due")
    await later(timedelta(days=7))
    task = await expect(leader.private, "tasks/visit/task")
    await press(leader, task, label("tasks/visit/outcome_button", loc, value="no"))
    await expect(leader.private, "report/card")
    await expect(neighbour.private, "tasks/reopened_reporter")
