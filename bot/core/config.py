"""Settings: a TOML file, then environment overrides, then command-line flags."""

from __future__ import annotations

import os
import re
import tomllib
from bot.core.errors import GridbotError
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFFICIAL_BASE_URL = "https://api.telegram.org/bot"
LOCALES = ("zh_CN", "en")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h", "socks4")
# Settings that are TOML tables of whole numbers of days, and the keys each may have.
TABLES = {"monitor_days_by_priority": ("normal", "high"),
          "visit_days_by_kind": ("arrival", "dispute", "tip", "gathering", "health")}
ZERO_ALLOWED = ("campaign_revisits",)
HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class ConfigError(GridbotError):
    """A configuration problem the user must fix; the message names it."""


@dataclass(frozen=True)
class Settings:
    token: str = ""
    base_url: str = OFFICIAL_BASE_URL
    database: str = "gridbot.sqlite3"
    timezone: str = "Asia/Shanghai"
    locale: str = "zh_CN"
    bot_username: str = ""
    invite_ttl_days: float = 14.0
    risk_areas: tuple[str, ...] = ()
    accept_minutes_high: float = 30.0
    accept_minutes_normal: float = 120.0
    resolve_hours_high: float = 24.0
    resolve_hours_normal: float = 72.0
    conversation_idle_minutes: float = 30.0
    tick_seconds: float = 1.0
    send_per_second: float = 30.0
    send_per_group_minute: int = 20
    send_per_chat_second: float = 1.0
    send_concurrency: int = 4
    concurrent_updates: int = 32
    request_timeout: float = 15.0
    broadcast_grace_minutes: float = 10.0
    outbox_keep_days: float = 30.0          # sent messages keep their delivery record but lose their text
    # Running in production (README "Running in production"); checked by `validate_production`.
    webhook_url: str = ""                   # https://…: webhook mode instead of long polling
    webhook_listen: str = "127.0.0.1:8443"  # HOST:PORT the webhook (and /healthz, /metrics) listens on
    webhook_secret: str = ""                # or $GRIDBOT_WEBHOOK_SECRET (wins); random per start when empty
    health_listen: str = ""                 # HOST:PORT for /healthz and /metrics in polling mode
    health_stall_seconds: float = 300.0     # pending mail this old with no sending progress: unhealthy
    proxy: str = ""                         # http://, https://, socks5://; else $HTTPS_PROXY/$ALL_PROXY…
    backup_cron: str = ""                   # e.g. "30 3 * * *": a copy of the database at these local times
    backup_dir: str = ""                    # default: backups/ beside the database
    backup_keep: int = 7
    purge_cron: str = "15 4 * * *"          # retention runs at these local times
    retain_personal_days: float = 180.0     # resolved reports lose their personal details after this
    retain_outbox_days: float = 90.0        # sent and failed messages are deleted after this
    retain_updates_days: float = 2.0        # handled update ids and abandoned forms
    retain_events_days: float = 730.0       # the history of resolved reports
    retain_audit_days: float = 1825.0       # the audit log, kept longest
    retain_households_days: float = 365.0   # a household no import (or arrival) confirmed this long: head erased
    # The ledger (README: "Ledger, statistics and assessment"): when the weekly digest goes out, and how the
    # monthly assessment scores each worker from their figures.
    digest_cron: str = "0 8 * * mon"
    assessment_formula: str = ("40 * accept_on_time + 40 * resolve_on_time + 20 * satisfaction"
                               " - 2 * overdue - 5 * escalated_away + 0.1 * tasks")
    # Service tasks (README "Service tasks"): tables are TOML tables, e.g. monitor_days_by_priority = {high = 7}.
    monitor_days_by_priority: tuple[tuple[str, int], ...] = ()   # monitoring started when an arrival is accepted
    checkin_time: str = "09:00"             # local time of the daily check-in
    checkin_grace_minutes: float = 120.0    # unanswered this long: the worker checks by phone or at the door
    reminder_grace_minutes: float = 120.0   # a test reminder unanswered this long reaches the worker
    campaign_list_time: str = "08:00"       # local time of each day's door-knocking lists
    campaign_revisits: int = 2              # nobody home: back on the next day's list this many times (0: never)
    visit_days_by_kind: tuple[tuple[str, int], ...] = ()         # follow-up visit after resolving, e.g. {dispute = 7}
    # Tips, gatherings and attachments (README "Tips, gatherings, photos and places").
    tips_per_day: int = 3                   # tips one person may send a day
    tip_reward_by_type: tuple[tuple[str, int], ...] = (("arrival", 200), ("gathering", 100), ("risk", 100),
                                                       ("other", 50))   # yuan per verified tip; TOML: a table
    gathering_grid_max: int = 50            # up to this many people the grid leader approves
    gathering_community_max: int = 200      # up to this many the community admin; above, the town admin
    gathering_decide_hours: float = 24.0    # an application undecided this long is escalated
    gathering_remind_hour: int = 8          # local hour of the reminders the day before and on the day
    attachments_max: int = 10               # photos, files and places one report may carry
    map_url: str = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    grid_match_km: float = 5.0              # outside every boundary, a shared location picks a grid this near

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def accept_window(self, priority: str) -> timedelta:
        return timedelta(minutes=self.accept_minutes_high if priority == "high" else self.accept_minutes_normal)

    def resolve_window(self, priority: str) -> timedelta:
        return timedelta(hours=self.resolve_hours_high if priority == "high" else self.resolve_hours_normal)

    def monitor_days(self, priority: str) -> int:
        return dict(self.monitor_days_by_priority).get(priority, 0)

    def visit_days(self, kind: str) -> int:
        return dict(self.visit_days_by_kind).get(kind, 0)

    def tip_reward(self, subject: str) -> int:
        """The reward for a verified tip about `subject` (0: none)."""
        return dict(self.tip_reward_by_type).get(subject, 0)

    def with_overrides(self, **values: Any) -> "Settings":
        """Return a copy with the non-empty values applied and validated."""
        return validate(replace(self, **{k: v for k, v in values.items() if v not in (None, "")}))


