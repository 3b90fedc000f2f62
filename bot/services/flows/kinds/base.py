"""What a kind of report declares, and the registry of kinds the report form offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from bot.services.flows.model import Step, Values

Priority = Literal["normal", "high"]


@dataclass(frozen=True)
class ReportKind:
    """A kind of report: the steps asked after the kind and for whom, and how urgent an answered form is."""

    name: str
    steps: tuple[Step, ...]
    priority: Callable[[Values, tuple[str, ...]], Priority]        # (answers, the settings' risk areas)


REPORT_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Offer `kind` in the report form (in registration order)."""
    REPORT_KINDS[kind.name] = kind
    return kind


def priority(kind: str, answers: Values, risk_areas: tuple[str, ...]) -> Priority:
    return REPORT_KINDS[kind].priority(answers, risk_areas)
