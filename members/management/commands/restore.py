"""`manage.py restore PATH [--replace] [--identity KEY]`: a backup into DATABASE_URL's database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members import backups


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into the database DATABASE_URL names. Checks the key, the "
        "file and its version first; refuses a database that holds data unless --replace."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file (majority-YYYYMMDD-HHMMSS.age)")
        parser.add_argument(
            "--identity", "--key", dest="identity",
            help="The private key file (default: BACKUP_IDENTITY_FILE; the demo key with DEBUG)",
        )  # fmt: skip
        parser.add_argument(
            "--replace", action="store_true", help="Replace everything the database holds"
        )

    def handle(self, *args, path: str, identity: str | None, replace: bool, **options) -> None:
        try:
            restored = backups.restore(
                Path(path), identity=backups.backup_identity(identity), replace=replace
            )
        except backups.BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from None
        manifest = restored.manifest
        if restored.replaced:
            self.stdout.write(f"Replaced: {backups.describe_contents(restored.replaced)}")
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Restored {path}: the backup of {manifest['created_at']} (Majority "
            f"{manifest['app_version']}), {rows} rows in {len(manifest['tables'])} tables, "
            "each checked against its manifest."
        )
        if restored.migrated:
            self.stdout.write("The backup was older than this version: migrations were run.")
