"""Every request to the Bot API goes through the configured proxy: an HTTP one, a socks5 one, or one named by
the environment; NO_PROXY exempts hosts."""

from __future__ import annotations

import asyncio
import struct
from collections import Counter

import aiohttp
import pytest
from aiohttp import web

from bot.app.harness import running_bot
from bot.delivery.proxy import bypassed, choose_proxy


class HttpProxy:
    """A forwarding HTTP proxy on loopback (absolute-form requests, as clients send to a proxy for http://)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/{tail:.*}", self.forward)
        # A long poll in flight when the test ends is cut off, not waited for.
        self.runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.2)
        self.url = ""

    async def __aenter__(self) -> "HttpProxy":
        self.http = aiohttp.ClientSession(auto_decompress=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runner.cleanup()
        await self.http.close()

    async def forward(self, request: web.Request) -> web.Response:
        target = str(request.url) if request.url.is_absolute() and request.url.host else None
        assert target and request.url.port != self.runner.addresses[0][1], "not a proxy request"
        if request.url.path.startswith("/bot"):       # (the test's own driver honours ALL_PROXY too)
            self.calls[request.url.path.rsplit("/", 1)[-1]] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "proxy-connection")}
        async with self.http.request(request.method, target, headers=headers, data=await request.read()) as answer:
            body = await answer.read()
            return web.Response(status=answer.status, body=body,
                                headers={"Content-Type": answer.headers.get("Content-Type", "application/json")})


class Socks5Proxy:
    """A minimal socks5 server on loopback (no authentication, CONNECT only), counting connections."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []

    async def __aenter__(self) -> "Socks5Proxy":
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.url = f"socks5://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _, count = await reader.readexactly(2)
            await reader.readexactly(count)
            writer.write(b"\x05\x00")
            _, command, _, kind = await reader.readexactly(4)
            if kind == 1:
                host = ".".join(str(b) for b in await reader.readexactly(4))
            else:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            port = struct.unpack("!H", await reader.readexactly(2))[0]
            self.connections.append((host, port))
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
            writer.write(b"\x05\x00\x00\x01" + bytes(4) + b"\x00\x00")

            async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
                try:
                    while data := await src.read(65536):
                        dst.write(data)
                        await dst.drain()
                finally:
                    dst.close()

            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer),
                                 return_exceptions=True)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def conversation(running) -> None:
    person = await running.driver.user("居民", user_id=800001)
    await person.start()
    assert "/report" in (await running.driver.expect(person.private)).text


async def test_every_call_goes_through_the_http_proxy_setting(settings, sandbox, monkeypatch):
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
                "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with HttpProxy() as proxy:
        async with running_bot(settings.with_overrides(proxy=proxy.url), sandbox=sandbox) as running:
            await conversation(running)
        assert sum(proxy.calls.values()) == sum(sandbox.calls.values()) > 0
        assert proxy.calls == Counter(sandbox.calls)
        assert {"getMe", "setMyCommands", "getUpdates", "sendMessage"} <= set(proxy.calls)


async def test_all_proxy_from_the_environment_and_no_proxy(settings, sandbox, monkeypatch):
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with HttpProxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "")
        async with running_bot(settings, sandbox=sandbox) as running:
            await conversation(running)
        through = sum(proxy.calls.values())
        assert through == sum(sandbox.calls.values()) > 0
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        async with running_bot(settings, sandbox=sandbox) as running:
            await running.driver.idle()
        assert sum(proxy.calls.values()) == through          # nothing more went through it
        assert sum(sandbox.calls.values()) > through


async def test_every_call_goes_through_a_socks5_proxy(settings, sandbox, monkeypatch):
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Socks5Proxy() as proxy:
        async with running_bot(settings.with_overrides(proxy=proxy.url), sandbox=sandbox) as running:
            await conversation(running)
        assert proxy.connections and {port for _, port in proxy.connections} == {sandbox.port}


@pytest.mark.parametrize("url, configured, env, expected", [
    ("https://api.telegram.org/bot", "", {"HTTPS_PROXY": "http://p:3128"}, "http://p:3128"),
    ("https://api.telegram.org/bot", "", {"https_proxy": "http://p:3128", "HTTP_PROXY": "http://q:1"},
     "http://p:3128"),
    ("http://10.0.0.5:8081/bot", "", {"HTTPS_PROXY": "http://p:3128"}, None),
    ("http://10.0.0.5:8081/bot", "", {"ALL_PROXY": "socks5h://p:1080"}, "socks5h://p:1080"),
    ("https://api.telegram.org/bot", "socks5://s:1080", {"HTTPS_PROXY": "http://p:3128"}, "socks5://s:1080"),
    ("https://api.telegram.org/bot", "socks5://s:1080", {"NO_PROXY": ".telegram.org"}, None),
    ("http://127.0.0.1:8081/bot", "", {"ALL_PROXY": "http://p:1", "NO_PROXY": "example.org, 127.0.0.1:8081"}, None),
    ("http://127.0.0.1:8082/bot", "", {"ALL_PROXY": "http://p:1", "NO_PROXY": "127.0.0.1:8081"}, "http://p:1"),
    ("https://api.telegram.org/bot", "", {"ALL_PROXY": "http://p:1", "NO_PROXY": "*"}, None),
])
def test_which_proxy(url, configured, env, expected):
    assert choose_proxy(url, configured, env) == expected


def test_no_proxy_matches_domains_not_substrings():
    assert bypassed("api.telegram.org", 443, "telegram.org")
    assert not bypassed("nottelegram.org", 443, "telegram.org")
    assert bypassed("::1", 80, "[::1]")
