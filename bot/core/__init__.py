"""What every layer shares: settings, clocks, the exception base, Telegram's text rules (HTML entities, UTF-16
lengths, splitting). Pure; imports nothing of gridbot but other `bot.core` modules."""
