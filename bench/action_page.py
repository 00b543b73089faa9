"""How long the action page takes on the server with thousands invited.

    .venv/bin/python bench/action_page.py [--runs 30] [--invitees 5000] [--reset]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing). Builds, once, its own "Bench Action Committee" with bulk_create: one campaign with
`--invitees` people on its roster, one action with all of them invited, their answers mixed
(yes, maybe, no, no answer, a waitlist) and their invitation emails in every state (sent,
pending, failed with a reason, suppressed). Then requests the action page through Django's
test client as the committee lead (the whole stack, no network) and prints p50/p95 and the
queries of one request: the whole page, and the invitee list alone as htmx filters it.
"""

import argparse
import random
import time
from datetime import timedelta

from _django import analyze, measure_pages, page_figures, setup_django, signed_in_client
from _results import Target, add_json_option, write_figures

COMMITTEE = "Bench Action Committee"
LEAD_EMAIL = "bench-action-lead@majority.test"
ANSWERS = ["yes"] * 4 + ["maybe"] * 2 + ["no"] * 2 + [""] * 3
EMAILS = ["sent"] * 8 + ["pending", "failed", "suppressed"]
# The action page's server time with 5,000 invited.
TARGET_P50 = Target("<=", 200, "ms")


def build(invitees: int) -> None:
    """The committee, its campaign and roster, the action and every invitation at once."""
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import Action, Campaign, OutboxMessage, RosterEntry, Rsvp
    from members.models import Committee, Membership, Person, User

    rng = random.Random(6)  # noqa: S311 - bench data
    now = timezone.now()
    with transaction.atomic():
        committee = Committee.objects.create(name=COMMITTEE, time_zone="America/New_York")
        lead = User.objects.create_user(LEAD_EMAIL, None, name="Bench Lead")
        Membership.objects.create(committee=committee, user=lead, role="lead")
        campaign = Campaign.objects.create(
            committee=committee, kind="workplace", code_name="Bench Depot", target="X"
        )
        people = Person.objects.bulk_create(
            (
                Person(committee=committee, given_name=f"Given{i}", family_name=f"Family{i:05}")
                for i in range(invitees)
            ),
            batch_size=2000,
        )
        RosterEntry.objects.bulk_create(
            (RosterEntry(campaign=campaign, person=p) for p in people), batch_size=2000
        )
        starts = now + timedelta(days=10)
        action = Action.objects.create(
            committee=committee,
            campaign=campaign,
            title="Bench general meeting",
            kind="general_meeting",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            time_zone="America/New_York",
            location="1 Bench St",
            capacity=invitees // 3,
            created_by=lead,
        )
        rsvps = []
        for p in people:
            answer = rng.choice(ANSWERS)
            rsvps.append(
                Rsvp(
                    action=action,
                    person=p,
                    invited_at=now,
                    invited_by=lead,
                    response=answer,
                    responded_at=now if answer else None,
                    guests=rng.choice([0, 0, 0, 1]) if answer == "yes" else 0,
                    waitlisted_at=now if answer == "yes" and rng.random() < 0.1 else None,
                )
            )
        Rsvp.objects.bulk_create(rsvps, batch_size=2000)
        OutboxMessage.objects.bulk_create(
            (
                OutboxMessage(
                    committee=committee,
                    kind="action_invitation",
                    action=action,
                    person=p,
                    due_at=now,
                    next_attempt_at=now,
                    status=(status := rng.choice(EMAILS)),
                    reason="550 mailbox unavailable" if status == "failed" else "",
                )
                for p in people
            ),
            batch_size=2000,
        )


def seed(args) -> None:
    from campaigns.models import Rsvp
    from members.models import Committee, User

    size = Rsvp.objects.filter(action__committee__name=COMMITTEE).count()
    if args.reset or (size and size != args.invitees):
        Committee.objects.filter(name=COMMITTEE).delete()
        User.objects.filter(email__startswith="bench-action").delete()
    if not Committee.objects.filter(name=COMMITTEE).exists():
        started = time.perf_counter()
        build(args.invitees)
        print(f"built in {time.perf_counter() - started:.1f} s")
    analyze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--invitees", type=int, default=5000)
    parser.add_argument("--reset", action="store_true", help="rebuild the bench data")
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from campaigns.models import Action
    from members.models import User

    seed(args)
    client = signed_in_client(User.objects.get(email=LEAD_EMAIL))
    action = Action.objects.get(committee__name=COMMITTEE)
    url = f"/actions/{action.pk}/"
    htmx = {"HX-Request": "true", "HX-Target": "invitees"}
    pages = [
        (f"action page, {args.invitees} invited", url, None),
        ("invitees, page 40", f"{url}?page=40", None),
        ("htmx: yes, name has 12", f"{url}?show=yes&q=12", htmx),
        ("htmx: email failed", f"{url}?show=failed", htmx),
    ]
    results = measure_pages(client, pages, args.runs)
    print(f"target: action page p50 {TARGET_P50}")
    write_figures(args.json, page_figures(results, {0: TARGET_P50}))


if __name__ == "__main__":
    main()
