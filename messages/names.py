"""What a message name (`"groups/bind_bound"`) stands for: a template file, a block of a family file, or a
row of a label table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from jinja2 import Environment, TemplateNotFound

from messages.catalog import TEMPLATES, lookup
from messages.msgid import Msg

EXTENSIONS = (".html", ".txt")
# Names from the time every label was a one-line template, kept so call sites need not change:
# "table" and "key" are fixed, or "*" (the rest of the name), or "{arg}" (that render argument).
LABEL_NAMES: dict[str, tuple[str, str]] = {
    "buttons/*": ("button", "*"),
    "commands/*": ("command", "*"),
    "report/toast_*": ("toast", "*"),
    "broadcast/pin_*": ("pin", "*"),
    "broadcast/notice_name": ("notice", "{notice}"),
    "broadcast/when_name": ("schedule", "{schedule}"),
    "report/option": ("{key}", "{value}"),
    "tasks/campaign/door": ("campaign_button", "door"),
    "tasks/campaign/issue": ("campaign_button", "issue"),
    "tasks/campaign/nobody": ("campaign_button", "nobody"),
    "tasks/campaign/nobody_again": ("campaign_button", "nobody_again"),
    "tasks/campaign/issue/option": ("campaign_issue", "{value}"),
    "tasks/checkin/option": ("checkin_answer", "{value}"),
    "tasks/checkin/check/option": ("check_method", "{value}"),
    "tasks/remind/answer": ("remind_answer", "{value}"),
    "tasks/remind/option": ("remind_source", "{value}"),
    "tasks/satisfaction/option": ("satisfaction", "{value}"),
    "tasks/visit/outcome_button": ("visit_outcome", "{value}"),
}


@dataclass(frozen=True)
class Source:
    """A template file under templates/, and the block to render (None: the whole file)."""

    file: str
    block: str | None = None


def label_of(name: str, context: Mapping[str, Any]) -> Msg | None:
    """The label a legacy label name stands for, or None if `name` is not one."""
    found = _label_pattern(name)
    if found is None:
        return None
    table, key, rest = found

    def fill(part: str) -> str:
        return rest if part == "*" else str(context[part[1:-1]]) if part.startswith("{") else part

    return lookup(fill(table), fill(key))


def is_label(name: str) -> bool:
    return _label_pattern(name) is not None


@lru_cache(maxsize=None)
def _label_pattern(name: str) -> tuple[str, str, str] | None:
    for pattern, (table, key) in LABEL_NAMES.items():
        head, star, _ = pattern.partition("*")
        if star and name.startswith(head) and "/" not in name[len(head):]:
            return table, key, name[len(head):]
        if name == pattern:
            return table, key, ""
    return None


@lru_cache(maxsize=None)
def source_of(name: str, env: Environment) -> Source:
    """`a/b/c` is the file `a/b/c.html|txt` when it has no blocks, else block `c` of the family `a/b.*`."""
    for ext in EXTENSIONS:
        if (TEMPLATES / f"{name}{ext}").is_file():
            if env.get_template(f"{name}{ext}").blocks:
                raise TemplateNotFound(f"{name} is a family of messages; name one of its blocks")
            return Source(f"{name}{ext}")
    family, _, block = name.rpartition("/")
    for ext in EXTENSIONS:
        if family and (TEMPLATES / f"{family}{ext}").is_file() and block in env.get_template(f"{family}{ext}").blocks:
            return Source(f"{family}{ext}", block)
    raise TemplateNotFound(name)


def template_names(env: Environment) -> list[str]:
    """Every name a template answers to: whole files and the blocks of families."""
    out = []
    # A file named `_x` holds macros other templates import; it is no message of its own.
    for path in sorted(p for p in TEMPLATES.rglob("*") if p.suffix in EXTENSIONS and not p.name.startswith("_")):
        name = str(path.relative_to(TEMPLATES).with_suffix(""))
        blocks = env.get_template(str(path.relative_to(TEMPLATES))).blocks
        out += [f"{name}/{b}" for b in blocks] if blocks else [name]
    return sorted(out)


def label_names() -> list[str]:
    """The legacy label names with a fixed key (buttons/acc, commands/start, …)."""
    from messages.labels import TABLES

    out = []
    for pattern, (table, key) in LABEL_NAMES.items():
        if key == "*":
            out += [pattern.replace("*", k) for k in TABLES[table]]
    return sorted(out)
