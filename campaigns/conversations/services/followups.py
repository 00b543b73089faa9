"""Closing a follow-up without a conversation: the person moved away, quit, or asked not to
be contacted, and the promised talk will not happen."""

from django.db import transaction
from django.utils import timezone

from campaigns.models import FollowUp
from members.models import Person, User

REASON_MAX = Person._meta.get_field("do_not_contact_reason").max_length


def follow_up_close(*, follow_up: FollowUp, reason: str, note: str = "", by: User) -> FollowUp:
    """Close the follow-up with its reason. "Asked not to be contacted" also marks the person
    do-not-contact on every campaign: that wish must outlive this one follow-up."""
    with transaction.atomic():
        follow_up.closed_at = timezone.now()
        follow_up.closed_reason = reason
        follow_up.closed_note = note
        follow_up.closed_by = by
        follow_up.save(update_fields=["closed_at", "closed_reason", "closed_note", "closed_by"])
        if reason == FollowUp.CloseReason.DO_NOT_CONTACT:
            _do_not_contact(follow_up.person_id, note)
    return follow_up


def _do_not_contact(person_id: int, note: str) -> None:
    person = Person.objects.select_for_update().get(pk=person_id)
    person.do_not_contact = True
    reason = note or str(FollowUp.CloseReason.DO_NOT_CONTACT.label)
    person.do_not_contact_reason = person.do_not_contact_reason or reason[:REASON_MAX]
    person.save(update_fields=["do_not_contact", "do_not_contact_reason", "updated_at"])
