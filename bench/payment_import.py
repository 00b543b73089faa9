"""How long a 20,000-line dues payment import takes: upload (read and check), dry run, commit.

    .venv/bin/python bench/payment_import.py [--lines 20000]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing). Each run makes its own committee with as many members as the file has lines (a
member number, an email and a phone each; half of them paid a month already), generates the
CSV in memory (a third of the lines matched by member number, a third by email in another
case, a third by phone in another format; the first month left to the member's first unpaid
one) and prints the time and the number of queries of each step. The target: commit ≤ 10 s.
"""

import argparse
import secrets
from datetime import date, timedelta

from _django import analyze, setup_django
from _results import Target, add_json_option, figure, write_figures
from import_roster import timed

# How long a treasurer waits for a 20,000-line payments file to be recorded (the commit).
TARGET_COMMIT = Target("<=", 10, "s")
BATCH = 2000


def phone(i: int) -> str:
    return f"+131255{i // 10000 % 10}{i % 10000:04d}"


def make_csv(lines: int, today: date) -> bytes:
    rows = ["Member number,Email,Phone,Amount,Date,Method"]
    for i in range(lines):
        number, email, typed = "", "", ""
        if i % 3 == 0:
            number = f"n{i}"  # the members' numbers are "N…": any case matches
        elif i % 3 == 1:
            email = f"Member{i}@Example.org"
        else:
            digits = phone(i)[2:]
            typed = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        paid_on = today - timedelta(days=1 + i % 28)
        rows.append(f"{number},{email},{typed},12.50,{paid_on.isoformat()},payroll")
    return ("\n".join(rows) + "\n").encode()


def setup(members: int):
    """A fresh committee, its treasurer and `members` members who joined three months ago;
    half paid their first month."""
    from psycopg.types.range import Range

    from campaigns.models import Member, Payment
    from campaigns.power.standing import month_index, month_start
    from members.clock import today_for
    from members.models import Committee, Membership, Person, PersonEmail, PersonPhone, User

    tag = secrets.token_hex(4)
    committee = Committee.objects.create(name=f"Bench payments {tag}")
    treasurer = User.objects.create_user(f"bench-books-{tag}@example.org", name="Bench books")
    Membership.objects.create(
        committee=committee, user=treasurer, role=Membership.Role.LEAD, is_treasurer=True
    )
    joined_on = month_start(month_index(today_for(committee)) - 3)
    people = Person.objects.bulk_create(
        (Person(committee=committee, given_name=f"Member {i}") for i in range(members)),
        batch_size=BATCH,
    )
    PersonEmail.objects.bulk_create(
        (PersonEmail(person=p, email=f"member{i}@example.org") for i, p in enumerate(people)),
        batch_size=BATCH,
    )
    PersonPhone.objects.bulk_create(
        (PersonPhone(person=p, number=phone(i)) for i, p in enumerate(people)), batch_size=BATCH
    )
    joined = Member.objects.bulk_create(
        (
            Member(committee=committee, person=p, number=f"N{i}", joined_on=joined_on)
            for i, p in enumerate(people)
        ),
        batch_size=BATCH,
    )
    first = Range(joined_on, month_start(month_index(joined_on) + 1), "[)")
    Payment.objects.bulk_create(
        (
            Payment(
                committee=committee,
                member=m,
                amount=1250,
                paid_on=joined_on,
                method="cash",
                covers=first,
            )
            for m in joined[::2]
        ),
        batch_size=BATCH,
    )
    return treasurer, committee


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20000)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from campaigns.power import payment_import as imports
    from members.clock import today_for

    treasurer, committee = setup(args.lines)
    analyze()
    data = make_csv(args.lines, today_for(committee))
    print(f"{args.lines} lines ({len(data) / 1024:.0f} KB), {args.lines} members\n")
    steps: list[dict] = []
    batch = timed(
        "upload (read, check, store)",
        lambda: imports.payment_import_upload(
            committee=committee, uploaded_by=treasurer, filename="bench.csv", data=data
        ),
        steps,
    )
    dry = timed(
        "dry run",
        lambda: imports.payment_import_dry_run(
            batch=batch, mapping=batch.mapping, skip_unmatched=False
        ),
        steps,
    )
    done = timed(
        "commit",
        lambda: imports.payment_import_commit(batch_id=batch.pk, actor=treasurer),
        steps,
    )
    assert done.committed, done.errors[:5]
    assert (
        (dry.payments, dry.total) == (done.payments, done.total) == (args.lines, args.lines * 1250)
    )
    print(f"\n{done.payments} payments for {done.members} members")
    print(f"target: commit {TARGET_COMMIT}")
    write_figures(
        args.json,
        [
            figure(
                f"payments {step['label']}, {args.lines:,} lines",
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
