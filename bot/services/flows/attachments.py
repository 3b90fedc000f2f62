"""What a person may send besides text while filling in a form: photos, videos, voice notes, documents (kept by
Telegram's `file_id`, nothing downloaded) and a place (a shared location or venue). They are kept in the
conversation's context under `attached` until the form is submitted, then in the report's details under
`media` and `location`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, Mapping, Sequence, get_args

from bot.services.flows.fields import Text, field_type
from bot.services.flows.model import ConversationState, Env, FieldType, Invalid, Option, Prompt, Step, Values

AttachmentKind = Literal["photo", "video", "voice", "audio", "document", "location", "venue"]
KINDS: tuple[str, ...] = get_args(AttachmentKind)
PLACES = frozenset({"location", "venue"})
FILES = frozenset(KINDS) - PLACES
KEY = "attached"


@dataclass(frozen=True)
class Attachment:
    """One thing sent: a file (`file_id`, maybe a caption and a name) or a place (`latitude`, `longitude`, and
    a venue's `title` and `address`)."""

    kind: AttachmentKind
    file_id: str = ""
    caption: str = ""
    file_name: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    title: str = ""
    address: str = ""

    @property
    def is_place(self) -> bool:
        return self.kind in PLACES

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", 0.0) or k == "kind"}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def place_text(place: Mapping[str, Any]) -> str:
    """A place as text: a venue's name and address, or the coordinates of a location."""
    if place.get("title"):
        return " ".join(str(place[k]) for k in ("title", "address") if place.get(k))
    return f"📍{float(place['latitude']):.5f},{float(place['longitude']):.5f}"


def held(values: Values) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The files and the place the form holds so far."""
    found = values.get(KEY) or {}
    return list(found.get("files", [])), found.get("place")


def add(state: ConversationState, item: Attachment, limit: int) -> ConversationState:
    """The state with `item` kept (a place replaces the one before); Invalid when the form holds `limit` files."""
    files, place = held(state.context)
    if item.is_place:
        place = item.to_json()
    elif len(files) >= limit:
        raise Invalid("too_many_attachments", max=limit)
    else:
        files.append(item.to_json())
    return state.with_context(**{KEY: {"files": files, "place": place}})


def counts(files: Sequence[Mapping[str, Any]], place: Mapping[str, Any] | None) -> dict[str, int]:
    """How many of each kind (`location` for a place of either kind), for texts."""
    found: dict[str, int] = {}
    for item in files:
        found[str(item["kind"])] = found.get(str(item["kind"]), 0) + 1
    if place:
        found["location"] = 1
    return found


def into_details(values: Values) -> dict[str, Any]:
    """What a submitted form adds to its report's details: `media` (the files) and `location` (the place)."""
    files, place = held(values)
    return {**({"media": files} if files else {}), **({"location": place} if place else {})}


class Media(FieldType):
    """The optional step of every kind: send photos, voice, videos, documents or a place, then press Done (or
    Done at once to skip it). Each thing sent is kept and the step asked again, with the count so far."""

    name = "media"
    pressable = True
    takes = frozenset(KINDS)

    def __init__(self, ask: str) -> None:
        self.ask = ask

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        raise Invalid("send_media")

    def options(self, step: Step, env: Env) -> list[Option]:
        return [Option("done")]

    def prompt(self, step: Step, env: Env) -> Prompt | None:
        files, place = held(env.values)
        return Prompt(self.ask, {"counts": counts(files, place), "max": env.settings.attachments_max,
                                 **(step.ask_context(env.values) if step.ask_context else {})},
                      self.options(step, env), step.key)


class PlaceText(Text):
    """An address typed, or a place shared (which answers it, and is kept as the report's location)."""

    name = "place"

    def attach(self, step: Step, item: Attachment, env: Env) -> tuple[ConversationState, Any]:
        if item.is_place:
            return env.state, place_text(item.to_json())
        return super().attach(step, item, env)


MEDIA = field_type(Media("attach/ask"))
PLACE = field_type(PlaceText())
