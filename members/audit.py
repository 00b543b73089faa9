"""The audit trail: recording sensitive events, and reading them back for the committee's leads.

Append-only: nothing in the app updates or deletes an AuditEvent, and a database trigger
refuses it anyway (migration 0003). What is recorded is who, what kind, which object id, how
many, from which IP and when: never the content of notes or messages, never what was typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members.clock import midnight
from members.models import AuditEvent, Committee, Membership, Person, User
from members.selectors import membership_primary

Kind = AuditEvent.Kind


def audit_record(
    *,
    actor: User | None,
    kind: AuditEvent.Kind,
    committee: Committee | None = None,
    committee_id: int | None = None,
    subject: models.Model | None = None,
    campaign_id: int | None = None,
    count: int | None = None,
    detail: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Record one event. Pass the committee or its id, and the subject before deleting it
    (a deleted instance has lost its id); `ip` is the client's (client_ip(request))."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        committee_id=committee.pk if committee is not None else committee_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        campaign_id=campaign_id,
        count=count,
        detail=detail or {},
        ip=ip,
    )


def audit_download_record(
    *, committee: Committee, actor: User, count: int, ip: str | None
) -> AuditEvent:
    """Downloading the log is itself on the log."""
    return audit_record(
        actor=actor,
        kind=Kind.EXPORT,
        committee=committee,
        count=count,
        detail={"of": "audit", "format": "csv"},
        ip=ip,
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as allauth sees it for its rate limits: behind a proxy, set
    ALLAUTH_TRUSTED_PROXY_COUNT (or ALLAUTH_TRUSTED_CLIENT_IP_HEADER) or every event shows
    the proxy's address."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


def committee_of(user: User | None) -> Committee | None:
    """The committee a user's own events (logins, two-factor changes) are filed under: the one
    the navigation shows them, as one deployment serves one committee by default."""
    if user is None:
        return None
    membership = membership_primary(user)
    return membership.committee if membership is not None else None


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first() if email else None


# --- Reading the trail -------------------------------------------------------------------------


def audit_events(
    *,
    committee: Committee,
    kind: str = "",
    actor_id: int | None = None,
    campaign_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """The committee's events, newest first, filtered; days are whole days in the committee's
    time zone, `until` included."""
    events = AuditEvent.objects.filter(committee=committee).select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if campaign_id is not None:
        events = events.filter(campaign_id=campaign_id)
    if since is not None:
        events = events.filter(at__gte=midnight(since, committee))
    if until is not None:
        events = events.filter(at__lt=midnight(until + timedelta(days=1), committee))
    return events.order_by("-at", "-pk")


def audit_actors(committee: Committee) -> list[User]:
    """Who the log can be filtered by: the committee's users, by name."""
    members = Membership.objects.filter(committee=committee).values("user_id")
    return list(User.objects.filter(pk__in=members).only("name", "email").order_by("name", "email"))


# --- What other apps teach the log ---------------------------------------------------------------
# members/ knows nothing of campaigns: the app that owns a kind of subject (a roster entry, a
# unit, an action, a team row) registers how the log names it, from its AppConfig.ready.


@dataclass(frozen=True)
class AuditSubject:
    """How the log describes events about one model of another app. `person_field` /
    `user_field`: the subject's field naming the person or user it is about (read for a page
    of events in one query); `deleted`: the sentence for its deletion, given the event and
    the campaign's name."""

    model: type[models.Model]
    person_field: str = ""
    user_field: str = ""
    deleted: Callable[[AuditEvent, str], str] | None = None


SUBJECTS: dict[str, AuditSubject] = {}
# The names of campaigns (the `campaign_id` of events) and of team roles, as the owner gives them.
_campaign_names: Callable[[Committee], dict[int, str]] | None = None
TEAM_ROLES: dict[str, str | Promise] = {}


def audit_subject_register(subject: AuditSubject) -> None:
    SUBJECTS[subject.model._meta.label_lower] = subject


def audit_campaign_names_register(
    names: Callable[[Committee], dict[int, str]], *, team_roles: dict[str, str | Promise]
) -> None:
    global _campaign_names  # noqa: PLW0603 - set once, at start-up, by the app that has campaigns
    _campaign_names = names
    TEAM_ROLES.update(team_roles)


def audit_campaigns(committee: Committee) -> dict[int, str]:
    """The committee's campaigns' names by id, as registered by the app that has them."""
    return _campaign_names(committee) if _campaign_names else {}


