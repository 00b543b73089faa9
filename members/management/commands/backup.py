"""`manage.py backup [--output PATH]`: one encrypted backup file (members/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members import backups
from members.heartbeats import BACKUP, heartbeat_record


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (into BACKUP_DIR unless --output)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", help="The file to write (default: a new file in BACKUP_DIR)"
        )

    def handle(self, *args, output: str | None, **options) -> None:
        in_backup_dir = output is None
        path = Path(output or settings.BACKUP_DIR)
        if in_backup_dir:
            path.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            path = path / backups.backup_file_name(timezone.now())
        try:
            manifest = backups.backup_write(path)
        except (backups.BackupError, OSError) as exc:
            raise CommandError(f"No backup written: {exc}") from None
        size = path.stat().st_size
        if in_backup_dir:
            heartbeat_record(BACKUP, path=str(path), size=size)
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backup written: {path} ({size} bytes; {rows} rows in {len(manifest['tables'])} "
            f"tables), encrypted to {backups.backup_recipient()}"
        )
