"""python-telegram-bot's request interface over aiohttp: the same Bot API calls, with less work per call
than the default httpx transport (measured by bench/intake.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.delivery import proxy as proxies

JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` for `ApplicationBuilder.request()` / `.get_updates_request()`."""

    def __init__(self, connection_pool_size: int = 8, read_timeout: float | None = 15.0,
                 connect_timeout: float | None = 10.0, write_timeout: float | None = 15.0,
                 proxy: str | None = None) -> None:
        self._pool_size = connection_pool_size
        self._proxy = proxy                     # from bot.delivery.proxy.choose_proxy
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = proxies.connector(self._proxy, self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _seconds(read_timeout, self._read_timeout)
        connect = _seconds(connect_timeout, self._connect_timeout)
        pool = _seconds(pool_timeout, None)
        timeout = aiohttp.ClientTimeout(total=None, connect=pool, sock_connect=connect, sock_read=read)
        data: Any = None
        headers = None
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                # A JSON body, built once: a dict given to aiohttp becomes a FormData (with a multipart writer and
                # a fresh uuid boundary) on every call, which showed in the profile of every send.
                data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
                headers = JSON_HEADERS
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout,
                                             proxy=proxies.per_request(self._proxy)) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _seconds(value: object, default: float | None) -> float | None:
    """A timeout ptb passed: a number, None (no limit), or one of its default markers (`BaseRequest.DEFAULT_NONE`
    or a default of its own for some methods), which mean "the transport's own setting"."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return default
