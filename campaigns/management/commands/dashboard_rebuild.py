"""Recompute the dashboards' kept weekly figures from the history."""

from django.core.management.base import BaseCommand

from campaigns.dashboards.services import trends_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every campaign's kept weekly dashboard figures (or those of --campaign "
        "ids) from the history of the roster, assessments and conversations. Idempotent, "
        "and safe while the app runs: each campaign is rebuilt in one transaction."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, action="append", dest="campaigns")

    def handle(self, *args, **options) -> None:
        count = trends_rebuild(campaign_ids=options["campaigns"])
        self.stdout.write(f"Rebuilt the kept weeks of {count} campaign(s).")
