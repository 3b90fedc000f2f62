"""Times as the compact tables store them (Unix seconds) and as the rest of the bot knows them (stamps)."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache


@lru_cache(maxsize=64)                  # pure; the same stamp comes back for every row an update writes
def epoch_seconds(stamp: str) -> int:
    """A stamp (bot.core.clock.stamp: UTC ISO-8601 to the second) as Unix seconds; one without a zone (a bare
    date such as a command line's) is UTC, not the machine's zone."""
    moment = datetime.fromisoformat(stamp)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


@lru_cache(maxsize=64)
def stamp_of(seconds: int) -> str:
    """Unix seconds as the stamp bot.core.clock.stamp writes."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def stamp_sql(column: str) -> str:
    """SQL giving a column of Unix seconds as the stamp `stamp_of` makes (NULL stays NULL), for rows read in bulk."""
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {column}, 'unixepoch')"
