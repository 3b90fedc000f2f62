"""What a kind of report declares, and the registry of kinds the report form offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

from bot.services.flows.model import Env, Result, Step, Values
from db.reports import Report

Priority = Literal["normal", "high"]
# A card's buttons: rows of (callback data, `buttons/<name>` label template).
ButtonRows = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class ReportKind:
    """A kind of report: the steps asked after the kind and for whom, and how urgent an answered form is.

    Optional hooks: `admit` refuses the kind when it is chosen (raising Refused: a limit reached); `submit` stores
    the finished form its own way (instead of `casework.submit`; given the form as casework takes it); `buttons`
    replaces the card's usual buttons for staff (None: the usual ones); `shown` lists further keys of a report's
    details that its card shows (written by the service, not asked)."""

    name: str
    steps: tuple[Step, ...]
    priority: Callable[[Values, tuple[str, ...]], Priority]        # (answers, the settings' risk areas)
    asks_behalf: bool = True
    admit: Callable[[Env], None] | None = None
    submit: Callable[[Env, dict[str, Any]], Result] | None = None
    buttons: Callable[[Report], ButtonRows | None] | None = None
    shown: tuple[str, ...] = ()


REPORT_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Offer `kind` in the report form (in registration order)."""
    REPORT_KINDS[kind.name] = kind
    return kind


def priority(kind: str, answers: Values, risk_areas: tuple[str, ...]) -> Priority:
    return REPORT_KINDS[kind].priority(answers, risk_areas)
