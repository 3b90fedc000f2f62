"""The enumerated values the schema allows, as `Literal` types: each mirrors a CHECK constraint (or, where
the column has none, the values the code writes). A new value is a migration plus a change here."""

from __future__ import annotations

from typing import Final, Literal, get_args

# 0001_org.sql
AreaLevel = Literal["city", "town", "community", "grid"]
Role = Literal["grid_leader", "grid_worker", "supervisor", "volunteer", "building_head", "street_head",
               "community_admin", "town_admin", "city_admin"]
BotStatus = Literal["member", "removed"]

# 0002_reports.sql
ReportKind = Literal["arrival", "dispute", "tip", "gathering", "health"]   # 0006_report_kinds.sql
Priority = Literal["normal", "high"]
ReportStatus = Literal["open", "accepted", "resolved"]
OutboxStatus = Literal["pending", "sent", "failed"]
TimerState = Literal["pending", "done", "cancelled"]
TimerKind = Literal["accept", "resolve",                   # no CHECK: the values casework arms,
                    "checkin", "checkin_missed", "monitor_end", "reminder", "reminder_grace",   # and the tasks'
                    "campaign_day", "campaign_due", "campaign_overdue", "visit"]                # (0013_tasks.sql)
OutboxPriority = Literal[-1, 0, 1, 2, 3, 5]                # no CHECK: db.outbox's REPLY … BROADCAST
EscalationLevel = Literal[0, 1, 2, 3]                      # reports.level: worker, grid leader, community, town

# 0003_broadcasts.sql
BroadcastStatus = Literal["active", "paused", "cancelled", "done"]
RunStatus = Literal["sending", "done", "skipped"]

# 0005_field_trial.sql
ClaimStatus = Literal["awaiting_contact", "awaiting_approval", "linked", "refused", "withdrawn"]

# 0010_ledger.sql
LatencyPhase = Literal["accept", "resolve"]                # area_*_latency.phase 0 and 1 (db/stats.py)
DigestStatus = Literal["pending", "sent", "failed"]
# 0013_tasks.sql
HouseholdSource = Literal["import", "arrival"]
MonitoringStatus = Literal["active", "ended"]
CheckinStatus = Literal["pending", "answered", "missed", "checked"]
HealthAnswer = Literal["normal", "fever", "cough", "other"]
CheckMethod = Literal["phone", "doorstep"]
ReminderSource = Literal["monitoring", "building"]
ReminderStatus = Literal["scheduled", "sent", "done", "cannot"]
CampaignStatus = Literal["active", "due"]
DoorStatus = Literal["pending", "visited", "nobody", "issue"]
VisitStatus = Literal["scheduled", "due", "settled", "unsettled", "cancelled"]
SatisfactionAnswer = Literal["satisfied", "unsatisfied", "skipped"]
# 0012_tips_gatherings_media.sql
TipSubject = Literal["arrival", "gathering", "risk", "other"]
RewardStatus = Literal["proposed", "approved", "refused", "paid"]
Occasion = Literal["wedding", "funeral", "temple_fair", "market", "banquet", "other"]
GatheringStatus = Literal["pending", "approved", "refused"]
CheckResult = Literal["kept", "not_kept"]
ReminderMoment = Literal["eve", "day"]
SendMethod = Literal["sendMessage", "sendPhoto", "sendMediaGroup", "sendVoice", "sendAudio", "sendVideo",
                     "sendDocument", "sendLocation"]                       # no CHECK: the methods bot.delivery knows

OPEN_STATUSES: Final[tuple[ReportStatus, ...]] = ("open", "accepted")

# (table, column) → the values its CHECK allows; tests compare these with the schema itself.
CHECKED: Final[dict[tuple[str, str], tuple[object, ...]]] = {
    ("areas", "level"): get_args(AreaLevel),
    ("roles", "role"): get_args(Role),
    ("group_chats", "bot_status"): get_args(BotStatus),
    ("reports", "kind"): get_args(ReportKind),
    ("reports", "priority"): get_args(Priority),
    ("reports", "status"): get_args(ReportStatus),
    ("outbox", "status"): get_args(OutboxStatus),
    ("timers", "state"): get_args(TimerState),
    ("broadcasts", "status"): get_args(BroadcastStatus),
    ("broadcast_runs", "status"): get_args(RunStatus),
    ("binding_claims", "status"): get_args(ClaimStatus),
    ("digest_deliveries", "status"): get_args(DigestStatus),
    ("households", "source"): get_args(HouseholdSource),
    ("monitorings", "status"): get_args(MonitoringStatus),
    ("checkins", "status"): get_args(CheckinStatus),
    ("checkins", "answer"): get_args(HealthAnswer),
    ("checkins", "method"): get_args(CheckMethod),
    ("reminder_batches", "source"): get_args(ReminderSource),
    ("reminders", "status"): get_args(ReminderStatus),
    ("campaigns", "status"): get_args(CampaignStatus),
    ("campaign_households", "status"): get_args(DoorStatus),
    ("visits", "status"): get_args(VisitStatus),
    ("satisfaction", "answer"): get_args(SatisfactionAnswer),
    ("tips", "subject"): get_args(TipSubject),
    ("rewards", "status"): get_args(RewardStatus),
    ("gatherings", "occasion"): get_args(Occasion),
    ("gatherings", "status"): get_args(GatheringStatus),
    ("gatherings", "checked"): get_args(CheckResult),
    ("gathering_reminders", "moment"): get_args(ReminderMoment),
    ("gathering_reminders", "state"): get_args(TimerState),
}
