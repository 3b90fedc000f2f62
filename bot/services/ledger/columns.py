"""The ledger's columns: those every report has, and each kind's own, derived from the kind's declaration.

`kind_columns` is the one place that reads how a kind of report is declared (`bot.services.flows.kinds.REPORT_KINDS`):
a kind added there — tips, gatherings — gets its own sheet with its own columns, with no change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.services.flows.fields import MAX_NAME
from bot.services.flows.kinds import REPORT_KINDS
from bot.services.flows.model import Step

ColumnType = Literal["text", "long_text", "choice", "date", "datetime", "phone", "id_number", "flag", "level"]

# Answers that hold an identity-card number, whatever the step's type (masked like phone numbers).
ID_NUMBER_KEYS = frozenset({"id_number", "id_card", "identity_number", "id_no"})
WIDTHS: dict[ColumnType, float] = {"text": 14, "long_text": 36, "choice": 12, "date": 12, "datetime": 17,
                                   "phone": 14, "id_number": 21, "flag": 10, "level": 10}


@dataclass(frozen=True)
class Column:
    """`key` is a report's own field (`source` "report") or an answer of its form (`source` "answer")."""

    key: str
    type: ColumnType
    source: Literal["report", "answer"] = "report"

    @property
    def width(self) -> float:
        return WIDTHS[self.type] + (6 if self.key in ("number", "grid", "address", "origin") else 0)


def kinds() -> list[str]:
    """Every kind of report there is, in the order the form offers them."""
    return list(REPORT_KINDS)


def kind_columns(kind: str) -> list[Column]:
    """The answers of `kind`, in the order its form asks them."""
    return [Column(step.key, _type_of(step.key, step.field.name, step.max_len), "answer") for step in steps(kind)]


def steps(kind: str) -> tuple[Step, ...]:
    """The questions `kind` declares (none for a kind no longer declared: its old reports keep the common columns)."""
    found = REPORT_KINDS.get(kind)
    return found.steps if found is not None else ()


def _type_of(key: str, field: str, max_len: int) -> ColumnType:
    if key in ID_NUMBER_KEYS or field == "id_number":
        return "id_number"
    if field in ("phone", "own_phone"):                 # own_phone: the phone step that offers a share-contact
        return "phone"
    if field in ("date", "choice"):
        return "date" if field == "date" else "choice"
    return "text" if max_len <= MAX_NAME else "long_text"


HEAD = [Column("number", "text"), Column("grid", "text"), Column("community", "text"), Column("town", "text"),
        Column("status", "choice"), Column("priority", "choice"), Column("created_at", "datetime")]
TAIL = [Column("assignee", "text"), Column("level", "level"), Column("accepted_at", "datetime"),
        Column("accept_on_time", "flag"), Column("resolved_at", "datetime"), Column("resolve_on_time", "flag"),
        Column("outcome", "long_text"), Column("on_behalf", "flag")]


def sheet_columns(kind: str) -> list[Column]:
    """A kind's sheet: the report's number and place, its answers, then how it was handled."""
    return [*HEAD, *kind_columns(kind), *TAIL]


def all_columns() -> list[Column]:
    """One table for every kind (the CSV export): the kind, then each kind's answers once, in declaration order."""
    answers: dict[str, Column] = {}
    for kind in kinds():
        for column in kind_columns(kind):
            answers.setdefault(column.key, column)
    return [HEAD[0], Column("kind", "choice"), *HEAD[1:], *answers.values(), *TAIL]
