"""Long lists shown ten items at a time: which slice a page holds, and what its ◀️ ▶️ buttons carry.

Pure: no database, no Telegram. A page button carries only the list's name and a page number; the handler
recomputes the page for whoever pressed it, so a forged number shows at most another page of their own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, Sequence, TypeVar

T = TypeVar("T")
ListName = Literal["tasks", "my", "bc", "rw", "ga"]            # rw: /rewards, ga: /gatherings
LIST_NAMES: tuple[ListName, ...] = ("tasks", "my", "bc", "rw", "ga")
PAGE_SIZE = 10
PREFIX = "pg"
MAX_PAGE = 1_000_000          # bounds what a forged button can ask for


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its 1-based number, how many pages and items the whole list has."""

    items: Sequence[T]
    number: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages a list of `total` items fills; an empty list still has one (empty) page."""
    return max(1, -(-total // size))


def clamp(number: int, total: int, size: int = PAGE_SIZE) -> int:
    """The page to show for a requested number: pages past the end show the last one."""
    return min(max(1, number), page_count(total, size))


def offset(number: int, size: int = PAGE_SIZE) -> int:
    return (number - 1) * size


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """A page of a list already in memory."""
    number = clamp(number, len(items), size)
    start = offset(number, size)
    return Page(items[start:start + size], number, page_count(len(items), size), len(items))


def page_data(name: ListName, number: int) -> str:
    """Callback data of a button that shows page `number` of list `name` (well under Telegram's 64 bytes)."""
    return f"{PREFIX}|{name}|{number}"


def parse_page_data(data: str | None) -> tuple[ListName, int] | None:
    """(list, page) from a page button's callback data; None when it is not one we could have made."""
    parts = (data or "").split("|")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[2].isdigit() or len(parts[2]) > 7:
        return None
    name = next((n for n in LIST_NAMES if n == parts[1]), None)
    number = int(parts[2])
    if name is None or not 1 <= number <= MAX_PAGE:
        return None
    return name, number

