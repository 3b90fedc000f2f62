"""Importing the org chart from spreadsheets: validate everything first, then apply in one transaction."""

from __future__ import annotations

import re
import secrets
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.config import Settings
from bot.core.errors import GridbotError
from bot.services import boundaries
from bot.services.areas import normalize_code
from bot.services.geo import Shape, box, to_json
from bot.services.org import LEVEL_ALIASES, LEVELS, ROLE_ALIASES, ROLE_LEVEL, parent_level
from db import areas as areas_db
from db.kinds import AreaLevel, Role
from bot.services.spreadsheet import SheetError, read_table
from db import audit, invites as invites_db, people as people_db, places

AREA_COLUMNS = ("code", "name", "level", "parent_code")
AREA_OPTIONAL = ("lat", "lon")              # a grid's centre point (its boundary: `boundaries.read`'s file)
STAFF_COLUMNS = ("area_code", "role", "name", "phone", "telegram_user_id")
# Header spellings accepted besides our own names (compared ignoring case, spaces, `_` and full width).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("编码", "区域编码", "代码", "网格编码"),
    "name": ("名称", "区域名称", "姓名"),
    "level": ("层级", "级别"),
    "parent_code": ("上级编码", "上级区域编码", "上级代码", "parent"),
    "area_code": ("区域编码", "所属区域编码", "网格编码", "编码", "area"),
    "role": ("职务", "角色", "岗位"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "mobile"),
    "telegram_user_id": ("Telegram ID", "TelegramID", "TG ID", "telegram"),
    "lat": ("纬度", "latitude"),
    "lon": ("经度", "longitude", "lng"),
}
CODE_COLUMNS = ("code", "parent_code", "area_code")
FOLDED_COLUMNS = ("level", "role", "telegram_user_id")       # names keep their own punctuation
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_NAME = 60


@dataclass(frozen=True)
class RowError:
    """One bad row: the file, its line number, and a message key with its context."""

    file: str
    line: int
    key: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaRow:
    line: int
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    centre: tuple[float, float] | None = None


@dataclass(frozen=True)
class StaffRow:
    line: int
    area_code: str
    role: Role
    name: str
    phone: str
    telegram_user_id: int | None


@dataclass
class ImportResult:
    areas: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    people: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    roles_added: int = 0
    roles_removed: int = 0
    boundaries: int = 0             # grids given a boundary polygon
    reports_moved: int = 0          # unresolved reports of people dropped from the roster, handed on
    invites: list[tuple[str, str, str]] = field(default_factory=list)  # (name, code, expires_at)


class ImportRejected(GridbotError):
    """A spreadsheet with bad rows: each is listed, nothing is changed."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import_rejected", rows=len(errors))
        self.errors = errors


def normalize_phone(raw: str) -> str:
    """A phone number as stored: full-width digits folded, spaces and dashes dropped, +86/0086 removed."""
    phone = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
    return phone


def read_rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
              ) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows as (line number, {column: stripped value}) from a CSV (UTF-8, GBK/GB18030, UTF-16) or an .xlsx
    file, headers in English or Chinese; full-width letters and digits are folded in codes, levels, roles and
    ids, and codes are upper-cased."""
    try:
        raw = read_table(path, {c: HEADER_ALIASES.get(c, ()) for c in (*columns, *optional)}, columns)
    except SheetError as exc:
        return [], [RowError(path.name, exc.line, exc.key, dict(exc.context))]
    rows = []
    for line, row in raw:
        folded = {c: unicodedata.normalize("NFKC", row[c]).strip() for c in FOLDED_COLUMNS if c in row}
        rows.append((line, row | folded | {c: normalize_code(row[c]) for c in CODE_COLUMNS if c in row}))
    return rows, []


