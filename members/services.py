"""Changes to users, memberships, invitations and people's channels: views and tasks call these
to write."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.audit import audit_record
from members.language import supported
from members.models import (
    ROLE_RANK,
    AuditEvent,
    Committee,
    Invitation,
    Membership,
    Person,
    PersonEmail,
    PersonPhone,
    User,
)
from members.selectors import INVITATION_PURPOSE
from organizing.celery import task_queue_on_commit
from organizing.link_keys import link_seal

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=2)


def invitation_create(
    *, committee: Committee, email: str, role: str, invited_by: User, language: str = ""
) -> Invitation:
    """Invite `email` to the committee, or refresh the pending invitation to that address.

    The email is sent by a Celery task queued once the invitation is committed.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(committee=committee, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already on this committee's team.") % {"email": email},
            code="already_member",
        )
    with transaction.atomic():
        invitation, _created = Invitation.objects.update_or_create(
            committee=committee,
            email__iexact=email,
            accepted_at=None,
            defaults={
                "role": role,
                "language": language,
                "invited_by": invited_by,
                "sent_at": None,
                "last_error": "",
            },
            create_defaults={
                "email": email,
                "role": role,
                "language": language,
                "invited_by": invited_by,
            },
        )
        invitation_queue_send(invitation_id=invitation.pk)
    return invitation


def invitation_queue_send(*, invitation_id: int) -> None:
    task_queue_on_commit("members.tasks.invitation_send", invitation_id)


def invitation_cancel(
    *, invitation: Invitation, actor: User | None = None, ip: str | None = None
) -> None:
    """Withdraw a pending invitation: its link stops working at once. Audited with the role
    it offered, not the address: the log keeps no one's email."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            kind=AuditEvent.Kind.DELETE,
            committee_id=invitation.committee_id,
            subject=invitation,
            detail={"role": invitation.role},
            ip=ip,
        )
        invitation.delete()


def invitation_token(invitation: Invitation) -> str:
    return link_seal(invitation.pk, purpose=INVITATION_PURPOSE)


def invitations_links_revoke(committee: Committee) -> int:
    """End the links of the committee's pending invitations sent so far (lockdown); how many.
    Sending an invitation again makes a link that works."""
    pending = Invitation.objects.filter(committee=committee, accepted_at__isnull=True)
    return pending.update(link_cutoff=timezone.now())


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


def invitation_send(*, invitation_id: int) -> bool:
    """Send one invitation email. Returns False when there is nothing to send.

    Claims the invitation with a conditional UPDATE (a short lease), so two workers never send
    the same invitation twice; records the attempt before sending and the outcome after.
    Raises the mail error after recording it, so the Celery task can retry.

    The same claim / lease / retry pattern as the outbox (campaigns.outbox), but not its
    engine: the outbox's rows live in campaigns' schema and are sent to people on a roster in
    their language and channel, and members knows nothing of campaigns (the layers in
    pyproject.toml). An invitation is a one-off email to someone who is not a user yet, kept
    on its own row (sent, failed, the error) for the Team page; the Celery task's
    autoretry gives it the backoff with jitter, and the beat re-queues any whose task was
    lost (invitations_send_pending).
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(
        Q(sending_until__isnull=True) | Q(sending_until__lt=now),
        pk=invitation_id,
        sent_at__isnull=True,
        accepted_at__isnull=True,
    ).update(
        sending_until=now + SEND_LEASE, last_attempt_at=now, send_attempts=F("send_attempts") + 1
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("committee", "invited_by").get(pk=invitation_id)
    try:
        _invitation_email(invitation).send()
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id).update(
            sending_until=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        log.warning("invitation %s: send failed: %s", invitation_id, exc)
        raise
    Invitation.objects.filter(pk=invitation_id).update(
        sending_until=None, sent_at=timezone.now(), last_error=""
    )
    return True


def _invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        "site_name": settings.SITE_NAME,
    }
    with translation.override(supported(invitation.language) or settings.LANGUAGE_CODE):
        subject = render_to_string("emails/invitation-subject.txt", context).strip()
        body = render_to_string("emails/invitation-body.txt", context)
        html = render_to_string("emails/invitation-body.html", context)
    message = EmailMultiAlternatives(subject, body, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    return message


def invitation_accept(*, invitation: Invitation, user: User, ip: str | None = None) -> Membership:
    """Join the committee with the invited role (or keep a higher role the user already has).
    A new membership or a raised role is audited; a role kept as it was is not."""
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            committee=invitation.committee, user=user, defaults={"role": invitation.role}
        )
        previous = None if created else membership.role
        offered, held = Membership.Role(invitation.role), Membership.Role(membership.role)
        if not created and ROLE_RANK[offered] > ROLE_RANK[held]:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        if membership.role != previous:
            _role_change_audit(invitation, membership, previous, ip)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _role_change_audit(
    invitation: Invitation,
    membership: Membership,
    previous: str | None,
    ip: str | None,
) -> None:
    audit_record(
        actor=membership.user,
        kind=AuditEvent.Kind.ROLE_CHANGE,
        committee_id=membership.committee_id,
        subject=membership.user,
        detail={
            "role": membership.role,
            "previous": previous,
            "invitation_id": invitation.pk,
            "invited_by": invitation.invited_by_id,
        },
        ip=ip,
    )


def user_create_from_invitation(
    *, invitation: Invitation, name: str, password: str, ip: str | None = None
) -> User:
    """Create the invited person's account, its email already proven by the invitation link."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(
            invitation.email, password, name=name.strip(), language=invitation.language
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        invitation_accept(invitation=invitation, user=user, ip=ip)
    return user


def person_channels_add(*, person: Person, email: str, phone: str) -> None:
    """Add the email and phone the person does not have yet; the first of each is primary."""
    if email and not person.emails.filter(email__iexact=email).exists():
        PersonEmail.objects.create(
            person=person, email=email, is_primary=not person.emails.exists()
        )
    if phone and not person.phones.filter(number=phone).exists():
        PersonPhone.objects.create(
            person=person, number=phone, is_primary=not person.phones.exists()
        )
