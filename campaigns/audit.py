"""What the audit log (members.audit) says of campaigns' objects: registered when the app is
ready, since members knows nothing of campaigns."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.models import Action, Campaign, RosterEntry, Signature, TeamMember, Unit
from members.audit import AuditSubject, audit_campaign_names_register, audit_subject_register
from members.models import AuditEvent, Committee


def _campaign_names(committee: Committee) -> dict[int, str]:
    """The committee's campaigns' code names by id: one query."""
    rows = Campaign.objects.filter(committee=committee).order_by("code_name")
    return dict(rows.values_list("pk", "code_name"))


def _roster_entry_deleted(event: AuditEvent, campaign: str) -> str:
    return _("Took someone off the roster of %(campaign)s") % {"campaign": campaign}


def _unit_deleted(event: AuditEvent, campaign: str) -> str:
    count = event.count or 0
    text = ngettext(
        "Deleted a unit of %(campaign)s; %(count)s person moved",
        "Deleted a unit of %(campaign)s; %(count)s people moved",
        count,
    )
    return text % {"campaign": campaign, "count": count}


def _action_cancelled(event: AuditEvent, campaign: str) -> str:
    if event.campaign_id is None:
        return _("Cancelled a committee-wide action")
    return _("Cancelled an action of %(campaign)s") % {"campaign": campaign}


def audit_register() -> None:
    audit_campaign_names_register(
        _campaign_names,
        team_roles={
            TeamMember.Role.LEAD: gettext_lazy("campaign lead"),
            TeamMember.Role.ORGANIZER: gettext_lazy("organizer"),
        },
    )
    audit_subject_register(
        AuditSubject(RosterEntry, person_field="person_id", deleted=_roster_entry_deleted)
    )
    audit_subject_register(AuditSubject(Unit, deleted=_unit_deleted))
    audit_subject_register(AuditSubject(Action, deleted=_action_cancelled))
    audit_subject_register(AuditSubject(TeamMember, user_field="user_id"))
    audit_subject_register(AuditSubject(Signature, person_field="person_id"))
