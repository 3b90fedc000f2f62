"""Every text a person reads: Jinja2 templates per locale.

`<locale>/<name>.html` is a Telegram message (HTML parse mode, autoescaped);
`<locale>/<name>.txt` is plain text for the command line. zh_CN is the default and the fallback.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound, select_autoescape

ROOT = Path(__file__).parent
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(ROOT)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        auto_reload=False,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return env


def locale_for(language_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The locale for a Telegram `language_code`: English speakers get en, everyone else zh_CN."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    if language_code and language_code.lower().startswith("zh"):
        return "zh_CN"
    return default


def render(name: str, locale: str = DEFAULT_LOCALE, /, **context: Any) -> str:
    """Render `name` (e.g. "groups/bound") in `locale`, falling back to zh_CN."""
    template, loc = _find(name, locale)
    return template.render(locale=loc, **context).strip()


@lru_cache(maxsize=1024)
def label(name: str, locale: str = DEFAULT_LOCALE, /, **context: str) -> str:
    """`render` for short texts that depend only on their (hashable) arguments: button labels and the like."""
    return render(name, locale, **context)


@lru_cache(maxsize=None)
def _find(name: str, locale: str) -> tuple[Template, str]:
    env = environment()
    for loc in dict.fromkeys((locale, DEFAULT_LOCALE)):
        for ext in ("html", "txt"):
            try:
                return env.get_template(f"{loc}/{name}.{ext}"), loc
            except TemplateNotFound:
                continue
    raise TemplateNotFound(name)


def template_names(locale: str) -> list[str]:
    """Every template of a locale, as names `render` takes."""
    base = ROOT / locale
    return sorted(str(p.relative_to(base).with_suffix("")) for p in base.rglob("*") if p.suffix in (".html", ".txt"))
