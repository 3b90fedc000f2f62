"""The gettext catalogs (read from the .po files at start) and one Jinja2 environment per locale."""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from messages.labels import OPTIONS, TABLES
from messages.msgid import Msg

ROOT = Path(__file__).parent
TEMPLATES = ROOT / "templates"
LOCALE_DIR = ROOT / "locale"
DOMAIN = "gridbot"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
SOURCE_LOCALE = "en"          # the msgids are English; en.po repeats them so wording can change without code
POT = LOCALE_DIR / f"{DOMAIN}.pot"
# How the templates are parsed; `gridbot messages extract` parses them the same way.
JINJA_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": False}


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(locale: str) -> gettext.GNUTranslations:
    """The locale's catalog; fuzzy entries are left out, so they show the English msgid."""
    with po_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def translate(tr: gettext.NullTranslations, msg: Msg, autoescape: bool, params: dict[str, Any]) -> str:
    """A label in a locale, with `%(name)s` placeholders filled (escaped when the output is HTML)."""
    text = tr.pgettext(msg.context, msg.msgid)
    if not params and "%" not in text:         # most labels: skip the formatting, a card shows dozens
        return Markup(text) if autoescape else text
    return Markup(text) % params if autoescape else text % params


def lookup(table: str, key: object, default: str | None = None) -> Msg:
    """The label of `key` in `table`; a key the table lacks takes the row `default` when one is named."""
    rows = TABLES.get(table, {})
    try:
        return rows[str(key)] if default is None or str(key) in rows else rows[default]
    except KeyError:
        raise UndefinedError(f"no label {key!r} in table {table!r}") from None


@lru_cache(maxsize=None)
def environment(locale: str) -> Environment:
    """Templates of one locale: `{% trans %}`, `_()` and `ngettext` read its catalog, and the filters
    `label` and `area` its labels. Cached and never changed after, so threads may share it."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,
        **JINJA_OPTIONS,
    )
    tr = translations(locale)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]

    @pass_eval_context
    def label(ctx: EvalContext, value: object, table: str, /, default: str | None = None, **params: Any) -> str:
        return translate(tr, lookup(table, value, default), ctx.autoescape, params)

    @pass_eval_context
    def fmt(ctx: EvalContext, which: str, /, **params: Any) -> str:
        return translate(tr, lookup("format", which), ctx.autoescape, params)

    @pass_eval_context
    def area(ctx: EvalContext, value: Any, code: str | None = None) -> str:
        """`{{ area|area }}` or `{{ name|area(code) }}`: an area's name and code, as the locale writes them."""
        name, code = (value, code) if code is not None else (value.name, value.code)
        return fmt(ctx, "area", name=name, code=code)

    @pass_eval_context
    def answer(ctx: EvalContext, value: object, key: str) -> object:
        """A form answer as shown: the option's words for a button answer, else what was typed."""
        return label(ctx, value, key) if key in OPTIONS else value

    # The newstyle semantics of jinja2.ext.i18n's callables (Markup when autoescaping, always %-formatted)
    # in one call instead of its three nested ones: `_()` runs for every sentence of every message.
    @pass_eval_context
    def gettext(ctx: EvalContext, message: str, /, **variables: Any) -> str:
        text = tr.gettext(message)
        return (Markup(text) if ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        text = tr.ngettext(singular, plural, num)
        return (Markup(text) if ctx.autoescape else text) % {"num": num, **variables}

    env.filters.update(label=label, area=area, answer=answer)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, fmt=fmt)
    return env
