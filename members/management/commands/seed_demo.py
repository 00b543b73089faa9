"""A demo committee with one persona per role, safe to run again and again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.models import Committee, Membership, User

DEMO_PASSWORD = "organize-demo-2026"
COMMITTEE_NAME = "Riverside Workers Committee"

# email, name, role, what they show in the demo (kept in step with the README's table)
PERSONAS = [
    ("lead@majority.test", "Rosa Delgado", Membership.Role.LEAD),
    ("organizer.a@majority.test", "Marcus Bell", Membership.Role.ORGANIZER),
    ("organizer.b@majority.test", "Aisha Khan", Membership.Role.ORGANIZER),
    ("member@majority.test", "Tomás Rivera", Membership.Role.MEMBER),
]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo committee and its personas."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-server",
            action="store_true",
            help="Seed even with DEBUG off: only on a server that holds no real members.",
        )

    @transaction.atomic
    def handle(self, *args, demo_server: bool = False, **options) -> None:
        if not settings.DEBUG and not demo_server:
            raise CommandError(
                "seed_demo creates accounts whose password is published in the README: with "
                "DEBUG off it runs only with --demo-server, on a server with no real members."
            )
        committee, _ = Committee.objects.get_or_create(name=COMMITTEE_NAME)
        for email, name, role in PERSONAS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            Membership.objects.update_or_create(
                committee=committee, user=user, defaults={"role": role}
            )
        self.stdout.write(self.style.SUCCESS(f"Demo committee ready: {committee.name}"))
        for email, _name, role in PERSONAS:
            self.stdout.write(f"  {role:<10} {email:<28} password: {DEMO_PASSWORD}")
