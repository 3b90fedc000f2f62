"""Template samples for the production commands' texts (merged into test_messages.SAMPLES)."""

from __future__ import annotations

from typing import Any

from bot.app.backup import Checked
from bot.services.retention import Purged


class AnyValues(dict[str, Any]):
    """A check's values: every key a doctor template asks for is there."""

    def __missing__(self, key: str) -> str:
        return key


PROD_SAMPLES: dict[str, Any] = {
    "pid": 4242, "address": "127.0.0.1:8443", "webhook": "https://bot.example.org/tg", "listen": "127.0.0.1:8443",
    "backup": Checked("/var/backups/gridbot.sqlite3", {"reports": 3, "outbox": 9}, 9, 65536),
    "previous": "/var/lib/gridbot/gridbot.sqlite3.before-restore-20260409-030000",
    "purged": Purged(reports=2, residents=1, outbox=5, numbers=["G0101-20260409-0001"]), "dry": True,
    "retain": {"personal": 180.0, "outbox": 90.0, "updates": 2.0, "events": 730.0, "audit": 1825.0,
               "households": 365.0},
    "ok": False, "c": AnyValues(), "failed": 2,
}
