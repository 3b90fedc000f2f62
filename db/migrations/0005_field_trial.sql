-- After the field trial: a report's cards are found again to be updated in place.

CREATE INDEX outbox_report ON outbox(report_id) WHERE report_id IS NOT NULL;
