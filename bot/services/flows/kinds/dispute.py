"""A dispute (矛盾纠纷): what kind, between whom, where, what happened, how urgent."""

from __future__ import annotations

from bot.services.flows.attachments import PLACE
from bot.services.flows.fields import CHOICE, TEXT
from bot.services.flows.kinds.base import ReportKind, register
from bot.services.flows.model import Step

DISPUTE = register(ReportKind("dispute", (
    Step("category", CHOICE, ("neighbours", "family", "property", "labour", "epidemic", "other")),
    Step("parties", TEXT),
    Step("place", PLACE),                              # typed, or a place shared
    Step("description", TEXT),
    Step("urgency", CHOICE, ("normal", "urgent")),
), lambda a, _: "high" if a.get("urgency") == "urgent" or a.get("category") == "epidemic" else "normal"))
