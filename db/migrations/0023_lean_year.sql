-- Issue 10, a year of data in well under a gigabyte: indexes over the audit log's million rows that no query of the
-- bot needs whole.

-- Nothing in the bot looks the audit log up by subject (db.audit.entries, for tests and a person at the
-- command line, reads it in order); a year of "report_disclosed" rows put a million entries in it.
DROP INDEX audit_subject;

-- db.audit.count_since (a person's tips in the last hour) always names the person: the system's rows (NULL actor,
-- most of the log: every disclosure of a report to its assignee) need no entry.
DROP INDEX audit_actor;
CREATE INDEX audit_actor ON audit_log(actor_user, action, at) WHERE actor_user IS NOT NULL;
