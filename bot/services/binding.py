"""Binding a Telegram account to a person on the staff list, with proof: an invite link only opens a
claim; the person's own contact whose phone is the roster's confirms it, anything else waits for an
admin above the person's area. Admins can unlink an account again. Every step is audited."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import notify
from bot.services.org import ADMIN_ROLES
from bot.services.org_import import new_invite_code, normalize_phone
from db import accounts as accounts_db
from db import areas as areas_db
from db import audit, outbox
from db import invites as invites_db
from db import people as people_db
from db.accounts import Claim
from db.people import Person, RoleRow, Staff
from messages import label, locale_for

Status = Literal[
    "share_contact", "awaiting_approval", "linked", "already_linked", "unknown", "used", "expired",
    "account_taken", "person_taken", "no_claim", "approved", "refused", "forbidden", "decided", "not_found",
    "ambiguous", "not_linked", "unlinked"]


@dataclass(frozen=True)
class Binding:
    """What came of a step, for the answer: a status (a message key), the person, their roles, and how
    many admins were asked (a claim awaiting approval) or the new invite code (an unlink)."""

    status: Status
    person: Person | None = None
    roles: tuple[RoleRow, ...] = ()
    count: int = 0
    code: str = ""


def canonical_phone(raw: str) -> str:
    """A phone as the roster stores it: full-width digits and signs made plain; spaces, dashes and brackets
    dropped; the country code (+86, 0086, or 86 as Telegram sends it) removed."""
    phone = normalize_phone(re.sub(r"[()]", "", unicodedata.normalize("NFKC", raw)))
    return phone[2:] if len(phone) == 13 and phone.startswith("861") else phone


def redeem_invite(conn: sqlite3.Connection, code: str, user_id: int, now: str) -> Binding:
    """The invite link was opened: open a claim that waits for the user's contact (nobody is linked yet)."""
    invite = invites_db.get(conn, code)
    person = people_db.by_id(conn, invite.person_id) if invite is not None else None
    if invite is None or person is None:
        return Binding("unknown")
    roles = tuple(people_db.roles_of(conn, person.id))
    if invite.used_at is not None:
        mine = invite.used_by == user_id and person.telegram_user_id == user_id
        return Binding("already_linked", person, roles) if mine else Binding("used")
    refusal = _cannot_link(conn, person, user_id, invite.expires_at, now)
    if refusal is not None:
        return refusal
    waiting = accounts_db.open_claim_of(conn, user_id, "awaiting_approval")
    if waiting is not None and waiting.code == code:
        return Binding("awaiting_approval")
    accounts_db.open_claim(conn, code=code, person_id=person.id, user_id=user_id, now=now)
    audit.record(conn, now, user_id, "invite_opened", f"person:{person.id}", code=code)
    return Binding("share_contact")


def _cannot_link(conn: sqlite3.Connection, person: Person, user_id: int, expires_at: str | None, now: str
                 ) -> Binding | None:
    if expires_at is not None and expires_at <= now:
        return Binding("expired")
    owner = people_db.by_telegram_id(conn, user_id)
    if owner is not None and owner.id != person.id:
        return Binding("account_taken")
    if person.telegram_user_id == user_id:
        return Binding("already_linked", person, tuple(people_db.roles_of(conn, person.id)))
    if person.telegram_user_id is not None:
        return Binding("person_taken")
    return None


def awaiting_contact(conn: sqlite3.Connection, user_id: int) -> bool:
    """Is a claim of this user waiting for their contact (else a shared contact is none of binding's business)."""
    return accounts_db.open_claim_of(conn, user_id, "awaiting_contact") is not None


def contact_shared(conn: sqlite3.Connection, settings: Settings, user_id: int, contact_user_id: int | None,
                   phone: str, now: datetime) -> Binding:
    """The user shared a contact: their own with the roster's phone links them; anything else waits for an
    admin above the person's area, who gets a card to approve or refuse."""
    ts = stamp(now)
    claim = accounts_db.open_claim_of(conn, user_id, "awaiting_contact")
    invite = invites_db.get(conn, claim.code) if claim is not None else None
    person = people_db.by_id(conn, claim.person_id) if claim is not None else None
    if claim is None or invite is None or person is None:
        return Binding("no_claim")
    refusal = _cannot_link(conn, person, user_id, invite.expires_at, ts) or (
        Binding("used") if invite.used_at is not None else None)
    if refusal is not None:
        accounts_db.set_claim(conn, claim.id, "withdrawn")
        return refusal
    own = contact_user_id == user_id
    if own and canonical_phone(phone) == person.phone:
        return _link(conn, claim, person, user_id, ts, actor=user_id, method="own_contact")
    accounts_db.set_claim(conn, claim.id, "awaiting_approval", phone=phone, own_contact=own)
    audit.record(conn, ts, user_id, "binding_requested", f"person:{person.id}", code=claim.code, phone=phone,
                 own_contact=own)
    admins = admins_over(conn, person.id)
    seen = accounts_db.telegram_user(conn, user_id)
    roles = people_db.roles_of(conn, person.id)
    for admin in admins:
        assert admin.telegram_user_id is not None          # admins_over lists reachable staff only
        locale = locale_for(admin.locale, settings.locale)
        buttons = {"inline_keyboard": [[
            {"text": label("buttons/approve", locale), "callback_data": f"bind|{claim.id}|ok"},
            {"text": label("buttons/refuse", locale), "callback_data": f"bind|{claim.id}|no"}]]}
        notify.to_user(conn, settings, admin.telegram_user_id, "binding/request", "binding_approval", ts,
                       priority=outbox.ASSIGN, person_id=admin.person_id, reply_markup=buttons, person=person,
                       roles=roles, name=seen.first_name if seen else str(user_id),
                       username=seen.username if seen and seen.username else "", phone=phone, own=own)
    return Binding("awaiting_approval", person, count=len(admins))


