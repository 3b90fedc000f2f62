"""A label's msgid with its context (the table it belongs to), and `L_`, the mark `gridbot messages extract` finds."""

from __future__ import annotations

from typing import NamedTuple


class Msg(NamedTuple):
    context: str
    msgid: str


def L_(context: str, msgid: str) -> Msg:
    return Msg(context, msgid)
