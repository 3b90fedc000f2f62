"""The grid's services: intake, casework, routing, broadcasts, accounts, notifications. Each public function
runs inside one database transaction (a `sqlite3.Connection` argument) and queues what people must be told as
outbox rows. May import `bot.core`, `db` and `messages`; never `bot.delivery` or `telegram`."""
