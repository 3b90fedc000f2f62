"""SQLite storage. Every public function here takes a `sqlite3.Connection` and runs synchronously,
called through `Database`: a whole state change is one call and one transaction, in the database
thread (`read`/`write`) or, for a small change such as a form's step, in the event loop (`*_now`)."""

from db.core import Database, MigrationError, NotFound, open_database

__all__ = ["Database", "MigrationError", "NotFound", "open_database"]
