"""The sandbox Bot API server: `/bot<token>/<method>` as Telegram serves it, `/sandbox/*` for drivers."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from typing import Any, Callable

from aiohttp import web

from sandbox.control import control
from sandbox.limits import SEND_METHODS, Fault, RateLimits
from sandbox.methods import BotApi, Method
from sandbox.state import ApiError, World, _as_int

log = logging.getLogger(__name__)
DEFAULT_TOKEN = "7000000001:SANDBOX-gridbot-local-token"
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "reply_parameters", "link_preview_options",
               "entities", "caption_entities", "media"}
SEND_METHODS_LOWER = {m.lower() for m in SEND_METHODS}


class Sandbox:
    """One fake Bot API server on loopback, with the world it serves."""

    def __init__(self, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
        self.host, self.port = host, port
        self.world = World(bot_id=int(token.split(":")[0]) if token.split(":")[0].isdigit() else 7000000001)
        self.limits = RateLimits()
        self.faults: list[Fault] = []
        self.calls: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self._poll_generation = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        self.app.router.add_route("*", "/sandbox/{action}", self._control)
        self.api = BotApi(self.world)
        self.methods: dict[str, Method] = self.api.methods | {"getupdates": self._get_updates}

    # ----- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give python-telegram-bot as `base_url`."""
        return f"{self.url}/bot"

    async def start(self) -> "Sandbox":
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            self._poll_generation += 1
            async with self.world.changed:
                self.world.changed.notify_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "Sandbox":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # ----- HTTP plumbing ---------------------------------------------------------------
    async def _bot_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = self.methods.get(method.lower())
        if handler is None:
            return _error(ApiError(404, "Not Found"))
        try:
            params = await _params(request)
        except ValueError as exc:
            return _error(ApiError(400, f"Bad Request: {exc}"))
        self.calls[method] += 1
        fault = next((f for f in self.faults if f.matches(method, params)), None)
        if fault is not None:
            fault.count -= 1
            self.injected[fault.kind] += 1
            if fault.kind == "retry_after":
                return _error(ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                       {"retry_after": fault.retry_after}))
            if fault.kind == "server_error":
                return _error(ApiError(fault.status, "Internal Server Error" if fault.status == 500 else "Bad Gateway"))
            if fault.kind == "drop":
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
        if method.lower() in SEND_METHODS_LOWER:
            chat = self.world.find_chat(params.get("chat_id"))
            if chat is not None:
                retry = self.limits.check(chat.id, chat.type != "private")
                if retry is not None:
                    return _error(ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}))
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    # ----- Bot API methods -------------------------------------------------------------
    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.world.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        offset = _as_int(p.get("offset")) or 0
        limit = min(max(_as_int(p.get("limit")) or 100, 1), 100)
        timeout = float(p.get("timeout") or 0)
        if "allowed_updates" in p:
            self.world.allowed_updates = p["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + timeout
        while True:
            batch = self.world.take_updates(offset, limit)
            offset = max(offset, 0)      # a negative offset forgets once, at the call, not on every wake-up
            if batch:
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            async with self.world.changed:
                try:
                    await asyncio.wait_for(self.world.changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")

    # ----- the driver's side -----------------------------------------------------------
    async def _control(self, request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"]
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "description": "sandbox: the body must be a JSON object"},
                                     status=400)
        body |= dict(request.query)
        try:
            result = await self.control(action, body)
        except ApiError as exc:
            return web.json_response({"ok": False, "description": exc.description}, status=exc.status)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": f"sandbox: bad request: {exc!r}"}, status=400)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        return await control(self, action, body)


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                params[key] = value
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                raise ValueError(f"can't parse {key} JSON object") from None
    return params


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.status)


async def serve_forever(host: str, port: int, token: str, on_ready: Callable[[Sandbox], None] | None = None) -> None:
    """Run a sandbox until cancelled (`gridbot sandbox`)."""
    async with Sandbox(token, host, port) as sandbox:
        if on_ready:
            on_ready(sandbox)
        await asyncio.Event().wait()
