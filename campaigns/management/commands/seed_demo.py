"""Create (or bring up to date) the demo committee: the work is in campaigns/demo/; this command
refuses to run where real members may be and reports what the demo holds."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from campaigns.demo import demo_committee_seed
from campaigns.demo.people import DEMO_PASSWORD, PERSONAS
from campaigns.models import Action, Conversation
from members.models import Committee


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo committee, its personas and campaigns."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-server",
            action="store_true",
            help="Seed even with DEBUG off: only on a server that holds no real members.",
        )

    def handle(self, *args, demo_server: bool = False, **options) -> None:
        if not settings.DEBUG and not demo_server:
            raise CommandError(
                "seed_demo creates accounts whose password is published in the README: with "
                "DEBUG off it runs only with --demo-server, on a server with no real members."
            )
        self.report(demo_committee_seed())

    def report(self, committee: Committee) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo committee ready: {committee.name}"))
        for campaign in committee.campaigns.all():
            count = campaign.roster.filter(removed_at=None).count()
            talks = Conversation.objects.filter(campaign=campaign).count()
            self.stdout.write(
                f"  campaign {campaign.code_name}: {count} people on the roster, "
                f"{talks} one-on-ones logged"
            )
        actions = Action.objects.filter(committee=committee).annotate(
            rows=Count("rsvps"), came=Count("rsvps", filter=Q(rsvps__attended=True))
        )
        for action in actions.order_by("starts_at"):
            self.stdout.write(
                f"  action {action.title}: {action.rows} invited or came, {action.came} came"
            )
        for email, _name, role, _language in PERSONAS:
            self.stdout.write(f"  {role:<10} {email:<28} password: {DEMO_PASSWORD}")
