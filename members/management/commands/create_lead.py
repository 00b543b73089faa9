"""The first committee lead of a new deployment, who then invites everyone else."""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from members.models import Committee, Membership, User


class Command(BaseCommand):
    help = "Create the committee (if needed) and make EMAIL its lead; prints a password-set link."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "committee", help="The committee's name, e.g. 'Riverside Tenants Union'"
        )
        parser.add_argument("--name", default="", help="The lead's name")

    @transaction.atomic
    def handle(self, *args, email: str, committee: str, name: str, **options) -> None:
        from allauth.account.models import EmailAddress

        try:
            validate_email(email)
        except Exception as exc:
            raise CommandError(f"{email!r} is not an email address") from exc
        committee_obj, _ = Committee.objects.get_or_create(name=committee)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, None, name=name)
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            committee=committee_obj, user=user, defaults={"role": Membership.Role.LEAD}
        )
        self.stdout.write(
            f"{user.email} is a lead of {committee_obj.name}. They set a password with "
            "'Forgot your password?' on the login page, or log in with an emailed code."
        )
