"""A person's data: everything the committee holds on one person, for a committee lead to hand
over (JSON and a printable page), and erasing it.

Erasure keeps the rows: a conversation, an assessment, an RSVP or an attendance still counts in
the dashboards, the trends and an action's turnout, but nothing in them says who it was or what
was typed about them. ERASED_TEXT is the one list of what is typed about a person or names them;
a test compares it with the models, so a new free-text field cannot be forgotten.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import (
    AskAnswer,
    AssessmentRecord,
    CalendarFeed,
    Conversation,
    FollowUp,
    Member,
    OutboxMessage,
    PendingRsvp,
    PersonNote,
    PossibleDuplicate,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    Signature,
)
from campaigns.people.selectors import unit_paths
from members.audit import SUBJECTS, audit_campaigns, audit_lines, audit_record
from members.clock import zone_for
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, User
from members.phones import phone_display

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- What erasure removes ------------------------------------------------------------------------

# Every field typed about a person or naming them, by model: person_erase blanks each one (on
# the person, and on every row of theirs, found by its `person` field). A per-campaign note or
# a new free-text field goes here; tests/people/test_person_data.py fails on a text field of a
# person's rows that is in neither this list nor ERASED_ROWS.
ERASED_TEXT: dict[type[models.Model], tuple[str, ...]] = {
    Person: (
        "given_name",
        "family_name",
        "preferred_name",
        "pronouns",
        "notes",
        "do_not_contact_reason",
    ),
    RosterEntry: ("title", "shift", "removed_reason"),
    Conversation: ("notes", "next_step"),
    FollowUp: ("description", "closed_note"),
    ScheduledOneOnOne: ("place",),
    Rsvp: ("note",),
    OutboxMessage: ("to_address", "reason"),
    Signature: ("typed_name", "paper_kept_at"),
    # The membership stays (its payments are the committee's books), not who it was.
    Member: ("number", "resigned_reason"),
}
# Text fields of a person's rows that say nothing about them: kept.
NOT_ABOUT_THEM = {
    (Signature, "text_digest"),  # the digest of the drive's words they signed
    (Conversation, "client_digest"),  # the digest of a log as a phone sent it (field mode)
    (Member, "consent_text"),  # the join form's wording, the same for everyone who joined
}
# Rows that only say how to reach or recognise the person: deleted whole.
ERASED_ROWS: tuple[type[models.Model], ...] = (
    PersonEmail,
    PersonPhone,
    CalendarFeed,
    PendingRsvp,  # an answer typed on a public page, not confirmed by them
    PersonNote,  # each campaign's notes about them
    PossibleDuplicate,  # a pair waiting for a lead: there is nothing left to compare
)
# The person's own fields that are not typed text, and what erasure sets them to: no language,
# no channel, no consent to anything, never to be contacted, no login.
ERASED_VALUES: dict[str, Any] = {
    "preferred_language": "",
    "preferred_channel": "",
    "email_ok": False,
    "sms_ok": False,
    "do_not_contact": True,
    "user": None,
}


class ErasureRefused(ValidationError):
    """The person still has a login that works."""


def person_erase(*, person: Person, actor: User, ip: str | None = None) -> Person:
    """Remove everything that says who the person is or what was typed about them, keep their
    rows as an anonymous "Erased person", and record it (how many rows were kept, never what
    was removed). Refused while the person's login is active: a lead deactivates it first, on
    the Team page. Erasing an erased person changes nothing."""
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        )
        if person.user is not None and person.user.is_active:
            raise ErasureRefused(
                _(
                    "%(name)s still has an active login. Deactivate their login on the Team "
                    "page first, then erase them: nothing was changed."
                )
                % {"name": person.display_name}
            )
        if person.erased_at is not None:
            return person
        _erase_rows(person)
        for name in ERASED_TEXT[Person]:
            setattr(person, name, "")
        for name, value in ERASED_VALUES.items():
            setattr(person, name, value)
        person.erased_at = timezone.now()
        person.save()
        person.tags.clear()
        audit_record(
            actor=actor,
            kind=AuditEvent.Kind.ERASE,
            committee_id=person.committee_id,
            subject=person,
            detail={"kept": erasure_kept(person)},
            ip=ip,
        )
    return person


def _erase_rows(person: Person) -> None:
    for model, names in ERASED_TEXT.items():
        if model is not Person:
            model._default_manager.filter(person=person).update(**dict.fromkeys(names, ""))
    for model in ERASED_ROWS:
        model._default_manager.filter(person=person).delete()
    PossibleDuplicate.objects.filter(existing=person).delete()
    Signature.objects.filter(person=person).update(ip=None)  # where they signed from
    # Nothing still waiting goes out to them (there is no address left anyway).
    OutboxMessage.objects.filter(
        person=person, user=None, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.VOID)


def erasure_kept(person: Person) -> dict[str, int]:
    """The person's rows that erasure keeps, anonymous, so the numbers stay right."""
    return {
        "roster_entries": RosterEntry.objects.filter(person=person).count(),
        "conversations": Conversation.objects.filter(person=person).count(),
        "rsvps": Rsvp.objects.filter(person=person).count(),
        "signatures": Signature.objects.filter(person=person).count(),
    }


