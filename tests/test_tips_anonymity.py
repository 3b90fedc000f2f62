"""An anonymous tip: offered in /report, routed to the grid's worker, whose card shows neither the tipster's name,
username, phone nor Telegram id; questions relayed both ways without identities; verified, rewarded with a claim
code the tipster alone gets — and nothing any staff member received, in any chat, names the tipster."""

from __future__ import annotations

from db import audit
from db import reports as reports_db
from tests.scenario import context_of, expect_from, team, template_of
from tests.tips_helpers import TIP, TIPSTER, datas, expect_buttons, press, send_tip, sentence, staff_texts

ANONYMOUS = "You chose to stay anonymous: staff do not see your name, phone or account."


def shown(card) -> tuple[str, bool]:
    """What a report card is about and whether it withholds the reporter: (kind, anonymous)."""
    values = context_of(card, "report/card")
    return values["report"].kind, bool(values["reporter"]["anonymous"])


async def test_an_anonymous_tip_reaches_staff_without_the_tipster_and_is_rewarded(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    tipster = await driver.user(TIPSTER["first_name"], user_id=TIPSTER["user_id"], username=TIPSTER["username"],
                                phone_number="13955556666")

    receipt = await send_tip(driver, tipster, crew.group)
    assert "G0101-" in receipt.text and template_of(bot, receipt) == "report/submitted"
    assert sentence(ANONYMOUS) in receipt.text                     # told their identity is withheld

    card = await expect_from(driver, li_na.private, "report/card")
    rid = card.buttons[0]["callback_data"].split("|")[1]
    assert shown(card) == ("tip", True)
    assert {f"t|{rid}|ver", f"t|{rid}|unf", f"q|{rid}|ask", f"t|{rid}|arr"} <= set(datas(card))

    # The worker asks; the tipster answers; neither sees the other.
    await press(li_na, card, f"q|{rid}|ask")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "三个人是从哪里来的？")
    await driver.expect(li_na.private)
    question = await expect_buttons(driver, tipster.private)
    assert "三个人是从哪里来的？" in question.text and "李娜" not in question.text
    await press(tipster, question, f"q|{rid}|reply")
    await driver.expect(tipster.private)
    await tipster.says(tipster.private, "听说是从吉林来的")
    await driver.expect(tipster.private)
    relayed = await expect_buttons(driver, li_na.private)
    assert "听说是从吉林来的" in relayed.text and f"q|{rid}|ask" in datas(relayed)

    # Verified: the leader approves the reward; the tipster gets the claim code in private.
    await press(li_na, card, f"t|{rid}|ver")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已上门核实，三人未报备，已补登记")
    await driver.expect(li_na.private)
    told = await expect_from(driver, tipster.private, "tips/verdict_verified")
    assert context_of(told, "tips/verdict_verified")["amount"] == 200 and "200" in told.text
    approval = await expect_buttons(crew.leader.driver, crew.leader.private)
    [reward_id] = {d.split("|")[1] for d in datas(approval) if d.startswith("rw|")}
    await press(crew.leader, approval, f"rw|{reward_id}|ok")
    claim = await expect_from(driver, tipster.private, "rewards/approved")
    code = context_of(claim, "rewards/approved")["reward"].claim_code
    assert len(code) == 9 and code[4] == "-" and code in claim.text

    await crew.leader.says(crew.leader.private, "/rewards")
    ledger = await expect_buttons(driver, crew.leader.private)
    [listed] = context_of(ledger, "rewards/ledger")["rewards"]
    assert code in ledger.text and (listed.claim_code, listed.status) == (code, "approved")      # not paid yet
    await press(crew.leader, ledger, f"rw|{reward_id}|paid")
    paid = await expect_from(driver, tipster.private, "rewards/paid")
    assert code in paid.text
    entries = await bot.db.read(audit.entries, f"reward:{reward_id}")
    assert [e["action"] for e in entries] == ["reward_approved", "reward_paid"]
    assert all(e["actor_user"] == crew.leader.id for e in entries)

    # Closed: the relay has ended, both ways.
    await press(tipster, question, f"q|{rid}|reply")
    assert await driver.nothing_new(tipster.private)
    state = await bot.db.read(lambda c: c.execute("SELECT count(*) FROM conversations WHERE user_id = ?",
                                                  (tipster.id,)).fetchone()[0])
    assert state == 0
    await press(li_na, relayed, f"q|{rid}|ask")
    assert await driver.nothing_new(li_na.private)

    report = await bot.db.read(reports_db.get, int(rid))
    assert report.status == "resolved" and report.details["anonymous"] == "yes"
    staff = [crew.leader.id, *(w.id for w in crew.workers), crew.community_admin.id, crew.town_admin.id]
    texts = await staff_texts(driver, staff)
    assert any(report.number in t for t in texts) and any("听说是从吉林来的" in t for t in texts)
    for text in texts:
        for secret in (TIPSTER["first_name"], TIPSTER["username"], str(TIPSTER["user_id"]), "13955556666"):
            assert secret not in text, f"{secret} reached staff: {text}"


async def test_a_tipster_who_gives_their_name_is_shown_as_for_any_report(bot, driver, clock):
    crew = await team(bot, driver, clock)
    tipster = await driver.user("钱大爷", username="qian_daye")

    await send_tip(driver, tipster, crew.group, [*TIP[:-1], ("press", "f|anonymous|no")])

    card = await expect_buttons(driver, crew.workers[0].private)
    assert "钱大爷" in card.text and "@qian_daye" in card.text and shown(card) == ("tip", False)
