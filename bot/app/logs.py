"""Logging for operators: a level, text or JSON lines, Telegram's expected refusals on one line, secrets masked.

What is logged above DEBUG never carries what people typed: gridbot's own messages name update ids, chat ids,
outbox ids and Telegram's reasons only (tests/test_prod_logs.py scans a whole run for the test data)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Iterable, Literal, TextIO

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

LogFormat = Literal["text", "json"]
LEVELS = ("debug", "info", "warning", "error")
# Refusals and hiccups Telegram is expected to produce: a line each, no traceback.
EXPECTED = (Forbidden, BadRequest, ChatMigrated, RetryAfter, TimedOut, NetworkError)
# Libraries that are chatty at INFO (APScheduler logs every tick; httpx every request URL, token included).
QUIET = ("apscheduler", "httpx", "httpcore", "aiohttp.access")


def expected_error(record: logging.LogRecord) -> BaseException | None:
    if record.exc_info and isinstance(record.exc_info[1], EXPECTED):
        return record.exc_info[1]
    return None


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc)
    kind = type(exc).__name__
    return text if text.startswith(kind) else f"{kind}: {text}"      # Telegram's texts often name it already


class _Masking(logging.Formatter):
    """Replaces each secret (token, webhook secret, proxy credentials) wherever it shows up."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def parts(self, record: logging.LogRecord) -> tuple[str, str | None]:
        """The message (with an expected error folded into it) and the traceback of an unexpected one."""
        message = record.getMessage()
        expected = expected_error(record)
        if expected is not None:
            return self.mask(f"{message}: {_one_line(expected)}"), None
        trace = self.formatException(record.exc_info) if record.exc_info else None
        if record.stack_info:
            trace = (trace + "\n" if trace else "") + self.formatStack(record.stack_info)
        return self.mask(message), self.mask(trace) if trace else None


class TextFormatter(_Masking):
    def format(self, record: logging.LogRecord) -> str:
        message, trace = self.parts(record)
        when = datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        line = f"{when} {record.levelname} {record.name}: {message}"
        return f"{line}\n{trace}" if trace else line


class JsonFormatter(_Masking):
    """One JSON object per line, for journald/Loki/ELK."""

    def format(self, record: logging.LogRecord) -> str:
        message, trace = self.parts(record)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": message}
        if trace:
            entry["traceback"] = trace
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "warning", fmt: LogFormat = "text", secrets: Iterable[str] = (),
                  stream: TextIO | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one writing to `stream` (stderr); returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json" else TextFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


def add_secrets(handler: logging.Handler, *secrets: str) -> None:
    """Mask more values from now on (e.g. a webhook secret generated at start)."""
    formatter = handler.formatter
    if isinstance(formatter, _Masking):
        formatter.secrets = sorted(set(formatter.secrets) | {s for s in secrets if len(s) >= 6}, key=len,
                                   reverse=True)
