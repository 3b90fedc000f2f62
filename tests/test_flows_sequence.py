"""The engine's pure core: which step comes next (`when`, expanded steps), what answering and going back do, and
how a state is stored."""

from __future__ import annotations

import pytest

from bot.core.config import Settings
from bot.services.flows import registry
from bot.services.flows.fields import CHOICE, TEXT
from bot.services.flows.model import ConversationState, Flow, Result, Step
from bot.services.flows.sequence import active_steps, answer, back, can_back, current, position

SETTINGS = Settings()


def expand(values, settings):
    return [Step(f"extra{i}", TEXT) for i in range(int(values.get("count", 0)))]


TOY = Flow("toy", (
    Step("a", CHOICE, ("x", "y")),
    Step("b", TEXT, when=lambda v: v.get("a") == "x"),
    Step("count", CHOICE, ("0", "2")),
    expand,
    Step("c", TEXT),
), lambda env: Result("report/toast_submitted"), texts="report")


def keys(state: ConversationState) -> list[str]:
    return [s.key for s in active_steps(TOY, state.values, SETTINGS)]


def step(key: str, state: ConversationState) -> Step:
    return next(s for s in active_steps(TOY, state.values, SETTINGS) if s.key == key)


def answered(*pairs: tuple[str, str]) -> ConversationState:
    state = ConversationState("toy")
    for key, value in pairs:
        assert current(TOY, state, SETTINGS).key == key
        state = answer(TOY, state, step(key, state), value, SETTINGS)
    return state


def test_when_and_expanded_steps_decide_what_is_asked():
    assert keys(ConversationState("toy")) == ["a", "count", "c"]
    assert keys(answered(("a", "x"))) == ["a", "b", "count", "c"]
    state = answered(("a", "x"), ("b", "because"), ("count", "2"))
    assert keys(state) == ["a", "b", "count", "extra0", "extra1", "c"]
    assert current(TOY, state, SETTINGS).key == "extra0"
    state = answered(("a", "y"), ("count", "0"), ("c", "done"))
    assert current(TOY, state, SETTINGS) is None and position(TOY, state, SETTINGS) == "confirm"


def test_a_changed_answer_drops_the_answers_that_no_longer_apply():
    state = answered(("a", "x"), ("b", "because"), ("count", "2"), ("extra0", "one"))
    state = back(TOY, back(TOY, back(TOY, state, SETTINGS), SETTINGS), SETTINGS)
    assert dict(state.answers) == {"a": "x"} and state.trail == ("a",)
    state = back(TOY, state, SETTINGS)
    state = answer(TOY, state, step("a", state), "y", SETTINGS)
    assert dict(state.answers) == {"a": "y"} and current(TOY, state, SETTINGS).key == "count"


def test_back_undoes_the_last_answer_once_and_stops_at_the_first_question():
    state = answered(("a", "y"), ("count", "0"))
    assert position(TOY, state, SETTINGS) == "c" and can_back(TOY, state, SETTINGS)
    once = back(TOY, state, SETTINGS)
    assert dict(once.answers) == {"a": "y"} and position(TOY, once, SETTINGS) == "count"
    first = back(TOY, once, SETTINGS)
    assert dict(first.answers) == {} and not can_back(TOY, first, SETTINGS)
    assert back(TOY, first, SETTINGS) == first


def test_a_context_step_is_undone_like_an_answer_but_context_from_the_entry_stays():
    report = registry.load("report")
    state = ConversationState("report").with_context(community="FQ")
    assert position(report, state, SETTINGS) == "grid" and can_back(report, state, SETTINGS)
    assert position(report, back(report, state, SETTINGS), SETTINGS) == "community"   # the grid list → communities
    chosen = answer(report, state, report.steps[0], "G0101", SETTINGS)
    assert chosen.context == {"community": "FQ", "grid": "G0101"} and chosen.trail == ("grid",)
    assert back(report, chosen, SETTINGS).context == {"community": "FQ"}              # back to the grid list
    linked = ConversationState("report").with_context(grid="G0101")                   # from the group's link
    assert position(report, linked, SETTINGS) == "kind" and not can_back(report, linked, SETTINGS)


def test_the_report_form_by_kind():
    report = registry.load("report")
    state = ConversationState("report").with_context(grid="G0101")
    for key, value in (("kind", "arrival"), ("behalf", "self"), ("test_result", "none")):
        step_ = next(s for s in active_steps(report, state.values, SETTINGS) if s.key == key)
        state = answer(report, state, step_, value, SETTINGS)
    asked = [s.key for s in active_steps(report, state.values, SETTINGS)]
    assert "test_date" not in asked and asked[:3] == ["grid", "kind", "behalf"] and "name" in asked
    switched = answer(report, state, active_steps(report, state.values, SETTINGS)[1], "dispute", SETTINGS)
    assert dict(switched.answers) == {"kind": "dispute", "behalf": "self"}             # the arrival's answers went
    assert current(report, switched, SETTINGS).key == "category"


def test_the_stored_shape_is_the_one_the_table_always_held():
    old_report = {"flow": "report", "grid": "G0101", "answers": {"kind": "dispute"}, "trail": ["kind"]}
    old_note = {"flow": "note", "report_id": 3, "resume": old_report}
    for data in (old_report, old_note):
        assert ConversationState.from_json(data).to_json() == {"answers": {}, "trail": [], **data}
    note = ConversationState.from_json(old_note)
    assert note.context == {"report_id": 3} and note.resume.context == {"grid": "G0101"}
    for junk in ({}, {"flow": 3}, {"flow": "report", "answers": []}, {"flow": "report", "trail": "x"}):
        with pytest.raises(ValueError):
            ConversationState.from_json(junk)
    with pytest.raises(ValueError):
        ConversationState("report").with_context(answers={})


def test_steps_may_not_be_named_like_the_engines_buttons():
    with pytest.raises(ValueError):
        registry.register(Flow("bad", (Step("back", TEXT),), TOY.on_submit, texts="report"))
    assert registry.get("bad") is None
