"""Which proxy a request to the Bot API goes through: the `proxy` setting, else the standard environment
variables (HTTPS_PROXY / HTTP_PROXY by the URL's scheme, then ALL_PROXY; NO_PROXY exempts hosts), as curl
reads them. http:// and https:// proxies go per request; socks ones need their own connector."""

from __future__ import annotations

from typing import Mapping
from urllib.parse import urlsplit

import aiohttp

SOCKS_SCHEMES = ("socks5", "socks5h", "socks4")


def _env(env: Mapping[str, str], name: str) -> str:
    return env.get(name.lower()) or env.get(name.upper()) or ""


def bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """NO_PROXY: `*`, or comma-separated hosts matching the host or a domain suffix (`.example.org`,
    `example.org`), optionally with `:port`."""
    host = host.lower().strip("[]")
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and (not entry_port.isdigit() or int(entry_port) != port):
            continue
        name = name.strip("[]").lstrip(".")
        if host == name or host.endswith("." + name):
            return True
    return False


def choose_proxy(url: str, configured: str = "", env: Mapping[str, str] | None = None) -> str | None:
    """The proxy URL for requests to `url`, or None to connect directly."""
    env = {} if env is None else env
    parts = urlsplit(url)
    if bypassed(parts.hostname or "", parts.port, _env(env, "no_proxy")):
        return None
    if configured:
        return configured
    by_scheme = _env(env, f"{parts.scheme}_proxy") if parts.scheme in ("http", "https") else ""
    return by_scheme or _env(env, "all_proxy") or None


def is_socks(proxy: str | None) -> bool:
    return bool(proxy) and urlsplit(proxy or "").scheme in SOCKS_SCHEMES


def connector(proxy: str | None, limit: int) -> aiohttp.BaseConnector:
    """A connector with `limit` connections; through the proxy itself when it is a socks one."""
    if is_socks(proxy):
        from aiohttp_socks import ProxyConnector

        # curl's meaning: socks5h:// lets the proxy resolve names (what a firewalled network needs), socks5:// not.
        url = proxy or ""
        remote_dns = url.startswith("socks5h://")
        return ProxyConnector.from_url(url.replace("socks5h://", "socks5://", 1), limit=limit, ttl_dns_cache=300,
                                       rdns=remote_dns)
    return aiohttp.TCPConnector(limit=limit, ttl_dns_cache=300)


def per_request(proxy: str | None) -> str | None:
    """What to give aiohttp as `proxy=` on each request (None: direct, or the connector does it)."""
    return None if proxy is None or is_socks(proxy) else proxy
