"""Which template produced which text: kept only while someone records (tests, the demo)."""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Iterator, NamedTuple


class Record(NamedTuple):
    name: str
    locale: str
    text: str


class Recording:
    """The last `maxlen` texts rendered while it runs, oldest first."""

    def __init__(self, maxlen: int = 2000) -> None:
        self.records: deque[Record] = deque(maxlen=maxlen)

    def names(self) -> list[str]:
        return [r.name for r in self.records]

    def name_of(self, text: str) -> str | None:
        """The template that rendered `text`: the newest exact match, else the longest text found inside it
        (a message made of several renders, such as an error above the question it repeats)."""
        records = list(reversed(self.records))
        for record in records:
            if record.text == text:
                return record.name
        inside = [r for r in records if r.text and r.text in text]
        return max(inside, key=lambda r: len(r.text)).name if inside else None

    def stop(self) -> None:
        global _active
        _active = tuple(r for r in _active if r is not self)


# Replaced, never mutated, so a render on another thread iterates a consistent tuple without a lock.
_active: tuple[Recording, ...] = ()


def note(name: str, locale: str, text: str) -> None:
    for recording in _active:
        recording.records.append(Record(name, locale, text))


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
