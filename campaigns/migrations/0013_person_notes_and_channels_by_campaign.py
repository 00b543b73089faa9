"""Move each person's notes and tag their emails and phones with the campaign they came from.

Nothing is deleted; every old value is kept, only who may see it changes:

- Person.notes of a person who has only ever been on one campaign's roster (any entry, current
  or removed) move to that campaign's PersonNote, and Person.notes is emptied: that team is the
  only one who could have written them (or a lead, who still sees them). The notes of anyone
  on several campaigns' rosters, or on none, stay in Person.notes, which is now the committee's
  notes, for its leads only: we cannot tell which team wrote them, and showing one team's
  notes to another is the leak this fixes. A lead can copy them into a campaign's notes.
- Emails and phones of a person who has only ever been on one campaign's roster are tagged
  with that campaign (campaign_id): seen by that team and the leads, as before in practice.
  Those of a person on several rosters, or none, stay untagged (seen by everyone who sees the
  person, as before): we cannot tell which team added them, and hiding a phone from a team
  organizing the person would stop their work.

Reversing puts campaign notes back into Person.notes (appended, one paragraph per campaign)
and clears the tags.
"""

from django.db import migrations
from django.db.models import Count


def forwards(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    PersonEmail = apps.get_model("members", "PersonEmail")
    PersonPhone = apps.get_model("members", "PersonPhone")
    RosterEntry = apps.get_model("campaigns", "RosterEntry")
    PersonNote = apps.get_model("campaigns", "PersonNote")
    only_one = (
        RosterEntry.objects.values("person_id")
        .annotate(campaigns=Count("campaign_id", distinct=True))
        .filter(campaigns=1)
        .values_list("person_id", flat=True)
    )
    campaign_of = dict(
        RosterEntry.objects.filter(person_id__in=list(only_one))
        .values_list("person_id", "campaign_id")
        .distinct()
    )
    for person in Person.objects.filter(pk__in=list(campaign_of)).exclude(notes=""):
        PersonNote.objects.create(
            person_id=person.pk, campaign_id=campaign_of[person.pk], text=person.notes
        )
        Person.objects.filter(pk=person.pk).update(notes="")
    people_of: dict[int, list[int]] = {}
    for person_id, campaign_id in campaign_of.items():
        people_of.setdefault(campaign_id, []).append(person_id)
    for campaign_id, people in people_of.items():
        for model in (PersonEmail, PersonPhone):
            model.objects.filter(person_id__in=people).update(campaign_id=campaign_id)


def backwards(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    PersonEmail = apps.get_model("members", "PersonEmail")
    PersonPhone = apps.get_model("members", "PersonPhone")
    PersonNote = apps.get_model("campaigns", "PersonNote")
    for note in PersonNote.objects.exclude(text="").order_by("person_id", "campaign_id"):
        person = Person.objects.get(pk=note.person_id)
        person.notes = "\n\n".join(n for n in [person.notes, note.text] if n.strip())
        person.save(update_fields=["notes"])
    PersonEmail.objects.update(campaign_id=None)
    PersonPhone.objects.update(campaign_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0012_person_notes_per_campaign"),
        ("members", "0010_channel_campaign"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
