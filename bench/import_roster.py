"""How long a 5,000-row roster import takes: upload (read and check), dry run, commit, export.

    .venv/bin/python bench/import_roster.py [--rows 5000] [--known 500]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing). Each run makes its own committee and campaign, with `--known` people the committee
already has (the file matches them by email or phone), generates the CSV in memory (names,
emails, phones in mixed formats, Site/Department/Shift unit paths, tags), and prints the time
and the number of queries of each step. The target: commit under 30 s.
"""

import argparse
import random
import secrets
import time

from _django import setup_django, signed_in_client
from _results import Target, add_json_option, figure, write_figures

GIVEN = ["Maria", "Dwayne", "Li", "Fatima", "Sam", "Ana", "Ben", "Chen", "José", "Amélie"]
FAMILY = ["Cruz", "Carter", "Wei", "Diallo", "Okoro", "Ruiz", "Adeyemi", "Liu", "Núñez"]
SITES = ["Warehouse", "Dock Annex", "Cold Storage"]
DEPARTMENTS = ["Inbound", "Outbound", "Returns", "Maintenance", "Picking", "Packing"]
SHIFTS = ["Days", "Swing", "Nights"]
# How long a lead waits for a 5,000-row roster to be imported (the commit).
TARGET_COMMIT = Target("<", 30, "s")


def phone(i: int) -> str:
    digits = f"312555{i % 10000:04d}" if i < 10000 else f"773555{i % 10000:04d}"
    formats = [
        "({0}) {1}-{2}",
        "{0}-{1}-{2}",
        "+1 {0} {1} {2}",
        "{0}{1}{2}",
    ]
    return formats[i % 4].format(digits[:3], digits[3:6], digits[6:])


def make_csv(rows: int, rng: random.Random) -> bytes:
    lines = ["name,email,phone,unit,title,leader,tags"]
    for i in range(rows):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}"
        email = f"Worker{i}@Example.org" if i % 2 else f"worker{i}@example.org"
        unit = f"{rng.choice(SITES)}/{rng.choice(DEPARTMENTS)}/{rng.choice(SHIFTS)}"
        leader = "yes" if i % 25 == 0 else ""
        tags = rng.choice(["", "spanish", "day shift;spanish", "committee"])
        lines.append(f"{name},{email},{phone(i)},{unit},Associate,{leader},{tags}")
    return ("\n".join(lines) + "\n").encode()


def setup(known: int):
    """A fresh committee, lead and campaign, and `known` people the file will match."""
    from campaigns.models import Campaign
    from members.models import Committee, Membership, Person, PersonEmail, PersonPhone, User

    tag = secrets.token_hex(4)
    committee = Committee.objects.create(name=f"Bench import {tag}")
    lead = User.objects.create_user(f"bench-import-{tag}@example.org", name="Bench lead")
    Membership.objects.create(committee=committee, user=lead, role=Membership.Role.LEAD)
    campaign = Campaign.objects.create(
        committee=committee, kind="workplace", target="Acme", code_name=f"Bench {tag}"
    )
    people = Person.objects.bulk_create(
        Person(committee=committee, given_name=f"Known {i}") for i in range(known)
    )
    # Even rows match by email (another case), odd rows by phone (another format).
    PersonEmail.objects.bulk_create(
        PersonEmail(person=p, email=f"WORKER{i}@example.org", is_primary=True)
        for i, p in enumerate(people)
        if i % 2 == 0
    )
    PersonPhone.objects.bulk_create(
        PersonPhone(person=p, number=f"+1312555{i:04d}", is_primary=True)
        for i, p in enumerate(people)
        if i % 2
    )
    return lead, campaign


def timed(label: str, work, steps: list[dict]):
    """work(), its time and queries printed and added to steps."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    print(f"{label:<28} {seconds:7.2f} s  {len(queries):5d} queries")
    steps.append({"label": label, "seconds": seconds, "queries": len(queries)})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--known", type=int, default=500)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from django.urls import reverse

    from campaigns.imports import services as imports

    lead, campaign = setup(args.known)
    data = make_csv(args.rows, random.Random(42))  # noqa: S311 - test data
    print(f"{args.rows} rows ({len(data) / 1024:.0f} KB), {args.known} people already known\n")
    steps: list[dict] = []
    batch = timed(
        "upload (read, check, store)",
        lambda: imports.import_upload(
            campaign=campaign, uploaded_by=lead, filename="bench.csv", data=data
        ),
        steps,
    )
    dry = timed(
        "dry run", lambda: imports.import_dry_run(batch=batch, mapping=batch.mapping), steps
    )
    done = timed("commit", lambda: imports.import_commit(batch_id=batch.pk, actor=lead), steps)
    assert done.committed, done.errors[:5]
    assert (dry.people_new, dry.people_matched) == (done.people_new, done.people_matched)
    client = signed_in_client(lead)
    url = reverse("roster_export", args=[campaign.pk])
    timed("export (stream all rows)", lambda: b"".join(client.get(url).streaming_content), steps)
    print(
        f"\n{done.people_new} new, {done.people_matched} known, {done.roster_added} on the "
        f"roster, {done.sites_created} sites and {done.units_created} units, "
        f"{done.tags_created} tags created"
    )
    print(f"target: commit {TARGET_COMMIT}")
    write_figures(
        args.json,
        [
            figure(
                f"{step['label']}, {args.rows:,} rows",
                step["seconds"],
                "s",
                TARGET_COMMIT if step["label"] == "commit" else None,
                f"{step['queries']} {'query' if step['queries'] == 1 else 'queries'}",
            )
            for step in steps
        ],
    )


if __name__ == "__main__":
    main()
