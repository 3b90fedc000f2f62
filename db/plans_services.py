"""The hot queries of the service work (issues 11–13: tips, gatherings, check-ins, reminders, campaigns, visits,
the ledger's digests) and of the paged lists, for db/plans.py: per update (a press, a command, a list page) and
per tick (the timers they arm fire through `timers.due`; the digests go out from their own queue)."""

from __future__ import annotations

import sqlite3
from typing import Callable

from db import (audit, broadcasts, campaigns, cards, gatherings, households, invites, ledger, listing, reminders,
                tasks, tips, visits)

NOW = "2026-01-01 08:00:00"
Hot = Callable[[sqlite3.Connection], object]

# The tables of the service work that grow with use.
GROWING = frozenset({"households", "monitorings", "checkins", "reminder_batches", "reminders", "campaign_households",
                     "visits", "satisfaction", "tips", "rewards", "gatherings", "gathering_reminders",
                     "digest_runs", "digest_deliveries", "report_ratings", "report_escalations"})

PER_UPDATE: dict[str, Hot] = {
    "listing.open_for_assignee": lambda c: listing.open_for_assignee(c, 1, offset=10, limit=10),
    "listing.count_open_for_assignee": lambda c: listing.count_open_for_assignee(c, 1),
    "listing.of_reporter": lambda c: listing.of_reporter(c, 1, offset=10, limit=10),
    "listing.count_of_reporter": lambda c: listing.count_of_reporter(c, 1),
    "cards.delivered": lambda c: cards.delivered(c, 1),
    "audit.count_since": lambda c: audit.count_since(c, 1, "tip_sent", NOW),
    "invites.live_code": lambda c: invites.live_code(c, 1, NOW),
    "broadcasts.runs_of": lambda c: broadcasts.runs_of(c, 1),
    "tips.add": lambda c: tips.add(c, report_id=1, user_id=1, anonymous=False, subject="arrival", address_key="k",
                                   linked=False, now=NOW),
    "tips.sent_since": lambda c: tips.sent_since(c, 1, NOW),
    "tips.open_at_address": lambda c: tips.open_at_address(c, 1, "k"),
    "tips.founding": lambda c: tips.founding(c, 1),
    "tips.linked_to": lambda c: tips.linked_to(c, 1),
    "tips.reward": lambda c: tips.reward(c, 1),
    "tips.reward_by_code": lambda c: tips.reward_by_code(c, "ABCD-EFGH"),
    "tips.rewards_in": lambda c: tips.rewards_in(c, [1, 2], ("approved", "paid")),
    "tips.propose_reward": lambda c: tips.propose_reward(c, report_id=1, grid_id=1, subject="arrival", amount=50,
                                                         now=NOW),
    "tips.decide_reward": lambda c: tips.decide_reward(c, 1, "approved", by=1, now=NOW, claim_code="ABCD-EFGH"),
    "gatherings.get": lambda c: gatherings.get(c, 1),
    "gatherings.decide": lambda c: gatherings.decide(c, 1, "approved", by=1, now=NOW, conditions=None),
    "gatherings.check": lambda c: gatherings.check(c, 1, "kept", by=1, now=NOW),
    "gatherings.approved_between": lambda c: gatherings.approved_between(c, [1, 2], NOW, NOW),
    "gatherings.arm": lambda c: gatherings.arm(c, 1, "eve", NOW),
    "tasks.monitoring": lambda c: tasks.monitoring(c, 1),
    "tasks.latest_monitoring": lambda c: tasks.latest_monitoring(c, 1),
    "tasks.active_in_grid": lambda c: tasks.active_in_grid(c, 1),
    "tasks.checkin": lambda c: tasks.checkin(c, 1),
    "tasks.checkins_of": lambda c: tasks.checkins_of(c, 1),
    "tasks.update_checkin": lambda c: tasks.update_checkin(c, 1, status="answered"),
    "households.by_id": lambda c: households.by_id(c, 1),
    "households.by_key": lambda c: households.by_key(c, 1, "3", "2", "401"),
    "households.in_grid": lambda c: households.in_grid(c, 1, "3"),
    "households.user_by_phone": lambda c: households.user_by_phone(c, "13900000000"),
    "reminders.of_worker": lambda c: reminders.of_worker(c, 1),
    "reminders.reminder": lambda c: reminders.reminder(c, 1),
    "reminders.set_status": lambda c: reminders.set_status(c, 1, "done", NOW),
    "campaigns.door": lambda c: campaigns.door(c, 1),
    "campaigns.doors_of_worker": lambda c: campaigns.doors(c, 1, worker_id=1),
    "campaigns.set_door": lambda c: campaigns.set_door(c, 1, status="visited"),
    "campaigns.tallies": lambda c: campaigns.tallies(c, 1),
    "visits.get": lambda c: visits.get(c, 1),
    "visits.of_report": lambda c: visits.of_report(c, 1),
    "visits.asked": lambda c: visits.asked(c, 1),
    "visits.set_answer": lambda c: visits.set_answer(c, 1, "satisfied", NOW),
}

PER_TICK: dict[str, Hot] = {
    "tasks.task_of": lambda c: tasks.task_of(c, 1),
    "tasks.pending": lambda c: tasks.pending(c, 1, "checkin"),
    "tasks.arm": lambda c: tasks.arm(c, "checkin", 1, NOW),
    "tasks.cancel": lambda c: tasks.cancel(c, 1, "checkin", "monitor_end"),
    "tasks.add_checkin": lambda c: tasks.add_checkin(c, 1, "2026-01-01", NOW),
    "tasks.update_monitoring": lambda c: tasks.update_monitoring(c, 1, status="ended"),
    "gatherings.due": lambda c: gatherings.due(c, NOW),
    "gatherings.claim": lambda c: gatherings.claim(c, 1),
    "reminders.batch": lambda c: reminders.batch(c, 1),
    "reminders.of_batch": lambda c: reminders.of_batch(c, 1),
    "campaigns.get": lambda c: campaigns.get(c, 1),
    "campaigns.workers": lambda c: campaigns.workers(c, 1),
    "campaigns.doors_by_id": lambda c: campaigns.doors(c, 1, ids=(1, 2)),
    "campaigns.update": lambda c: campaigns.update(c, 1, status="due"),
    "visits.update": lambda c: visits.update(c, 1, status="due"),
    "visits.ask": lambda c: visits.ask(c, 1, 1, NOW),
    "ledger.digest_started": lambda c: ledger.digest_started(c, NOW),
    "ledger.pending_digests": lambda c: ledger.pending_digests(c, 10),
    "ledger.settle_digest": lambda c: ledger.settle_digest(c, 1, "sent", None, NOW),
}
