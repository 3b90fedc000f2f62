"""Messages a person can send besides text, shaped as the Bot API delivers them in an update."""

from __future__ import annotations

from typing import Any, Literal, get_args

from sandbox.state import ApiError, World

MediaKind = Literal["photo", "sticker", "voice", "document", "video", "location", "venue", "contact"]
MEDIA_KINDS: tuple[str, ...] = get_args(MediaKind)


def _file(world: World, prefix: str, name: str | None, body: bytes, mime_type: str | None) -> dict[str, Any]:
    stored = world.store_file(name, body, mime_type, prefix)
    out: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_id[:16],
                           "file_size": len(body)}
    if mime_type:
        out["mime_type"] = mime_type
    return out


def _location(spec: dict[str, Any]) -> dict[str, float]:
    latitude, longitude = float(spec.get("latitude", 35.08)), float(spec.get("longitude", 117.15))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ApiError(400, "sandbox: latitude must be within ±90 and longitude within ±180")
    return {"latitude": latitude, "longitude": longitude}


def media_fields(world: World, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The message fields for a `kind` of message; `spec` holds what the person chose (all optional but a
    contact's phone_number and a venue's title and address; a contact's Telegram id is `contact_user_id`)."""
    caption = spec.get("caption")
    fields: dict[str, Any]
    if kind == "photo":
        body = str(spec.get("body", "photo")).encode()
        # Telegram offers each photo in several sizes; the last is the largest.
        fields = {"photo": [_file(world, "PHO", None, body, None) | {"width": w, "height": w} for w in (90, 320, 800)]}
    elif kind == "sticker":
        fields = {"sticker": _file(world, "STK", None, b"sticker", None)
                  | {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
                     "emoji": str(spec.get("emoji", "👍"))}}
    elif kind == "voice":
        fields = {"voice": _file(world, "VOI", None, b"OggS-voice", "audio/ogg")
                  | {"duration": int(spec.get("duration", 3))}}
    elif kind == "video":
        fields = {"video": _file(world, "VID", None, b"video", "video/mp4")
                  | {"width": 640, "height": 360, "duration": int(spec.get("duration", 5))}}
    elif kind == "document":
        name = str(spec.get("file_name", "file.txt"))
        body = str(spec.get("body", "")).encode() or b"document"
        fields = {"document": _file(world, "DOC", name, body, str(spec.get("mime_type", "text/plain")))
                  | {"file_name": name}}
    elif kind == "location":
        fields = {"location": _location(spec)}
    elif kind == "venue":
        location = _location(spec)
        # A venue also carries its location, for clients that know only locations.
        fields = {"venue": {"location": location, "title": str(spec["title"]), "address": str(spec["address"])},
                  "location": location}
    elif kind == "contact":
        contact: dict[str, Any] = {"phone_number": str(spec["phone_number"]),
                                   "first_name": str(spec.get("first_name") or "")}
        if spec.get("last_name"):
            contact["last_name"] = str(spec["last_name"])
        if spec.get("contact_user_id") is not None:
            contact["user_id"] = int(spec["contact_user_id"])
        fields = {"contact": contact}
    else:
        raise ApiError(400, f"sandbox: unknown kind {kind!r}; one of {', '.join(MEDIA_KINDS)}")
    if caption and kind in ("photo", "video", "document", "voice"):
        fields["caption"] = str(caption)
    return fields

