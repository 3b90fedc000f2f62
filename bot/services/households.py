"""Households: imported from a spreadsheet (checked whole first, idempotent), or added from an arrival's address."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework
from bot.services.areas import normalize_code
from bot.services.org_import import MAX_NAME, PHONE_RE, ImportRejected, RowError, normalize_phone
from bot.services.spreadsheet import SheetError, read_table
from db import areas as areas_db
from db import audit
from db import households as households_db
from db import reports as reports_db

COLUMNS = ("grid_code", "building", "unit", "room", "head_name", "phone", "telegram_user_id")
REQUIRED = ("grid_code", "building", "room", "head_name")
ALIASES: dict[str, tuple[str, ...]] = {
    "grid_code": ("网格编码", "网格代码", "网格", "grid"),
    "building": ("楼栋", "楼号", "楼栋号", "楼"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "房间号", "门牌号", "室"),
    "head_name": ("户主", "户主姓名", "姓名", "head"),
    "phone": ("电话", "手机", "手机号", "联系电话", "mobile"),
    "telegram_user_id": ("Telegram ID", "TelegramID", "TG ID", "telegram"),
}
MAX_PART = 20
# Words people add to the parts of an address; "3号楼" and "3" are the same building.
SUFFIXES = {"building": ("号楼", "栋", "幢", "楼", "号"), "unit": ("单元",), "room": ("室", "号", "房")}
NO_UNIT = ("", "-", "无", "none", "/")
ADDRESS = re.compile(r"(?P<building>[0-9A-Za-z]+)\s*(?:号楼|栋|幢|楼)\s*(?:(?P<unit>[0-9A-Za-z]+)\s*单元)?\s*"
                     r"(?P<room>[0-9A-Za-z]+)\s*(?:室|号|房)?\s*$")
DASHED = re.compile(r"(?P<building>[0-9A-Za-z]+)\s*-\s*(?:(?P<unit>[0-9A-Za-z]+)\s*-\s*)?(?P<room>[0-9A-Za-z]+)\s*$")


@dataclass
class HouseholdResult:
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})


@dataclass(frozen=True)
class HouseholdRow:
    line: int
    grid_id: int
    building: str
    unit: str
    room: str
    head_name: str
    phone: str
    telegram_user_id: int | None


def part(raw: str, kind: str) -> str:
    """One part of an address as stored: full width folded, spaces gone, the usual suffix dropped."""
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    if kind == "unit" and text.lower() in NO_UNIT:
        return ""
    for suffix in SUFFIXES[kind]:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def parse_address(text: str) -> dict[str, str]:
    """Building, unit and room found in an address (府前小区3号楼2单元401, 3-2-401); {} when none is."""
    folded = unicodedata.normalize("NFKC", text)
    match = ADDRESS.search(folded) or DASHED.search(folded)
    if match is None:
        return {}
    return {"building": match["building"], "unit": match["unit"] or "", "room": match["room"]}


def _check_row(file: str, line: int, row: dict[str, str], grids: dict[str, tuple[int, str]]
               ) -> HouseholdRow | RowError:
    missing = [c for c in REQUIRED if not row[c]]
    if missing:
        return RowError(file, line, "missing_field", {"columns": ", ".join(missing)})
    code = normalize_code(row["grid_code"])
    phone = normalize_phone(row["phone"]) if row["phone"] else ""
    tg_raw = unicodedata.normalize("NFKC", row["telegram_user_id"]).strip()
    building, unit, room = part(row["building"], "building"), part(row["unit"], "unit"), part(row["room"], "room")
    if code not in grids:
        return RowError(file, line, "unknown_area", {"code": code})
    if grids[code][1] != "grid":
        return RowError(file, line, "not_a_grid", {"code": code})
    if len(row["head_name"]) > MAX_NAME:
        return RowError(file, line, "name_too_long", {"max": MAX_NAME})
    if not building or not room or max(len(building), len(unit), len(room)) > MAX_PART:
        return RowError(file, line, "bad_address", {"max": MAX_PART})
    if phone and not PHONE_RE.match(phone):
        return RowError(file, line, "bad_phone", {"phone": row["phone"]})
    if tg_raw and not (tg_raw.isdigit() and 0 < int(tg_raw) < 2**52):
        return RowError(file, line, "bad_telegram_id", {"value": tg_raw})
    return HouseholdRow(line, grids[code][0], building, unit, room, row["head_name"], phone,
                        int(tg_raw) if tg_raw else None)


def import_households(conn: sqlite3.Connection, path: Path, now: datetime) -> HouseholdResult:
    """Check every row first (raising ImportRejected with each bad one, nothing changed), then upsert them."""
    try:
        raw = read_table(path, ALIASES, REQUIRED)
    except SheetError as exc:
        raise ImportRejected([RowError(path.name, exc.line, exc.key, dict(exc.context))]) from None
    grids = areas_db.ids_and_levels_by_code(conn)
    errors: list[RowError] = []
    good: list[HouseholdRow] = []
    seen: dict[tuple[int, str, str, str], int] = {}
    for line, row in raw:
        checked = _check_row(path.name, line, row, grids)
        if isinstance(checked, RowError):
            errors.append(checked)
            continue
        key = (checked.grid_id, checked.building, checked.unit, checked.room)
        if key in seen:
            errors.append(RowError(path.name, line, "duplicate_row", {"first": seen[key]}))
            continue
        seen[key] = line
        good.append(checked)
    if errors:
        raise ImportRejected(errors)
    result, ts = HouseholdResult(), stamp(now)
    for h in good:
        _, outcome = households_db.upsert(conn, grid_id=h.grid_id, building=h.building, unit=h.unit, room=h.room,
                                          head_name=h.head_name, phone=h.phone, telegram_user_id=h.telegram_user_id,
                                          now=ts)
        result.counts[outcome] += 1
    audit.record(conn, ts, None, "households_import", file=path.name, counts=result.counts)
    return result


def arrival_context(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                    ) -> dict[str, Any] | casework.Outcome:
    """What the household form starts from: the arrival's grid, name, phone and the parts of its address found;
    a refusal when the person may not act on it or it is not an arrival."""
    report, refusal = casework.load_for_action(conn, report_id, user_id, now)
    if refusal is not None:
        return refusal
    assert report is not None
    if report.kind != "arrival":
        return casework.Outcome("stale", report)
    found = parse_address(str(report.details.get("address", "")))
    return {"report_id": report.id, **{k: part(v, k) for k, v in found.items()}}


def add_from_arrival(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int,
                     values: dict[str, Any], now: datetime) -> tuple[str, households_db.Household | None]:
    """The household of an arrival's address (its head the person who arrived; the reporter's Telegram id when
    they reported for themselves). ('created' | 'updated' | 'unchanged' | a refusal key, the household)."""
    report, refusal = casework.load_for_action(conn, report_id, user_id, now)
    if refusal is not None or report is None:
        return (refusal.key if refusal else "not_found"), None
    ts = stamp(now)
    phone = str(report.details.get("phone", ""))
    household_id, outcome = households_db.upsert(
        conn, grid_id=report.grid_id, building=part(str(values["building"]), "building"),
        unit=part(str(values["unit"]), "unit"), room=part(str(values["room"]), "room"),
        head_name=str(report.details.get("name", "")), phone=phone,
        telegram_user_id=None if report.on_behalf else report.reporter_user, now=ts, source="arrival",
        report_id=report.id)
    household = households_db.by_id(conn, household_id)
    reports_db.add_event(conn, report.id, ts, user_id, "household_added", text=household.address if household else "")
    return outcome, household
