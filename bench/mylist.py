"""How long My list takes on the server for a busy organizer.

    .venv/bin/python bench/mylist.py [--runs 30] [--mine 500] [--others 1500]
                                     [--conversations 20000] [--reset]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing). Builds, once, its own "Bench My List Committee" with bulk_create: two campaigns,
`--mine` people assigned to one organizer (on both teams) and `--others` assigned to someone
else, `--conversations` one-on-ones spread over five months, open follow-ups (some overdue)
and one-on-ones scheduled this week. Then requests /my-list/ through Django's test client as
that organizer (the whole stack, no network) and prints p50/p95 and the queries of one request.
"""

import argparse
import random
import time
from datetime import timedelta

from _django import analyze, measure_pages, page_figures, setup_django, signed_in_client
from _results import Target, add_json_option, write_figures

COMMITTEE = "Bench My List Committee"
ORGANIZER_EMAIL = "bench-mylist@majority.test"
# My list's server time, 500 people mine, 20,000 conversations (its queries do not grow with
# them: tests/conversations/test_my_list.py).
TARGET_P50 = Target("<=", 150, "ms")


def build(mine: int, others: int, conversations: int) -> None:
    """The committee, its two campaigns and everything assigned, all with bulk_create."""
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import (
        Campaign,
        Conversation,
        FollowUp,
        RosterEntry,
        ScheduledOneOnOne,
        TeamMember,
    )
    from members.models import Committee, Membership, Person, User

    rng = random.Random(5)  # noqa: S311 - bench data
    with transaction.atomic():
        committee = Committee.objects.create(name=COMMITTEE)
        me = User.objects.create_user(ORGANIZER_EMAIL, None, name="Bench Organizer")
        other = User.objects.create_user("bench-mylist-other@majority.test", None, name="Other")
        for user in (me, other):
            Membership.objects.create(committee=committee, user=user, role="organizer")
        campaigns = [
            Campaign.objects.create(committee=committee, kind=kind, code_name=name, target="X")
            for kind, name in (("workplace", "Depot"), ("tenant", "Towers"))
        ]
        TeamMember.objects.bulk_create(
            TeamMember(campaign=c, user=u, role="organizer") for c in campaigns for u in (me, other)
        )
        persons = Person.objects.bulk_create(
            Person(committee=committee, given_name=f"Given{i}", family_name=f"Family{i}")
            for i in range(mine + others)
        )
        entries = RosterEntry.objects.bulk_create(
            RosterEntry(
                campaign=campaigns[i % 2],
                person=p,
                organizer=me if i < mine else other,
                assessment=rng.choice([None, None, 1, 2, 3, 4, 5]),
            )
            for i, p in enumerate(persons)
        )
        now = timezone.now()
        Conversation.objects.bulk_create(
            (
                Conversation(
                    campaign_id=e.campaign_id,
                    person_id=e.person_id,
                    organizer=rng.choice([me, other]),
                    happened_at=now - timedelta(days=rng.uniform(0, 150)),
                    channel="phone",
                )
                for e in (rng.choice(entries) for _ in range(conversations))
            ),
            batch_size=2000,
        )
        today = timezone.localdate()
        FollowUp.objects.bulk_create(
            FollowUp(
                campaign_id=e.campaign_id,
                person_id=e.person_id,
                organizer=e.organizer,
                due_on=today + timedelta(days=rng.randint(-10, 20)),
            )
            for e in entries[::4]
        )
        ScheduledOneOnOne.objects.bulk_create(
            ScheduledOneOnOne(
                campaign_id=e.campaign_id,
                person_id=e.person_id,
                organizer=e.organizer,
                starts_at=now + timedelta(hours=rng.randint(1, 24 * 9)),
            )
            for e in entries[::25]
        )


def seed(args) -> None:
    from members.models import Committee, User

    if args.reset:
        Committee.objects.filter(name=COMMITTEE).delete()
        User.objects.filter(email__startswith="bench-mylist").delete()
    if not Committee.objects.filter(name=COMMITTEE).exists():
        started = time.perf_counter()
        build(args.mine, args.others, args.conversations)
        print(f"built in {time.perf_counter() - started:.1f} s")
    analyze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--mine", type=int, default=500)
    parser.add_argument("--others", type=int, default=1500)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--reset", action="store_true", help="rebuild the bench data")
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from members.models import User

    seed(args)
    client = signed_in_client(User.objects.get(email=ORGANIZER_EMAIL))
    label = f"my list, {args.mine} mine, {args.conversations} talks"
    results = measure_pages(client, [(label, "/my-list/", None)], args.runs)
    print(f"target: p50 {TARGET_P50}")
    write_figures(args.json, page_figures(results, {0: TARGET_P50}))


if __name__ == "__main__":
    main()
