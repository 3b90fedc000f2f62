"""/ledger: a spreadsheet of the area's reports, one sheet per kind, real dates in local time, sent to the asker
in private; leaders see residents' phone numbers, other staff see them masked; every export is audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import openpyxl

from bot.services.ledger.columns import sheet_columns
from db import areas as areas_db
from db import audit
from messages import DEFAULT_LOCALE, render
from tests.scenario import ARRIVAL, DISPUTE, card_action, link, press_data, report_from_group, started, team


def column(key: str) -> str:
    """A column's header as the zh_CN export writes it: the column's label (`ledger/column`)."""
    return render("ledger/column", DEFAULT_LOCALE, key=key)


def shown(what: str, code: str | bool) -> str:
    """A coded value as the zh_CN export writes it (`ledger/value`): a status, an option, a yes/no flag."""
    return render("ledger/value", DEFAULT_LOCALE, what=what, value=code)


def sheet(kind: str) -> str:
    """A kind's sheet name: its label, with the "/" a sheet name may not hold written "-"."""
    return render("ledger/sheet", DEFAULT_LOCALE, report_kind=kind).replace("/", "-")


async def ledger_file(driver, person, text: str):
    """Send a /ledger command; return the document the bot sent back (event, file name, bytes)."""
    await driver.skip(person.private)
    await person.says(person.private, text)
    sent = await driver.expect(person.private)
    assert sent.kind == "document", sent.text
    name, body = await driver.document(sent.data["file_id"])
    return sent, name, body


async def test_a_leader_exports_the_grid_ledger_with_a_sheet_per_kind(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, ARRIVAL)
    card = await driver.expect(li_na.private)
    clock.advance(minutes=10)
    await press_data(li_na, card, card_action(card, "acc"))
    await driver.expect(resident.private)
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    g0101 = await bot.db.read(areas_db.by_code, "G0101")

    leader = crew.leader
    await driver.skip(leader.private)
    await leader.says(leader.private, "/ledger")
    menu = await driver.expect(leader.private)
    assert f"lg|{g0101.id}|month|x" in {b["callback_data"] for b in menu.buttons}
    await leader.press_data(leader.private, menu.message_id, f"lg|{g0101.id}|month|x")
    sent = await driver.expect(leader.private)
    assert sent.kind == "document" and sent.chat_id == leader.id
    name, body = await driver.document(sent.data["file_id"])
    assert name.endswith(".xlsx") and "G0101" in name

    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames[:2] == [sheet("arrival"), sheet("dispute")] and sheet("tip") in book.sheetnames  # per kind
    arrivals, disputes = book.worksheets[:2]
    assert arrivals.freeze_panes == "A2" and arrivals.auto_filter.ref == f"A1:{arrivals.cell(1, arrivals.max_column).column_letter}2"
    headers = [c.value for c in arrivals[1]]
    assert headers == [column(c.key) for c in sheet_columns("arrival")]
    assert {column(k) for k in ("phone", "origin", "created_at", "accepted_at", "accept_on_time")} <= set(headers)
    row = dict(zip(headers, [c.value for c in arrivals[2]]))
    assert row[column("phone")] == ARRIVAL["phone"] and row[column("name")] == ARRIVAL["name"]
    assert row[column("grid")] == "府前社区第一网格"
    assert (row[column("status")], row[column("travel")], row[column("accept_on_time")]) \
        == (shown("status", "accepted"), shown("travel", "train"), shown("flag", True))
    submitted = clock.now() - timedelta(minutes=10)
    local = submitted.astimezone(settings.tz).replace(tzinfo=None)
    created, accepted = row[column("created_at")], row[column("accepted_at")]
    assert isinstance(created, datetime) and abs(created - local) < timedelta(seconds=1)
    assert isinstance(accepted, datetime) and abs(accepted - local - timedelta(minutes=10)) < timedelta(seconds=1)
    arrived = datetime.combine(submitted.astimezone(settings.tz).date(), datetime.min.time())
    assert row[column("arrival_date")] == arrived
    assert arrivals.max_row == 2 and disputes.max_row == 2
    assert dict(zip([c.value for c in disputes[1]], [c.value for c in disputes[2]]))[column("parties")] \
        == DISPUTE["parties"]

    entries = await bot.db.read(audit.entries, "area:G0101", "ledger_export")
    assert [(e["actor_user"], e["detail"]["rows"], e["detail"]["masked"], e["detail"]["format"]) for e in entries] \
        == [(leader.id, 2, False, "xlsx")]
    assert {k: v for k, v in entries[0]["detail"]["sheets"].items() if v} == {"arrival": 1, "dispute": 1} and entries[0]["detail"]["since"]


async def test_a_worker_gets_phone_numbers_masked_and_csv_opens_in_excel(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    li_na = crew.workers[0]
    day = clock.now().astimezone(settings.tz).date().isoformat()

    _, name, body = await ledger_file(driver, li_na, f"/ledger G0101 {day} {day}")
    row = [c.value for c in openpyxl.load_workbook(io.BytesIO(body)).worksheets[0][2]]
    assert "139****5678" in row and ARRIVAL["phone"] not in row and ARRIVAL["name"] in row

    _, name, body = await ledger_file(driver, li_na, f"/ledger G0101 {day} {day} csv")
    assert name.endswith(".csv") and body.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(table) == 1 and table[0][column("phone")] == "139****5678"
    assert table[0][column("kind")] == shown("kind", "arrival") and table[0][column("created_at")].startswith(day)

    entries = await bot.db.read(audit.entries, "area:G0101", "ledger_export")
    assert [(e["actor_user"], e["detail"]["masked"], e["detail"]["format"], e["detail"]["rows"]) for e in entries] \
        == [(li_na.id, True, "xlsx", 1), (li_na.id, True, "csv", 1)]


async def test_no_ledger_outside_ones_charge_and_never_in_a_group(bot, driver, clock):
    crew = await team(bot, driver, clock)
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    g0101 = await bot.db.read(areas_db.by_code, "G0101")
    other_worker = await link(bot, driver, clock, "黄磊")                 # a worker of G0102
    resident = await started(driver, "居民乙", 300001)

    await other_worker.says(other_worker.private, "/ledger G0101")
    assert "G0101" in (await driver.expect(other_worker.private)).text
    await resident.says(resident.private, "/ledger")
    assert (await driver.expect(resident.private)).kind == "send"
    pressed = await other_worker.press_data(other_worker.private, 1, f"lg|{g0101.id}|month|x", forge=True)
    assert (await driver.answer(pressed)).data["show_alert"]

    await driver.skip(crew.group)
    await crew.leader.says(crew.group, "/ledger")
    reply = await driver.expect(crew.group)
    assert reply.kind == "send" and "/ledger" in reply.text
    assert await driver.nothing_new(crew.group)
    assert not await bot.db.read(audit.entries, None, "ledger_export")
    assert [e["actor_user"] for e in await bot.db.read(audit.entries, None, "view_refused")] == [other_worker.id]