# --- The export ----------------------------------------------------------------------------------


@dataclass
class DataSection:
    """One part of the export: its key in the JSON, its title on the page, and its rows (one
    row for a section about the person themselves)."""

    key: str
    title: "StrOrPromise"
    rows: list[dict[str, Any]] = field(default_factory=list)
    single: bool = False

    def as_json(self) -> dict[str, Any] | list[dict[str, Any]]:
        return self.rows[0] if self.single else self.rows


@dataclass
class PersonData:
    person: Person
    exported_at: datetime
    time_zone: str
    sections: list[DataSection]

    def as_json(self) -> dict[str, Any]:
        return {
            "exported_at": self.exported_at,
            "committee": self.person.committee.name,
            **{section.key: section.as_json() for section in self.sections},
        }


def person_export_data(*, person: Person) -> PersonData:
    """Everything held on the person, across every campaign, with every note (the reader is a
    committee lead, who may read them all): about twenty queries, whatever the person holds."""
    person = (
        Person.objects.select_related("committee", "user")
        .prefetch_related("emails", "phones", "tags")
        .get(pk=person.pk)
    )
    events = _audit_events(person)
    sections = [
        DataSection("person", gettext_lazy("Details"), [_details(person)], single=True),
        DataSection("contact_details", gettext_lazy("Contact details"), _contacts(person)),
        DataSection("consent", gettext_lazy("Consent"), [_consent(person)], single=True),
        DataSection("roster_positions", gettext_lazy("Roster positions"), _positions(person)),
        DataSection("assessments", gettext_lazy("Assessments"), _assessments(person)),
        DataSection("conversations", gettext_lazy("Conversations"), _conversations(person)),
        DataSection("follow_ups", gettext_lazy("Follow-ups"), _follow_ups(person)),
        DataSection(
            "scheduled_one_on_ones", gettext_lazy("Scheduled one-on-ones"), _scheduled(person)
        ),
        DataSection("rsvps", gettext_lazy("RSVPs and attendance"), _rsvps(person)),
        DataSection("signatures", gettext_lazy("Cards and petitions signed"), _signed(person)),
        DataSection("membership", gettext_lazy("Membership"), _membership(person)),
        DataSection("messages", gettext_lazy("Messages"), _messages(person)),
        DataSection(
            "consent_history",
            gettext_lazy("Consent history"),
            [_consent_change(row, event) for row, event in events if event.kind == CONSENT],
        ),
        DataSection(
            "audit_events", gettext_lazy("Audit events about them"), [row for row, _e in events]
        ),
    ]
    return PersonData(person, timezone.now(), person.committee.time_zone, sections)


def person_export_record(
    *, person: Person, actor: User, data_format: str, ip: str | None
) -> AuditEvent:
    """The export on the record: whose data, in which format; never what it held."""
    return audit_record(
        actor=actor,
        kind=AuditEvent.Kind.EXPORT,
        committee_id=person.committee_id,
        subject=person,
        detail={"of": "person", "format": data_format},
        ip=ip,
    )


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def _details(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "pronouns": person.pronouns,
        "preferred_language": person.get_preferred_language_display(),
        "preferred_channel": person.get_preferred_channel_display(),
        "tags": [tag.name for tag in person.tags.all()],
        "notes": person.notes,
        "login": person.user.email if person.user else "",
        "created_at": person.created_at,
        "updated_at": person.updated_at,
        "erased_at": person.erased_at,
    }


def _contacts(person: Person) -> list[dict[str, Any]]:
    emails = [
        {"kind": _("Email"), "value": row.email, "label": "", "primary": row.is_primary}
        for row in person.emails.all()
    ]
    phones = [
        {
            "kind": _("Phone"),
            "value": phone_display(row.number),
            "label": row.label,
            "primary": row.is_primary,
        }
        for row in person.phones.all()
    ]
    return emails + phones


