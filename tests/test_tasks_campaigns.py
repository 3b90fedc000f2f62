"""Door-knocking campaigns: launched from the command line or /campaign over an area's households, split among
the workers by building; lists in private with ✅ / 🚪 / ⚠️ per household (an issue becomes a report); nobody home
comes back on the next day's list up to campaign_revisits; progress per grid and community; at the due time the
leader's summary and overdue households escalating like reports; forged presses and restarts change nothing."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from bot.app.cli import main
from bot.app.demo import sample_city
from bot.app.harness import running_bot
from bot.services.campaigns import launch, split
from bot.services.households import import_households
from db import campaigns as campaigns_db
from db import reports as reports_db
from db.households import Household
from sandbox import SandboxDriver
import messages
from tests.scenario import (card_action, context_of, expect_from, names_in, press_data, team,
                            template_of)
from tests.tasks_helpers import context_in, field, press_matching

HOUSEHOLDS = ("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
              "G0101,3,1,101,甲,13911110001,\nG0101,3,1,102,乙,13911110002,\nG0101,3,1,103,丙,13911110003,\n"
              "G0101,3,1,104,丁,13911110004,\nG0101,5,1,101,戊,13911110005,\nG0101,5,1,102,己,13911110006,\n"
              "G0101,7,1,101,庚,13911110007,\nG0102,1,1,101,辛,13911110008,\nG0102,1,1,102,壬,13911110009,\n")


def household(i: int, building: str) -> Household:
    return Household(i, 1, building, "1", str(100 + i), "", "", None, "import", None)


def test_buildings_are_split_whole_and_balanced():
    homes = [household(i, b) for i, b in enumerate("3333557", start=1)]
    given = {h.id: w for h, w in split(homes, [10, 20])}
    assert {given[h.id] for h in homes if h.building == "3"} == {10}
    assert {given[h.id] for h in homes if h.building in "57"} == {20}
    assert split(homes[:1], []) == [(homes[0], None)]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_line_launches_and_reports_progress(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas, staff = sample_city()
    assert run(capsys, "import", str(areas), str(staff), "--db", db)[0] == 0
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    assert run(capsys, "import-households", str(tmp_path / "h.csv"), "--db", db)[0] == 0

    code, out, err = run(capsys, "campaign", "--area", "jh01", "--title", "入户摸排", "--due", "2099-01-01 18:00",
                         "--db", db)
    assert code == 0, err
    created = context_in(out, "cli/campaign_created")
    assert (created["id"], created["households"]) == (1, 9)
    (tmp_path / "en.toml").write_text('locale = "en"\n', encoding="utf-8")
    code, out, _ = run(capsys, "campaign", "--area", "G0102", "--title", "Check", "--due", "2099-01-01 18:00",
                       "--db", db, "--config", str(tmp_path / "en.toml"))
    assert code == 0 and "ID 2" in out

    code, out, _ = run(capsys, "campaign-status", "1", "--db", db)
    assert code == 0
    assert progress(context_in(out, "cli/campaign_status")["lines"]) == [
        ("府前社区", "JH01", 0, 9, 0, 0), ("府前社区第一网格", "G0101", 0, 7, 0, 0), ("府前社区第二网格", "G0102", 0, 2, 0, 0)]
    code, out, _ = run(capsys, "campaign-status", "2", "--db", db, "--config", str(tmp_path / "en.toml"))
    assert "visited 0/2  nobody home 0  issues 0" in out

    for argv, key in ((["--area", "NOPE"], "unknown_area"), (["--due", "2001-01-01 00:00"], "due_past"),
                      (["--due", "tomorrow"], "bad_due"), (["--area", "G0201"], "no_households")):
        args = {"--area": "G0101", "--due": "2099-01-01 18:00"} | dict(zip(argv[::2], argv[1::2]))
        code, _, err = run(capsys, "campaign", "--title", "x", "--db", db, *[x for kv in args.items() for x in kv])
        assert code == 1 and context_in(err, "cli/campaign_refused")["key"] == key, err
    assert run(capsys, "campaign-status", "99", "--db", db)[0] == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 2


def progress(lines) -> list[tuple]:
    """A progress view's lines as (area name, code, visited, total, nobody home, issues)."""
    return [(field(line, "area").name, field(line, "area").code, *(field(line, k) for k in ("visited", "total", "nobody",
                                                                                           "issue"))) for line in lines]


