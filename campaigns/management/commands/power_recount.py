"""Drop the Power page's kept months, so that the next view counts them from the records."""

from django.core.management.base import BaseCommand

from campaigns.roster.history import power_history_changed
from members.models import Committee


class Command(BaseCommand):
    help = (
        "Drop every committee's kept Power months (or those of --committee ids), after "
        "members or payments were changed outside the app's pages (SQL, the admin). The next "
        "view of each Power page counts them again. Idempotent, and safe while the app runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--committee", type=int, action="append", dest="committees")

    def handle(self, *args, **options) -> None:
        committees = Committee.objects.all()
        if options["committees"]:
            committees = committees.filter(pk__in=options["committees"])
        ids = list(committees.values_list("pk", flat=True))
        for committee_id in ids:
            power_history_changed(committee_id=committee_id, since=None)
        self.stdout.write(f"Dropped the kept Power months of {len(ids)} committee(s).")
