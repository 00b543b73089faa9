"""How long the chart takes on the server, for a big campaign and a big site.

    .venv/bin/python bench/chart.py [--runs 30] [--people 10000] [--units 200] [--sites 5]

Uses DATABASE_URL, by default the local database `majority_bench` (created and migrated if
missing), seeds it with `seed_bench` once, then requests each page through Django's test client
as the bench committee lead (the whole stack: middleware, session, access checks, queries,
templates; no network) and prints the median and 95th percentile and the queries per request.
Run with DEBUG off, as in production. See bench/README.md.
"""

import argparse

from _django import measure_pages, page_figures, seed_bench, setup_django, signed_in_client
from _results import Target, add_json_option, write_figures

# The campaign chart's server time, 10,000 people in 200 units.
TARGET_P50 = Target("<=", 300, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--sites", type=int, default=5)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from django.db.models import Count
    from django.urls import reverse

    from campaigns.management.commands.seed_bench import CAMPAIGN, COMMITTEE, LEAD_EMAIL
    from campaigns.models import Campaign
    from members.models import User

    seed_bench(people=args.people, units=args.units, sites=args.sites)
    campaign = Campaign.objects.get(committee__name=COMMITTEE, code_name=CAMPAIGN)
    site = (
        campaign.sites.annotate(people=Count("units__roster_entries")).order_by("-people").first()
    )
    client = signed_in_client(User.objects.get(email=LEAD_EMAIL))
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
    results = measure_pages(client, pages, args.runs)
    print(f"target: campaign chart p50 {TARGET_P50}")
    write_figures(args.json, page_figures(results, {0: TARGET_P50}))


if __name__ == "__main__":
    main()
