"""Throughput of logging a one-on-one (the form POST) against a bare Django view, side by side.

The target: the logging POST sustains >= 0.3x the requests per second of a view that only
returns "ok", both served by the same gunicorn on loopback and loaded by wrk in one run.

    .venv/bin/python bench/log_throughput.py       # 5 rounds of 5 s each, 4 workers, 8 conns
    .venv/bin/python bench/log_throughput.py --rounds 9 --workers 8 --connections 16

The four are loaded in turn, round after round, and each ratio is the median of its rounds,
so that the machine's drift falls on all of them alike.

Two reference views show the ceiling any signed-in page has on the same stack: one that
only checks the session (login_required, returns "ok"), and one that also commits a
one-row UPDATE in a transaction (a durable write, what any save costs at the least).

The bare view joins the project's URLs through a throwaway URLconf written to a temporary
directory; the organizer's session comes from the test client's force_login, the CSRF token
from a cookie and header as a browser sends them. Every POST logs a real conversation
(assessment, an answer, an issue, a follow-up) for one of 200 people on a fresh roster.
"""

import argparse
import tempfile
import time
import urllib.request
from pathlib import Path

from _django import setup_django, signed_in_client
from _results import Target, add_json_option, write_figures
from _serve import report, serve, side_by_side, throughput_figures

CSRF = "b" * 32

WRK_COOKIE = """
wrk.headers["Cookie"] = "{cookie}"
"""

WRK_POST = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{csrf}"
paths = {{{paths}}}
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
"""
# Each POST logs for one of this many people: a committee's organizers log different people;
# two logs for the same person wait for each other on its roster row (by design).
PEOPLE = 200
# The logging POST's requests per second against the bare view's, in the same run.
TARGET_RATIO = Target(">=", 0.30, "×")


def world() -> tuple[str, list[str], str]:
    """A campaign, an organizer on its team, someone on its roster: the session cookie, the
    logging URL and its form body."""
    from django.urls import reverse

    from campaigns.models import Ask, Campaign, IssueTag, TeamMember
    from campaigns.roster.services import roster_add
    from members.models import Committee, Membership, Person, User

    committee = Committee.objects.create(name=f"Bench log {time.time_ns()}")
    user = User.objects.create_user(email=f"log-{time.time_ns()}@bench.test", password=None)
    Membership.objects.create(user=user, committee=committee, role=Membership.Role.ORGANIZER)
    campaign = Campaign.objects.create(committee=committee, kind="workplace", code_name="Log")
    TeamMember.objects.create(campaign=campaign, user=user, role="organizer")
    people = [
        Person.objects.create(committee=committee, given_name=f"Maria {i}", family_name="Lopez")
        for i in range(PEOPLE)
    ]
    for person in people:
        roster_add(campaign=campaign, person=person)
    ask = Ask.objects.create(campaign=campaign, text="Sign a union card")
    tag = IssueTag.objects.create(campaign=campaign, name="Parking")
    client = signed_in_client(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
    urls = [reverse("conversation_new", args=[campaign.pk, person.pk]) for person in people]
    body = (
        f"happened_at=2026-03-02T12%3A30&channel=phone&duration_minutes=10&issues={tag.pk}"
        f"&ask_{ask.pk}=yes&assessment=2&next_step=Call&follow_up_pick=three_days"
    )
    return cookie, urls, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    # As many as deploy/gunicorn.conf.py starts on a machine with 2 or more CPUs.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8791)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django(database="majority_benchlog")
    cookie, paths, body = world()
    path = paths[0]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        script = tmp / "post.lua"
        quoted = ", ".join(f'"{p}"' for p in paths)
        script.write_text(WRK_POST.format(body=body, cookie=cookie, csrf=CSRF, paths=quoted))
        signed_in = tmp / "signed_in.lua"
        signed_in.write_text(WRK_COOKIE.format(cookie=cookie))
        write = tmp / "write.lua"
        one_write = '"/bench/signed-in-write/"'
        write.write_text(WRK_POST.format(body="", cookie=cookie, csrf=CSRF, paths=one_write))
        with serve(args.workers, args.port, tmp) as base:
            check = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
            assert urllib.request.urlopen(check).status == 200, "the organizer cannot log"  # noqa: S310
            results = side_by_side(
                {
                    "bare view": (base + "/bench/bare/", None),
                    "signed-in no-op": (base + "/bench/signed-in/", signed_in),
                    "signed-in 1 write": (base + "/bench/signed-in-write/", write),
                    "logging POST": (base + path, script),
                },
                seconds=args.seconds,
                connections=args.connections,
                rounds=args.rounds,
            )
    target = f"target: logging POST ratio {TARGET_RATIO}"
    report(results, target=target, rounds=args.rounds, seconds=args.seconds)
    write_figures(args.json, throughput_figures(results, {"logging POST": TARGET_RATIO}))


if __name__ == "__main__":
    main()
