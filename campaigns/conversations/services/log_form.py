"""What the one-on-one form needs written before a conversation is logged: the campaign's
first asks, and an issue typed inline."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from campaigns.models import Ask, Campaign, IssueTag


def _default_asks(campaign: Campaign) -> list[str]:
    if campaign.kind == Campaign.Kind.TENANT:
        return [_("Sign the petition"), _("Come to the next tenant meeting")]
    return [_("Sign a union card"), _("Come to the next meeting")]


def asks_ensure_defaults(*, campaign: Campaign) -> list[Ask]:
    """The campaign's active asks; a campaign without any gets the two every campaign starts
    with, so the first one-on-one already records the asks that matter."""
    asks = list(Ask.objects.filter(campaign=campaign, is_active=True))
    if asks or Ask.objects.filter(campaign=campaign).exists():
        return asks
    with transaction.atomic():
        Ask.objects.bulk_create(
            Ask(campaign=campaign, text=text, position=position)
            for position, text in enumerate(_default_asks(campaign))
        )
    return list(Ask.objects.filter(campaign=campaign, is_active=True))


def issue_tag_find_or_create(*, campaign: Campaign, name: str) -> IssueTag:
    """The campaign's issue of this name in any case, or a new one: "Parking" and "parking"
    are one issue."""
    name = " ".join(name.split())
    found = _issue_named(campaign, name)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return IssueTag.objects.create(campaign=campaign, name=name)
    except IntegrityError:  # someone added it a moment ago
        return _issue_named(campaign, name)


def _issue_named(campaign: Campaign, name: str) -> IssueTag | None:
    return (
        IssueTag.objects.annotate(lower=Lower("name"))
        .filter(campaign=campaign, lower=name.lower())
        .first()
    )
