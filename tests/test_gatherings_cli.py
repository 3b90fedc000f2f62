"""`gridbot gatherings --area CODE` and `gridbot rewards --area CODE [--paid CLAIM]`, with --config and --db like
every command: what is in the area and nothing outside it, no phone numbers, paying by claim code audited."""

from __future__ import annotations

import asyncio

from bot.app.cli import main
from db import audit
from tests.scenario import RECORDING, names_in, team
from tests.tips_helpers import approved_banquet, rewarded_tip


async def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command in a thread of its own (it runs its own event loop), beside the bot's."""
    code = await asyncio.to_thread(main, list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def printed(out: str, name: str) -> dict:
    """The values template `name` was rendered with for what the command printed (the list it shows)."""
    [record] = [r for r in RECORDING.inside(out) if r.name == name]
    return dict(record.context)


def rewards_listed(out: str) -> list[tuple[str, str]]:
    """(claim code, status) of each reward `gridbot rewards` listed."""
    return [(w.claim_code, w.status) for w in printed(out, "cli/rewards")["rewards"]]


async def test_the_command_line_lists_gatherings_and_rewards_and_pays_by_claim_code(bot, driver, clock, settings,
                                                                                   capsys, tmp_path):
    crew = await team(bot, driver, clock)
    await approved_banquet(driver, crew)
    code = await rewarded_tip(driver, crew, await driver.user("居民"))
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "zh_CN"\n')
    db = ["--config", str(config), "--db", settings.database]

    status, out, err = await run(capsys, "gatherings", "--area", "JH01", "--from", "2026-04-09", "--to", "2026-04-30", *db)
    assert status == 0, err
    listed = printed(out, "cli/gatherings")["listed"]
    assert [(g.occasion, g.people) for g in listed.gatherings] == [("banquet", 30)]
    assert "2026-04-12 11:00–14:00" in out and "限 30 人以内" in out and "13912348888" not in out
    status, out, _ = await run(capsys, "gatherings", "--area", "G0102", "--from", "2026-04-09", "--to", "2026-04-30", *db)
    assert status == 0 and printed(out, "cli/gatherings")["listed"].gatherings == []

    status, out, _ = await run(capsys, "rewards", "--area", "TZ", *db)
    assert status == 0 and code in out and rewards_listed(out) == [(code, "approved")]     # not paid yet
    status, out, _ = await run(capsys, "rewards", "--area", "G0102", "--paid", code, *db)
    assert status == 1 and "rewards/outcome/not_found" in names_in(out)      # not a claim code of that area
    status, out, _ = await run(capsys, "rewards", "--area", "G0101", "--paid", code.lower().replace("-", " "), *db)
    assert status == 0 and "rewards/outcome/paid" in names_in(out)
    status, out, _ = await run(capsys, "rewards", "--area", "G0101", *db)
    assert rewards_listed(out) == [(code, "paid")]
    paid = [e for e in await bot.db.read(audit.entries, None, "reward_paid")]
    assert len(paid) == 1 and paid[0]["actor_user"] is None and paid[0]["detail"]["via"] == "cli"

    status, _, err = await run(capsys, "rewards", "--area", "NOWHERE", *db)
    assert status == 2 and "NOWHERE" in err
    status, _, err = await run(capsys, "gatherings", "--area", "JH", "--from", "tomorrow", *db)
    assert status == 2 and "tomorrow" in err
