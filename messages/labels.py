"""Every label: the words for a stored value (a role, a status, a form option, a button, a command).

A table maps a value to its English msgid; the table's name is the msgid's context (msgctxt), so one
English word may translate differently per table ("resolved" the status vs "resolved" the action).
Templates show a label with the `label` filter (`{{ r.role|label("role") }}`); Python code with
`messages.label`. A msgid may hold `%(name)s` placeholders, filled from the filter's keyword arguments.
`L_` only marks a string for `gridbot messages extract`: its first argument must equal the table's name.
"""

from __future__ import annotations

from messages.labels_field import (GATHERING_QUESTION, SUBJECT, ANONYMOUS, MEDIA, OCCASION, KEPT, CONDITIONS,
                                   ATTACHED, REWARD_STATUS, SENT_KIND, APPROVER, CAMPAIGN_BUTTON, CAMPAIGN_ISSUE,
                                   CHECKIN_ANSWER, CHECK_METHOD, REMIND_ANSWER, REMIND_SOURCE, SATISFACTION,
                                   VISIT_OUTCOME)
from messages.msgid import L_, Msg

ROLE = {
    "grid_leader": L_("role", "grid leader"), "grid_worker": L_("role", "grid worker"),
    "supervisor": L_("role", "grid supervisor"), "volunteer": L_("role", "volunteer"),
    "building_head": L_("role", "building head"), "street_head": L_("role", "street head"),
    "community_admin": L_("role", "community admin"), "town_admin": L_("role", "town admin"),
    "city_admin": L_("role", "city admin"),
}
LEVEL = {"city": L_("level", "city"), "town": L_("level", "town"), "community": L_("level", "community"),
         "grid": L_("level", "grid")}
# Who holds a report at each escalation level (reports.level).
ESCALATION = {"0": L_("escalation", "grid worker"), "1": L_("escalation", "grid leader"),
              "2": L_("escalation", "community"), "3": L_("escalation", "town")}

KIND = {"arrival": L_("kind", "Arrival"), "dispute": L_("kind", "Dispute"), "tip": L_("kind", "Tip"),
        "gathering": L_("kind", "Gathering application"), "health": L_("kind", "Health alert")}
PRIORITY = {"high": L_("priority", "high"), "normal": L_("priority", "normal")}
STATUS = {"open": L_("status", "waiting"), "accepted": L_("status", "in hand"),
          "resolved": L_("status", "resolved")}
ACTION = {
    "created": L_("action", "submitted"), "assigned": L_("action", "assigned"),
    "accepted": L_("action", "accepted"), "note": L_("action", "note"), "resolved": L_("action", "resolved"),
    "transferred": L_("action", "transferred"), "escalated": L_("action", "escalated"),
    "reminded": L_("action", "overdue reminder"), "unreachable": L_("action", "unreachable"),
    "refused": L_("action", "unauthorised press refused"), "unassigned": L_("action", "nobody to assign"),
    "household_added": L_("action", "household added"), "monitoring_started": L_("action", "home monitoring started"),
    "monitoring_extended": L_("action", "home monitoring extended"),
    "monitoring_ended": L_("action", "home monitoring ended"), "checkin_abnormal": L_("action", "abnormal check-in"),
    "checkin_missed": L_("action", "check-in missed"), "checked": L_("action", "checked by phone/at the door"),
    "reopened": L_("action", "reopened"), "visit_scheduled": L_("action", "follow-up visit scheduled"),
    "visit_settled": L_("action", "visit: settled"), "visit_unsettled": L_("action", "visit: not settled"),
    "satisfied": L_("action", "resident satisfied"), "unsatisfied": L_("action", "resident not satisfied"),
    "campaign_issue": L_("action", "found door-knocking"),
    "attached": L_("action", "attachments"),
    "linked": L_("action", "a tip about the same address linked"),
    "verified": L_("action", "verified"),
    "unfounded": L_("action", "found unfounded"),
    "converted": L_("action", "turned into an arrival report"),
    "asked": L_("action", "question to the reporter"),
    "answered": L_("action", "the reporter answered"),
    "reward_proposed": L_("action", "reward proposed"),
    "reward_approved": L_("action", "reward approved"),
    "reward_refused": L_("action", "reward not approved"),
    "reward_paid": L_("action", "reward paid"),
    "approved": L_("action", "approved"),
    "refused_application": L_("action", "refused"),
    "checked": L_("action", "checked on site"),
}
HEADLINE = {
    "assigned": L_("headline", "🆕 A new report for you"),
    "transferred": L_("headline", "🔁 A report transferred to you"),
    "rerouted": L_("headline", "🆕 A report for you (the first person could not be reached)"),
    "escalated": L_("headline", "⏫ A report escalated to you"),
    "overdue_accept": L_("headline", "⏰ Overdue: not accepted yet"),
    "overdue_resolve": L_("headline", "⏰ Overdue: not resolved yet"),
    "reassigned": L_("headline", "🔁 A report for you (its holder left the staff list)"),
    "updated": L_("headline", "🔄 Report (updated)"),
    "opened": L_("headline", "📄 Report details"),
    "reopened": L_("headline", "↩️ A report reopened: please handle it"),
    "application": L_("headline", "📝 A gathering application for you to decide"),
}

