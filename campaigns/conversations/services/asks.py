"""The asks a campaign starts with, so its first one-on-one already records the asks that
matter. Written when the campaign is created, never when a form is shown.

They are stored in English, the catalogue's own words, and shown in each reader's language
(Ask.label): a campaign's team may not share one language."""

from django.utils.translation import gettext_noop

from campaigns.models import Ask, Campaign


def default_asks(kind: str) -> list[str]:
    if kind == Campaign.Kind.TENANT:
        return [gettext_noop("Sign the petition"), gettext_noop("Come to the next tenant meeting")]
    return [gettext_noop("Sign a union card"), gettext_noop("Come to the next meeting")]


def asks_defaults_create(*, campaign: Campaign) -> list[Ask]:
    """Give a campaign without asks the two every campaign starts with."""
    if Ask.objects.filter(campaign=campaign).exists():
        return []
    return Ask.objects.bulk_create(
        Ask(campaign=campaign, text=text, position=position)
        for position, text in enumerate(default_asks(campaign.kind))
    )