def _consent(person: Person) -> dict[str, Any]:
    return {
        "email_ok": person.email_ok,
        "sms_ok": person.sms_ok,
        "do_not_contact": person.do_not_contact,
        "do_not_contact_reason": person.do_not_contact_reason,
    }


def _positions(person: Person) -> list[dict[str, Any]]:
    entries = list(
        RosterEntry.objects.filter(person=person)
        .select_related("campaign", "unit", "organizer")
        .order_by("campaign__code_name", "added_at")
    )
    paths = unit_paths({entry.unit.site_id for entry in entries if entry.unit})
    return [
        {
            "campaign": entry.campaign.code_name,
            "unit": paths.get(entry.unit_id, "") if entry.unit_id else "",
            "title": entry.title,
            "shift": entry.shift,
            "leader": entry.is_leader,
            "organizer": _name(entry.organizer),
            "assessment": entry.get_assessment_display() if entry.assessment else "",
            "added_at": entry.added_at,
            "removed_at": entry.removed_at,
            "removed_reason": entry.removed_reason,
        }
        for entry in entries
    ]


def _assessments(person: Person) -> list[dict[str, Any]]:
    records = (
        AssessmentRecord.objects.filter(roster_entry__person=person)
        .select_related("roster_entry__campaign", "recorded_by")
        .order_by("-happened_at", "-pk")
    )
    return [
        {
            "campaign": record.roster_entry.campaign.code_name,
            "happened_at": record.happened_at,
            "assessment": record.get_level_display(),
            "recorded_by": _name(record.recorded_by),
        }
        for record in records
    ]


def _conversations(person: Person) -> list[dict[str, Any]]:
    conversations = (
        Conversation.objects.filter(person=person)
        .select_related("campaign", "organizer")
        .prefetch_related("issues", Prefetch("answers", queryset=_answers()))
        .order_by("-happened_at", "-pk")
    )
    return [
        {
            "campaign": talk.campaign.code_name,
            "happened_at": talk.happened_at,
            "channel": talk.get_channel_display(),
            "duration_minutes": talk.duration_minutes,
            "organizer": _name(talk.organizer),
            "issues": [issue.name for issue in talk.issues.all()],
            "asks": [
                f"{answer.ask.label}: {answer.get_answer_display()}"
                for answer in talk.answers.all()
            ],
            "assessment": talk.get_assessment_display() if talk.assessment else "",
            "leader": talk.is_leader,
            "notes": talk.notes,
            "next_step": talk.next_step,
        }
        for talk in conversations
    ]


def _answers() -> models.QuerySet[AskAnswer]:
    return AskAnswer.objects.select_related("ask").order_by("ask__position", "pk")


def _follow_ups(person: Person) -> list[dict[str, Any]]:
    rows = (
        FollowUp.objects.filter(person=person)
        .select_related("campaign", "organizer")
        .order_by("-due_on", "-pk")
    )
    return [
        {
            "campaign": row.campaign.code_name,
            "next_step": row.description,
            "due_on": row.due_on,
            "organizer": _name(row.organizer),
            "closed_at": row.closed_at,
            "closed_reason": row.get_closed_reason_display(),
            "closed_note": row.closed_note,
        }
        for row in rows
    ]


def _scheduled(person: Person) -> list[dict[str, Any]]:
    rows = (
        ScheduledOneOnOne.objects.filter(person=person)
        .select_related("campaign", "organizer")
        .order_by("-starts_at", "-pk")
    )
    return [
        {
            "campaign": row.campaign.code_name,
            "starts_at": row.starts_at,
            "place": row.place,
            "organizer": _name(row.organizer),
            "cancelled_at": row.cancelled_at,
        }
        for row in rows
    ]


def _rsvps(person: Person) -> list[dict[str, Any]]:
    rows = (
        Rsvp.objects.filter(person=person)
        .select_related("action__campaign")
        .order_by("-action__starts_at", "-pk")
    )
    return [
        {
            "action": row.action.title,
            "campaign": row.action.campaign.code_name if row.action.campaign else "",
            "starts_at": row.action.starts_at,
            "invited_at": row.invited_at,
            "response": row.get_response_display(),
            "responded_at": row.responded_at,
            "source": row.get_source_display(),
            "guests": row.guests,
            "note": row.note,
            "attended": row.attended,
            "checked_in_at": row.checked_in_at,
        }
        for row in rows
    ]


