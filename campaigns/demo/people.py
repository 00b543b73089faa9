"""The demo's personas, one per role, and the demo member's place on the warehouse roster."""

from allauth.account.models import EmailAddress

from campaigns.models import Campaign
from members.models import Committee, Membership, Person, User
from members.services import person_channels_add

# Published in the README so anyone trying the demo can log in; the command refuses to create
# these accounts outside DEBUG unless told the server holds no real members.
DEMO_PASSWORD = "organize-demo-2026"

# email, name, role, language (kept in step with the README's table). The member speaks
# Spanish first: the demo shows the app, the emails and the links in Spanish too.
PERSONAS = [
    ("lead@majority.test", "Rosa Delgado", Membership.Role.LEAD, ""),
    ("organizer.a@majority.test", "Marcus Bell", Membership.Role.ORGANIZER, ""),
    ("organizer.b@majority.test", "Aisha Khan", Membership.Role.ORGANIZER, ""),
    ("member@majority.test", "Tomás Rivera", Membership.Role.MEMBER, "es"),
]


def persona_seed(
    *, committee: Committee, email: str, name: str, role: str, language: str = ""
) -> User:
    """A persona's account, verified address, language and role; the password and language
    are set only on creation, so a persona who changed theirs keeps them."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "language": language}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.update_or_create(committee=committee, user=user, defaults={"role": role})
    return user


def member_person_seed(*, campaign: Campaign, user: User) -> Person:
    """The demo member is a worker on the warehouse roster: the first person there,
    renamed for them, so the demo keeps its head count."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        entries = campaign.roster.filter(removed_at=None, person__user=None).order_by("pk")
        person = entries.select_related("person")[0].person
        person.given_name, _space, person.family_name = user.name.partition(" ")
        person.user = user
        person.preferred_language = user.language
        fields = ["given_name", "family_name", "user", "preferred_language", "updated_at"]
        person.save(update_fields=fields)
    person_channels_add(person=person, email=user.email, phone="")
    return person
