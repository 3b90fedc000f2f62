"""The queries tips, rewards, gatherings and attachments run per update or per tick find their rows through an
index (db.plans' check, over these tables too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import gatherings, open_database, outbox, places, plans, tips

NOW = plans.NOW
MINE = {
    "tips.sent_since": lambda c: tips.sent_since(c, 1, NOW),
    "tips.open_at_address": lambda c: tips.open_at_address(c, 1, "府前小区7号楼"),
    "tips.founding": lambda c: tips.founding(c, 1),
    "tips.linked_to": lambda c: tips.linked_to(c, 1),
    "tips.reward": lambda c: tips.reward(c, 1),
    "tips.reward_by_code": lambda c: tips.reward_by_code(c, "ABCD-EFGH"),
    "tips.rewards_in": lambda c: tips.rewards_in(c, [1, 2], ("approved", "paid")),
    "gatherings.get": lambda c: gatherings.get(c, 1),
    "gatherings.due": lambda c: gatherings.due(c, NOW),
    "gatherings.claim": lambda c: gatherings.claim(c, 1),
    "gatherings.approved_between": lambda c: gatherings.approved_between(c, [1, 2], NOW, NOW),
    "places.grid_centres": lambda c: places.grid_centres(c),
    "outbox.add_media": lambda c: outbox.add_media(c, NOW, chat_id=1, method="sendPhoto",
                                                   payload={"file_id": "x"}, purpose="attachments"),
}


async def test_the_new_hot_queries_use_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plans, "GROWING", plans.GROWING | {"tips", "rewards", "gatherings", "gathering_reminders"})
    db = await open_database(str(tmp_path / "g.sqlite3"))
    found = await db.read(lambda conn: [p for name, sql, args in plans.statements(conn, MINE)
                                        for p in plans.problems(conn, name, sql, args)])
    ran = {name for name, _, _ in await db.read(plans.statements, MINE)}
    await db.close()
    assert found == [] and ran == set(MINE)
