"""Delivering 10,000 meeting reminders through real Celery workers to a local SMTP server.

The target: 10,000 reminders delivered in <= 60 s with two worker processes
(`celery -A organizing worker --concurrency 2`, prefork: one parent and two child processes
that send), each worker process under 250 MB of memory.

    .venv/bin/python bench/reminders.py                   # 10,000 reminders, concurrency 2
    .venv/bin/python bench/reminders.py --people 2000 --concurrency 1

What it does:

1. Connects to `BENCH_DATABASE_URL` (default: `majority_bench_reminders` beside DATABASE_URL's
   database, created and migrated if missing) and Redis at `BENCH_REDIS_URL`, else
   `REDIS_URL`, else `redis://127.0.0.1:6379/12`, on a Celery queue of its own.
2. Seeds (bulk inserts, a few seconds) a committee, a campaign "Harbor" and one action whose
   24-hour reminder was due a minute ago; `--people` people, each with an email address and a
   yes RSVP, and their reminder rows in the outbox, pending.
3. Starts an aiosmtpd server in a process of its own that counts what it receives, and the
   worker, and waits until the worker is ready.
4. Starts the clock and runs the dispatcher (what the every-minute beat does) until every row
   is claimed: it queues batches of 50 ids; the workers claim, render and send each message.
5. Stops the clock when the SMTP server has all the messages and every row says sent.
   Meanwhile it samples the resident memory (RSS) of every worker process from /proc (psutil)
   every 0.1 s. Prints the time, the rate, the peak RSS of each process, and any duplicate.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta

import psutil
from _django import ROOT, analyze, setup_django
from _results import Target, add_json_option, figure, write_figures

os.environ["REDIS_URL"] = (
    os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
)
QUEUE = f"bench-reminders-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_QUEUE"] = QUEUE
# 10,000 reminders delivered, with two worker processes each under 250 MB, none twice.
TARGET_SECONDS = Target("<=", 60, "s")
TARGET_RSS = Target("<", 250, "MB")
TARGET_DUPLICATES = Target("==", 0)


def smtp_server(port: int, count, recipients_file: str) -> None:
    """An SMTP server on loopback that counts messages (run in a process of its own)."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    seen = open(recipients_file, "w")  # noqa: SIM115 - open for the process's life

    class Counter:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            seen.write("\n".join(envelope.rcpt_tos) + "\n")
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(0.5)
            seen.flush()
    finally:
        controller.stop()


def seed(people: int):
    """A committee, an action whose day-before reminder is due, and `people` yes RSVPs with
    their pending reminder rows (bulk inserts)."""
    from django.utils import timezone

    from campaigns.models import Action, Campaign, OutboxMessage, Rsvp
    from members.models import Committee, Person, PersonEmail

    Committee.objects.filter(name="Reminder Bench").delete()
    committee = Committee.objects.create(name="Reminder Bench")
    campaign = Campaign.objects.create(committee=committee, code_name="Harbor")
    starts = timezone.now() + timedelta(hours=24) - timedelta(minutes=1)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
        location="Union hall, 12 Dock Street",
    )
    persons = Person.objects.bulk_create(
        [
            Person(committee=committee, given_name=f"Bench{i}", family_name="Person")
            for i in range(people)
        ],
        batch_size=2000,
    )
    PersonEmail.objects.bulk_create(
        [
            PersonEmail(person=p, email=f"bench{i}@example.org", is_primary=True)
            for i, p in enumerate(persons)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Rsvp.objects.bulk_create(
        [
            Rsvp(action=action, person=p, response=Rsvp.Response.YES, responded_at=now)
            for p in persons
        ],
        batch_size=2000,
    )
    due = action.reminder_time(24 * 60)
    assert due <= now, "the day-before reminder must be due"
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                committee=committee,
                kind=OutboxMessage.Kind.ACTION_REMINDER,
                action=action,
                person=p,
                due_at=due,
                next_attempt_at=due,
            )
            for p in persons
        ],
        batch_size=2000,
    )
    return action


def start_worker(concurrency: int, smtp_port: int, log_path: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": "http://127.0.0.1:8000",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "organizing",
            "worker",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{QUEUE}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log_path, "w"),  # noqa: SIM115 - the worker's for its life
        stderr=subprocess.STDOUT,
    )


