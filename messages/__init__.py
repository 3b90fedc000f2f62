"""Every text a person reads: one Jinja2 template tree, its words in gettext catalogs per locale.

Layout
  templates/<name>.html|.txt   one screen, or a family of short ones (a file with `{% block %}`s):
                               `render("groups/bind_bound")` renders block `bind_bound` of
                               `templates/groups.html`; a file without blocks is one screen
                               (`report/card`, `notices/rumour`). `.html` is Telegram HTML, autoescaped;
                               `.txt` is plain text (button toasts, the command line).
  labels.py                    the words for stored values (roles, statuses, options, buttons, commands…),
                               one table per kind; templates use `{{ r.role|label("role") }}`.
  labels_field.py              the same for the field work (tips, gatherings, service tasks); labels.TABLES
                               lists both. `msgid.py` holds `Msg` and the `L_` mark.
  locale/gridbot.pot           every msgid, extracted; never edited by hand.
  locale/<locale>/LC_MESSAGES/gridbot.po
                               the translations; msgids are English, `en` repeats them (so English wording
                               can change without touching code), `zh_CN` translates them. Read at start
                               (no .mo build step). zh_CN is the default locale and the fallback.

Writing a template: words go through `{{ _("Sentence with %(name)s.", name=expr) }}` (or
`{{ ngettext("%(num)d group", "%(num)d groups", n) }}`); layout stays outside the msgid: emoji markers,
`<b>` around values you pass in, line breaks, bullets. Values are escaped in .html, msgids are not.
Filters and globals: `x|label("table")` (`x|label("table", default="key")` for a value the table may
lack), `area|area` or `name|area(code)` (an area as the locale writes it), `value|answer(key)` (a form
answer), `fmt("aside"|"detail"|"list"|"entries"|"sentences", …)` (locale punctuation, see labels.FORMAT). Never branch on the locale in a template. (`{% trans x=… %}…{{ x }}…
{% endtrans %}` works too, but trim_blocks eats the newline after `{% endtrans %}`.) A new kind of label:
a table in labels.py whose entries are `L_("<table>", "English")`, listed in labels.TABLES.

Converting an old per-locale template `<locale>/x/y.html` (mechanical):
  1. Take the en file. Wrap each sentence in `_()`: `{{ v.attr }}` inside it becomes `%(attr)s` with
     `attr=v.attr` passed; `l.role(r)` → `r|label("role")`, `l.level(l)` → `l|label("level")`,
     `l.kind/status/priority/action/field/notice/notice_field/bstatus(x)` →
     `x|label("kind"/"status"/"priority"/"action"/"field"/"notice"/"notice_field"/"broadcast_status")`,
     `l.level_name(n)` → `n|label("escalation")`, `l.area(a)` → `a|area`, `l.value(k, v)` → `v|answer(k)`;
     an inline dict of words becomes a table in labels.py (its `.get(k, "other words")` a `default` row).
     Drop `{% import … _labels.html %}`.
  2. Put it in `templates/x.html` as `{% block y %}…{% endblock %}` (or as `templates/x/y.html` if it is a
     long screen of its own). The name `x/y` keeps working for `render`.
  3. `python -m bot messages extract` (= `gridbot messages extract`), then fill each new empty `msgstr`
     in `locale/zh_CN/LC_MESSAGES/gridbot.po` from the old zh_CN file; delete both old files.
  4. `pytest tests/test_catalogs.py`: it fails on a missing or fuzzy translation, or a template that does
     not render (add sample values for new variables to tests/test_messages.py SAMPLES).

Tests and the demo ask which template produced a text with `recording()` (see messages.recording).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from jinja2 import Environment, meta, nodes

from messages.catalog import DEFAULT_LOCALE, LOCALES, environment as _environment, translate, translations
from messages.names import EXTENSIONS, is_label, label_names, label_of, source_of, template_names as _template_names
from messages.recording import Record, Recording, note, recording, start_recording

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Record", "Recording", "environment", "is_html", "label", "locale_for",
           "recording", "render", "start_recording", "template_names", "variables_of", "warm"]


def locale_for(language_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The locale for a Telegram `language_code`: English speakers get en, everyone else zh_CN."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    if language_code and language_code.lower().startswith("zh"):
        return "zh_CN"
    return default


def environment(locale: str = DEFAULT_LOCALE) -> Environment:
    """The Jinja2 environment whose gettext reads `locale`'s catalog (zh_CN for an unknown locale)."""
    return _environment(_known(locale))