@dataclass(frozen=True)
class AuditLine:
    """One event as a lead reads it: what happened in words, and a link when there is one."""

    event: AuditEvent
    text: str
    link_text: str = ""
    link_url: str = ""


def audit_lines(
    events: list[AuditEvent], *, committee: Committee, campaigns: dict[int, str]
) -> list[AuditLine]:
    """Describe a page of events. The people, users, roster entries and team rows they point
    at are each fetched in one query, whatever the page holds."""
    names = _Names.load(events, committee=committee, campaigns=campaigns)
    return [_describe(event, names) for event in events]


@dataclass
class _Names:
    """What the descriptions of one page of events need, loaded in a few queries."""

    campaigns: dict[int, str]
    users: dict[int, User]
    people: dict[int, Person]
    subject_person: dict[tuple[str, int], int]  # (subject type, id) -> the person it is about
    subject_user: dict[tuple[str, int], int]  # (subject type, id) -> the user it is about

    @classmethod
    def load(
        cls, events: list[AuditEvent], *, committee: Committee, campaigns: dict[int, str]
    ) -> "_Names":
        subject_person = _subject_rows(events, "person_field")
        subject_user = _subject_rows(events, "user_field")
        organizers = {e.detail.get("organizer_id") for e in events if e.kind == Kind.BULK}
        user_ids = _subject_ids(events, "members.user") | set(subject_user.values()) | organizers
        user_ids.discard(None)
        person_ids = _subject_ids(events, "members.person") | set(subject_person.values())
        users = User.objects.only("name", "email").in_bulk(user_ids) if user_ids else {}
        # A committee lead may see every person of the committee: only those are linked.
        people = (
            Person.objects.filter(committee=committee).in_bulk(person_ids) if person_ids else {}
        )
        return cls(campaigns, users, people, subject_person, subject_user)

    def campaign(self, event: AuditEvent) -> str:
        found = self.campaigns.get(event.campaign_id) if event.campaign_id else None
        return found or _("a campaign")

    def user(self, user_id: int | None) -> str:
        """The user's name; "someone" when the record that named them is gone."""
        if user_id is None:
            return _("someone")
        user = self.users.get(user_id)
        return str(user) if user is not None else _("someone no longer here")


def _subject_ids(events: list[AuditEvent], subject_type: str) -> set[int]:
    return {e.subject_id for e in events if e.subject_type == subject_type and e.subject_id}


def _subject_rows(events: list[AuditEvent], field: str) -> dict[tuple[str, int], int]:
    """For the registered subjects that name a person (or a user), whom each names: one query
    per kind of subject on the page."""
    found: dict[tuple[str, int], int] = {}
    for label, subject in SUBJECTS.items():
        name = getattr(subject, field)
        ids = _subject_ids(events, label) if name else set()
        if ids:
            rows = subject.model._default_manager.filter(pk__in=ids).values_list("pk", name)
            found.update(((label, pk), value) for pk, value in rows)
    return found


def _person_line(event: AuditEvent, text: str, names: _Names, person_id: int | None) -> AuditLine:
    person = names.people.get(person_id) if person_id is not None else None
    if person is None:
        return AuditLine(event, text)
    return AuditLine(event, text, str(person), reverse("person_detail", args=[person.pk]))


def _describe(event: AuditEvent, names: _Names) -> AuditLine:
    describe = _DESCRIBE.get(event.kind)
    if describe is None:
        return AuditLine(event, event.get_kind_display())
    return describe(event, names)


def _login(event: AuditEvent, names: _Names) -> AuditLine:
    methods = [str(METHODS.get(m, m)) for m in event.detail.get("methods", [])]
    if not methods:
        return AuditLine(event, _("Logged in"))
    return AuditLine(event, _("Logged in with %(methods)s") % {"methods": ", ".join(methods)})


def _login_failed(event: AuditEvent, names: _Names) -> AuditLine:
    who = {"user": names.user(event.subject_id)}
    if event.detail.get("stage") == "mfa":
        return AuditLine(event, _("Wrong two-factor code for %(user)s's account") % who)
    return AuditLine(event, _("Wrong password for %(user)s's account") % who)


def _mfa_change(event: AuditEvent, names: _Names) -> AuditLine:
    kind = {"type": AUTHENTICATORS.get(event.detail.get("type"), _("an authenticator"))}
    change = event.detail.get("change")
    if change == "added":
        return AuditLine(event, _("Turned on two-factor: %(type)s") % kind)
    if change == "removed":
        return AuditLine(event, _("Turned off two-factor: %(type)s") % kind)
    return AuditLine(event, _("Renewed two-factor: %(type)s") % kind)


