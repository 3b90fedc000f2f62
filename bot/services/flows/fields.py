"""Field types: how a typed answer is read and checked. The parse functions are pure (unit-tested as such); the
field types wrap them for steps."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Sequence

from bot.services.flows.model import ConversationState, Env, FieldType, Invalid, Option, Step
from bot.services.org_import import normalize_phone
from bot.services.spoken import read_date

if TYPE_CHECKING:
    from bot.services.flows.attachments import Attachment

# What a free-text step takes besides text (attachments.KINDS, repeated: that module builds on this one).
ATTACHABLE = frozenset({"photo", "video", "voice", "audio", "document", "location", "venue"})

MAX_NAME = 50
TELEGRAM = "telegram"                   # the button value of "my Telegram name"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# Letters that draw nothing, used to fake an empty name (Hangul fillers, the braille blank).
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
DROPPED = frozenset(("Cc", "Cf", "Cs"))          # control, format (zero-width, bidi marks), lone surrogates


def normalize_text(raw: str, *, single_line: bool = False) -> str:
    """What is kept of typed text: NFC, without control and format characters (zero-width characters, bidi
    marks, NUL), line breaks as `\\n` (or spaces on a single line), tabs as spaces, trimmed; "" when nothing
    visible is left. NFC, not NFKC: NFKC would turn Chinese full-width punctuation (，：！) into ASCII."""
    lines = [_visible(line) for line in LINE_BREAK.split(unicodedata.normalize("NFC", raw))]
    text = " ".join(" ".join(lines).split()) if single_line else "\n".join(line.rstrip() for line in lines).strip()
    return "" if all(ch.isspace() or ch in BLANKS for ch in text) else text


def _visible(line: str) -> str:
    if line.isprintable():                        # the usual case, checked at C speed
        return line
    return "".join(" " if ch == "\t" else ch for ch in line if ch == "\t" or unicodedata.category(ch) not in DROPPED)


def normalize_code(raw: str) -> str:
    """Codes, numbers and dates: also NFKC, so full-width letters and digits (ＢＸ０１, １３８…) count as ASCII."""
    return normalize_text(unicodedata.normalize("NFKC", raw), single_line=True)


def parse_text(raw: str, *, max_len: int, single_line: bool = False) -> str:
    text = normalize_text(raw, single_line=single_line)
    if not text:
        raise Invalid("empty")
    if len(text) > max_len:
        raise Invalid("too_long", max=max_len, length=len(text))
    return text


def parse_phone(raw: str) -> str:
    """A mainland mobile number, with +86/0086, spaces and dashes taken off."""
    text = normalize_code(raw)
    if not text:
        raise Invalid("empty")
    phone = normalize_phone(text)
    if not PHONE_RE.match(phone):
        raise Invalid("bad_phone")
    return phone


def parse_date(raw: str, today: date, *, past_only: bool = False) -> date:
    """A date as people type it (see `spoken.read_date`: 2026-12-02, 12月2日, 12.2, 2号, 明天下午, 前天), within a
    year of `today`; without a year, the nearest such date (for `past_only`, the last one not after today)."""
    text = normalize_code(raw)
    if not text:
        raise Invalid("empty")
    day = read_date(text, today, direction="past" if past_only else "nearest")
    if day is None:
        raise Invalid("bad_date")
    if past_only and day > today:
        raise Invalid("date_in_future")
    if abs((day - today).days) > 366:
        raise Invalid("date_out_of_range")
    return day


class Choice(FieldType):
    """Answered with a button; typing is told to use them."""

    name = "choice"
    pressable = True

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        if not normalize_text(raw):
            raise Invalid("empty")
        raise Invalid("use_buttons")


class Text(FieldType):
    """Typed text. A photo, file or place sent instead joins the form; a file's caption answers the step when
    it would as typed text."""

    name = "text"
    single_line = False
    takes = ATTACHABLE

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return parse_text(raw, max_len=step.max_len, single_line=self.single_line)

    def attach(self, step: Step, item: Attachment, env: Env) -> tuple[ConversationState, Any]:
        if not item.caption:
            return env.state, None
        try:
            return env.state, self.parse(step, item.caption, env)
        except Invalid:
            return env.state, None


class Line(Text):
    """Text on one line: names, and whatever goes into a heading."""

    name = "line"
    single_line = True


class Phone(FieldType):
    name = "phone"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return parse_phone(raw)


class OwnName(Line):
    """A name; in one's own report (`behalf` self) the Telegram name is offered as a button
    (`<prefix>|<step>|telegram`), read from the context's `telegram_name` set when the form began."""

    name = "own_name"
    pressable = True

    def options(self, step: Step, env: Env) -> Sequence[Option]:
        return [Option(TELEGRAM, own)] if (own := self._own(step, env)) else []

    def press(self, step: Step, value: str, env: Env) -> Any:
        own = self._own(step, env)
        if value != TELEGRAM or not own:
            raise Invalid("stale")
        return own

    def _own(self, step: Step, env: Env) -> str:
        if env.values.get("behalf") != "self":
            return ""
        name = normalize_text(str(env.state.context.get("telegram_name") or ""), single_line=True)
        return name if len(name) <= step.max_len else ""


class OwnPhone(Phone):
    """A phone; in one's own report, Telegram's share-contact button fills it (see `engine.contact_shared`)."""

    name = "own_phone"

    def offers_contact(self, step: Step, env: Env) -> bool:
        return env.values.get("behalf") == "self"


class Date(FieldType):
    """Stored as an ISO date."""

    name = "date"

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        return parse_date(raw, env.today, past_only=step.past_only).isoformat()


CHOICE, TEXT, LINE, PHONE, DATE = Choice(), Text(), Line(), Phone(), Date()
OWN_NAME, OWN_PHONE = OwnName(), OwnPhone()
FIELD_TYPES: dict[str, FieldType] = {}


def field_type(kind: FieldType) -> FieldType:
    """Register a field type by name (the registry lists what declarations may use)."""
    FIELD_TYPES[kind.name] = kind
    return kind


for _kind in (CHOICE, TEXT, LINE, PHONE, DATE, OWN_NAME, OWN_PHONE):
    field_type(_kind)