# The report form: a field's name on cards, its question, and the words for its options.
FIELD = {
    "kind": L_("field", "Type"), "behalf": L_("field", "Reported by"), "name": L_("field", "Name"),
    "media": L_("field", "Attachments"),
    "phone": L_("field", "Phone"), "origin": L_("field", "Coming from"),
    "arrival_date": L_("field", "Arrival date"), "address": L_("field", "Address in the grid"),
    "travel": L_("field", "Travelled by"), "health": L_("field", "Health now"),
    "test_result": L_("field", "Latest test result"), "test_date": L_("field", "Test date"),
    "companions": L_("field", "Travelling with"), "category": L_("field", "Category"),
    "parties": L_("field", "Parties"), "place": L_("field", "Place"),
    "description": L_("field", "What happened"), "urgency": L_("field", "Urgency"),
    "temperature": L_("field", "Temperature"), "checkin_day": L_("field", "Check-in day"),
    "arrival": L_("field", "From report"), "method": L_("field", "Checked by"), "household": L_("field", "Household"),
    "subject": L_("field", "About"),
    "where": L_("field", "Where"),
    "when": L_("field", "When"),
    "anonymous": L_("field", "Anonymous"),
    "from_tip": L_("field", "From tip"),
    "occasion": L_("field", "Occasion"),
    "date": L_("field", "Date"),
    "hours": L_("field", "From–to"),
    "people": L_("field", "Expected people"),
    "organizer": L_("field", "Organizer"),
    "organizer_phone": L_("field", "Organizer's phone"),
    "measures": L_("field", "Measures"),
    "violation_of": L_("field", "Breaks approval"),
    "checked_note": L_("field", "Found on site"),
}
QUESTION = {
    "kind": L_("question", "What do you want to report?"),
    "behalf": L_("question", "Who is this report for? (building heads, street heads and family may report "
                             "for others)"),
    "name": L_("question", "Full name of the person:"),
    "phone": L_("question", "Their mobile number (11-digit mainland number):"),
    "origin": L_("question", "Coming from where? Province/city/district, e.g. Jinan, Shandong"),
    "arrival_date": L_("question", "Arrival date? YYYY-MM-DD, or today/yesterday/tomorrow"),
    "address": L_("question", "Address in this grid (building/unit/room, or street and number):"),
    "travel": L_("question", "Travelled by:"),
    "health": L_("question", "Health now:"),
    "test_result": L_("question", "Latest test result:"),
    "test_date": L_("question", "Date of that test? YYYY-MM-DD, or today/yesterday"),
    "companions": L_("question", "Travelling with (names, how many; none if nobody):"),
    "category": L_("question", "Kind of dispute:"),
    "parties": L_("question", "The parties involved:"),
    "place": L_("question", "Where:"),
    "description": L_("question", "What happened (up to 500 characters):"),
    "urgency": L_("question", "How urgent?"),
    "subject": L_("question", "What is the tip about?"),
    "where": L_("question", "Where? Type the address (estate, building, door, or street), or share a place with 📎:"),
    "when": L_("question", "When did you notice it? e.g. this morning, the evening of 8 April"),
    "anonymous": L_("question", "Stay anonymous? Staff then see neither your name, phone nor account, and can still ask you questions through the bot."),
}
BEHALF = {"self": L_("behalf", "For myself"), "other": L_("behalf", "For someone else")}
TRAVEL = {"car": L_("travel", "Car"), "train": L_("travel", "Train"), "plane": L_("travel", "Plane"),
          "coach": L_("travel", "Coach"), "other": L_("travel", "Other")}
HEALTH = {"normal": L_("health", "Normal"), "fever": L_("health", "Fever"), "cough": L_("health", "Cough"),
          "other": L_("health", "Other symptoms")}
TEST_RESULT = {"negative": L_("test_result", "Negative"), "positive": L_("test_result", "Positive"),
               "none": L_("test_result", "Not tested")}
