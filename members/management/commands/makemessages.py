"""Django's makemessages with this project's settings, so that a translator, `make messages` and
the completeness test (tests/test_translations.py) all extract the same strings.

Run `python manage.py makemessages -l es` (or `-a` for every language under locale/)."""

from django.core.management.commands import makemessages

# Code that never reaches a user: third-party assets and the tools around the app.
IGNORED = ["static/vendor/*", "tests/*", "bench/*", "devstack/*", "deploy/*", "locale/*"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        # One line per string: an edit changes its own lines, not the wrapping of its neighbours
        # (polib, which the translators' tools use, writes the same with wrapwidth=0).
        options["no_wrap"] = True
        # File names only: a line number would change every entry's comment at every edit.
        options.setdefault("add_location", None)
        if not options["add_location"]:
            options["add_location"] = "file"
        return super().handle(*args, **options)