DEFAULTS = Settings()

ENV_OVERRIDES = {
    "GRIDBOT_TOKEN": "token",
    "GRIDBOT_BASE_URL": "base_url",
    "GRIDBOT_DATABASE": "database",
    "GRIDBOT_WEBHOOK_SECRET": "webhook_secret",
}


def normalize_base_url(url: str) -> str:
    """Accept `http://host:port` or `http://host:port/bot`; return the `.../bot` form ptb wants."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("config_bad_value", name="base_url", value=url)
    url = url.rstrip("/")
    return url if url.endswith("/bot") else url + "/bot"


def validate(settings: Settings) -> Settings:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("config_bad_value", name="timezone", value=settings.timezone) from None
    if settings.locale not in LOCALES:
        raise ConfigError("config_bad_value", name="locale", value=settings.locale)
    if not settings.database:
        raise ConfigError("config_bad_value", name="database", value=settings.database)
    for field in fields(settings):                       # every number a setting holds must be positive
        value = getattr(settings, field.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0 and not (
                value == 0 and field.name in ZERO_ALLOWED):
            raise ConfigError("config_bad_value", name=field.name, value=value)
    for name, keys in TABLES.items():
        table = getattr(settings, name)
        if not all(k in keys and isinstance(v, int) and 0 <= v <= 366 for k, v in table):
            raise ConfigError("config_bad_value", name=name, value=dict(table))
    for name in ("checkin_time", "campaign_list_time"):
        if not HH_MM.fullmatch(getattr(settings, name)):
            raise ConfigError("config_bad_value", name=name, value=getattr(settings, name))
    validate_production(settings)
    validate_tips(settings)
    return replace(settings, base_url=normalize_base_url(settings.base_url))


def validate_tips(settings: Settings) -> None:
    if settings.gathering_community_max < settings.gathering_grid_max:
        raise ConfigError("config_bad_value", name="gathering_community_max", value=settings.gathering_community_max)
    if not 0 < settings.gathering_remind_hour < 24:
        raise ConfigError("config_bad_value", name="gathering_remind_hour", value=settings.gathering_remind_hour)
    if any(amount < 0 for _, amount in settings.tip_reward_by_type):
        raise ConfigError("config_bad_value", name="tip_reward_by_type", value=settings.tip_reward_by_type)
    if "{lat}" not in settings.map_url or "{lon}" not in settings.map_url:
        raise ConfigError("config_bad_value", name="map_url", value=settings.map_url)


def split_host_port(value: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:8443` for IPv6) → (host, port); raises ValueError."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(value)
    return host.strip("[]"), int(port)


def validate_production(settings: Settings) -> None:
    """The webhook, listener, proxy and schedule settings."""
    from apscheduler.triggers.cron import CronTrigger

    if settings.webhook_url and (urlsplit(settings.webhook_url).scheme != "https"
                                 or not urlsplit(settings.webhook_url).hostname):
        raise ConfigError("config_bad_value", name="webhook_url", value=settings.webhook_url)
    if settings.webhook_secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", settings.webhook_secret):
        raise ConfigError("config_bad_value", name="webhook_secret", value="…")
    for name in ("webhook_listen", "health_listen"):
        value = getattr(settings, name)
        try:
            if value:
                split_host_port(value)
        except ValueError:
            raise ConfigError("config_bad_value", name=name, value=value) from None
    if settings.proxy and (urlsplit(settings.proxy).scheme not in PROXY_SCHEMES or not urlsplit(settings.proxy).hostname):
        raise ConfigError("config_bad_value", name="proxy", value=settings.proxy)
    for name in ("backup_cron", "purge_cron"):
        value = getattr(settings, name)
        try:
            if value:
                CronTrigger.from_crontab(value, timezone=settings.tz)
        except ValueError:
            raise ConfigError("config_bad_value", name=name, value=value) from None


def _coerce(key: str, value: Any, default: Any) -> Any:
    """Check a TOML value against the type of the setting's default."""
    if key in TABLES:
        if isinstance(value, dict) and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            return tuple(sorted(value.items()))
    elif isinstance(default, tuple) and default and isinstance(default[0], tuple):
        # A table of names to whole numbers (tip_reward_by_type), kept as pairs so that Settings stays hashable.
        if isinstance(value, dict) and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            return tuple((str(k), int(v)) for k, v in value.items())
    elif isinstance(default, tuple):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, type(default)):
        return value
    raise ConfigError("config_bad_value", name=key, value=value)


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (`path` or $GRIDBOT_CONFIG, optional) and apply environment overrides."""
    variables: Mapping[str, str] = os.environ if env is None else env
    path = path or variables.get("GRIDBOT_CONFIG")
    data: dict[str, Any] = {}
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("config_not_found", path=str(path)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError("config_unreadable", path=str(path), reason=str(exc)) from None
    data = data.get("gridbot", data)
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError("config_unknown_key", name=key, path=str(path))
        values[key] = _coerce(key, value, getattr(DEFAULTS, key))
    for var, key in ENV_OVERRIDES.items():
        if variables.get(var):
            values[key] = variables[var]
    return validate(Settings(**values))
