"""At a step with buttons, typing a button's words (in either locale, or a text that holds them) is taken like a
press; a text that fits none, or several, is asked again naming the choices."""

from __future__ import annotations

from messages import label
from tests.scenario import asked, context_of, names_in, next_screen, template_of


def option(key: str, value: str) -> str:
    """A choice's button words as the zh_CN catalog writes them."""
    return label("report/option", "zh_CN", key=key, value=value)


async def resident_in_private(driver):
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    return resident


async def say(driver, person, text):
    await person.says(person.private, text)
    return await next_screen(driver, person.private)


async def test_typed_labels_are_taken_like_presses(bot, driver):
    resident = await resident_in_private(driver)
    await resident.says(resident.private, "/report")
    await driver.expect(resident.private)                               # the communities

    assert template_of(bot, await say(driver, resident, "府前")) == "report/ask_grid"      # a name in the label
    assert asked(await say(driver, resident, "第一网格")) == "kind"
    assert asked(await say(driver, resident, option("kind", "arrival"))) == "behalf"    # a label exactly

    ambiguous = await say(driver, resident, "报备")                     # in 本人报备 and in 代他人报备
    assert "report/invalid/not_a_choice" in names_in(ambiguous) and asked(ambiguous) == "behalf"
    assert set(context_of(ambiguous, "report/invalid/not_a_choice")["choices"]) == {option("behalf", "self"),
                                                                                   option("behalf", "other")}

    question = await say(driver, resident, "本人")
    for text in ("赵小满", "13912345678", "上海", "今天", "府前小区3号楼"):
        question = await say(driver, resident, text)
    assert asked(question) == "travel"
    assert asked(await say(driver, resident, "坐火车")) == "health"
    assert asked(await say(driver, resident, "有点咳嗽")) == "test_result"

    unknown = await say(driver, resident, "做过了")
    assert "report/invalid/not_a_choice" in names_in(unknown) and asked(unknown) == "test_result"
    assert len(context_of(unknown, "report/invalid/not_a_choice")["choices"]) == 3
    assert asked(await say(driver, resident, "negative")) == "test_date"            # the other locale's words
    await say(driver, resident, "昨天")
    confirm = await say(driver, resident, "无")
    rows = dict(context_of(confirm, "report/confirm")["rows"])
    assert (rows["kind"], rows["behalf"], rows["travel"], rows["health"], rows["test_result"]) == \
        ("arrival", "self", "train", "cough", "negative")
    assert rows["test_date"] == "2026-04-08"


async def test_a_negated_label_is_not_taken(bot, driver):
    resident = await resident_in_private(driver)
    await resident.says(resident.private, "/report")
    await driver.expect(resident.private)
    await say(driver, resident, "G0101")
    await say(driver, resident, "矛盾纠纷")
    await say(driver, resident, "本人")
    await say(driver, resident, "邻里")
    for text in ("钱大爷与孙阿姨", "5号楼楼道", "楼道堆放杂物"):
        question = await say(driver, resident, text)
    assert asked(question) == "urgency"
    refused = await say(driver, resident, "不紧急")                        # holds 紧急, but says the opposite
    assert "report/invalid/not_a_choice" in names_in(refused) and asked(refused) == "urgency"