def _link(conn: sqlite3.Connection, claim: Claim, person: Person, user_id: int, now: str, *, actor: int,
          method: str) -> Binding:
    if not invites_db.mark_used(conn, claim.code, user_id, now):
        accounts_db.set_claim(conn, claim.id, "withdrawn")
        return Binding("used")
    people_db.link_telegram(conn, person.id, user_id, now)
    accounts_db.set_claim(conn, claim.id, "linked", decided_by=actor, decided_at=now)
    accounts_db.withdraw_claims_for(conn, person.id)
    audit.record(conn, now, actor, "invite_redeemed", f"person:{person.id}", code=claim.code, user=user_id,
                 method=method)
    return Binding("linked", people_db.by_id(conn, person.id), tuple(people_db.roles_of(conn, person.id)))


def admins_over(conn: sqlite3.Connection, person_id: int) -> list[Staff]:
    """The reachable admins of the areas above the person's (the city's, for someone without a role)."""
    return [s for s in _admins_above(conn, person_id) if s.reachable and s.person_id != person_id]


def is_admin_over(conn: sqlite3.Connection, user_id: int | None, person_id: int) -> bool:
    """Whether this Telegram user is an admin above the person's area (None, the command line, always is)."""
    if user_id is None:
        return True
    actor = people_db.by_telegram_id(conn, user_id)
    return actor is not None and actor.id != person_id and any(
        a.person_id == actor.id for a in _admins_above(conn, person_id))


def _admins_above(conn: sqlite3.Connection, person_id: int) -> list[Staff]:
    areas = {a.id for role in people_db.roles_of(conn, person_id)
             for a in areas_db.ancestors(conn, role.area_id)[1:]}
    if not areas:
        areas = {a.id for a in areas_db.children(conn, None, "city")}
    found: dict[int, Staff] = {}
    for area_id in sorted(areas):
        for role in ADMIN_ROLES:
            for staff in people_db.staff_at(conn, area_id, role):
                found.setdefault(staff.person_id, staff)
    return list(found.values())


def decide(conn: sqlite3.Connection, settings: Settings, claim_id: int, user_id: int, approve: bool,
           now: datetime) -> Binding:
    """An admin pressed approve or refuse on a claim; the claimant is told either way."""
    ts = stamp(now)
    claim = accounts_db.get_claim(conn, claim_id)
    person = people_db.by_id(conn, claim.person_id) if claim is not None else None
    if claim is None or person is None:
        return Binding("not_found")
    if not is_admin_over(conn, user_id, person.id):
        audit.record(conn, ts, user_id, "binding_decision_refused", f"person:{person.id}", claim=claim.id)
        return Binding("forbidden", person)
    if claim.status != "awaiting_approval":
        return Binding("decided", person)
    if not approve:
        accounts_db.set_claim(conn, claim.id, "refused", decided_by=user_id, decided_at=ts)
        audit.record(conn, ts, user_id, "binding_refused", f"person:{person.id}", claim=claim.id, user=claim.user_id)
        notify.to_user(conn, settings, claim.user_id, "binding/refused", "binding", ts)
        return Binding("refused", person)
    refusal = _cannot_link(conn, person, claim.user_id, None, ts)
    if refusal is not None:
        accounts_db.set_claim(conn, claim.id, "withdrawn")
        return refusal
    linked = _link(conn, claim, person, claim.user_id, ts, actor=user_id, method="approval")
    if linked.status == "linked":
        notify.to_user(conn, settings, claim.user_id, "start/invite_linked", "binding", ts, person=linked.person,
                       roles=linked.roles)
        return Binding("approved", linked.person, linked.roles)
    return linked


def unlink(conn: sqlite3.Connection, settings: Settings, user_id: int | None, who: str, now: datetime) -> Binding:
    """Unlink the Telegram account of the person named by phone or name, for an admin above them (`user_id`
    None: the command line); the account is told, and a fresh invite waits for the person."""
    ts = stamp(now)
    actor = people_db.by_telegram_id(conn, user_id) if user_id is not None else None
    if user_id is not None and (actor is None or not any(
            r.role in ADMIN_ROLES for r in people_db.roles_of(conn, actor.id))):
        return Binding("forbidden")                     # not even whether the name is on the list
    phone = canonical_phone(who)
    if re.fullmatch(r"1\d{10}", phone):
        found = people_db.by_phone(conn, phone)
        ids = [found.id] if found is not None else []
    else:
        ids = accounts_db.people_named(conn, who.strip())
    if len(ids) > 1:
        return Binding("ambiguous", count=len(ids))
    person = people_db.by_id(conn, ids[0]) if ids else None
    if person is None:
        return Binding("not_found")
    if not is_admin_over(conn, user_id, person.id):
        audit.record(conn, ts, user_id, "unlink_refused", f"person:{person.id}")
        return Binding("forbidden")
    old = person.telegram_user_id
    if old is None:
        return Binding("not_linked", person)
    accounts_db.unlink_telegram(conn, person.id, ts)
    accounts_db.withdraw_claims_for(conn, person.id)
    code = invites_db.live_code(conn, person.id, ts)
    if code is None:
        code = new_invite_code()
        invites_db.create(conn, code, person.id, ts, stamp(now + timedelta(days=settings.invite_ttl_days)))
    audit.record(conn, ts, user_id, "account_unlinked", f"person:{person.id}", user=old, code=code)
    notify.to_user(conn, settings, old, "binding/unlinked", "binding", ts, person=person)
    return Binding("unlinked", person, tuple(people_db.roles_of(conn, person.id)), code=code)
