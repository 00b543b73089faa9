"""Campaigns without asks get the two every campaign starts with. The one-on-one form used to
add them when first shown (a write on GET); campaign_create now does, and this gives them to
campaigns made before."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

DEFAULTS = {
    "tenant": ["Sign the petition", "Come to the next tenant meeting"],
    "workplace": ["Sign a union card", "Come to the next meeting"],
}


def add_default_asks(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Ask = apps.get_model("campaigns", "Ask")
    with translation.override(settings.LANGUAGE_CODE):
        for campaign in Campaign.objects.filter(asks__isnull=True):
            texts = DEFAULTS.get(campaign.kind, DEFAULTS["workplace"])
            Ask.objects.bulk_create(
                Ask(campaign=campaign, text=gettext(text), position=position)
                for position, text in enumerate(texts)
            )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_rsvp_reminders_stale")]

    operations = [migrations.RunPython(add_default_asks, migrations.RunPython.noop)]
