#!/usr/bin/env python
"""Django's command-line utility, with one-line messages for the usual set-up mistakes."""

import os
import secrets
import sys

# Commands that only read the code, never sign or serve anything: they may run on a fresh
# checkout without the deployment's secret (a throwaway one is made up for them).
CODE_ONLY_COMMANDS = {"makemigrations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "organizing.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS and not _has_secret():
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    from organizing.config import explain_startup_failure, load_settings_or_exit

    load_settings_or_exit()
    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        message = explain_startup_failure(exc)
        if message is None:
            raise
        sys.stderr.write(f"Majority cannot start: {message}\n")
        sys.exit(2)


def _has_secret() -> bool:
    return bool(os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"))


if __name__ == "__main__":
    main()