def worker_ready(process: subprocess.Popen, concurrency: int, timeout: float = 60) -> None:
    """Wait until the pool's child processes are up and the worker answers a ping."""
    from organizing.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the worker exited; see its log")
        children = psutil.Process(process.pid).children()
        if len(children) >= concurrency and app.control.ping(
            destination=[f"{QUEUE}@{os.uname().nodename}"], timeout=0.5
        ):
            return
        time.sleep(0.2)
    raise SystemExit("the worker did not start")


def rss_of(process: subprocess.Popen) -> dict[int, int]:
    try:
        parent = psutil.Process(process.pid)
        return {p.pid: p.memory_info().rss for p in [parent, *parent.children(recursive=True)]}
    except psutil.NoSuchProcess:
        return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    add_json_option(parser)
    args = parser.parse_args()

    setup_django(database="majority_benchreminders")
    from django.db.models import Count

    from campaigns.models import OutboxMessage
    from campaigns.outbox.services.send import outbox_dispatch_due
    from organizing.celery import app
    from tests.conftest import free_port

    app.conf.task_default_queue = QUEUE
    app.conf.task_always_eager = False

    started = time.monotonic()
    action = seed(args.people)
    print(f"seeded {args.people} people, RSVPs and reminders in {time.monotonic() - started:.1f} s")
    analyze()

    smtp_port = free_port()
    count = multiprocessing.Value("i", 0)
    workdir = tempfile.mkdtemp(prefix="bench-reminders-")
    recipients_file = os.path.join(workdir, "recipients.txt")
    smtp = multiprocessing.Process(
        target=smtp_server, args=(smtp_port, count, recipients_file), daemon=True
    )
    smtp.start()
    log_path = os.path.join(workdir, "worker.log")
    worker = start_worker(args.concurrency, smtp_port, log_path)
    peak: dict[int, int] = {}
    try:
        worker_ready(worker, args.concurrency)
        peak = rss_of(worker)
        rows = OutboxMessage.objects.filter(action=action)

        start = time.monotonic()
        queued = 0
        while True:  # the beat, running back to back until nothing due is left
            claimed = outbox_dispatch_due(limit=2000)
            queued += claimed
            if not claimed:
                break
        dispatched = time.monotonic() - start
        while True:
            for pid, rss in rss_of(worker).items():
                peak[pid] = max(peak.get(pid, 0), rss)
            if count.value >= args.people and not rows.exclude(status="sent").exists():
                break
            if time.monotonic() - start > 600:
                raise SystemExit(f"stuck: {count.value} delivered after 600 s; see {log_path}")
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        time.sleep(1.6)  # anything doubled would show by now (the file is flushed twice a second)
        with open(recipients_file) as seen_file:
            seen = [line for line in seen_file.read().splitlines() if line]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.terminate()

    statuses = dict(
        OutboxMessage.objects.filter(action=action).values_list("status").annotate(n=Count("pk"))
    )
    duplicates = len(seen) - len(set(seen))
    print(f"queued {queued} rows in {dispatched:.2f} s (dispatcher)")
    print(
        f"delivered {count.value} reminders in {elapsed:.1f} s "
        f"= {count.value / elapsed:.0f} per second (target: {args.people} in {TARGET_SECONDS})"
    )
    print(f"rows: {statuses}; duplicate deliveries: {duplicates}")
    print(f"worker: --concurrency {args.concurrency} (prefork); peak RSS per process:")
    for pid, rss in sorted(peak.items()):
        print(f"  pid {pid}: {rss / 2**20:.0f} MB")
    peak_mb = max(peak.values()) / 2**20
    ok = (
        TARGET_SECONDS.met(elapsed)
        and TARGET_RSS.met(peak_mb)
        and TARGET_DUPLICATES.met(duplicates)
    )
    print("OK" if ok else "MISSED THE TARGET")
    write_figures(
        args.json,
        [
            figure(
                f"{args.people:,} reminders delivered",
                elapsed,
                "s",
                TARGET_SECONDS,
                f"{count.value / elapsed:.0f}/s; --concurrency {args.concurrency} (prefork)",
            ),
            figure("peak RSS of a worker process", peak_mb, "MB", TARGET_RSS),
            figure("duplicate deliveries", duplicates, "", TARGET_DUPLICATES),
        ],
    )


if __name__ == "__main__":
    main()
