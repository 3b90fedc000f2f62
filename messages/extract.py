"""`gridbot messages extract`: every msgid of the templates and label tables into locale/gridbot.pot, then
merged into each locale's .po (translations kept; a changed msgid comes back fuzzy for a translator to
check; msgids no longer used are dropped, git keeps them). The source locale (en) gets each new msgid as
its own text."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from messages.catalog import DOMAIN, JINJA_OPTIONS, LOCALES, POT, ROOT, SOURCE_LOCALE, TEMPLATES, po_path
from messages.names import EXTENSIONS

KEYWORDS: dict[str, Any] = {"_": None, "gettext": None, "ngettext": (1, 2), "L_": ((1, "c"), 2)}
COMMENT_TAGS = ("Translators:",)
HEADER = ("# gridbot's texts. Translators: edit msgstr; a fuzzy entry is not shown.\n"
          "# After editing templates or labels*.py: python -m bot messages extract\n#")
# Lines write_po stamps with the time: left out when deciding whether a file changed.
STAMPS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


@dataclass(frozen=True)
class Stats:
    path: str
    missing: int
    fuzzy: int


def sources() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in EXTENSIONS) + [ROOT / "labels.py", ROOT / "labels_field.py"]


def collect() -> Catalog:
    """Every msgid in use, with where it is used."""
    pot = Catalog(project="gridbot", domain=DOMAIN, charset="utf-8", fuzzy=False, header_comment=HEADER)
    jinja = {**{k: str(v).lower() for k, v in JINJA_OPTIONS.items()}, "newstyle_gettext": "true", "silent": "false"}
    for path in sources():
        method, options = ("jinja2.ext:babel_extract", jinja) if path.suffix in EXTENSIONS else ("python", {})
        with path.open("rb") as f:
            for lineno, message, comments, context in extract(method, f, KEYWORDS, COMMENT_TAGS, options):
                pot.add(message, None, [(str(path.relative_to(ROOT)), lineno)], auto_comments=comments,
                        context=context)
    return pot


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, project="gridbot", charset="utf-8", fuzzy=False,
                       header_comment=HEADER)
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def untranslated(catalog: Catalog) -> list[Any]:
    """Messages (not the header) with an empty msgstr, or an empty plural form."""
    def empty(string: Any) -> bool:
        return not all(string) if isinstance(string, tuple) else not string

    return [m for m in catalog if m.id and empty(m.string)]


def run() -> tuple[int, list[Stats]]:
    """Extract, write the .pot and the .po files; (msgids, per-locale stats)."""
    pot = collect()
    _write(POT, pot)
    stats = []
    for locale in LOCALES:
        catalog = load(locale)
        # A changed msgid comes back fuzzy, with the old translation for a translator to check; in the source
        # locale the msgid itself is the better guess.
        catalog.update(pot, no_fuzzy_matching=locale == SOURCE_LOCALE, update_header_comment=True)
        if locale == SOURCE_LOCALE:
            for message in untranslated(catalog):
                message.string = message.id
        _write(po_path(locale), catalog)
        stats.append(Stats(str(po_path(locale).relative_to(ROOT.parent)), len(untranslated(catalog)),
                           sum(1 for m in catalog if m.id and m.fuzzy)))
    return len([m for m in pot if m.id]), stats


def _write(path: Path, catalog: Catalog) -> None:
    """Write unless only the time stamps would change, so extracting twice leaves no diff."""
    out = BytesIO()
    write_po(out, catalog, ignore_obsolete=True)
    new = out.getvalue()
    if path.exists() and _unstamped(path.read_bytes()) == _unstamped(new):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)


def _unstamped(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith(STAMPS)]
