"""gridbot: grid governance (网格化服务管理) on Telegram.

The layers, each a subpackage; imports point down only:

- `bot.app`       entry points and wiring: the command line, the ptb Application, the demo, the test harness.
                  May import everything below, `handlers` included.
- `handlers`      (top-level package) the Telegram-facing flows, thin: parse, call a service, answer.
                  May import `bot.services`, `bot.core`, `messages`; never `db` or `bot.delivery`.
- `bot.services`  the grid's rules: intake, casework, routing, broadcasts, accounts, notifications.
                  May import `bot.core`, `db`, `messages`; never `bot.delivery` (they write outbox rows).
- `bot.delivery`  Telegram delivery plumbing: the outbox sender, the rate limiter, the HTTP transport,
                  per-user update ordering. May import `bot.core` and `db`.
- `bot.core`      what every layer shares: settings, clocks, errors, Telegram's text rules. Imports no layer.
- `db`            (top-level package) SQLite: migrations and one module per aggregate; all SQL lives here.

`sandbox` (top-level) is a stand-in Bot API server for tests and the demo; it imports nothing of the bot.
"""

__version__ = "0.1.0"
