"""SQLite storage. Every public function here takes a `sqlite3.Connection` and runs synchronously
inside the database thread; services call them through `Database.read`/`Database.write`, so a
whole state change costs one hop to that thread and one transaction."""

from db.core import Database, MigrationError, NotFound, open_database

__all__ = ["Database", "MigrationError", "NotFound", "open_database"]
