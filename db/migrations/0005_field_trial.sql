-- After the field trial: a report's cards are found again to be updated in place; an invite link no longer
-- binds whoever opens it, but opens a claim that the person's own contact, or an admin, must confirm.

CREATE INDEX outbox_report ON outbox(report_id) WHERE report_id IS NOT NULL;

CREATE TABLE binding_claims (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL REFERENCES invites(code),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    user_id      INTEGER NOT NULL,               -- the Telegram user who opened the invite link
    status       TEXT NOT NULL DEFAULT 'awaiting_contact'
                 CHECK (status IN ('awaiting_contact', 'awaiting_approval', 'linked', 'refused', 'withdrawn')),
    phone        TEXT,                           -- the phone of the contact they shared, as Telegram gave it
    own_contact  INTEGER,                        -- 1 when that contact was their own account's
    created_at   TEXT NOT NULL,
    decided_by   INTEGER,                        -- the admin's Telegram user id
    decided_at   TEXT
);
CREATE INDEX binding_claims_user ON binding_claims(user_id, status);
CREATE INDEX binding_claims_person ON binding_claims(person_id, status);
