"""Webhook mode: a small aiohttp server that Telegram (through the operator's reverse proxy) posts updates to.

An update is answered 200 only after its handlers have finished, so a crash or a failed transaction makes
Telegram deliver it again; the update-id claim in the same transaction makes a second delivery harmless.
(python-telegram-bot's own webhook server answers as soon as the update is queued.)"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackContext

from bot.app.health import Health
from bot.app.metrics import metrics_of
from bot.core.config import Settings, split_host_port
from bot.services.runtime import Runtime

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024          # Telegram's updates are a few kB; a megabyte leaves room for long texts
MAX_CONNECTIONS = 40
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def webhook_secret(settings: Settings) -> str:
    """The configured secret ($GRIDBOT_WEBHOOK_SECRET wins, see config), or a fresh random one: setWebhook
    at every start tells Telegram the current one."""
    return settings.webhook_secret or secrets.token_urlsafe(32)


def webhook_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


async def set_webhook(bot: Bot, settings: Settings, secret: str, allowed_updates: list[str]) -> None:
    await bot.set_webhook(settings.webhook_url, secret_token=secret, allowed_updates=allowed_updates,
                          max_connections=MAX_CONNECTIONS)


async def leave_webhook_mode(bot: Bot) -> bool:
    """Polling mode: delete a webhook left from an earlier run (getUpdates is refused while one is set)."""
    info = await bot.get_webhook_info()
    if info.url:
        await bot.delete_webhook()
        return True
    return False


class TelegramRedelivers:
    """Webhook mode's answer to `handlers.context.Redelivery`: Telegram itself sends a failed update again."""

    TRIES = 5

    def __init__(self) -> None:
        self._tries: dict[int, int] = {}

    def again(self, update_id: int) -> bool:
        tries = self._tries.get(update_id, 0) + 1
        if len(self._tries) > 10_000:               # forget old ids: a redelivery comes within minutes
            self._tries.clear()
        self._tries[update_id] = tries
        return tries < self.TRIES


class Listener:
    """The HTTP listener: the webhook path (when `secret` is given), /healthz and /metrics."""

    def __init__(self, application: AnyApplication, listen: str, *, path: str | None = None,
                 secret: str | None = None) -> None:
        self.application = application
        self.host, self.port = split_host_port(listen)
        self.path, self.secret = path, secret
        runtime: Runtime = application.bot_data.runtime
        self.health = Health(runtime, metrics_of(application), "webhook" if path else "polling")
        self._failed: set[int] = set()
        self._runner: web.AppRunner | None = None
        self._watching = False

    async def start(self) -> "Listener":
        app = web.Application(client_max_size=MAX_BODY)
        self.health.routes(app)
        if self.path is not None:
            app.router.add_post(self.path, self.receive)
        # shutdown_timeout: on stop, updates being handled get this long to finish (and be answered 200)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=10.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except BaseException:
            await self._runner.cleanup()
            self._runner = None
            raise
        addresses = self._runner.addresses
        if addresses:
            self.port = int(addresses[0][1])
        if self.path is not None:
            self.application.add_error_handler(self._remember_failure)
            # A failed update is answered 500 and Telegram posts it again: a busy database gets those tries
            # before the person is told it did not work.
            self.application.bot_data.redelivery = TelegramRedelivers()
            self._watching = True
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._watching:
            self.application.remove_error_handler(self._remember_failure)
            self._watching = False

    async def _remember_failure(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """A handler raised: unless Telegram refused something for good, ask for the update again."""
        if isinstance(update, Update) and not isinstance(context.error, (Forbidden, BadRequest)):
            self._failed.add(update.update_id)

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, (self.secret or "").encode()):
            log.warning("webhook: refused a post without the right secret from %s", request.remote)
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413)
        try:
            data = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return web.Response(status=400)
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:               # a body that is JSON but not an Update
            return web.Response(status=400)
        application = self.application
        # Through the update processor, as polling does: per-user order, the concurrency limit, the metrics.
        await application.update_processor.process_update(update, application.process_update(update))
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            return web.Response(status=500)
        return web.Response(status=200)
