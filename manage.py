#!/usr/bin/env python
"""Django's command-line utility, with one-line messages for the usual set-up mistakes."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "organizing.settings")
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


if __name__ == "__main__":
    main()