def _role_change(event: AuditEvent, names: _Names) -> AuditLine:
    values = {
        "user": names.user(event.subject_id),
        "role": ROLES.get(event.detail.get("role"), "?"),
        "previous": ROLES.get(event.detail.get("previous"), "?"),
    }
    if event.detail.get("previous"):
        return AuditLine(event, _("%(user)s went from %(previous)s to %(role)s") % values)
    return AuditLine(event, _("%(user)s joined the committee as %(role)s") % values)


def _team_change(event: AuditEvent, names: _Names) -> AuditLine:
    if event.subject_type == "members.user":
        user_id = event.subject_id
    else:
        user_id = names.subject_user.get((event.subject_type, event.subject_id or 0))
    values = {
        "user": names.user(user_id),
        "campaign": names.campaign(event),
        "role": TEAM_ROLES.get(event.detail.get("role"), "?"),
    }
    change = event.detail.get("change")
    if change == "removed":
        return AuditLine(event, _("Took %(user)s off the team of %(campaign)s") % values)
    if change == "role":
        return AuditLine(event, _("Made %(user)s %(role)s of %(campaign)s") % values)
    return AuditLine(event, _("Put %(user)s on the team of %(campaign)s as %(role)s") % values)


def _import(event: AuditEvent, names: _Names) -> AuditLine:
    count = event.count or 0
    values: dict[str, object] = {"count": count, "campaign": names.campaign(event)}
    if event.detail.get("of") == "payments":  # the treasurer's file (campaigns.power)
        text = ngettext(
            "Imported %(count)s dues payment", "Imported %(count)s dues payments", count
        )
        return AuditLine(event, text % values)
    text = ngettext(
        "Imported %(count)s person into %(campaign)s",
        "Imported %(count)s people into %(campaign)s",
        count,
    )
    return AuditLine(event, text % values)


def _export(event: AuditEvent, names: _Names) -> AuditLine:
    count = event.count or 0
    values: dict[str, object] = {"count": count, "campaign": names.campaign(event)}
    if event.detail.get("of") == "audit":
        text = ngettext(
            "Downloaded %(count)s event of this log",
            "Downloaded %(count)s events of this log",
            count,
        )
        return AuditLine(event, text % values)
    if event.detail.get("of") == "treasury":
        text = ngettext(
            "Downloaded the treasury's books: %(count)s line",
            "Downloaded the treasury's books: %(count)s lines",
            count,
        )
        return AuditLine(event, text % values)
    if event.detail.get("of") == "person":
        text = _("Exported a person's data (%(format)s)") % {
            "format": str(event.detail.get("format", "")).upper()
        }
        return _person_line(event, text, names, event.subject_id)
    text = ngettext(
        "Exported %(count)s row of %(campaign)s",
        "Exported %(count)s rows of %(campaign)s",
        count,
    )
    return AuditLine(event, text % values)


def _merge(event: AuditEvent, names: _Names) -> AuditLine:
    return _person_line(event, _("Merged two records of one person"), names, event.subject_id)


def _bulk(event: AuditEvent, names: _Names) -> AuditLine:
    count = event.count or 0
    values: dict[str, object] = {"count": count, "campaign": names.campaign(event)}
    action = event.detail.get("action")
    if action == "assign_organizer":
        values["user"] = names.user(event.detail.get("organizer_id"))
        text = ngettext(
            "Assigned %(count)s person of %(campaign)s to %(user)s",
            "Assigned %(count)s people of %(campaign)s to %(user)s",
            count,
        )
    elif action == "add_tag":
        text = ngettext(
            "Tagged %(count)s person of %(campaign)s",
            "Tagged %(count)s people of %(campaign)s",
            count,
        )
    else:
        text = ngettext(
            "Changed %(count)s person of %(campaign)s at once",
            "Changed %(count)s people of %(campaign)s at once",
            count,
        )
    return AuditLine(event, text % values)


def _delete(event: AuditEvent, names: _Names) -> AuditLine:
    if event.subject_type == "members.invitation":
        role = {"role": ROLES.get(event.detail.get("role"), "?")}
        return AuditLine(event, _("Withdrew an invitation to join as %(role)s") % role)
    subject = SUBJECTS.get(event.subject_type)
    if subject is None or subject.deleted is None:
        return AuditLine(event, _("Deleted something"))
    text = subject.deleted(event, names.campaign(event))
    if not subject.person_field:
        return AuditLine(event, text)
    person_id = names.subject_person.get((event.subject_type, event.subject_id or 0))
    return _person_line(event, text, names, person_id)