CATEGORY = {
    "neighbours": L_("category", "Neighbours"), "family": L_("category", "Family"),
    "property": L_("category", "Property/housing"), "labour": L_("category", "Labour/wages"),
    "epidemic": L_("category", "Epidemic-related"), "other": L_("category", "Other"),
}
URGENCY = {"normal": L_("urgency", "Normal"), "urgent": L_("urgency", "Urgent")}

# The fields answered with a button: their tables are named after the field.
OPTIONS = {"kind": KIND, "behalf": BEHALF, "travel": TRAVEL, "health": HEALTH, "test_result": TEST_RESULT,
           "category": CATEGORY, "urgency": URGENCY, "subject": SUBJECT, "anonymous": ANONYMOUS,
           "media": MEDIA, "occasion": OCCASION, "kept": KEPT, "conditions": CONDITIONS}

BUTTON = {
    "acc": L_("button", "✅ Accept"), "note": L_("button", "📝 Add note"), "res": L_("button", "🏁 Resolve"),
    "xfer": L_("button", "🔁 Transfer"), "esc": L_("button", "⏫ Escalate"), "back": L_("button", "⬅️ Back"),
    "cancel": L_("button", "✖️ Cancel"), "submit": L_("button", "✅ Submit"),
    "open_private": L_("button", "Report in private"),
    "approve": L_("button", "✅ Approve"), "refuse": L_("button", "❌ Refuse"),
    "share_contact": L_("button", "📱 Share my phone number"),
    "prev": L_("button", "◀️ Previous"), "next": L_("button", "Next ▶️"),
    "open_report": L_("button", "📄 %(number)s"), "up": L_("button", "⬆️ %(name)s"),
    "household": L_("button", "🏠 Add household"), "monitor": L_("button", "🩺 Home monitoring"),
    "ask_again": L_("button", "💬 Ask again"),
    "ask_applicant": L_("button", "💬 Ask the applicant"),
    "ask_tipster": L_("button", "💬 Ask the tipster"),
    "gathering_approve": L_("button", "✅ Approve"),
    "gathering_checked": L_("button", "📋 Checked on site"),
    "gathering_refuse": L_("button", "❎ Refuse"),
    "relay_reply": L_("button", "✍️ Reply"),
    "reward_no": L_("button", "❎ No reward"),
    "reward_no_of": L_("button", "❎ No reward %(number)s"),
    "reward_ok": L_("button", "✅ Approve the reward"),
    "reward_ok_of": L_("button", "✅ Approve %(number)s"),
    "reward_paid": L_("button", "💰 Mark paid"),
    "reward_paid_of": L_("button", "💰 Paid %(claim_code)s"),
    "tip_to_arrival": L_("button", "➡️ Make it an arrival report"),
    "tip_unfounded": L_("button", "❎ Unfounded"),
    "tip_verify": L_("button", "✅ Verified"),
}
PIN = {"yes": L_("pin", "📌 Pin"), "no": L_("pin", "Don't pin")}
TOAST = {"stale": L_("toast", "This button is no longer current; see the latest message."),
         "submitted": L_("toast", "Submitted")}
COMMAND = {
    "start": L_("command", "Start / use an invite link"), "report": L_("command", "Report (arrival, dispute)"),
    "my": L_("command", "My reports"), "cancel": L_("command", "Cancel what is going on"),
    "whoami": L_("command", "Show my roles"), "tasks": L_("command", "My open tasks"),
    "duty": L_("command", "Duty: /duty on|off"), "bind": L_("command", "Bind this group to a grid (leaders/admins)"),
    "unbind": L_("command", "Unbind this group from its grid"),
    "broadcast": L_("command", "Broadcast a notice (leaders/admins)"),
    "broadcasts": L_("command", "Scheduled broadcasts"),
    "help": L_("command", "Help: the commands you may use"),
    "stats": L_("command", "Your area's figures, drill down"),
    "ledger": L_("command", "Export the report ledger (Excel/CSV)"),
    "export": L_("command", "Export the report ledger (as /ledger)"),
    "assessment": L_("command", "Monthly assessment and commendation"),
    "apply": L_("command", "Apply for a gathering (wedding, funeral, fair, market, banquet)"),
    "gatherings": L_("command", "Upcoming approved gatherings"),
    "rewards": L_("command", "The tip reward ledger"),
    "campaign": L_("command", "Door-knocking campaigns: progress, launch"),
    "remind": L_("command", "Schedule a test reminder"),
    "reminders": L_("command", "My test reminders: who is done"),
}

