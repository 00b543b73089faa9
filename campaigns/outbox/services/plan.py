"""Planning messages into the outbox, and handing due ones to the workers.

Planning is idempotent: the (kind, action, drive, person, user, due_at) key is unique, so planning a
message twice adds nothing. A planned message due now is handed to a worker when the
transaction commits; later ones (and any the queue lost) are picked up by the beat task
`outbox_dispatch_due`, which runs every minute.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.models import Action, OutboxMessage, SignupDrive
from members.models import Committee, Person, User
from organizing.celery import task_queue


def outbox_plan(
    *,
    kind: str,
    committee: Committee,
    due_at: datetime | None = None,
    action: Action | None = None,
    drive: SignupDrive | None = None,
    person: Person | None = None,
    user: User | None = None,
) -> None:
    """Plan one message (a no-op if it is planned already)."""
    outbox_plan_many(
        kind=kind,
        committee=committee,
        due_at=due_at,
        action=action,
        drive=drive,
        people=[person] if person is not None else [],
        users=[user] if user is not None else [],
    )


def outbox_plan_many(
    *,
    kind: str,
    committee: Committee,
    people: list[Person],
    due_at: datetime | None = None,
    action: Action | None = None,
    drive: SignupDrive | None = None,
    users: list[User] | None = None,
) -> None:
    """Plan the same message to many people (or to none), for each of `users` (a nudge to a
    user of the app about them, or about no one), in one insert."""
    due_at = due_at or timezone.now()
    recipients: list[User | None] = [*users] if users else [None]
    about: list[Person | None] = [*people] if people else [None]
    rows = [
        OutboxMessage(
            committee=committee,
            kind=kind,
            action=action,
            drive=drive,
            person=person,
            user=user,
            due_at=due_at,
            next_attempt_at=due_at,
        )
        for user in recipients
        for person in about
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if due_at <= timezone.now():
        transaction.on_commit(outbox_kick)


def outbox_kick() -> None:
    """Have the dispatcher run now, for messages due now (it also runs every minute)."""
    task_queue("outbox.dispatch_due")
