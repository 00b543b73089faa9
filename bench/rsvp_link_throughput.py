"""Throughput of answering from the emailed RSVP link (the POST) against a bare Django view.

The target: the RSVP POST sustains >= 0.35x the requests per second of a view that only
returns "ok", both served by the same gunicorn on loopback and loaded by wrk in one run.

    .venv/bin/python bench/rsvp_link_throughput.py                  # 10 s each, 2 workers
    .venv/bin/python bench/rsvp_link_throughput.py --seconds 30 --workers 4 --connections 16

A reference view commits a one-row UPDATE in a transaction with the same middleware and CSRF
check: the ceiling for any answer that is durably saved.

The bare view joins the project's URLs through a throwaway URLconf written to a temporary
directory. Like a member's phone, the POST carries no session, only the CSRF cookie and token
(as a browser sends them after opening the page). Every POST answers yes or maybe for one of
200 invited people to one upcoming action, so all of them queue on that action's row lock,
as a crowd answering the same invitation does; each answer also plans its reminders.
"""

import argparse
import os
import tempfile
import time
import urllib.request
from pathlib import Path

from _django import setup_django
from _serve import serve, wrk

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/majority_benchrsvp"
)
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
CSRF = "c" * 32

WRK_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken={csrf}"
wrk.headers["X-CSRFToken"] = "{csrf}"
paths = {{{paths}}}
bodies = {{"response=yes", "response=maybe", "response=yes&guests=1"}}
request = function()
  return wrk.format(nil, paths[math.random(#paths)], nil, bodies[math.random(#bodies)])
end
"""
PEOPLE = 200


def world() -> list[str]:
    """An upcoming action with 200 invited people: their emailed links."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from campaigns.models import Action, Campaign, Rsvp
    from campaigns.services.rsvp_links import rsvp_link_token
    from members.models import Committee, Person

    call_command("migrate", verbosity=0)
    committee = Committee.objects.create(name=f"Bench RSVP {time.time_ns()}")
    campaign = Campaign.objects.create(
        committee=committee, kind="workplace", code_name=f"Rsvp {time.time_ns()}"
    )
    starts = timezone.now() + timedelta(days=10)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
        location="Union hall",
    )
    people = Person.objects.bulk_create(
        Person(committee=committee, given_name=f"Maria {i}", family_name="Lopez")
        for i in range(PEOPLE)
    )
    Rsvp.objects.bulk_create(
        Rsvp(action=action, person=person, invited_at=timezone.now()) for person in people
    )
    return [
        reverse("rsvp_link", args=[rsvp_link_token(action=action, person=person)])
        for person in people
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8792)
    args = parser.parse_args()
    setup_django()
    paths = world()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        script = tmp / "post.lua"
        quoted = ", ".join(f'"{p}"' for p in paths)
        script.write_text(WRK_POST.format(csrf=CSRF, paths=quoted))
        server = serve(args.workers, args.port, tmp)
        base = f"http://127.0.0.1:{args.port}"
        try:
            check = urllib.request.Request(  # noqa: S310
                base + paths[0],
                data=b"response=yes",
                headers={"Cookie": f"csrftoken={CSRF}", "X-CSRFToken": CSRF},
            )
            assert urllib.request.urlopen(check).status == 200, "the link does not answer"  # noqa: S310
            bare = wrk(base + "/bench/bare/", args.seconds, args.connections)
            write = tmp / "write.lua"
            write.write_text(WRK_POST.format(csrf=CSRF, paths='"/bench/one-write/"'))
            one_write = wrk(base + "/bench/one-write/", args.seconds, args.connections, write)
            post = wrk(base + paths[0], args.seconds, args.connections, script)
        finally:
            server.terminate()
            server.wait()
    for name, row in [("bare view", bare), ("one-row write", one_write), ("RSVP POST", post)]:
        print(
            f"{name:14} {row['rps']:8.1f} req/s  p50 {row['p50']:>8}  "
            f"ratio {row['rps'] / bare['rps']:.2f}  non-2xx/3xx {row['errors']}"
        )
    print("target: RSVP POST ratio >= 0.35")


if __name__ == "__main__":
    main()