# Broadcasts: the notice templates, the fields they ask for, schedules and states.
NOTICE = {
    "epidemic": L_("notice", "Epidemic prevention notice"), "rumour": L_("notice", "Rumour rebuttal"),
    "tip_reward": L_("notice", "Tip reward policy"), "test_reminder": L_("notice", "Test reminder"),
    "commendation": L_("notice", "Commendation"), "free": L_("notice", "Free text"),
}
NOTICE_FIELD = {
    "title": L_("notice_field", "the notice's title"), "measures": L_("notice_field", "the measures (main text)"),
    "contact": L_("notice_field", "the enquiry phone"), "rumour": L_("notice_field", "the rumour"),
    "truth": L_("notice_field", "the facts"), "source": L_("notice_field", "the source"),
    "reward": L_("notice_field", "the reward"), "hotline": L_("notice_field", "the tip hotline"),
    "date": L_("notice_field", "the test time"), "place": L_("notice_field", "the test place"),
    "area": L_("notice_field", "the area commended"), "month": L_("notice_field", "the month"),
    "honours": L_("notice_field", "the list of those commended"),
}
SCHEDULE = {"now": L_("schedule", "Now"), "at": L_("schedule", "At a date and time"),
            "daily": L_("schedule", "Daily"), "weekly": L_("schedule", "Weekly"),
            "cron": L_("schedule", "Cron expression")}
# The schedule as the preview shows it; `value` is what the user typed.
SCHEDULE_VALUE = {"now": L_("schedule_value", "now"), "at": L_("schedule_value", "%(value)s"),
                  "daily": L_("schedule_value", "daily at %(value)s"),
                  "weekly": L_("schedule_value", "weekly (weekday time) %(value)s"),
                  "cron": L_("schedule_value", "cron %(value)s")}
SCHEDULE_QUESTION = {
    "at": L_("schedule_question", "Type the time as YYYY-MM-DD HH:MM, e.g. 2026-04-10 09:00"),
    "daily": L_("schedule_question", "Type the time of day as HH:MM, e.g. 09:00"),
    "weekly": L_("schedule_question", "Type the weekday and time, e.g. 1 09:00 for Mondays at 9 "
                                      "(1 = Monday … 7 = Sunday)"),
    "cron": L_("schedule_question", "Type a cron expression (minute hour day month weekday), e.g. 0 9 * * 1-5"),
}
BROADCAST_STATUS = {"active": L_("broadcast_status", "active"), "paused": L_("broadcast_status", "paused"),
                    "cancelled": L_("broadcast_status", "cancelled"), "done": L_("broadcast_status", "done")}
RUN_STATUS = {"sending": L_("run_status", "sending"), "done": L_("run_status", "done"),
              "skipped": L_("run_status", "skipped")}
UNDELIVERED = {"removed": L_("undelivered", "the bot was removed from the group"),
               "not_found": L_("undelivered", "chat not found"), "other": L_("undelivered", "send failed")}

# What the bot got when it can only read text and buttons (Telegram's kinds of message); `message` for the rest.
RECEIVED = {
    "photo": L_("received", "I got a photo"), "sticker": L_("received", "I got a sticker"),
    "location": L_("received", "I got a location"), "venue": L_("received", "I got a place"),
    "contact": L_("received", "I got a contact"), "voice": L_("received", "I got a voice message"),
    "audio": L_("received", "I got an audio file"), "video": L_("received", "I got a video"),
    "video_note": L_("received", "I got a video message"), "animation": L_("received", "I got an animation"),
    "document": L_("received", "I got a file"), "poll": L_("received", "I got a poll"),
    "dice": L_("received", "I got a dice"), "message": L_("received", "I got a message"),
}
# An import file that is not a table we read, by the format it turned out to be; `other` for the rest.
FILE_FORMAT = {
    "xls": L_("file_format", "this is an old Excel (.xls) or WPS sheet; save it as .xlsx or CSV"),
    "pdf": L_("file_format", "this is a PDF, not a table; give an .xlsx or CSV file"),
    "rtf": L_("file_format", "this is an RTF document, not a table; give an .xlsx or CSV file"),
    "docx": L_("file_format", "this is a Word document (.docx), not a table; give an .xlsx or CSV file"),
    "ods": L_("file_format", "this is an OpenDocument sheet (.ods); save it as .xlsx or CSV"),
    "zip": L_("file_format", "this is a zip archive, not a table; unpack it and give the .xlsx or CSV"),
    "binary": L_("file_format", "this is not a text table (it holds binary data); give an .xlsx or CSV file"),
    "other": L_("file_format", "unknown file format (%(kind)s); give an .xlsx or CSV file"),
}