async def lists_of(driver, person, count: int):
    """The next `count` door-knocking lists the person gets (other messages on the way passed over)."""
    found = []
    while len(found) < count:
        message = await driver.expect(person.private)
        if "tasks/campaign/list" in names_in(message):
            found.append(message)
    return found


def rooms(message) -> list[str]:
    return [b["text"] for b in message.buttons if b["callback_data"].endswith("|v")]


def door_words(*addresses: str) -> list[str]:
    """The words of the households' visited buttons, as the locale's label table has them."""
    return [messages.label("tasks/campaign/door", address=a) for a in addresses]


async def test_a_campaign_from_launch_to_escalation(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    leader = crew.leader

    await leader.says(leader.private, "/campaign")
    overview = await driver.expect(leader.private)
    await press_data(leader, overview, "cl|new")
    await press_matching(leader, await driver.expect(leader.private), r"cp\|\w+\|G0101")
    await driver.expect(leader.private)
    await leader.says(leader.private, "入户摸排")
    await driver.expect(leader.private)
    await leader.says(leader.private, "2026-04-12 18:00")
    confirm = await driver.expect(leader.private)
    assert context_of(confirm, "tasks/campaign/launch/confirm")["households"] == 7
    await press_matching(leader, confirm, r"cp\|submit")
    assert context_of(await expect_from(driver, leader.private, "tasks/campaign/created"), "tasks/campaign/created")["id"] == 1

    [hers] = await lists_of(driver, li_na, 1)
    assert rooms(hers) == door_words("3-1-101", "3-1-102", "3-1-103", "3-1-104")
    his = await lists_of(driver, zhang_wei, 2)
    assert [rooms(m) for m in his] == [door_words("5-1-101", "5-1-102"), door_words("7-1-101")]

    def data(message, room: str, action: str) -> str:
        row = next(b for b in message.buttons if b["text"] == door_words(room)[0])["callback_data"]
        return row[:-1] + action

    visited = await driver.answer(await press_data(li_na, hers, data(hers, "3-1-101", "v")))
    assert template_of(bot, visited) == "tasks/campaign/outcome/visited"
    nobody = await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-102", "n"))
    assert context_of(await driver.answer(nobody), "tasks/campaign/outcome/nobody")["attempts"] == 1
    again = await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-102", "n"), forge=True)
    assert template_of(bot, await driver.answer(again)) == "tasks/campaign/outcome/already"
    edited = {b["callback_data"]: b["text"] for b in (await driver.events(0, li_na.private, kinds=["edit"]))[-1].buttons}
    done = context_in(edited[data(hers, "3-1-101", "s")], "tasks/campaign/door_done")
    assert (done["address"], done["status"]) == ("3-1-101", "visited")
    assert edited[data(hers, "3-1-102", "n")] == messages.label("tasks/campaign/nobody_again", attempts="1")

    await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-103", "i"))
    await press_matching(li_na, await driver.expect(li_na.private), r"ci\|\w+\|health")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "户主咳嗽三天")
    await expect_from(driver, li_na.private, "tasks/campaign/issue_filed")
    card = await expect_from(driver, li_na.private, "report/card")
    assert context_of(card, "report/card")["report"].kind == "health" and "户主咳嗽三天" in card.text
    await press_data(li_na, card, card_action(card, "res"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已联系社区医生上门")
    await driver.expect(li_na.private)

    for person, payload in ((zhang_wei, data(hers, "3-1-104", "v")), (await driver.user("居民"),
                                                                      data(hers, "3-1-104", "v")),
                            (li_na, "kh|999999|v"), (li_na, "kh|1|zz"), (li_na, "kh|x|v")):
        answer = await driver.answer(await person.press_data(hers.chat_id, hers.message_id, payload, forge=True))
        assert answer.data["show_alert"], payload

    doors = {h.address: d for d, h in await bot.db.read(campaigns_db.doors, 1)}
    assert (doors["3-1-101"].status, doors["3-1-102"].status, doors["3-1-103"].status, doors["3-1-104"].status) == (
        "visited", "nobody", "issue", "pending")
    issue = await bot.db.read(reports_db.get, doors["3-1-103"].report_id)
    assert (issue.kind, issue.priority, issue.reporter_user) == ("health", "high", li_na.id)

    await leader.says(leader.private, "/campaign")
    shown = context_of(await expect_from(driver, leader.private, "tasks/campaign/overview"), "tasks/campaign/overview")
    assert progress(field(shown["campaigns"][0], "lines")) == [("府前社区第一网格", "G0101", 2, 7, 1, 1)]

    # Next day's lists: what is open, nobody home back; 3-1-102 nobody home again on day 2 and 3, then it is off.
    for day, expected in ((1, door_words("3-1-102", "3-1-104")), (2, door_words("3-1-102", "3-1-104")),
                          (3, door_words("3-1-104"))):
        clock.advance(timedelta(days=1) if day > 1 else timedelta(hours=23))
        await bot.runtime.tick()
        [today] = await lists_of(driver, li_na, 1)
        assert rooms(today) == expected, (day, rooms(today), today.text)
        if door_words("3-1-102")[0] in expected:
            await driver.answer(await li_na.press_data(today.chat_id, today.message_id, data(today, "3-1-102", "n")))
        await lists_of(driver, zhang_wei, 2)
    assert (await bot.db.read(campaigns_db.door, doors["3-1-102"].id))[0].attempts == 3

    # The due time (2026-04-12 18:00 local): the leader's summary, and 4 households left escalate to him, then up.
    clock.advance(until(clock, settings, "2026-04-12 18:00"))
    await bot.runtime.tick()
    summary = context_of(await expect_from(driver, leader.private, "tasks/campaign/summary"), "tasks/campaign/summary")
    assert progress(summary["lines"])[0][2:4] == (2, 7) and summary["overdue"] == 4
    overdue = [await expect_from(driver, leader.private, "tasks/campaign/overdue") for _ in range(3)]
    assert [context_of(m, "tasks/campaign/overdue")["escalated_to"] for m in overdue] == [1, 1, 1]   # the grid leader
    clock.advance(settings.accept_window("normal"))
    await bot.runtime.tick()
    up = await expect_from(driver, crew.community_admin.private, "tasks/campaign/overdue")
    assert context_of(up, "tasks/campaign/overdue")["escalated_to"] == 2                            # the community
    clock.advance(settings.accept_window("normal"))
    await bot.runtime.tick()
    up = await expect_from(driver, crew.town_admin.private, "tasks/campaign/overdue")
    assert context_of(up, "tasks/campaign/overdue")["escalated_to"] == 3                            # the town
    clock.advance(settings.accept_window("normal") * 3)
    await bot.runtime.tick()
    assert await driver.nothing_new(crew.town_admin.private)


def until(clock, settings, local: str) -> timedelta:
    return datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=settings.tz) - clock.now()


async def test_a_restart_neither_loses_nor_repeats_a_list(settings, clock, db, city, sandbox, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await db.write(import_households, tmp_path / "h.csv", clock.now())
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
    done = await db.write(lambda conn: launch(conn, settings, None, area_code="G0101", title="摸排",
                                              due=clock.now() + timedelta(days=3), now=clock.now()))
    assert done.key == "created"
    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        assert rooms(await driver.expect(li_na.private))[0] == door_words("3-1-101")[0]    # at start-up
    clock.advance(hours=23)                                                          # the next list, bot down
    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        await driver.expect(li_na.private)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert await driver.nothing_new(li_na.private)
    lists = [m for m in await driver.sent(li_na.private) if m.kind == "send" and "tasks/campaign/list" in names_in(m)]
    assert len(lists) == 2
    await driver.close()
