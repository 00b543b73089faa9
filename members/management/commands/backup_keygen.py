"""`manage.py backup_keygen PATH`: a key pair for backups, for a computer other than the server."""

import os
from pathlib import Path

import pyrage
from django.core.management.base import BaseCommand, CommandError

from members.backups import identity_file_text


class Command(BaseCommand):
    help = (
        "Write a new private key to PATH (readable by you only) and print its public key, "
        "for BACKUP_PUBLIC_KEY. Same file format as age-keygen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")

    def handle(self, *args, path: str, **options) -> None:
        identity = pyrage.x25519.Identity.generate()
        try:
            descriptor = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"{path} cannot be written: {exc.strerror}") from None
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(identity_file_text(identity))
        self.stdout.write(f"Private key written to {path}: keep it off the server.")
        self.stdout.write(f"Public key (BACKUP_PUBLIC_KEY): {identity.to_public()}")
