"""Rewards for verified tips (举报奖励): proposed to the grid leader, approved (the tipster gets a claim code in
private) or refused, then paid (audited); the reward ledger of an area. Nothing here names the tipster: they are
reached through the tip's report."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import notify, refusals
from bot.services.org import ADMIN_ROLES
from bot.services.routing import next_reachable_level
from db import areas as areas_db
from db import audit, outbox, places
from db import people as people_db
from db import reports as reports_db
from db import tips as tips_db
from db.kinds import RewardStatus, TipSubject
from db.reports import Report
from db.tips import Reward
from messages import locale_for, render

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I/L: read aloud and typed at a counter
Decision = Literal["ok", "no"]
LISTED: tuple[RewardStatus, ...] = ("proposed", "approved", "paid")


@dataclass(frozen=True)
class RewardOutcome:
    """What a press or command did: a key (`approved`, `refused`, `paid`, `forbidden`, `not_found`,
    `already_<status>`) and the reward."""

    key: str
    reward: Reward | None = None


def new_code(conn: sqlite3.Connection) -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if not tips_db.code_taken(conn, code):
            return code


def normalize_code(raw: str) -> str:
    """A claim code as typed: any case, spaces or dashes anywhere."""
    letters = "".join(ch for ch in raw.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else raw.strip().upper()


def buttons(reward_id: int, locale: str, *actions: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": render(f"buttons/reward_{a}", locale), "callback_data": f"rw|{reward_id}|{a}"}
                                 for a in actions]]}


def propose(conn: sqlite3.Connection, settings: Settings, report: Report, subject: TipSubject, amount: int,
            now: datetime) -> int:
    """Flag a verified tip for a reward and ask the grid leader (else the first reachable level above)."""
    ts = stamp(now)
    reward_id = tips_db.propose_reward(conn, report_id=report.id, grid_id=report.grid_id, subject=subject,
                                       amount=amount, now=ts)
    reports_db.add_event(conn, report.id, ts, None, "reward_proposed", amount=amount)
    found = next_reachable_level(conn, report.grid_id, 0)
    for staff in found[1] if found is not None else []:
        assert staff.telegram_user_id is not None            # reachable means linked
        locale = locale_for(staff.locale, settings.locale)
        notify.to_user(conn, settings, staff.telegram_user_id, "rewards/approve", "reward", ts,
                       priority=outbox.ASSIGN, report_id=report.id, person_id=staff.person_id,
                       reply_markup=buttons(reward_id, locale, "ok", "no"), report=report, amount=amount,
                       subject=subject, outcome=report.outcome or "")
    return reward_id


def may_decide(conn: sqlite3.Connection, grid_id: int, user_id: int | None) -> bool:
    """The grid's leader, and admins of the areas above it (the command line, `None`, always may)."""
    if user_id is None:
        return True
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return False
    above = {a.id for a in areas_db.ancestors(conn, grid_id)}
    return any((r.role == "grid_leader" and r.area_id == grid_id) or (r.role in ADMIN_ROLES and r.area_id in above)
               for r in people_db.roles_of(conn, person.id))


def _checked(conn: sqlite3.Connection, reward: Reward | None, user_id: int | None, now: datetime
             ) -> RewardOutcome | None:
    if reward is None:
        return RewardOutcome("not_found")
    if not may_decide(conn, reward.grid_id, user_id):
        if user_id is not None:
            refusals.record(conn, user_id, reward.report_id, now)
        return RewardOutcome("forbidden", reward)
    return None


