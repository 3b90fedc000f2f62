"""Column headers and coded values in the reader's language, from the templates; a code without a label (a
kind declared without its texts yet) shows as itself rather than failing the export."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import TemplateError

from messages import render


@lru_cache(maxsize=4096)
def header(key: str, locale: str) -> str:
    try:
        return render("ledger/column", locale, key=key) or key
    except (TemplateError, KeyError, IndexError):
        return key


@lru_cache(maxsize=4096)
def value(what: str, code: str | int | bool, locale: str) -> str:
    """`what` is status, priority, level, kind, flag, or an answer's key (its option's label)."""
    try:
        return render("ledger/value", locale, what=what, value=code) or str(code)
    except (TemplateError, KeyError, IndexError, TypeError):
        return str(code)


@lru_cache(maxsize=256)
def sheet_title(kind: str, locale: str) -> str:
    try:
        return render("ledger/sheet", locale, report_kind=kind) or kind
    except (TemplateError, KeyError):
        return kind
