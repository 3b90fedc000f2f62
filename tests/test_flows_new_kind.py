"""A new kind of report is one declaration: registered here, it is offered, asked (with `when`), backed out of
and confirmed by the engine without a line of engine or handler code. (Its words go in messages/labels.py's
field, question and option tables; to be stored, `reports.kind`'s CHECK must also allow it.)"""

from __future__ import annotations

import pytest

from bot.services import intake
from bot.services.flows.fields import CHOICE, TEXT
from bot.services.flows.kinds import REPORT_KINDS, ReportKind
from bot.services.flows.model import Step
from db import conversations as conv_db

NOISE = ReportKind("noise", (                                           # the whole declaration
    Step("source", CHOICE, ("music", "building_work")),
    Step("hours", TEXT, when=lambda a: a.get("source") == "music"),
    Step("place", TEXT),
), lambda answers, risk_areas: "normal")

USER = 424242


@pytest.fixture
def noise(monkeypatch):
    monkeypatch.setitem(REPORT_KINDS, "noise", NOISE)


def datas(screen) -> list[str]:
    return [b.data for row in screen.buttons for b in row]


async def test_a_kind_declared_here_is_offered_asked_and_confirmed(db, city, settings, clock, noise):
    async def press(data):
        return await db.write(intake.pressed, settings, USER, data, clock.now())

    async def say(text):
        return await db.write(intake.typed, settings, USER, text, clock.now())

    first = await db.write(intake.begin, settings, USER, "G0101", clock.now())
    assert {"f|kind|arrival", "f|kind|dispute", "f|kind|noise"} <= set(datas(first))
    await press("f|kind|noise")
    source = await press("f|behalf|other")
    assert source.message.context["step"] == "source"
    assert datas(source) == ["f|source|music", "f|source|building_work", "f|back|source", "f|cancel"]
    assert (await say("music")).error.template == "report/invalid/use_buttons"

    assert (await press("f|source|music")).message.context["step"] == "hours"
    assert (await say("22:00-02:00")).message.context["step"] == "place"
    assert (await say("\u200b")).error.template == "report/invalid/empty"
    confirm = await say("5号楼")
    assert confirm.kind == "confirm" and confirm.message.context["rows"] == [
        ("kind", "noise"), ("behalf", "other"), ("source", "music"), ("hours", "22:00-02:00"), ("place", "5号楼")]

    await press("f|back|confirm")
    await press("f|back|place")
    await press("f|back|hours")                                        # back to the source: choose the other
    place = await press("f|source|building_work")
    assert place.message.context["step"] == "place"                    # `when`: no hours for building work
    state, _ = await db.read(conv_db.get, USER)
    assert state["answers"] == {"kind": "noise", "behalf": "other", "source": "building_work"}
    assert (await press("f|hours|x")).kind == "stale"