def decide(conn: sqlite3.Connection, settings: Settings, reward_id: int, user_id: int, decision: Decision,
           now: datetime) -> RewardOutcome:
    """Approve (a claim code, told to the tipster in private) or refuse a proposed reward; audited."""
    reward = tips_db.reward(conn, reward_id)
    refused = _checked(conn, reward, user_id, now)
    if refused is not None:
        return refused
    assert reward is not None
    if reward.status != "proposed":
        return RewardOutcome(f"already_{reward.status}", reward)
    ts = stamp(now)
    code = new_code(conn) if decision == "ok" else None
    status: RewardStatus = "approved" if decision == "ok" else "refused"
    tips_db.decide_reward(conn, reward.id, status, by=user_id, now=ts, claim_code=code)
    audit.record(conn, ts, user_id, f"reward_{status}", f"reward:{reward.id}", report=reward.number,
                 amount=reward.amount)
    reports_db.add_event(conn, reward.report_id, ts, user_id, f"reward_{status}", amount=reward.amount)
    decided = tips_db.reward(conn, reward.id)
    report = reports_db.load(conn, reward.report_id)
    notify.to_reporter(conn, settings, report, f"rewards/{status}", ts, reward=decided)
    return RewardOutcome(status, decided)


def mark_paid(conn: sqlite3.Connection, settings: Settings, reward: Reward | None, user_id: int | None,
              now: datetime) -> RewardOutcome:
    """An approved reward was handed over: recorded with who marked it (the command line: nobody), audited,
    and the tipster told."""
    refused = _checked(conn, reward, user_id, now)
    if refused is not None:
        return refused
    assert reward is not None
    if reward.status != "approved":
        return RewardOutcome(f"already_{reward.status}" if reward.status == "paid" else "not_approved", reward)
    ts = stamp(now)
    tips_db.mark_paid(conn, reward.id, by=user_id, now=ts)
    audit.record(conn, ts, user_id, "reward_paid", f"reward:{reward.id}", report=reward.number,
                 amount=reward.amount, code=reward.claim_code, via="bot" if user_id is not None else "cli")
    reports_db.add_event(conn, reward.report_id, ts, user_id, "reward_paid", amount=reward.amount)
    paid = tips_db.reward(conn, reward.id)
    notify.to_reporter(conn, settings, reports_db.load(conn, reward.report_id), "rewards/paid", ts, reward=paid)
    return RewardOutcome("paid", paid)


def pay_by_id(conn: sqlite3.Connection, settings: Settings, reward_id: int, user_id: int, now: datetime
              ) -> RewardOutcome:
    return mark_paid(conn, settings, tips_db.reward(conn, reward_id), user_id, now)


def pay_by_code(conn: sqlite3.Connection, settings: Settings, area_code: str, claim_code: str, now: datetime
                ) -> RewardOutcome:
    """`gridbot rewards --area CODE --paid CLAIM`: the claim code must belong to a grid within the area."""
    reward = tips_db.reward_by_code(conn, normalize_code(claim_code))
    area = areas_db.by_code(conn, area_code)
    if reward is None or area is None or reward.grid_id not in places.grids_within(conn, area.id):
        return RewardOutcome("not_found")
    return mark_paid(conn, settings, reward, None, now)


def scope(conn: sqlite3.Connection, user_id: int) -> list[int] | None:
    """The grids whose rewards this person sees: a leader's grids, an admin's area's; None when neither."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    grids: set[int] = set()
    for role in people_db.roles_of(conn, person.id):
        if role.role == "grid_leader":
            grids.add(role.area_id)
        elif role.role in ADMIN_ROLES:
            grids.update(places.grids_within(conn, role.area_id))
    return sorted(grids) if grids else None


def ledger(conn: sqlite3.Connection, grid_ids: list[int]) -> list[Reward]:
    """Rewards awaiting approval, approved (unpaid) and paid, newest first."""
    return tips_db.rewards_in(conn, grid_ids, LISTED)


def ledger_of(conn: sqlite3.Connection, user_id: int) -> list[Reward] | None:
    """/rewards: the ledger of the person's scope; None when they are not a leader or admin."""
    grids = scope(conn, user_id)
    return ledger(conn, grids) if grids is not None else None


def ledger_for_area(conn: sqlite3.Connection, area_code: str) -> list[Reward] | None:
    """`gridbot rewards --area CODE`; None for an unknown area."""
    area = areas_db.by_code(conn, area_code)
    return ledger(conn, places.grids_within(conn, area.id)) if area is not None else None
