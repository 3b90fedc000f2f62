"""Conversations declared as data and run by one engine.

A `Flow` (model.py) lists its `Step`s, each with a `FieldType` (fields.py, pickers.py) that reads a typed answer
or a pressed button, a `when` that decides whether it is asked, and a `check`; it says what submitting does and
where its texts are. `registry.py` holds every flow by name; `engine.py` runs them, keeping each person's
`ConversationState` in the `conversations` table, one transaction per input, and returns a `views.Screen`.
Report kinds are declared in `kinds/` (one module each), the report form in `report.py`, broadcast composing in
`broadcast.py`, a worker's note or outcome in `worker.py`.

May import `bot.core`, `db`, `messages` and the services the declarations submit to; never `telegram`.
"""
