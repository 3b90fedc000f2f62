"""Webhook mode end to end over loopback HTTP: Telegram posts updates, the bot answers after handling them."""

from __future__ import annotations

import sqlite3

import aiohttp
import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.app.webhook import SECRET_HEADER
from bot.app.wiring import ALLOWED_UPDATES
from db import reports as reports_db
from tests.prod_helpers import Telegram, free_port, serving
from tests.scenario import eventually, report_from_group, team

SECRET = "wh-secret_0123456789"
HOOK = "https://gridbot.example.org/tg/hook"


@pytest.fixture
def webhook_settings(settings):
    return settings.with_overrides(webhook_url=HOOK, webhook_listen=f"127.0.0.1:{free_port()}",
                                   webhook_secret=SECRET)


async def held_back(sandbox, person, text: str = "/start") -> dict:
    """The person says something; the update is taken from the sandbox before anyone delivers it."""
    await person.says(person.private, text)
    [update] = sandbox.world.take_updates(-1, 1)
    return update


async def post(http: aiohttp.ClientSession, url: str, secret: str | None, **body) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with http.post(url, headers=headers, **body) as response:
        return response.status


async def handled(db, update_id: int) -> bool:
    return bool(await db.read(lambda c: c.execute("SELECT 1 FROM processed_updates WHERE update_id = ?",
                                                  (update_id,)).fetchone()))


async def test_a_report_loop_by_webhook_and_posts_refused(webhook_settings, clock, db, city, sandbox):
    async with serving(webhook_settings, clock, sandbox, db) as bot:
        hook = bot.base + "/tg/hook"
        [setting] = [e for e in sandbox.world.events if e.kind == "webhook"]
        assert setting.text == HOOK
        assert setting.data["secret_token"] == SECRET and setting.data["allowed_updates"] == ALLOWED_UPDATES

        async with Telegram(sandbox, hook, SECRET) as telegram:
            crew = await team(bot, bot.driver, clock)
            resident = await bot.driver.user("居民甲", user_id=700001)
            number = await report_from_group(bot.driver, resident, crew.group)
            card = await bot.driver.expect(crew.workers[0].private)
            assert number in card.text
        assert set(telegram.statuses) == {200}
        assert await bot.db.read(reports_db.by_number, number) is not None

        person = await bot.driver.user("居民乙", user_id=700002)
        sends_before = len(await bot.driver.sent(person.private))
        async with aiohttp.ClientSession() as http:
            update = await held_back(sandbox, person)
            assert await post(http, hook, "wrong-secret", json=update) == 403
            assert await post(http, hook, None, json=update) == 403
            assert await post(http, hook, SECRET, data=b"{not json") == 400
            assert await post(http, hook, SECRET, json=[1, 2]) == 400
            assert await post(http, hook, SECRET, json={"update_id": "x"}) == 400
            too_big = {**update, "update_id": update["update_id"] + 1000}
            too_big["message"] = {**update["message"], "text": "/start " + "x" * (2 * 1024 * 1024)}
            assert await post(http, hook, SECRET, json=too_big) == 413
            assert not await handled(bot.db, update["update_id"]) and not await handled(bot.db, too_big["update_id"])
            assert await bot.driver.nothing_new(person.private)
            assert len(await bot.driver.sent(person.private)) == sends_before

            # The right secret: handled before the answer; a redelivery is answered 200 and does nothing.
            assert await post(http, hook, SECRET, json=update) == 200
            assert await handled(bot.db, update["update_id"])
            welcome = await bot.driver.expect(person.private)
            assert "/report" in welcome.text
            assert await post(http, hook, SECRET, json=update) == 200
            assert await bot.driver.nothing_new(person.private)

            async with http.get(bot.base + "/healthz") as response:
                assert response.status == 200
                health = await response.json()
            assert health["mode"] == "webhook" and health["database"]["writable"] is True
            assert health["updates"]["seconds_since_last"] is not None
            async with http.get(bot.base + "/metrics") as response:
                metrics = await response.text()
            assert 'gridbot_updates_handled_total{kind="message"}' in metrics


async def test_a_failed_update_is_answered_500_so_telegram_sends_it_again(webhook_settings, clock, db, city,
                                                                           sandbox):
    failures = []

    async def flaky(update: Update, context) -> None:
        if not failures:
            failures.append(update.update_id)
            raise sqlite3.OperationalError("database is locked")

    async with serving(webhook_settings, clock, sandbox, db) as bot:
        bot.application.add_handler(MessageHandler(filters.Regex("^/start"), flaky), group=-1)
        person = await bot.driver.user("居民丙", user_id=700003)
        async with aiohttp.ClientSession() as http:
            update = await held_back(sandbox, person)
            assert await post(http, bot.base + "/tg/hook", SECRET, json=update) == 500
            assert await post(http, bot.base + "/tg/hook", SECRET, json=update) == 200
        assert failures == [update["update_id"]]
        assert "/report" in (await bot.driver.expect(person.private)).text


async def test_switching_back_to_polling_deletes_the_webhook(webhook_settings, settings, clock, db, city, sandbox):
    async with serving(webhook_settings, clock, sandbox, db):
        assert sandbox.world.webhook_url == HOOK
    async with serving(settings, clock, sandbox, db) as bot:
        assert sandbox.world.webhook_url == ""
        assert [e.data.get("deleted") for e in sandbox.world.events if e.kind == "webhook"][-1] is True
        assert bot.listener is None
        person = await bot.driver.user("居民丁", user_id=700004)
        await person.start()
        assert "/report" in (await bot.driver.expect(person.private)).text


async def test_health_listener_in_polling_mode(settings, clock, db, city, sandbox):
    polling = settings.with_overrides(health_listen=f"127.0.0.1:{free_port()}")
    async with serving(polling, clock, sandbox, db) as bot:
        person = await bot.driver.user("居民戊", user_id=700005)
        await person.start()
        await bot.driver.expect(person.private)
        async with aiohttp.ClientSession() as http:
            async with http.post(bot.base + "/tg/hook", json={"update_id": 1}) as response:
                assert response.status in (404, 405)        # no webhook in polling mode
            async with http.get(bot.base + "/healthz") as response:
                assert response.status == 200
                assert (await response.json())["mode"] == "polling"