def validate_areas(file: str, raw: list[tuple[int, dict[str, str]]], existing: dict[str, str]) -> tuple[list[AreaRow], list[RowError]]:
    """Check every area row; `existing` maps codes already in the database to their level."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    parsed: list[AreaRow] = []
    for line, row in raw:
        code, name, level_raw, parent = row["code"], row["name"], row["level"], row["parent_code"] or None
        if not code or not name or not level_raw:
            errors.append(RowError(file, line, "missing_field", {"columns": ", ".join(c for c in ("code", "name", "level") if not row[c])}))
            continue
        if not CODE_RE.match(code):
            errors.append(RowError(file, line, "bad_code", {"code": code}))
            continue
        if len(name) > MAX_NAME:
            errors.append(RowError(file, line, "name_too_long", {"max": MAX_NAME}))
            continue
        level = LEVEL_ALIASES.get(level_raw.lower(), LEVEL_ALIASES.get(level_raw))
        if level is None:
            errors.append(RowError(file, line, "unknown_level", {"level": level_raw}))
            continue
        if code in seen:
            errors.append(RowError(file, line, "duplicate_code", {"code": code, "first": seen[code]}))
            continue
        seen[code] = line
        if code in existing and existing[code] != level:
            errors.append(RowError(file, line, "level_changed", {"code": code, "old": existing[code], "new": level}))
            continue
        try:
            centre = boundaries.centre(row.get("lat", ""), row.get("lon", ""))
        except ValueError:
            errors.append(RowError(file, line, "bad_centre", {"lat": row.get("lat", ""), "lon": row.get("lon", "")}))
            continue
        parsed.append(AreaRow(line, code, name, level, parent, centre))
    levels = dict(existing) | {a.code: a.level for a in parsed}
    good = []
    for area in parsed:
        expected = parent_level(area.level)
        if expected is None and area.parent_code:
            errors.append(RowError(file, area.line, "city_has_parent", {"code": area.code}))
        elif expected is not None and not area.parent_code:
            errors.append(RowError(file, area.line, "missing_parent", {"code": area.code}))
        elif area.parent_code and area.parent_code not in levels:
            errors.append(RowError(file, area.line, "unknown_parent", {"parent": area.parent_code}))
        elif area.parent_code and levels[area.parent_code] != expected:
            errors.append(
                RowError(file, area.line, "level_out_of_order",
                         {"level": area.level, "parent": area.parent_code, "parent_level": levels[area.parent_code]})
            )
        else:
            good.append(area)
    return good, errors


def validate_staff(
    file: str, raw: list[tuple[int, dict[str, str]]], levels: dict[str, str], owners: dict[int, str]
) -> tuple[list[StaffRow], list[RowError]]:
    """Check every staff row against the areas (`levels`) and Telegram ids already linked (`owners`)."""
    errors: list[RowError] = []
    good: list[StaffRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    name_of: dict[str, tuple[str, int]] = {}
    tg_of_phone: dict[str, tuple[int, int]] = {}
    phone_of_tg: dict[int, tuple[str, int]] = {}
    for line, row in raw:
        missing = [c for c in ("area_code", "role", "name", "phone") if not row[c]]
        if missing:
            errors.append(RowError(file, line, "missing_field", {"columns": ", ".join(missing)}))
            continue
        role = ROLE_ALIASES.get(row["role"].lower(), ROLE_ALIASES.get(row["role"]))
        phone = normalize_phone(row["phone"])
        tg_raw = row["telegram_user_id"]
        if row["area_code"] not in levels:
            errors.append(RowError(file, line, "unknown_area", {"code": row["area_code"]}))
        elif role is None:
            errors.append(RowError(file, line, "unknown_role", {"role": row["role"]}))
        elif ROLE_LEVEL[role] != levels[row["area_code"]]:
            errors.append(RowError(file, line, "role_level_mismatch",
                                   {"role": role, "code": row["area_code"], "level": levels[row["area_code"]],
                                    "expected": ROLE_LEVEL[role]}))
        elif len(row["name"]) > MAX_NAME:
            errors.append(RowError(file, line, "name_too_long", {"max": MAX_NAME}))
        elif not PHONE_RE.match(phone):
            errors.append(RowError(file, line, "bad_phone", {"phone": row["phone"]}))
        elif tg_raw and not (tg_raw.isdigit() and 0 < int(tg_raw) < 2**52):
            errors.append(RowError(file, line, "bad_telegram_id", {"value": tg_raw}))
        else:
            tg = int(tg_raw) if tg_raw else None
            key = (row["area_code"], role, phone)
            if key in seen:
                errors.append(RowError(file, line, "duplicate_row", {"first": seen[key]}))
                continue
            if phone in name_of and name_of[phone][0] != row["name"]:
                errors.append(RowError(file, line, "phone_name_conflict", {"first": name_of[phone][1]}))
                continue
            if tg is not None:
                if phone in tg_of_phone and tg_of_phone[phone][0] != tg:
                    errors.append(RowError(file, line, "telegram_id_conflict", {"first": tg_of_phone[phone][1]}))
                    continue
                if tg in phone_of_tg and phone_of_tg[tg][0] != phone:
                    errors.append(RowError(file, line, "telegram_id_conflict", {"first": phone_of_tg[tg][1]}))
                    continue
                if tg in owners and owners[tg] != phone:
                    errors.append(RowError(file, line, "telegram_id_taken", {"value": tg}))
                    continue
                tg_of_phone.setdefault(phone, (tg, line))
                phone_of_tg.setdefault(tg, (phone, line))
            seen[key] = line
            name_of.setdefault(phone, (row["name"], line))
            good.append(StaffRow(line, row["area_code"], role, row["name"], phone, tg))
    return good, errors


def import_org(
    conn: sqlite3.Connection, areas_path: Path | None, staff_path: Path | None, now: datetime, invite_ttl: timedelta,
    *, settings: Settings | None = None, boundaries_path: Path | None = None,
) -> ImportResult:
    """Validate the files against the database, then apply them; raise ImportRejected on any bad row (or feature
    of `boundaries_path`, the grids' boundary polygons as GeoJSON).

    The staff file is the whole roster: roles of people not listed in it are removed (the people stay,
    with their history), and the unresolved reports they no longer have power over go to someone who
    has, the leader told (in `settings`' language and time zone). Areas missing from the file are kept.
    """
    errors: list[RowError] = []
    area_rows: list[AreaRow] = []
    existing = areas_db.levels_by_code(conn)
    if areas_path is not None:
        raw, errs = read_rows(areas_path, AREA_COLUMNS, AREA_OPTIONAL)
        area_rows, more = validate_areas(areas_path.name, raw, existing)
        errors += errs + more
    staff_rows: list[StaffRow] = []
    if staff_path is not None:
        raw, errs = read_rows(staff_path, STAFF_COLUMNS)
        levels = existing | {a.code: a.level for a in area_rows}
        staff_rows, more = validate_staff(staff_path.name, raw, levels, people_db.telegram_owners(conn))
        errors += errs + more
    shapes: dict[str, Shape] = {}
    if boundaries_path is not None:
        shapes, problems = boundaries.read(boundaries_path, existing | {a.code: a.level for a in area_rows})
        errors += [RowError(boundaries_path.name, line, key, ctx) for line, key, ctx in problems]
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.file, e.line)))

    stamp = now.isoformat()
    result = ImportResult()
    for area in sorted(area_rows, key=lambda a: LEVELS.index(a.level)):
        result.areas[areas_db.upsert(conn, area.code, name=area.name, level=area.level, parent_code=area.parent_code, now=stamp)] += 1
        if area.centre is not None:
            places.set_centre(conn, area.code, *area.centre)
    for grid_code, shape in shapes.items():
        places.set_boundary(conn, grid_code, to_json(shape), box(shape))
    result.boundaries = len(shapes)
    if staff_path is not None:
        wanted: set[tuple[int, int, Role]] = set()
        person_ids: dict[str, int] = {}
        for row in staff_rows:
            if row.phone not in person_ids:
                person_id, outcome = people_db.upsert(conn, row.name, row.phone, row.telegram_user_id, stamp)
                person_ids[row.phone] = person_id
                result.people[outcome] += 1
            target = areas_db.by_code(conn, row.area_code)
            if target is None:                  # validated above: every code is in the file or the database
                raise ImportRejected([RowError(staff_path.name, row.line, "unknown_area", {"code": row.area_code})])
            wanted.add((person_ids[row.phone], target.id, row.role))
        for key in wanted:
            result.roles_added += people_db.add_role(conn, *key, stamp)
        dropped: set[int] = set()
        for key in people_db.role_keys(conn) - wanted:
            people_db.remove_role(conn, *key)
            dropped.add(key[0])
            result.roles_removed += 1
        if dropped:
            # Imported here: handover builds on casework, whose forms import this module's normalize_phone.
            from bot.services.handover import off_roster

            result.reports_moved = off_roster(conn, settings or Settings(), sorted(dropped), now)
        expires = (now + invite_ttl).isoformat()
        for phone, person_id in person_ids.items():
            person = people_db.load(conn, person_id)
            if person.telegram_user_id is not None:
                continue
            code = invites_db.live_code(conn, person_id, stamp)
            if code is None:
                code = new_invite_code()
                invites_db.create(conn, code, person_id, stamp, expires)
            result.invites.append((person.name, code, expires))
    audit.record(conn, stamp, None, "org_import",
                 files=[p.name for p in (areas_path, staff_path, boundaries_path) if p], areas=result.areas, people=result.people,
                 roles_added=result.roles_added, roles_removed=result.roles_removed, reports_moved=result.reports_moved)
    return result


def new_invite_code() -> str:
    """A deep-link-safe random code (Telegram allows A-Z a-z 0-9 _ - in start payloads)."""
    return secrets.token_urlsafe(12)
