"""Template samples for the service tasks' messages (tests/test_messages.py renders every template with them)."""

from __future__ import annotations

from typing import Any

EVIL = '<b>张三</b> & "李四" <script>'

TASKS_SAMPLES: dict[str, Any] = {
    "counts": {"created": 1, "updated": 2, "unchanged": 3},
    "address": EVIL, "building": "3", "unit": "2", "room": "401",
}