# The ledger: periods, export columns beyond the form's fields, months, a resident's rating, toasts.
PRESET = {"today": L_("preset", "today"), "7d": L_("preset", "last 7 days"), "month": L_("preset", "this month"),
          "last_month": L_("preset", "last month"), "year": L_("preset", "this year"), "range": L_("preset", "range")}
COLUMN = {
    "number": L_("column", "Number"), "kind": L_("column", "Type"), "grid": L_("column", "Grid"),
    "community": L_("column", "Community"), "town": L_("column", "Town"), "status": L_("column", "Status"),
    "priority": L_("column", "Priority"), "created_at": L_("column", "Submitted"),
    "assignee": L_("column", "Handled by"), "level": L_("column", "Level"), "accepted_at": L_("column", "Accepted"),
    "accept_on_time": L_("column", "Accepted in time"), "resolved_at": L_("column", "Resolved"),
    "resolve_on_time": L_("column", "Resolved in time"), "outcome": L_("column", "Outcome"),
    "on_behalf": L_("column", "For someone else"),
}
MONTH = {"1": L_("month", "January"), "2": L_("month", "February"), "3": L_("month", "March"),
         "4": L_("month", "April"), "5": L_("month", "May"), "6": L_("month", "June"), "7": L_("month", "July"),
         "8": L_("month", "August"), "9": L_("month", "September"), "10": L_("month", "October"),
         "11": L_("month", "November"), "12": L_("month", "December")}
RATED = {"rated": L_("rated", "Thank you for rating!"), "already": L_("rated", "This report was rated already."),
         "not_yours": L_("rated", "Only the person who reported may rate."),
         "not_resolved": L_("rated", "A report can be rated once it is resolved."),
         "not_found": L_("rated", "That button is out of date.")}
CARD_OUTCOME = {"sent": L_("card_outcome", "The report is on its way."),
                "forbidden": L_("card_outcome", "You may not act on this report."),
                "not_found": L_("card_outcome", "There is no such report."),
                "unreachable": L_("card_outcome", "I cannot message you; press Start in our private chat first.")}
# How a locale writes the punctuation around words: an area, an aside, a detail after a colon, a list,
# two sentences in a row. Asides and details start with their own space (or none) for that reason.
FORMAT = {"area": L_("format", "%(name)s (%(code)s)"), "aside": L_("format", " (%(text)s)"),
          "detail": L_("format", ": %(text)s"), "list": L_("format", ", "), "entries": L_("format", "; "),
          "sentences": L_("format", "%(first)s %(then)s")}

TABLES: dict[str, dict[str, Msg]] = {
    "role": ROLE, "level": LEVEL, "escalation": ESCALATION, "kind": KIND, "priority": PRIORITY, "status": STATUS,
    "action": ACTION, "headline": HEADLINE, "field": FIELD, "question": QUESTION, "behalf": BEHALF,
    "travel": TRAVEL, "health": HEALTH, "test_result": TEST_RESULT, "category": CATEGORY, "urgency": URGENCY,
    "button": BUTTON, "pin": PIN, "toast": TOAST, "command": COMMAND, "notice": NOTICE,
    "notice_field": NOTICE_FIELD, "schedule": SCHEDULE, "schedule_value": SCHEDULE_VALUE,
    "schedule_question": SCHEDULE_QUESTION, "broadcast_status": BROADCAST_STATUS, "run_status": RUN_STATUS,
    "undelivered": UNDELIVERED, "received": RECEIVED, "file_format": FILE_FORMAT, "format": FORMAT,
    "preset": PRESET, "column": COLUMN, "month": MONTH, "rated": RATED, "card_outcome": CARD_OUTCOME,
    "campaign_button": CAMPAIGN_BUTTON, "campaign_issue": CAMPAIGN_ISSUE, "checkin_answer": CHECKIN_ANSWER,
    "check_method": CHECK_METHOD, "remind_answer": REMIND_ANSWER, "remind_source": REMIND_SOURCE,
    "satisfaction": SATISFACTION, "visit_outcome": VISIT_OUTCOME,
    "subject": SUBJECT, "anonymous": ANONYMOUS, "media": MEDIA, "occasion": OCCASION, "kept": KEPT, "conditions": CONDITIONS, "attached": ATTACHED, "reward_status": REWARD_STATUS, "sent_kind": SENT_KIND, "approver": APPROVER, "gathering_question": GATHERING_QUESTION,
}
