-- The assessment's "tasks done": each service task table's finished rows by the time they were finished, so
-- that a month of an area's check-ins, campaign households and follow-up visits is read without a scan.
CREATE INDEX checkins_checked ON checkins(answered_at) WHERE status = 'checked';
CREATE INDEX campaign_households_done ON campaign_households(updated_at) WHERE status != 'pending';
CREATE INDEX visits_done ON visits(done_at) WHERE status IN ('settled', 'unsettled');
