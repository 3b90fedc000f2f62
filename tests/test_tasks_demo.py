"""`gridbot demo` runs its service-task scenes to the end (an arrival under monitoring with a missed and an
abnormal check-in, a campaign with a nobody-home revisit, a follow-up visit reopening a dispute): each scene checks
what it shows, so a 0 exit means every step did what it should. Run in English: the scenes press buttons by their
words in the demo's locale."""

from __future__ import annotations

from bot.app.demo import run_demo
from bot.core.config import Settings


async def test_the_demo_passes_its_service_task_scenes(tmp_path, capsys):
    assert await run_demo(Settings(database=str(tmp_path / "unused.sqlite3"), locale="en")) == 0
    printed = capsys.readouterr().out
    for scene in ("home health monitoring", "door-knocking", "follow-up visit"):
        assert scene in printed.lower(), scene
