"""How long the chart takes on the server, for a big campaign and a big site.

    .venv/bin/python bench/chart.py [--runs 30] [--people 10000] [--units 200] [--sites 5]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing), seeds it with `seed_bench` once, then requests each page through Django's test client
as the bench committee lead (the whole stack: middleware, session, access checks, queries,
templates; no network) and prints the median and 95th percentile and the queries per request.
Run with DEBUG off, as in production. See bench/README.md.
"""

import argparse
import statistics
import time

from _django import setup_django


def seed(people: int, units: int, sites: int) -> None:
    from django.core.management import CommandError, call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    sizes = {"people": people, "units": units, "sites": sites, "force": True}
    try:
        call_command("seed_bench", **sizes)
    except CommandError as error:
        print(f"{error} Rebuilding.")
        call_command("seed_bench", reset=True, **sizes)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for the fresh rows, as autovacuum would


def measure(client, url: str, runs: int, headers: dict | None = None) -> dict:
    """Server time of `runs` requests after two warm-ups, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=20)[-1] if runs >= 2 else times[0],
        "queries": len(queries),
        "kb": len(response.content) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--sites", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    # The hashed-name manifest exists only after collectstatic (in the Docker image).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from campaigns.management.commands.seed_bench import CAMPAIGN, COMMITTEE, LEAD_EMAIL
    from campaigns.models import Campaign
    from members.models import User

    seed(args.people, args.units, args.sites)
    campaign = Campaign.objects.get(committee__name=COMMITTEE, code_name=CAMPAIGN)
    site = (
        campaign.sites.annotate(people=Count("units__roster_entries")).order_by("-people").first()
    )
    client = Client()
    client.force_login(User.objects.get(email=LEAD_EMAIL))
    chart = reverse("campaign_chart", args=[campaign.pk])
    pages = [
        (f"campaign chart, {args.people} people, {args.units} units", chart, None),
        (
            f"site chart, {site.name}: {site.people} people",
            reverse("site_chart", args=[campaign.pk, site.pk]),
            None,
        ),
        (
            "campaign chart, htmx filter: 2s, name 'a'",
            f"{chart}?assessment=2&q=a",
            {"HX-Request": "true"},
        ),
    ]
    print(
        f"DEBUG={settings.DEBUG} runs={args.runs} database={settings.DATABASES['default']['NAME']}"
    )
    print(f"{'page':<48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>7}")
    for label, url, headers in pages:
        result = measure(client, url, args.runs, headers)
        print(
            f"{label:<48} {result['p50']:>8.1f} {result['p95']:>8.1f} "
            f"{result['queries']:>8} {result['kb']:>7.0f}"
        )


if __name__ == "__main__":
    main()
