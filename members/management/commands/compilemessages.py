"""Django's compilemessages without GNU gettext: each locale/<lang>/LC_MESSAGES/*.po is compiled
to the .mo beside it with polib (pure Python), so `make run`, `make test` and the image need
nothing installed beyond the virtualenv. The .mo files are build output and not committed.

Like msgfmt, only translated entries that are not fuzzy go into the .mo; tests/test_translations.py
fails while the catalogue has any other kind."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po catalogues (LOCALE_PATHS) into .mo files, with polib."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--locale", "-l", action="append", default=[],
            help="Only this language (e.g. es); may be repeated. Default: every language.",
        )  # fmt: skip

    def handle(self, *args, **options) -> None:
        languages = set(options["locale"])
        compiled = 0
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                if languages and po_path.parts[-3] not in languages:
                    continue
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
                if options["verbosity"] >= 1:
                    self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        if options["verbosity"] >= 2 and not compiled:
            self.stdout.write("every catalogue is already compiled")