def _person_view(event: AuditEvent, names: _Names) -> AuditLine:
    return _person_line(event, _("Viewed a person's page"), names, event.subject_id)


def _erase(event: AuditEvent, names: _Names) -> AuditLine:
    """The erased person shows as "Erased person": the event never held their name."""
    return _person_line(event, _("Erased a person's personal data"), names, event.subject_id)


def _user_deactivate(event: AuditEvent, names: _Names) -> AuditLine:
    count = event.count or 0
    values: dict[str, object] = {"user": names.user(event.subject_id), "count": count}
    text = ngettext(
        "Deactivated %(user)s's login; %(count)s session ended",
        "Deactivated %(user)s's login; %(count)s sessions ended",
        count,
    )
    return AuditLine(event, text % values)


def _membership_remove(event: AuditEvent, names: _Names) -> AuditLine:
    values = {
        "user": names.user(event.subject_id),
        "role": ROLES.get(event.detail.get("role"), "?"),
    }
    return AuditLine(event, _("Removed %(user)s (%(role)s) from the committee") % values)


def _lockdown(event: AuditEvent, names: _Names) -> AuditLine:
    detail = event.detail
    values = {
        "sessions": detail.get("sessions", 0),
        "links": sum(detail.get("links", {}).values()),
        "invitations": detail.get("invitations", 0),
    }
    return AuditLine(
        event,
        _(
            "Lockdown: %(sessions)s sessions logged out, %(links)s emailed links and "
            "%(invitations)s invitations ended"
        )
        % values,
    )


def _action_change(event: AuditEvent, names: _Names) -> AuditLine:
    """An action edited, rescheduled or cancelled, with the names of the fields changed."""
    values = {
        "campaign": names.campaign(event),
        "fields": ", ".join(str(f).replace("_", " ") for f in event.detail.get("fields", [])),
    }
    change = event.detail.get("change")
    committee_wide = event.campaign_id is None
    if change == "cancelled":
        if committee_wide:
            return AuditLine(event, _("Cancelled a committee-wide action"))
        return AuditLine(event, _("Cancelled an action of %(campaign)s") % values)
    if change == "rescheduled":
        if committee_wide:
            return AuditLine(event, _("Rescheduled a committee-wide action (%(fields)s)") % values)
        return AuditLine(event, _("Rescheduled an action of %(campaign)s (%(fields)s)") % values)
    if committee_wide:
        return AuditLine(event, _("Edited a committee-wide action (%(fields)s)") % values)
    return AuditLine(event, _("Edited an action of %(campaign)s (%(fields)s)") % values)


def _match(event: AuditEvent, names: _Names) -> AuditLine:
    """Looking someone up by what was typed (never shown: it is not recorded)."""
    if not event.count:
        return AuditLine(event, _("Looked for someone by email or phone: nobody found"))
    if event.detail.get("hidden"):
        return AuditLine(
            event,
            _(
                "Looked for someone by email or phone: found a person they may not see "
                "(added as new, queued as a possible duplicate)"
            ),
        )
    return AuditLine(event, _("Looked for someone by email or phone: found one of theirs"))


def _duplicate(event: AuditEvent, names: _Names) -> AuditLine:
    return _person_line(
        event, _("Dismissed a possible duplicate: two people"), names, event.subject_id
    )


def _signature(event: AuditEvent, names: _Names) -> AuditLine:
    """A signature recorded or revoked (the subject is the signature: the line names its
    person)."""
    values = {"campaign": names.campaign(event)}
    if event.detail.get("change") == "revoked":
        text = _("Recorded a revoked signature on a drive of %(campaign)s") % values
    else:
        text = _("Recorded a signature on a drive of %(campaign)s") % values
    person_id = names.subject_person.get((event.subject_type, event.subject_id or 0))
    return _person_line(event, text, names, person_id)


def _drive_change(event: AuditEvent, names: _Names) -> AuditLine:
    values = {"campaign": names.campaign(event)}
    texts = {
        "created": _("Started a sign-up drive on %(campaign)s"),
        "closed": _("Closed a sign-up drive of %(campaign)s"),
        "public_opened": _("Opened the public signing page of a drive of %(campaign)s"),
        "public_closed": _("Closed the public signing page of a drive of %(campaign)s"),
    }
    text = texts.get(event.detail.get("change", ""), _("Edited a sign-up drive of %(campaign)s"))
    return AuditLine(event, text % values)


