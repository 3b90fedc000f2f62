"""Template samples for tips, rewards, gatherings and attachments (merged into test_messages.SAMPLES)."""

from __future__ import annotations

from typing import Any

from bot.services.gatherings import Listed
from db.gatherings import Gathering
from db.reports import Report
from db.tips import Reward

EVIL = '<b>张三</b> & "李四" <script>'
REWARD = Reward(3, 7, 1, "arrival", 200, "approved", "K7MX-3QPA", "2026-04-09T01:00:00+00:00", 42,
                "2026-04-09T02:00:00+00:00", None, None, "G0101-20260409-0007", "G0101")
GATHERING = Gathering(7, 1, "banquet", "2026-04-12T03:00:00+00:00", "2026-04-12T06:00:00+00:00", 80, 2, "approved",
                      EVIL, 42, "2026-04-09T02:00:00+00:00", None, None, None, None)

APPLICATION = Report(7, "G0101-20260409-0007", 1, "gathering", "normal", "resolved", 42, False,
                     {"place": EVIL, "organizer": EVIL, "organizer_phone": "13800000000"}, 3, 1, None,
                     "2026-04-09T01:00:00+00:00", None, None, "2026-04-09T01:30:00+00:00", "2026-04-10T01:30:00+00:00")

TIPS_SAMPLES: dict[str, Any] = {
    "listed": Listed([GATHERING], {7: APPLICATION}, {7: ("2026-04-12 11:00", "14:00")}),
    "counts": {"photo": 2, "voice": 1, "location": 1}, "attached": {"photo": 2, "location": 1},
    "place": {"text": EVIL, "link": "https://www.openstreetmap.org/?mlat=35.08&mlon=117.15#map=17/35.08/117.15"},
    "caption": EVIL, "lead": True, "last": "2026-04-24", "anonymous": True, "limit": 3, "amount": 200, "verdict": "verified",
    "subject": "arrival", "outcome": EVIL, "reward": REWARD, "rewards": [REWARD], "more": 2,
    "gathering": GATHERING, "gatherings": [GATHERING], "starts": "2026-04-12 11:00", "ends": "14:00",
    "approver": 2, "conditions": EVIL, "moment": "eve", "private": True, "times": {7: ("2026-04-12 11:00", "14:00")},
    "details": {"organizer": EVIL, "organizer_phone": "13800000000", "place": EVIL}, "violation": None,
    "result": "not_kept", "note": EVIL, "suggested": {"code": "G0101", "name": EVIL, "km": 0.4},
    "numbers": {7: "G0101-20260409-0007"}, "lat": "35.1x", "lon": "", "km": 0.4,
    "inside": False, "feature": 2, "tipster": 2,
    "sender": {"anonymous": False, "name": EVIL, "username": "evil", "phone": "13800000000"},
}