def render(name: str, locale: str = DEFAULT_LOCALE, /, **context: Any) -> str:
    """Render `name` (e.g. "groups/bind_bound") in `locale`, falling back to zh_CN."""
    loc = _known(locale)
    # A message depends on nothing but its name, locale and values (the templates' globals are pure), so one
    # seen before is not rendered again: the same questions go to every resident all day long. Only values that
    # cannot change are a key (an object could be changed after its text was kept).
    if all(_plain(v) for v in context.values()):
        text = _cached(name, loc, **context)
    else:
        text = _render(name, loc, context)
    note(name, loc, text, context)
    return text


def label(name: str, locale: str = DEFAULT_LOCALE, /, **context: str) -> str:
    """`render` for short texts that depend only on their (hashable) arguments: button labels and the like."""
    loc = _known(locale)
    text = _cached(name, loc, **context)
    note(name, loc, text, context)
    return text


def template_names(locale: str = DEFAULT_LOCALE) -> list[str]:
    """Every name `render` takes (those of `report/option`-like labels need their arguments too)."""
    return sorted(_template_names(environment(locale)) + label_names())


def warm() -> int:
    """Read every locale's catalog and compile every template file (macro files too) once, at start-up, so that
    no one's first button press waits for it; returns how many templates the environments now hold."""
    held = 0
    for locale in LOCALES:
        env = environment(locale)
        files = env.list_templates(extensions=[ext.lstrip(".") for ext in EXTENSIONS])
        for file in files:
            env.get_template(file)
        for name in _template_names(env):
            source_of(name, env)
        held += len(files)
    return held


def variables_of(name: str) -> list[str]:
    """The variables a template (or a family's block) needs, in the order they first appear: a notice's
    fields, or what a test must supply."""
    env = environment()
    source = source_of(name, env)
    assert env.loader is not None
    tree = env.parse(env.loader.get_source(env, source.file)[0])
    if source.block is not None:
        block = next(b for b in tree.find_all(nodes.Block) if b.name == source.block)
        tree = nodes.Template(block.body)
        tree.set_environment(env)
    undeclared = meta.find_undeclared_variables(tree) - env.globals.keys()
    return list(dict.fromkeys(n.name for n in tree.find_all(nodes.Name) if n.name in undeclared))


def is_html(name: str) -> bool:
    """Whether `name` renders Telegram HTML (else plain text)."""
    return not is_label(name) and source_of(name, environment()).file.endswith(".html")


def _known(locale: str) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime, time})


def _plain(value: Any) -> bool:
    """Exact types only: a `Markup` equals the same text as a `str`, and must not share its rendering."""
    kind = type(value)
    return kind in _PLAIN or (kind is tuple and all(_plain(v) for v in value))


@lru_cache(maxsize=4096, typed=True)
def _cached(name: str, locale: str, /, **context: Any) -> str:
    return _render(name, locale, context)


def _render(name: str, locale: str, context: dict[str, Any]) -> str:
    msg = label_of(name, context)
    if msg is not None:
        return translate(translations(locale), msg, False, context)
    env = _environment(locale)
    source = source_of(name, env)
    template = env.get_template(source.file)
    if source.block is None:
        return template.render(context).strip()
    # shared=True takes the dict as it is: merging the globals here is cheaper than Jinja's walk of its
    # ChainMap of globals, and most messages are blocks.
    scope = template.new_context({**env.globals, **context}, shared=True)
    return "".join(template.blocks[source.block](scope)).strip()
