"""Which template produced which text: kept only while someone records (tests, the demo)."""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, NamedTuple


class Record(NamedTuple):
    name: str
    locale: str
    text: str
    context: Mapping[str, Any]         # the values it was rendered with (which step a question asks, …)


class Recording:
    """The last `maxlen` texts rendered while it runs, oldest first."""

    def __init__(self, maxlen: int = 2000) -> None:
        self.records: deque[Record] = deque(maxlen=maxlen)

    def names(self) -> list[str]:
        return [r.name for r in self.snapshot()]

    def snapshot(self) -> tuple[Record, ...]:
        """The records as they are now. Replies are rendered on the database's thread while a test reads them:
        copying the deque is one step under the GIL, where a loop over it would see it change and fail."""
        return tuple(self.records)

    def name_of(self, text: str) -> str | None:
        """The template that rendered `text`: the newest exact match, else the longest text found inside it
        (a message made of several renders, such as an error above the question it repeats)."""
        newest_first = self.snapshot()[::-1]
        for record in newest_first:
            if record.text == text:
                return record.name
        found = self.inside(text)
        return found[0].name if found else None

    def inside(self, text: str) -> list[Record]:
        """The newest render of each text found in `text`, longest first: a message made of several renders
        (an error above the question it repeats) has them all."""
        found: dict[str, Record] = {}
        for record in self.snapshot()[::-1]:
            if record.text and record.text in text:
                found.setdefault(record.text, record)
        return sorted(found.values(), key=lambda r: -len(r.text))

    def stop(self) -> None:
        global _active
        _active = tuple(r for r in _active if r is not self)


# Replaced, never mutated, so a render on another thread iterates a consistent tuple without a lock.
_active: tuple[Recording, ...] = ()


def note(name: str, locale: str, text: str, context: Mapping[str, Any]) -> None:
    for recording in _active:
        recording.records.append(Record(name, locale, text, context))


def start_recording(maxlen: int = 2000) -> Recording:
    global _active
    recording = Recording(maxlen)
    _active = (*_active, recording)
    return recording


@contextmanager
def recording(maxlen: int = 2000) -> Iterator[Recording]:
    """`with messages.recording() as rec: ...` then `rec.names()` or `rec.records`."""
    rec = start_recording(maxlen)
    try:
        yield rec
    finally:
        rec.stop()
