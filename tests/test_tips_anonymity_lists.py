"""An anonymous tip, verified and rewarded, leaves the tipster unnamed beyond the messages to staff too: in the
ledger exported unmasked (csv), `gridbot rewards`, the worker's /tasks, and the audit log (no entry names the
tipster's Telegram id)."""

from __future__ import annotations

import asyncio
import json

from bot.app.cli import main
from db import audit
from tests.scenario import team
from tests.tips_helpers import TIPSTER, rewarded_tip

SECRETS = (TIPSTER["first_name"], TIPSTER["username"], str(TIPSTER["user_id"]), "13955556666")


async def run(capsys, *argv: str) -> str:
    code = await asyncio.to_thread(main, list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out + out.err


async def test_no_list_export_or_audit_entry_names_an_anonymous_tipster(bot, driver, clock, settings, capsys,
                                                                      tmp_path):
    crew = await team(bot, driver, clock)
    tipster = await driver.user(TIPSTER["first_name"], user_id=TIPSTER["user_id"], username=TIPSTER["username"],
                                phone_number="13955556666")
    code = await rewarded_tip(driver, crew, tipster)
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "zh_CN"\n')
    db = ["--config", str(config), "--db", settings.database]

    out = tmp_path / "ledger.csv"
    await run(capsys, "export", "--area", "TZ", "--format", "csv", "--out", str(out), "--from", "2026-04-01",
              "--to", "2026-04-30", *db)
    exported = out.read_text(encoding="utf-8-sig")
    [number] = await bot.db.read(lambda c: [r[0] for r in c.execute("SELECT number FROM reports WHERE kind = 'tip'")])
    assert number in exported                                           # the tip is in it
    listed = await run(capsys, "rewards", "--area", "TZ", *db)
    assert code in listed

    li_na = crew.workers[0]
    await driver.skip(li_na.private)
    await li_na.says(li_na.private, "/tasks")
    tasks = await driver.expect(li_na.private)
    audit_log = json.dumps(await bot.db.read(audit.entries), ensure_ascii=False)
    for where, text in (("export", exported), ("gridbot rewards", listed), ("/tasks", tasks.text),
                        ("audit", audit_log)):
        for secret in SECRETS:
            assert secret not in text, f"{secret} in {where}"
