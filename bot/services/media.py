"""A report's photos, videos, voice notes, documents and place, shown to the staff who get its card (a media group
for several photos) and listed in its history; never sent to a group."""

from __future__ import annotations

import sqlite3
from typing import Any, Mapping, Sequence

from bot.core.config import Settings
from bot.services.flows.attachments import counts, place_text
from db import outbox
from db import reports as reports_db
from db.kinds import OutboxPriority, SendMethod
from db.people import Staff
from db.reports import Report
from messages import locale_for, render

GROUP_MAX = 10                          # Telegram's media group holds 2–10 items
SINGLE: dict[str, SendMethod] = {"photo": "sendPhoto", "video": "sendVideo", "voice": "sendVoice",
                                 "audio": "sendAudio", "document": "sendDocument"}


def record(conn: sqlite3.Connection, report_id: int, details: Mapping[str, Any], now: str,
           actor_user: int | None = None, **detail: Any) -> None:
    """List what came with the report (or with a later answer) in its history, by kind and count."""
    found = counts(details.get("media") or [], details.get("location"))
    if found:
        reports_db.add_event(conn, report_id, now, actor_user, "attached", counts=found, **detail)


def map_link(settings: Settings, place: Mapping[str, Any] | None) -> str:
    """A link to the place on a map ("" without one)."""
    if not place:
        return ""
    return settings.map_url.format(lat=f"{float(place['latitude']):.6f}", lon=f"{float(place['longitude']):.6f}")


def place_of(settings: Settings, details: Mapping[str, Any]) -> dict[str, str] | None:
    """The report's place for a card: as text, and as a map link."""
    place = details.get("location")
    return {"text": place_text(place), "link": map_link(settings, place)} if place else None


def batches(files: Sequence[Mapping[str, Any]]) -> list[tuple[SendMethod, list[Mapping[str, Any]]]]:
    """How files go out: photos and videos together in media groups, documents in their own, voice notes and
    audio one by one (Telegram groups neither with anything else); a group of one is a single send."""
    visual = [f for f in files if f["kind"] in ("photo", "video")]
    documents = [f for f in files if f["kind"] == "document"]
    out: list[tuple[SendMethod, list[Mapping[str, Any]]]] = []
    for group in (visual, documents):
        for start in range(0, len(group), GROUP_MAX):
            chunk = group[start:start + GROUP_MAX]
            out.append(("sendMediaGroup", chunk) if len(chunk) > 1 else (SINGLE[str(chunk[0]["kind"])], chunk))
    out += [(SINGLE[str(f["kind"])], [f]) for f in files if f["kind"] in ("voice", "audio")]
    return out


def into(details: Mapping[str, Any], extra: Mapping[str, Any], limit: int) -> dict[str, Any] | None:
    """`details` with the files and place of `extra` added (files up to `limit`, a place only where there was
    none); None when nothing is added."""
    files = list(details.get("media") or [])
    room = max(limit - len(files), 0)
    new_files = list(extra.get("media") or [])[:room]
    place = details.get("location") or extra.get("location")
    if not new_files and place == details.get("location"):
        return None
    return {**details, "media": files + new_files, **({"location": place} if place else {})}


def to_staff(conn: sqlite3.Connection, settings: Settings, report: Report, staff: Staff,
             priority: OutboxPriority, now: str, only: Mapping[str, Any] | None = None) -> int:
    """Queue the report's attachments (or `only` these) to one staff member's private chat after its card; how
    many messages. Queued without the person: a file Telegram will not send again must not mark them
    unreachable."""
    if staff.telegram_user_id is None:
        return 0
    source = report.details if only is None else only
    files, place = list(source.get("media") or []), source.get("location")
    locale = locale_for(staff.locale, settings.locale)
    sent = 0
    for method, chunk in batches(files):
        captions = [render("media/caption", locale, report=report, caption=f.get("caption", ""), lead=i == 0)
                    for i, f in enumerate(chunk)]
        if method == "sendMediaGroup":
            payload: dict[str, Any] = {"items": [{"type": f["kind"], "media": f["file_id"], "caption": c}
                                                 for f, c in zip(chunk, captions)]}
        else:
            payload = {"file_id": chunk[0]["file_id"], "caption": captions[0]}
        outbox.add_media(conn, now, chat_id=staff.telegram_user_id, method=method, payload=payload,
                         purpose="attachments", priority=priority, report_id=report.id)
        sent += 1
    if place:
        outbox.add_media(conn, now, chat_id=staff.telegram_user_id, method="sendLocation",
                         payload={"latitude": place["latitude"], "longitude": place["longitude"]},
                         purpose="attachments", priority=priority, report_id=report.id)
        sent += 1
    return sent
