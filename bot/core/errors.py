"""The one exception base of gridbot, and the tree below it.

Every error a person may be shown carries a message `key` (a template name, or part of one, under
`messages/`) and the `context` that fills it, so the layer that catches it can answer in the reader's
language without knowing where it came from.

    GridbotError
    ├── ConfigError        a setting the operator must fix            (bot.core.config)
    ├── UserError          a command-line mistake: one line, exit 2   (bot.app.cli_common)
    ├── ImportRejected     a spreadsheet with bad rows                (bot.services.org_import)
    ├── Invalid            an answer that does not fit: asked again   (bot.services.flows.model)
    ├── Refused            a conversation that cannot go on: it ends  (bot.services.flows.model)
    ├── ComposeError       a broadcast that cannot be accepted        (bot.services.broadcasting)
    ├── EntityError        text Telegram would refuse as HTML         (bot.core.telegram_html)
    ├── MigrationError     a database newer than the code, or edited  (db.core)
    └── DemoFailed         the scripted demo saw something unexpected (bot.app.demo)
"""

from __future__ import annotations

from typing import Any


class GridbotError(Exception):
    """Base of every gridbot error: `key` names the message, `context` fills it."""

    def __init__(self, key: str = "", /, **context: Any) -> None:
        super().__init__(key)
        self.key = key
        self.context = context