def _signed(person: Person) -> list[dict[str, Any]]:
    """Their signatures, the exact words signed, and any revocation."""
    rows = (
        Signature.objects.filter(person=person)
        .select_related("drive__campaign", "text", "collected_by", "revocation")
        .order_by("-signed_on", "-pk")
    )
    return [
        {
            "campaign": row.drive.campaign.code_name,
            "drive": row.drive.title,
            "text": row.text.text if row.text else "",
            "signed_on": row.signed_on,
            "signed_at": row.signed_at,
            "method": row.get_method_display(),
            "typed_name": row.typed_name,
            "ip": row.ip or "",
            "collected_by": _name(row.collected_by),
            "paper_kept_at": row.paper_kept_at,
            "revoked_on": row.revocation.revoked_on if hasattr(row, "revocation") else None,
        }
        for row in rows
    ]


def _membership(person: Person) -> list[dict[str, Any]]:
    """Their membership of the committee: how many payments, never an amount (the reader is
    a lead, and only the treasurer sees amounts)."""
    member = Member.objects.select_related("plan").filter(person=person).first()
    if member is None:
        return []
    return [
        {
            "number": member.number,
            "joined_on": member.joined_on,
            "joined_how": member.get_joined_how_display(),
            "from_join_form": member.from_join_form,
            "consent_text": member.consent_text,
            "plan": member.plan.name if member.plan else "",
            "pay_method": member.get_pay_method_display(),
            "resigned_on": member.resigned_on,
            "resigned_reason": member.resigned_reason,
            "payments": member.payments.count(),
        }
    ]


def _messages(person: Person) -> list[dict[str, Any]]:
    """Messages sent to them, and the organizers' reminders and nudges about them."""
    rows = (
        OutboxMessage.objects.filter(person=person)
        .select_related("action", "user")
        .order_by("-due_at", "-pk")
    )
    return [
        {
            "message": row.get_kind_display(),
            "to": _name(row.user) if row.user else _("them"),
            "channel": row.get_channel_display(),
            "address": row.to_address,
            "action": row.action.title if row.action else "",
            "status": row.get_status_display(),
            "due_at": row.due_at,
            "sent_at": row.sent_at,
        }
        for row in rows
    ]


CONSENT = AuditEvent.Kind.CONSENT
CONSENT_CHANNELS = {"email": gettext_lazy("email"), "sms": gettext_lazy("text messages")}
CONSENT_VIA = {
    "link": gettext_lazy("from the link in an email"),
    "one_click": gettext_lazy("from their mail program's unsubscribe button"),
}


def _consent_change(row: dict[str, Any], event: AuditEvent) -> dict[str, Any]:
    """A consent event in words (which channel, what changed, from where): never content."""
    channel = CONSENT_CHANNELS.get(event.detail.get("channel"), event.detail.get("channel", ""))
    via = CONSENT_VIA.get(event.detail.get("via"), event.detail.get("via", ""))
    if event.detail.get("change") == "opted_out":
        what = _("Opted out of %(channel)s") % {"channel": channel}
    else:
        what = _("Changed their consent to %(channel)s") % {"channel": channel}
    return {**row, "what": f"{what} ({via})" if via else what}