def _api_token(event: AuditEvent, names: _Names) -> AuditLine:
    """An API token made or revoked: named by what the lead called it (never the token)."""
    values = {"name": event.detail.get("name", "")}
    if event.detail.get("change") == "revoked":
        return AuditLine(event, _("Revoked the API token “%(name)s”") % values)
    return AuditLine(event, _("Made the API token “%(name)s”") % values)


def _api(event: AuditEvent, names: _Names) -> AuditLine:
    """A write through the API, or a bulk read (a page of a collection), by a token; or a
    sync from another system (campaigns' sync_actionnetwork), which is no token's doing."""
    if event.detail.get("sync"):
        return AuditLine(
            event,
            _("Synced %(count)s people from %(url)s")
            % {"count": event.count or 0, "url": event.detail.get("url", "")},
        )
    values = {
        "name": event.detail.get("token", ""),
        "path": event.detail.get("path", ""),
        "count": event.count or 0,
        "page": event.detail.get("page", "1"),
    }
    if event.detail.get("action") == "write":
        return AuditLine(event, _("API token “%(name)s” wrote to %(path)s") % values)
    return AuditLine(
        event, _("API token “%(name)s” read %(count)s from %(path)s (page %(page)s)") % values
    )


def _treasurer(event: AuditEvent, names: _Names) -> AuditLine:
    """A lead made treasurer or no longer (the subject is their user), or a change to the
    dues the treasurer keeps (campaigns.power.dues: the detail names it, never an amount)."""
    if "treasurer" in event.detail:
        user = {"user": names.user(event.subject_id)}
        if event.detail["treasurer"]:
            return AuditLine(event, _("Made %(user)s the treasurer") % user)
        return AuditLine(event, _("%(user)s is no longer the treasurer") % user)
    text = DUES_CHANGES.get(event.detail.get("change", ""), Kind.TREASURER.label)
    return AuditLine(event, str(text))


_DESCRIBE: dict[str, Callable[[AuditEvent, _Names], AuditLine]] = {
    Kind.LOGIN: _login,
    Kind.LOGIN_FAILED: _login_failed,
    Kind.LOGOUT: lambda event, names: AuditLine(event, _("Logged out")),
    Kind.MFA_CHANGE: _mfa_change,
    Kind.ROLE_CHANGE: _role_change,
    Kind.TEAM_CHANGE: _team_change,
    Kind.IMPORT: _import,
    Kind.EXPORT: _export,
    Kind.MERGE: _merge,
    Kind.BULK: _bulk,
    Kind.DELETE: _delete,
    Kind.PERSON_VIEW: _person_view,
    Kind.ERASE: _erase,
    Kind.USER_DEACTIVATE: _user_deactivate,
    Kind.USER_REACTIVATE: lambda event, names: AuditLine(
        event, _("Reactivated %(user)s's login") % {"user": names.user(event.subject_id)}
    ),
    Kind.MEMBERSHIP_REMOVE: _membership_remove,
    Kind.LOCKDOWN: _lockdown,
    Kind.ACTION_CHANGE: _action_change,
    Kind.MATCH: _match,
    Kind.DUPLICATE: _duplicate,
    Kind.SIGNATURE: _signature,
    Kind.DRIVE_CHANGE: _drive_change,
    Kind.API_TOKEN: _api_token,
    Kind.API: _api,
    Kind.TREASURER: _treasurer,
}

ROLES = dict(Membership.Role.choices)
DUES_CHANGES = {
    "dues_settings": gettext_lazy("Changed the dues settings"),
    "plan_added": gettext_lazy("Added a dues plan"),
    "plan_archived": gettext_lazy("Archived a dues plan"),
    "plan_offered": gettext_lazy("Offered an archived dues plan again"),
    "plan_deleted": gettext_lazy("Deleted a dues plan"),
}
# allauth's authentication records and authenticator types.
METHODS = {
    "password": gettext_lazy("password"),
    "code": gettext_lazy("emailed code"),
    "password_reset": gettext_lazy("password reset"),
    "mfa": gettext_lazy("two-factor"),
}
AUTHENTICATORS = {
    "totp": gettext_lazy("authenticator app"),
    "recovery_codes": gettext_lazy("recovery codes"),
    "webauthn": gettext_lazy("security key"),
}
