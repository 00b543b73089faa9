"""The campaigns app's models, one module per area; import them from here."""

from campaigns.models.actions import Action, CalendarFeed, Rsvp
from campaigns.models.nudges import NudgeSnooze
from campaigns.models.outbox import OutboxMessage
from campaigns.models.roster import (
    Ask,
    AskAnswer,
    Assessment,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    ImportBatch,
    IssueTag,
    RosterEntry,
    ScheduledOneOnOne,
    Site,
    TeamMember,
    Unit,
)

__all__ = [
    "Action",
    "Ask",
    "AskAnswer",
    "Assessment",
    "AssessmentRecord",
    "CalendarFeed",
    "Campaign",
    "Conversation",
    "FollowUp",
    "ImportBatch",
    "IssueTag",
    "NudgeSnooze",
    "OutboxMessage",
    "RosterEntry",
    "Rsvp",
    "ScheduledOneOnOne",
    "Site",
    "TeamMember",
    "Unit",
]
