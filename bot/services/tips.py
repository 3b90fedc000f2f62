"""Tips (举报): sent (anonymous if the tipster wants), limited per day, linked when another open tip names the
same address, verified or found unfounded by the assignee, turned into an arrival report, and rewarded
(`rewards.py`). Questions to the tipster go through `relay.py`.

Anonymous means no name, phone or Telegram identity of the tipster in anything staff receive: the card says
"anonymous" (`notify.reporter_of`), the history names nobody for the tipster's own steps, and every message
about the tip is composed from the report, never from the tipster's account."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from datetime import datetime, time
from typing import Any, Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, geo, media, notify, relay, rewards, visits
from bot.services.flows.model import Env, Refused, Result
from bot.services.views import Message, Screen
from db import areas as areas_db
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db import tips as tips_db
from db.kinds import TipSubject
from db.reports import Report

Verdict = Literal["verified", "unfounded"]
VERDICT_FLOWS: dict[str, Verdict] = {"ver": "verified", "unf": "unfounded"}
SAME_PLACE_M = 30           # two places shared this close are one address (a phone's fix wanders by metres)


def address_key(where: str) -> str:
    """An address folded so that the same place typed twice compares equal: width, case, spaces, punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", where).lower())


def same_place(conn: sqlite3.Connection, grid_id: int, place: Any) -> int | None:
    """The report of the unresolved tip in the grid whose shared place is nearest `place`, if within
    SAME_PLACE_M."""
    if not isinstance(place, dict) or "latitude" not in place:
        return None
    point = (float(place["latitude"]), float(place["longitude"]))
    near = min(((geo.distance_km(point, (lat, lon)), rid) for rid, lat, lon in tips_db.open_with_place(conn, grid_id)),
               default=None)
    return near[1] if near is not None and near[0] * 1000 <= SAME_PLACE_M else None


def _day_start(settings: Settings, now: datetime) -> str:
    local = now.astimezone(settings.tz)
    return stamp(datetime.combine(local.date(), time(0), tzinfo=settings.tz))


def admit(env: Env) -> None:
    """Refuse a tip once the person has sent `tips_per_day` today (counted from local midnight)."""
    sent = tips_db.sent_since(env.conn, env.user_id, _day_start(env.settings, env.now))
    if sent >= env.settings.tips_per_day:
        raise Refused("tips/limit_reached", limit=env.settings.tips_per_day)


def submit(env: Env, form: dict[str, Any]) -> Result:
    """A finished tip form: opened as a report (routed like any other), or linked to the open tip about the same
    address in the grid — typed alike, or places shared within SAME_PLACE_M — (its assignee is told, without the
    new tipster's identity unless they gave it)."""
    admit(env)
    conn, settings, now = env.conn, env.settings, env.now
    answers = form["answers"]
    grid = areas_db.by_code(conn, form["grid"])
    if grid is None:
        raise casework.Vanished("unknown_grid", code=form["grid"])
    key, anonymous, subject = address_key(str(answers["where"])), answers.get("anonymous") == "yes", answers["subject"]
    existing = tips_db.open_at_address(conn, grid.id, key) or same_place(conn, grid.id, answers.get("location"))
    if existing is None:
        report = casework.submit(conn, settings, env.user_id, form, now)
        tips_db.add(conn, report_id=report.id, user_id=env.user_id, anonymous=anonymous, subject=subject,
                    address_key=key, linked=False, now=stamp(now))
        return Result("report/toast_submitted", {"report": report}, toast=True)     # the receipt: report/submitted
    report = casework.load(conn, existing)
    tips_db.add(conn, report_id=report.id, user_id=env.user_id, anonymous=anonymous, subject=subject,
                address_key=key, linked=True, now=stamp(now))
    _link(conn, settings, report, answers, env.user_id, now)
    return Result("tips/linked_receipt", {"report": report, "anonymous": anonymous})


def _link(conn: sqlite3.Connection, settings: Settings, report: Report, answers: dict[str, Any], user_id: int,
          now: datetime) -> None:
    """A further tip about the same address joins the first: its words in the history, its photos with the
    report's, and the assignee told which tipster it is by number (`relay.tipsters`), named only when they
    chose to be."""
    ts = stamp(now)
    number, hidden = next((n, anonymous) for n, (user, anonymous) in enumerate(relay.tipsters(conn, report), start=1)
                          if user == user_id)
    reports_db.add_event(conn, report.id, ts, None, "linked", text=str(answers.get("description", "")),
                         when=str(answers.get("when", "")), tipster=number)
    added = media.into(report.details, answers, settings.attachments_max)
    if added:
        reports_db.update(conn, report.id, details=json.dumps(added, ensure_ascii=False))
        media.record(conn, report.id, {k: answers[k] for k in ("media", "location") if k in answers}, ts)
    report = casework.load(conn, report.id)
    assignee = people_db.staff_member(conn, report.assignee_id) if report.assignee_id is not None else None
    if assignee is not None and assignee.telegram_user_id is not None:
        notify.to_user(conn, settings, assignee.telegram_user_id, "tips/linked_notice", "assign", ts,
                       priority=outbox.ASSIGN, report_id=report.id, report=report,
                       text=str(answers.get("description", "")), tipster=number,
                       sender=notify.person_of(conn, user_id, anonymous=hidden))
        media.to_staff(conn, settings, report, assignee, outbox.ASSIGN, ts,
                       only={k: answers[k] for k in ("media", "location") if k in answers})


