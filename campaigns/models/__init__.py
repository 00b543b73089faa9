"""The campaigns app's models, one module per area; import them from here."""

from campaigns.models.actions import Action, CalendarFeed, PendingRsvp, Rsvp
from campaigns.models.api import ApiToken
from campaigns.models.conversations import (
    Ask,
    AskAnswer,
    Conversation,
    FollowUp,
    IssueTag,
    ScheduledOneOnOne,
)
from campaigns.models.imports import ImportBatch
from campaigns.models.joining import JoinPage, JoinText
from campaigns.models.ladder import LadderRung
from campaigns.models.nudges import NudgeSnooze
from campaigns.models.outbox import OutboxMessage
from campaigns.models.payment_imports import PaymentImport
from campaigns.models.power import (
    DuesPlan,
    Member,
    Payment,
    PayMethod,
    PowerMonth,
    PowerTarget,
)
from campaigns.models.roster import (
    Assessment,
    AssessmentRecord,
    Campaign,
    PersonNote,
    PossibleDuplicate,
    RosterEntry,
    Site,
    TeamMember,
    Unit,
)
from campaigns.models.signups import DriveText, Signature, SignatureRevocation, SignupDrive
from campaigns.models.treasury import LedgerEntry
from campaigns.models.trends import OrganizerWeek, TrendState, TrendWeek

__all__ = [
    "Member",
    "PayMethod",
    "Payment",
    "PaymentImport",
    "PowerMonth",
    "PowerTarget",
    "Action",
    "ApiToken",
    "Ask",
    "AskAnswer",
    "Assessment",
    "AssessmentRecord",
    "CalendarFeed",
    "DriveText",
    "DuesPlan",
    "Campaign",
    "Conversation",
    "FollowUp",
    "ImportBatch",
    "LadderRung",
    "JoinPage",
    "JoinText",
    "IssueTag",
    "LedgerEntry",
    "NudgeSnooze",
    "OrganizerWeek",
    "OutboxMessage",
    "PendingRsvp",
    "PersonNote",
    "PossibleDuplicate",
    "RosterEntry",
    "Rsvp",
    "ScheduledOneOnOne",
    "Signature",
    "SignatureRevocation",
    "SignupDrive",
    "Site",
    "TeamMember",
    "TrendState",
    "TrendWeek",
    "Unit",
]
