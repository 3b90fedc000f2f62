-- Counting one person's recent audit entries of a kind (refused presses are rate-limited per user).
CREATE INDEX audit_actor ON audit_log(actor_user, action, at);
