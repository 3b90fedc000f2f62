"""Telegram delivery plumbing: the outbox sender, the rate limiter it keeps to, the aiohttp transport and the
per-user ordering of updates. May import `bot.core` and `db`; knows nothing of the grid's rules."""