def card_buttons(report: Report) -> list[list[tuple[str, str]]]:
    """A tip's card: accept while open; verified / unfounded; ask the tipster, a note; transfer, escalate; and
    for a tip about an unreported arrival, turning it into an arrival report."""
    if report.status == "resolved":
        return []
    rid = report.id
    rows = [[(f"r|{rid}|acc", "acc")]] if report.status == "open" else []
    rows += [[(f"t|{rid}|ver", "tip_verify"), (f"t|{rid}|unf", "tip_unfounded")],
             [(f"q|{rid}|ask", "ask_tipster"), (f"r|{rid}|note", "note")],
             [(f"r|{rid}|xfer", "xfer"), (f"r|{rid}|esc", "esc")]]
    if report.details.get("subject") == "arrival":
        rows.append([(f"t|{rid}|arr", "tip_to_arrival")])
    return rows


def _refusal(outcome: casework.Outcome) -> Screen:
    return Screen("stale", Message(f"casework/outcome/{outcome.key}", {"report": outcome.report}), toast=True)


def _tip_report(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                ) -> tuple[Report | None, Screen | None]:
    report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
    if refusal is not None:
        return None, _refusal(refusal)
    assert report is not None
    if report.kind != "tip":
        return None, _refusal(casework.Outcome("stale"))
    return report, None


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, action: str,
            now: datetime) -> Screen:
    """A tip card's own button (`t|<id>|ver`, `unf`, `arr`), checked against the database: verified and
    unfounded ask for the reason first (a note aside); `arr` makes the arrival report at once."""
    from bot.services.flows import engine      # imported when used: its registry loads the flows that call here

    report, refused = _tip_report(conn, report_id, user_id, now)
    if refused is not None:
        return refused
    assert report is not None
    if action in VERDICT_FLOWS:
        return engine.start(conn, settings, user_id, "tip_verdict", now,
                            context={"report_id": report.id, "verdict": VERDICT_FLOWS[action]})
    if action == "arr" and report.details.get("subject") == "arrival":
        return to_arrival(conn, settings, report, user_id, now)
    return _refusal(casework.Outcome("stale"))


def verdict(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, found: Verdict,
            text: str, now: datetime) -> casework.Outcome:
    """The tip is closed as verified or unfounded, with the assignee's reason: its relay ends, the tipster (and
    whoever's tip was linked to it) is told, and a verified one gets a reward proposed to the grid leader."""
    report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
    if refusal is not None:
        return refusal
    assert report is not None
    ts = stamp(now)
    reports_db.update(conn, report.id, status="resolved", resolved_at=ts, outcome=text,
                      accepted_at=report.accepted_at or ts)
    reports_db.add_event(conn, report.id, ts, user_id, found, outcome=text)
    timers_db.cancel(conn, report.id)
    report = casework.load(conn, report.id)
    subject: TipSubject = report.details.get("subject", "other")
    amount = settings.tip_reward(subject) if found == "verified" else 0
    if amount > 0:
        rewards.propose(conn, settings, report, subject, amount, now)
    if found == "verified":                         # an unfounded tip has nothing to follow up
        visits.follow_up(conn, settings, report, user_id, now)
    notify.to_reporter(conn, settings, report, f"tips/verdict_{found}", ts, amount=amount, reason=text)
    for tipster, _ in relay.tipsters(conn, report)[1:]:        # the linked tipsters, each once
        notify.to_user(conn, settings, tipster, f"tips/verdict_{found}", "reporter", ts, report_id=report.id,
                       report=report, amount=0, reason=text)
    return casework.Outcome(found, report, {"amount": amount})


def to_arrival(conn: sqlite3.Connection, settings: Settings, tip: Report, user_id: int, now: datetime) -> Screen:
    """One button: an arrival report with what the tip knows, filed by the worker, linked both ways; the worker
    holds it (accepted) and fills in the rest as notes."""
    if any(e.action == "converted" for e in reports_db.events(conn, tip.id)):
        return _refusal(casework.Outcome("tip_already_converted", tip))
    grid = areas_db.load(conn, tip.grid_id)
    person = people_db.by_telegram_id(conn, user_id)
    assert person is not None                       # casework checked their power
    ts = stamp(now)
    details = {"address": tip.details.get("where", ""), "description": tip.details.get("description", ""),
               "from_tip": tip.number, **{k: tip.details[k] for k in ("location",) if k in tip.details}}
    number = reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings))
    report_id = reports_db.create(
        conn, number=number, grid_id=grid.id, kind="arrival", priority="high", reporter_user=user_id,
        on_behalf=True, details=details, now=ts, accept_due_at=ts,
        resolve_due_at=stamp(now + settings.resolve_window("high")))
    reports_db.update(conn, report_id, status="accepted", accepted_at=ts, assignee_id=person.id)
    reports_db.add_event(conn, report_id, ts, user_id, "created", priority="high", from_tip=tip.number)
    timers_db.arm(conn, "resolve", report_id, stamp(now + settings.resolve_window("high")))
    reports_db.add_event(conn, tip.id, ts, user_id, "converted", to=number)
    arrival = casework.load(conn, report_id)
    return Screen("done", Message("casework/outcome/tip_converted", {"report": arrival, "tip": tip}), toast=True)
