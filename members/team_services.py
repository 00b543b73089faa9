"""A committee lead's changes to the committee's users: deactivate and reactivate a login,
change a role, make a lead the treasurer or stop them, remove someone from the committee,
and lockdown.

Each is audited, and none may leave the committee without an active lead: someone must be
left to manage it. Records stay: a deactivated or removed user's conversations, assignments
and audit trail are the committee's history.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.audit import audit_record
from members.links import links_revoke
from members.models import AuditEvent, Committee, Invitation, Membership, User
from members.services import invitation_cancel
from members.sessions import sessions_end
from members.teams import campaign_teams_leave

Kind = AuditEvent.Kind
LEAD = Membership.Role.LEAD


def _keep_a_lead(*, membership: Membership, actor: User) -> None:
    """Refuse to take `membership` off the active leads when it is the last one. Locks the
    committee's lead rows, so two leads demoting each other at once cannot both succeed."""
    if membership.role != LEAD or not membership.user.is_active:
        return
    leads = (
        Membership.objects.select_for_update(of=("self",))
        .filter(committee_id=membership.committee_id, role=LEAD, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    if set(leads) - {membership.user_id}:
        return
    if membership.user_id == actor.pk:
        message = _(
            "You are the only lead of this committee: make someone else a lead first, or no "
            "one would be left to manage it."
        )
    else:
        message = _(
            "%(user)s is the only lead of this committee: make someone else a lead first."
        ) % {"user": membership.user}
    raise ValidationError(message, code="last_lead")


def user_deactivate(*, membership: Membership, actor: User, ip: str | None = None) -> dict:
    """Stop a user logging in: every session of theirs ends (a half-done login, with its
    emailed code, too), and every emailed link that lets them in. Their records stay.

    Refused for someone who is also on another committee: that committee's leads decide
    about their login there; remove them from this one instead."""
    user = membership.user
    if Membership.objects.filter(user=user).exclude(committee_id=membership.committee_id).exists():
        raise ValidationError(
            _("%(user)s is also on another committee: remove them from this one instead.")
            % {"user": user},
            code="other_committee",
        )
    with transaction.atomic():
        _keep_a_lead(membership=membership, actor=actor)
        user.is_active = False
        user.save(update_fields=["is_active"])
        # Django refuses an inactive user's session on every request anyway; ending them
        # means a later reactivation brings none of them back.
        ended = sessions_end(user_ids={user.pk})
        links = links_revoke(committee=membership.committee, user=user)
        detail = {"sessions": ended.logged_in, "pending_logins": ended.pending, "links": links}
        audit_record(
            actor=actor,
            kind=Kind.USER_DEACTIVATE,
            committee_id=membership.committee_id,
            subject=user,
            count=ended.logged_in,
            detail=detail,
            ip=ip,
        )
    return detail


def user_reactivate(*, membership: Membership, actor: User, ip: str | None = None) -> None:
    """Let a deactivated user log in again. The links ended with the deactivation stay
    ended: new emails bring new ones."""
    user = membership.user
    if user.is_active:
        return
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            kind=Kind.USER_REACTIVATE,
            committee_id=membership.committee_id,
            subject=user,
            ip=ip,
        )


def membership_role_set(
    *, membership: Membership, role: str, actor: User, ip: str | None = None
) -> None:
    """Change someone's role in the committee. A member is on no campaign's team (a team
    row alone opens a campaign), so going down to member takes them off every team; and only
    a lead keeps the books, so a treasurer who stops being a lead stops being treasurer."""
    previous = membership.role
    if role == previous:
        return
    with transaction.atomic():
        if role != LEAD:
            _keep_a_lead(membership=membership, actor=actor)
        teams_left = 0
        if role == Membership.Role.MEMBER:
            teams_left = campaign_teams_leave(committee=membership.committee, user=membership.user)
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            kind=Kind.ROLE_CHANGE,
            committee_id=membership.committee_id,
            subject=membership.user,
            detail={"role": role, "previous": previous, "teams_left": teams_left},
            ip=ip,
        )
        if role != LEAD and membership.is_treasurer:
            treasurer_set(membership=membership, is_treasurer=False, by=actor, ip=ip)


def treasurer_set(
    *, membership: Membership, is_treasurer: bool, by: User, ip: str | None = None
) -> None:
    """Let a lead keep the books (see payments and the ledger), or stop them."""
    if is_treasurer and membership.role != LEAD:
        raise ValidationError(_("Only a committee lead can be the treasurer."), code="not_lead")
    if is_treasurer == membership.is_treasurer:
        return
    membership.is_treasurer = is_treasurer
    membership.save(update_fields=["is_treasurer"])
    audit_record(
        actor=by,
        kind=Kind.TREASURER,
        committee_id=membership.committee_id,
        subject=membership.user,
        detail={"treasurer": is_treasurer},
        ip=ip,
    )


def membership_remove(*, membership: Membership, actor: User, ip: str | None = None) -> None:
    """Take someone off the committee and every team of its campaigns. They keep their login
    (deactivate it to stop them logging in) and the committee keeps their records."""
    with transaction.atomic():
        _keep_a_lead(membership=membership, actor=actor)
        teams_left = campaign_teams_leave(committee=membership.committee, user=membership.user)
        audit_record(
            actor=actor,
            kind=Kind.MEMBERSHIP_REMOVE,
            committee_id=membership.committee_id,
            subject=membership.user,
            detail={"role": membership.role, "teams_left": teams_left},
            ip=ip,
        )
        membership.delete()


@dataclass(frozen=True)
class Lockdown:
    """What a lockdown ended, for the page that reports it."""

    sessions: int  # logged-in sessions of the committee's users, the lead's own kept
    pending_logins: int  # logins half done: a code emailed, a second factor not yet entered
    links: dict[str, int]  # emailed links ended, by the area that issued them
    invitations: list[str]  # the addresses whose pending invitations were withdrawn

    @property
    def links_total(self) -> int:
        return sum(self.links.values())


def committee_lockdown(
    *, committee: Committee, actor: User, keep_session: str | None, ip: str | None = None
) -> Lockdown:
    """Log out every user of the committee everywhere but the lead's own session, and end
    every emailed link that lets someone in: RSVP links, calendar feeds, snooze links (the
    areas that issue them register in members.links) and pending invitations, withdrawn so
    that inviting again sends a new link."""
    users = set(Membership.objects.filter(committee=committee).values_list("user_id", flat=True))
    with transaction.atomic():
        ended = sessions_end(user_ids=users, keep=keep_session)
        links = links_revoke(committee=committee)
        invitations = list(Invitation.objects.filter(committee=committee, accepted_at=None))
        for invitation in invitations:
            invitation_cancel(invitation=invitation, actor=actor, ip=ip)
        done = Lockdown(ended.logged_in, ended.pending, links, [i.email for i in invitations])
        audit_record(
            actor=actor,
            kind=Kind.LOCKDOWN,
            committee=committee,
            count=ended.logged_in,
            detail={
                "sessions": done.sessions,
                "pending_logins": done.pending_logins,
                "links": links,
                "invitations": len(invitations),
            },
            ip=ip,
        )
    return done
