"""Report conversations dated in the future: the log form and service now refuse them, but
rows written before that (or by hand) stay as they are until someone who knows corrects them."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.conversations.selectors.log import conversations_in_future


class Command(BaseCommand):
    help = (
        "List conversations dated in the future (campaign, person id, when in UTC, organizer); "
        "exits with status 1 if there are any. Changes nothing: correct them on the "
        "conversation's edit page."
    )

    def handle(self, *args, **options) -> None:
        found = 0
        for talk in conversations_in_future().iterator():
            found += 1
            organizer = talk.organizer.email if talk.organizer else "(organizer gone)"
            self.stdout.write(
                f"{talk.campaign.committee.name} · campaign {talk.campaign.code_name} · "
                f"person {talk.person_id} · conversation {talk.pk} · "
                f"{talk.happened_at.isoformat()} · {organizer}"
            )
        if found:
            raise CommandError(f"{found} conversation(s) dated in the future.", returncode=1)
        self.stdout.write("No conversation is dated in the future.")
