"""Template samples for the service tasks' messages (tests/test_messages.py renders every template with them)."""

from __future__ import annotations

from typing import Any

EVIL = '<b>张三</b> & "李四" <script>'

TASKS_SAMPLES: dict[str, Any] = {
    "counts": {"created": 1, "updated": 2, "unchanged": 3},
    "building": "3", "unit": "2", "room": "401",
}

from bot.services.monitoring import MonitoringView  # noqa: E402
from db.tasks import Checkin  # noqa: E402

CHECKINS = [Checkin(1, 1, "2026-04-10", "2026-04-10T01:00:00+00:00", "answered", "fever", 38.2, None, None, None, 9),
            Checkin(2, 1, "2026-04-11", "2026-04-11T01:00:00+00:00", "missed", None, None, None, None, None, None),
            Checkin(3, 1, "2026-04-12", "2026-04-12T01:00:00+00:00", "checked", "normal", None, None, 5, "phone",
                    None)]
TASKS_SAMPLES |= {
    "monitoring": MonitoringView(1, "active", 7, "2026-04-09 09:00", "2026-04-16 09:00"),
    "checkin_time": "09:00", "checkins": CHECKINS, "checkin": CHECKINS[1], "answered": 2, "missed": 1,
    "abnormal": 1, "number": 3, "sent": "2026-04-11 09:00", "low": 34.0, "high": 43.0, "days": 7,
    "resident": {"name": EVIL, "phone": "13800000000", "address": EVIL},
}

from db.reminders import Reminder  # noqa: E402

REMINDERS = [Reminder(1, 1, 7, EVIL, "13800000000", EVIL, status, None) for status in ("done", "cannot", "sent")]
BATCH = {"id": 1, "place": EVIL, "at": "2026-04-10 09:00", "source": "building", "building": "3"}
TASKS_SAMPLES |= {
    "batch": BATCH, "done": REMINDERS[:1], "cannot": REMINDERS[1:2], "waiting": REMINDERS[2:],
    "lists": [{"batch": BATCH, "done": REMINDERS[:1], "cannot": REMINDERS[1:2], "waiting": REMINDERS[2:]}],
    "source": "building", "unreachable": 2, "place": EVIL, "at": "2026-04-10 09:00",
}

from bot.services.campaign_views import CampaignView, Line  # noqa: E402
from db.areas import Area  # noqa: E402

AREA = Area(1, "G0101", EVIL, "grid", 2)
CAMPAIGN = CampaignView(12, EVIL, "2026-04-12 18:00", AREA, "active")
LINES = [Line(Area(2, "JH01", EVIL, "community", 3), 0, 10, 4, 2, 1), Line(AREA, 1, 10, 4, 2, 1)]
TASKS_SAMPLES |= {
    "attempts": "2", "status": "nobody", "campaign": CAMPAIGN, "part": 1, "parts": 2, "escalated_to": 1,
    "workers": {1: EVIL}, "lines": LINES, "overdue": 3, "campaigns": [{"campaign": CAMPAIGN, "lines": LINES}],
    "may_launch": True, "campaign_title": EVIL, "households": 10, "due_at": "2026-04-12 18:00",
}

TASKS_SAMPLES |= {"satisfaction": True, "resolved": "2026-04-10 09:00"}
