"""The words of the field work: tips, gathering applications, attachments, rewards (issue 11) and service
tasks' buttons and options (issue 12). Same rules as labels.py: a table's name is its msgids' context."""

from __future__ import annotations

from messages.msgid import L_

# Tips, gatherings and attachments (issue 11).
GATHERING_QUESTION = {
    "occasion": L_("gathering_question", "What are you applying for?"),
    "date": L_("gathering_question", "On which day? YYYY-MM-DD, or today/tomorrow"),
    "place": L_("gathering_question", "Where (an address, or share a place with 📎):"),
    "hours": L_("gathering_question", "From when to when? e.g. 11:00-14:00"),
    "people": L_("gathering_question", "How many people are expected (a number):"),
    "organizer": L_("gathering_question", "The organizer's name:"),
    "organizer_phone": L_("gathering_question", "The organizer's mobile number (11-digit mainland number):"),
    "other": L_("gathering_question", "Your answer:"),
    "measures": L_("gathering_question", "Measures (limits on numbers, temperature checks, ventilation, separate servings…):"),
}
SUBJECT = {"arrival": L_("subject", "An unreported arrival"), "gathering": L_("subject", "A gathering without approval"), "risk": L_("subject", "A risk"), "other": L_("subject", "Something else")}
ANONYMOUS = {"yes": L_("anonymous", "Anonymous (identity withheld)"), "no": L_("anonymous", "With my name")}
MEDIA = {"done": L_("media", "Done (skip)")}
OCCASION = {"wedding": L_("occasion", "Wedding"), "funeral": L_("occasion", "Funeral"), "temple_fair": L_("occasion", "Temple fair"), "market": L_("occasion", "Market day"), "banquet": L_("occasion", "Banquet"), "other": L_("occasion", "Other")}
KEPT = {"kept": L_("kept", "Kept to the approval"), "not_kept": L_("kept", "Not kept to the approval")}
CONDITIONS = {"none": L_("conditions", "No conditions")}
ATTACHED = {"photo": L_("attached", "photo %(n)s"), "video": L_("attached", "video %(n)s"), "voice": L_("attached", "voice note %(n)s"), "audio": L_("attached", "audio %(n)s"), "document": L_("attached", "document %(n)s"), "location": L_("attached", "place %(n)s")}
REWARD_STATUS = {"proposed": L_("reward_status", "awaiting approval"), "approved": L_("reward_status", "unpaid"), "paid": L_("reward_status", "paid"), "refused": L_("reward_status", "not approved")}
SENT_KIND = {"photo": L_("sent_kind", "a photo"), "voice": L_("sent_kind", "a voice note"), "video": L_("sent_kind", "a video"), "document": L_("sent_kind", "a document"), "location": L_("sent_kind", "a place"), "venue": L_("sent_kind", "a place"), "other": L_("sent_kind", "something")}
APPROVER = {"1": L_("approver", "the grid leader"), "2": L_("approver", "the community admin"), "3": L_("approver", "the town admin")}

# Service tasks' buttons and options (issue 12).
CAMPAIGN_BUTTON = {"door": L_("campaign_button", "%(address)s ✅"), "issue": L_("campaign_button", "⚠️"),
                   "nobody": L_("campaign_button", "🚪"), "nobody_again": L_("campaign_button", "🚪 %(attempts)s")}
CAMPAIGN_ISSUE = {"health": L_("campaign_issue", "Health"), "dispute": L_("campaign_issue", "Dispute"),
                  "other": L_("campaign_issue", "Other")}
CHECKIN_ANSWER = {"normal": L_("checkin_answer", "Normal"), "fever": L_("checkin_answer", "Fever"),
                  "cough": L_("checkin_answer", "Cough"), "other": L_("checkin_answer", "Other discomfort")}
CHECK_METHOD = {"phone": L_("check_method", "By phone"), "doorstep": L_("check_method", "At the door"),
                "normal": L_("check_method", "Normal"), "fever": L_("check_method", "Fever"),
                "cough": L_("check_method", "Cough"), "other": L_("check_method", "Other discomfort")}
REMIND_ANSWER = {"done": L_("remind_answer", "✅ Done"), "cannot": L_("remind_answer", "❌ Can't go")}
REMIND_SOURCE = {"monitoring": L_("remind_source", "People under home monitoring"),
                 "building": L_("remind_source", "A building's households")}
SATISFACTION = {"satisfied": L_("satisfaction", "😊 Satisfied"), "unsatisfied": L_("satisfaction", "😞 Not satisfied"),
                "skipped": L_("satisfaction", "Skip")}
VISIT_OUTCOME = {"ok": L_("visit_outcome", "✅ Settled"), "no": L_("visit_outcome", "❌ Not settled (reopen)")}
