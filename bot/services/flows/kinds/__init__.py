"""The kinds of report, one module each; importing this package registers them in the order offered."""

from bot.services.flows.kinds.base import REPORT_KINDS, ReportKind, priority, register
from bot.services.flows.kinds import arrival, dispute, tip, gathering  # noqa: E402,I001  (offered in this order)

__all__ = ["REPORT_KINDS", "ReportKind", "arrival", "dispute", "gathering", "priority", "register", "tip"]