def _audit_events(person: Person) -> list[tuple[dict[str, Any], AuditEvent]]:
    """Events about the person (their record, their roster entries, their login), described
    as the audit log describes them, with who did it: never the address it came from."""
    about = Q(subject_type=Person._meta.label_lower, subject_id=person.pk)
    for label, subject in SUBJECTS.items():
        if subject.person_field:
            rows = subject.model._default_manager.filter(**{subject.person_field: person.pk})
            about |= Q(subject_type=label, subject_id__in=rows.values("pk"))
    if person.user_id is not None:
        about |= Q(subject_type=User._meta.label_lower, subject_id=person.user_id)
        about |= Q(actor_id=person.user_id)
    events = list(
        AuditEvent.objects.filter(about, committee_id=person.committee_id)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    campaigns = audit_campaigns(person.committee)
    lines = audit_lines(events, committee=person.committee, campaigns=campaigns)
    return [
        (
            {
                "at": line.event.at,
                "kind": line.event.get_kind_display(),
                "what": line.text,
                "by": _name(line.event.actor),
                "campaign": campaigns.get(line.event.campaign_id or 0, ""),
            },
            line.event,
        )
        for line in lines
    ]


# --- Showing the export as a page ----------------------------------------------------------------

LABELS: dict[str, "StrOrPromise"] = {
    "id": gettext_lazy("Record number"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "preferred_name": gettext_lazy("Preferred name"),
    "pronouns": gettext_lazy("Pronouns"),
    "preferred_language": gettext_lazy("Preferred language"),
    "preferred_channel": gettext_lazy("Preferred channel"),
    "tags": gettext_lazy("Tags"),
    "notes": gettext_lazy("Notes"),
    "login": gettext_lazy("Login"),
    "created_at": gettext_lazy("Added"),
    "updated_at": gettext_lazy("Last changed"),
    "erased_at": gettext_lazy("Erased"),
    "kind": gettext_lazy("Kind"),
    "value": gettext_lazy("Value"),
    "label": gettext_lazy("Label"),
    "primary": gettext_lazy("Primary"),
    "email_ok": gettext_lazy("Email is OK"),
    "sms_ok": gettext_lazy("Text messages are OK"),
    "do_not_contact": gettext_lazy("Do not contact"),
    "do_not_contact_reason": gettext_lazy("Why not to contact"),
    "campaign": gettext_lazy("Campaign"),
    "unit": gettext_lazy("Unit"),
    "title": gettext_lazy("Job title or apartment"),
    "shift": gettext_lazy("Shift"),
    "leader": gettext_lazy("Leader"),
    "organizer": gettext_lazy("Organizer"),
    "assessment": gettext_lazy("Assessment"),
    "added_at": gettext_lazy("On the roster since"),
    "removed_at": gettext_lazy("Taken off"),
    "removed_reason": gettext_lazy("Why"),
    "happened_at": gettext_lazy("When"),
    "recorded_by": gettext_lazy("By"),
    "channel": gettext_lazy("How"),
    "duration_minutes": gettext_lazy("Minutes"),
    "issues": gettext_lazy("Issues"),
    "asks": gettext_lazy("Asks"),
    "next_step": gettext_lazy("Next step"),
    "due_on": gettext_lazy("Due"),
    "closed_at": gettext_lazy("Closed"),
    "closed_reason": gettext_lazy("Reason"),
    "closed_note": gettext_lazy("Note"),
    "starts_at": gettext_lazy("When"),
    "place": gettext_lazy("Where"),
    "cancelled_at": gettext_lazy("Cancelled"),
    "action": gettext_lazy("Action"),
    "invited_at": gettext_lazy("Invited"),
    "response": gettext_lazy("RSVP"),
    "responded_at": gettext_lazy("Answered"),
    "source": gettext_lazy("From"),
    "guests": gettext_lazy("Guests"),
    "note": gettext_lazy("Note"),
    "attended": gettext_lazy("Came"),
    "checked_in_at": gettext_lazy("Checked in"),
    "message": gettext_lazy("Message"),
    "to": gettext_lazy("To"),
    "address": gettext_lazy("Address"),
    "status": gettext_lazy("Status"),
    "due_at": gettext_lazy("Due"),
    "sent_at": gettext_lazy("Sent"),
    "at": gettext_lazy("When"),
    "what": gettext_lazy("What"),
    "by": gettext_lazy("By"),
    # Signatures
    "drive": gettext_lazy("Sign-up drive"),
    "text": gettext_lazy("The words signed"),
    "signed_on": gettext_lazy("Date signed"),
    "signed_at": gettext_lazy("Signed online at"),
    "method": gettext_lazy("How they signed"),
    "typed_name": gettext_lazy("Name typed"),
    "ip": gettext_lazy("IP address"),
    "collected_by": gettext_lazy("Collected by"),
    "paper_kept_at": gettext_lazy("Where the paper is kept"),
    "revoked_on": gettext_lazy("Revoked on"),
    # Membership
    "number": gettext_lazy("Member number"),
    "joined_on": gettext_lazy("Joined on"),
    "joined_how": gettext_lazy("How they joined"),
    "plan": gettext_lazy("Dues plan"),
    "pay_method": gettext_lazy("Pays by"),
    "resigned_on": gettext_lazy("Resigned on"),
    "resigned_reason": gettext_lazy("Why they resigned"),
    "from_join_form": gettext_lazy("Joined on the join page"),
    "consent_text": gettext_lazy("The words they agreed to"),
    "payments": gettext_lazy("Payments recorded"),
}


@dataclass(frozen=True)
class ShownSection:
    title: "StrOrPromise"
    rows: list[list[tuple["StrOrPromise", str]]]


def sections_shown(data: PersonData) -> list[ShownSection]:
    """The export as the page shows it: each row as labelled values in the committee's time
    zone and the reader's language, empty values left out."""
    zone = zone_for(data.time_zone)
    return [
        ShownSection(
            section.title,
            [
                [
                    (LABELS.get(key, key), shown)
                    for key, value in row.items()
                    if (shown := _shown(value, zone))
                ]
                for row in section.rows
            ],
        )
        for section in data.sections
    ]


def _shown(value: Any, zone: ZoneInfo) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(value.astimezone(zone), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
