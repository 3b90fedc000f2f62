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
from tests.scenario import team

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
    assert "编号 1" in out and "9 户" in out
    (tmp_path / "en.toml").write_text('locale = "en"\n', encoding="utf-8")
    code, out, _ = run(capsys, "campaign", "--area", "G0102", "--title", "Check", "--due", "2099-01-01 18:00",
                       "--db", db, "--config", str(tmp_path / "en.toml"))
    assert code == 0 and "ID 2" in out

    code, out, _ = run(capsys, "campaign-status", "1", "--db", db)
    assert code == 0
    assert "府前社区（JH01）：已走访 0/9  无人在家 0  发现问题 0" in out
    assert "府前社区第一网格（G0101）：已走访 0/7" in out and "府前社区第二网格（G0102）：已走访 0/2" in out
    code, out, _ = run(capsys, "campaign-status", "2", "--db", db, "--config", str(tmp_path / "en.toml"))
    assert "visited 0/2  nobody home 0  issues 0" in out

    for argv, needle in ((["--area", "NOPE"], "没有这个区域编码"), (["--due", "2001-01-01 00:00"], "已经过去"),
                         (["--due", "tomorrow"], "YYYY-MM-DD HH:MM"), (["--area", "G0201"], "还没有登记住户")):
        args = {"--area": "G0101", "--due": "2099-01-01 18:00"} | dict(zip(argv[::2], argv[1::2]))
        code, _, err = run(capsys, "campaign", "--title", "x", "--db", db, *[x for kv in args.items() for x in kv])
        assert code == 1 and needle in err, err
    assert run(capsys, "campaign-status", "99", "--db", db)[0] == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 2


async def lists_of(driver, person, count: int):
    """The next `count` door-knocking lists the person gets (other messages on the way passed over)."""
    found = []
    while len(found) < count:
        message = await driver.expect(person.private)
        if "敲门行动" in (message.text or ""):
            found.append(message)
    return found


def rooms(message) -> list[str]:
    return [b["text"] for b in message.buttons if b["callback_data"].endswith("|v")]


async def test_a_campaign_from_launch_to_escalation(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    leader = crew.leader

    await leader.says(leader.private, "/campaign")
    overview = await driver.expect(leader.private)
    await leader.press(overview, "发起敲门行动")
    await leader.press(await driver.expect(leader.private), "府前社区第一网格")
    await driver.expect(leader.private)
    await leader.says(leader.private, "入户摸排")
    await driver.expect(leader.private)
    await leader.says(leader.private, "2026-04-12 18:00")
    confirm = await driver.expect(leader.private)
    assert "共 7 户" in confirm.text
    await leader.press(confirm, "确认提交")
    assert "编号 1" in (await driver.expect(leader.private)).text

    [hers] = await lists_of(driver, li_na, 1)
    assert rooms(hers) == ["3-1-101 ✅", "3-1-102 ✅", "3-1-103 ✅", "3-1-104 ✅"]
    his = await lists_of(driver, zhang_wei, 2)
    assert [rooms(m) for m in his] == [["5-1-101 ✅", "5-1-102 ✅"], ["7-1-101 ✅"]]

    def data(message, room: str, action: str) -> str:
        row = next(b for b in message.buttons if b["text"] == f"{room} ✅")["callback_data"]
        return row[:-1] + action

    assert "已走访" in (await driver.answer(await li_na.press(hers, "3-1-101 ✅"))).text
    nobody = await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-102", "n"))
    assert "第 1 次" in (await driver.answer(nobody)).text
    again = await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-102", "n"), forge=True)
    assert "已经记录" in (await driver.answer(again)).text
    edited = (await driver.events(0, li_na.private, kinds=["edit"]))[-1]
    assert "✅ 3-1-101 已走访" in [b["text"] for b in edited.buttons] and "🚪 1" in [b["text"] for b in edited.buttons]

    await li_na.press_data(hers.chat_id, hers.message_id, data(hers, "3-1-103", "i"))
    await li_na.press(await driver.expect(li_na.private), "健康异常")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "户主咳嗽三天")
    filed = await driver.expect(li_na.private)
    assert "生成报备" in filed.text
    card = await driver.expect(li_na.private)
    assert "健康异常" in card.text and "户主咳嗽三天" in card.text
    await li_na.press(card, "办结")
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
    shown = await driver.expect(leader.private)
    assert "已走访 2/7　无人在家 1　发现问题 1" in shown.text

    # Next day's lists: what is open, nobody home back; 3-1-102 nobody home again on day 2 and 3, then it is off.
    for day, expected in ((1, ["3-1-102 ✅", "3-1-104 ✅"]), (2, ["3-1-102 ✅", "3-1-104 ✅"]), (3, ["3-1-104 ✅"])):
        clock.advance(timedelta(days=1) if day > 1 else timedelta(hours=23))
        await bot.runtime.tick()
        [today] = await lists_of(driver, li_na, 1)
        assert rooms(today) == expected, (day, rooms(today), today.text)
        if "3-1-102 ✅" in expected:
            await driver.answer(await li_na.press_data(today.chat_id, today.message_id, data(today, "3-1-102", "n")))
        await lists_of(driver, zhang_wei, 2)
    assert (await bot.db.read(campaigns_db.door, doors["3-1-102"].id))[0].attempts == 3

    # The due time (2026-04-12 18:00 local): the leader's summary, and 4 households left escalate to him, then up.
    clock.advance(until(clock, settings, "2026-04-12 18:00"))
    await bot.runtime.tick()
    summary = await driver.expect(leader.private)
    assert "已到截止时间" in summary.text and "已走访 2/7" in summary.text and "尚有 4 户" in summary.text
    overdue = [await driver.expect(leader.private) for _ in range(3)]
    assert all("逾期" in m.text and "网格长" in m.text for m in overdue)
    clock.advance(settings.accept_window("normal"))
    await bot.runtime.tick()
    assert "社区" in (await driver.expect(crew.community_admin.private)).text
    clock.advance(settings.accept_window("normal"))
    await bot.runtime.tick()
    assert "镇街" in (await driver.expect(crew.town_admin.private)).text
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
        assert rooms(await driver.expect(li_na.private))[0] == "3-1-101 ✅"          # at start-up
    clock.advance(hours=23)                                                          # the next list, bot down
    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        await driver.expect(li_na.private)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert await driver.nothing_new(li_na.private)
    lists = [m for m in await driver.sent(li_na.private) if m.kind == "send" and "敲门行动" in (m.text or "")]
    assert len(lists) == 2
    await driver.close()
