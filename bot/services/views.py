"""What a conversation step shows next, independent of Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class View:
    """What the user should see next: `kind` picks the template, `data` fills it."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
