"""Throughput of answering from the emailed RSVP link (the POST) against a bare Django view.

The target: the RSVP POST sustains >= 0.35x the requests per second of a view that only
returns "ok", both served by the same gunicorn on loopback and loaded by wrk in one run.

    .venv/bin/python bench/rsvp_link_throughput.py          # 5 rounds of 5 s each, 4 workers
    .venv/bin/python bench/rsvp_link_throughput.py --rounds 9 --workers 8 --connections 16

The three are loaded in turn, round after round, and each ratio is the median of its rounds,
so that the machine's drift falls on all of them alike.

A reference view commits a one-row UPDATE in a transaction with the same middleware: what
any answer that is durably saved costs at the least.

The bare view joins the project's URLs through a throwaway URLconf written to a temporary
directory. Like a member's phone, the POST carries no cookie at all (the signed link is the
key; the page needs no CSRF token). Every POST answers yes or maybe for one of 200 invited
people to one upcoming action, as a crowd answering the same invitation does. The answer is
one UPDATE; the outbox's next tick plans its reminders (not measured here).
"""

import argparse
import tempfile
import time
import urllib.request
from pathlib import Path

from _django import setup_django
from _results import Target, add_json_option, write_figures
from _serve import report, serve, side_by_side, throughput_figures

WRK_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
paths = {{{paths}}}
bodies = {{"response=yes", "response=maybe", "response=yes&guests=1"}}
request = function()
  return wrk.format(nil, paths[math.random(#paths)], nil, bodies[math.random(#bodies)])
end
"""
PEOPLE = 200
# The RSVP POST's requests per second against the bare view's, in the same run.
TARGET_RATIO = Target(">=", 0.35, "×")


def world() -> list[str]:
    """An upcoming action with 200 invited people: their emailed links."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from campaigns.actions.services.links import rsvp_link_token
    from campaigns.models import Action, Campaign, Rsvp
    from members.models import Committee, Person

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
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    # As many as deploy/gunicorn.conf.py starts on a machine with 2 or more CPUs.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8792)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django(database="majority_benchrsvp")
    paths = world()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        script = tmp / "post.lua"
        quoted = ", ".join(f'"{p}"' for p in paths)
        script.write_text(WRK_POST.format(paths=quoted))
        write = tmp / "write.lua"
        write.write_text(WRK_POST.format(paths='"/bench/one-write/"'))
        with serve(args.workers, args.port, tmp) as base:
            check = urllib.request.Request(base + paths[0], data=b"response=yes")  # noqa: S310
            assert urllib.request.urlopen(check).status == 200, "the link does not answer"  # noqa: S310
            results = side_by_side(
                {
                    "bare view": (base + "/bench/bare/", None),
                    "one-row write": (base + "/bench/one-write/", write),
                    "RSVP POST": (base + paths[0], script),
                },
                seconds=args.seconds,
                connections=args.connections,
                rounds=args.rounds,
            )
    target = f"target: RSVP POST ratio {TARGET_RATIO}"
    report(results, target=target, rounds=args.rounds, seconds=args.seconds)
    write_figures(args.json, throughput_figures(results, {"RSVP POST": TARGET_RATIO}))


if __name__ == "__main__":
    main()
