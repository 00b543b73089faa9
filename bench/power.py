"""How long the Power page's figures take for a committee of 10,000 members.

    .venv/bin/python bench/power.py [--runs 30] [--people 10000] [--units 200] [--sites 5]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing), seeded with `seed_bench` once (it makes every person of the bench roster a member
with 24 months of dues, and has 200 actions with attendance for the ladder), as the chart's
benchmark does. Then, as the bench committee lead (DEBUG off, no page cache):

1. `campaigns.power.power.power_figures` with nothing kept: the months that are over are
   dropped before each call, so every month is counted (what the first view of a month does,
   and the one after a back-dated payment): p50, p95 and queries;
2. `power_figures` as a view finds it: the months that are over kept (campaigns.models.
   PowerMonth, as the dashboards keep their weeks), this month, the rosters and the ladder
   counted afresh;
3. the Power page through Django's test client (the whole stack: middleware, session,
   access check, queries, template; no network), as bench/chart.py measures pages.

Targets (issue 17): <= 150 ms p50 for the page at 10,000 members, <= 15 queries whatever the
size (tests/power/test_power.py checks the count at two sizes).
"""

import argparse
import statistics
import time

from _django import measure_pages, page_figures, seed_bench, setup_django, signed_in_client
from _results import Target, add_json_option, figure, write_figures

TARGET_P50 = Target("<=", 150, "ms")
TARGET_QUERIES = Target("<=", 15)


def measure_figures(committee, today, runs: int, *, kept: bool) -> dict:
    """power_figures' own time over `runs` calls after two warm-ups, and its queries; with
    the months that are over kept, or dropped before each call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import PowerMonth
    from campaigns.power.power import power_figures

    def call() -> None:
        if not kept:
            PowerMonth.objects.filter(committee=committee).delete()
        power_figures(committee=committee, today=today)

    for _ in range(2):
        call()
    times = []
    for _ in range(runs):
        if not kept:
            PowerMonth.objects.filter(committee=committee).delete()
        started = time.perf_counter()
        power_figures(committee=committee, today=today)
        times.append((time.perf_counter() - started) * 1000)
    if not kept:
        PowerMonth.objects.filter(committee=committee).delete()
    with CaptureQueriesContext(connection) as queries:
        power_figures(committee=committee, today=today)
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=20)[-1] if runs >= 2 else times[0],
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--sites", type=int, default=5)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from django.urls import reverse

    from campaigns.management.commands.seed_bench import COMMITTEE, LEAD_EMAIL
    from campaigns.models import Member, Payment
    from members.clock import today_for
    from members.models import Committee, User

    seed_bench(people=args.people, units=args.units, sites=args.sites)
    committee = Committee.objects.get(name=COMMITTEE)
    members = Member.objects.filter(committee=committee).count()
    payments = Payment.objects.filter(committee=committee).count()
    print(f"{members} members, {payments} payments")

    today = today_for(committee)
    afresh = measure_figures(committee, today, args.runs, kept=False)
    alone = measure_figures(committee, today, args.runs, kept=True)
    label = f"power_figures, {members} members"
    for name, result in ((f"{label}, nothing kept", afresh), (label, alone)):
        print(
            f"{name:<48} {result['p50']:>8.1f} {result['p95']:>8.1f} {result['queries']:>8}"
            "   (p50 ms, p95 ms, queries)"
        )
    client = signed_in_client(User.objects.get(email=LEAD_EMAIL))
    page = (f"Power page, {members} members", reverse("power", args=[committee.pk]), None)
    results = measure_pages(client, [page], args.runs)
    print(f"targets: page p50 {TARGET_P50}, queries {TARGET_QUERIES}")
    figures = [
        figure(
            f"{label}, nothing kept, p50", afresh["p50"], "ms", None, f"p95 {afresh['p95']:.1f} ms"
        ),
        figure(f"{label}, p50", alone["p50"], "ms", None, f"p95 {alone['p95']:.1f} ms"),
        figure(f"{label}, queries", alone["queries"], "", TARGET_QUERIES),
        *page_figures(results, {0: TARGET_P50}),
        figure(f"{page[0]}, queries", results[0]["queries"], "", TARGET_QUERIES),
    ]
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
