"""One satisfaction question per resolution: the resident gets the 满意 / 不满意 / skip buttons with the news that
their report was resolved, and nothing else asks again; the answer is kept once and counts in /stats and in the
assessment."""

from __future__ import annotations

from bot.services.ledger import periods
from bot.services.ledger.assessment import assess
from bot.services.ledger.stats import figures
from db import areas as areas_db
from db import visits as visits_db
from tests.scenario import DISPUTE, card_action, context_of, press_data, report_from_group, team


def asks(message) -> list[str]:
    return [b["callback_data"] for b in message.buttons if b["callback_data"].startswith(("sa|", "sat|"))]


async def test_a_resolved_report_asks_once_and_the_answer_counts_in_stats_and_assessment(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await press_data(li_na, card, card_action(card, "acc"))
    await driver.expect(resident.private)
    await driver.skip(resident.private)
    await press_data(li_na, card, card_action(card, "res"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已调解，双方和解")

    resolved = await driver.expect(resident.private)
    bot.runtime.sender.wake()
    assert await bot.runtime.sender.drained()
    later = await driver.events(driver.cursors.get((resident.private, ("send", "document")), 0), resident.private)
    questions = [resolved, *[e for e in later if e.kind == "send"]]
    assert [len(asks(m)) for m in questions] == [3] + [0] * (len(questions) - 1)     # one question, three buttons
    asked = await bot.db.read(visits_db.asked, int(asks(resolved)[0].split("|")[1]))
    [ask] = await bot.db.read(visits_db.answered, asked.report_id)                   # one question kept
    assert ask.answer is None

    satisfied = next(d for d in asks(resolved) if d.endswith("|satisfied"))
    await driver.answer(await press_data(resident, resolved, satisfied))
    [ask] = await bot.db.read(visits_db.answered, ask.report_id)
    assert ask.answer == "satisfied"

    grid = await bot.db.read(areas_db.by_code, "G0101")
    fig = await bot.db.read(figures, grid, periods.preset("today", clock.now(), settings), clock.now())
    assert (fig.total.answered, fig.total.satisfied, fig.satisfaction) == (1, 1, 1.0)
    await driver.skip(crew.leader.private)
    await crew.leader.says(crew.leader.private, "/stats")
    screen = await driver.expect(crew.leader.private)
    shown = context_of(screen, "ledger/stats")["fig"]
    assert "100%" in screen.text and (shown.satisfaction, shown.total.answered) == (1.0, 1)

    month = periods.month(clock.now().astimezone(settings.tz).strftime("%Y-%m"))
    found = await bot.db.read(assess, settings, grid, month, clock.now())
    card_of = {c.name: c for c in found.workers}["李娜"]
    assert (card_of.answered, card_of.satisfaction) == (1, 1.0)
