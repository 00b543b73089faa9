"""`make run` and `make test` on a machine with nothing installed: the embedded servers that
devstack falls back to start, answer, and are gone again after stop; a wrong URL is
one line, not a traceback. Each test uses its own port and directory, never 5432/6379 or .data.
"""

import os
import socket
import stat
import subprocess
import sys

import psycopg
import pytest
import redis

from devstack.common import BASE_DIR, DevstackError
from devstack.postgres import find_postgres, start_embedded_postgres
from devstack.redis import find_redis, redis_answers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_devstack(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_nothing_installed_an_embedded_postgres_starts_answers_and_stops(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MAJORITY_LOCAL_PG_PORT", str(free_port()))  # nothing listens there
    port = free_port()
    service = find_postgres(tmp_path / "postgres", port)
    try:
        assert service.url == f"postgres://postgres@127.0.0.1:{port}/majority"
        assert service.description.startswith("Postgres: embedded server in ")
        with psycopg.connect(service.url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("majority",)
    finally:
        service.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(service.url, connect_timeout=2)
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_a_running_embedded_postgres_is_reused_and_left_to_its_owner(tmp_path):
    port = free_port()
    first = start_embedded_postgres(tmp_path / "postgres", port)
    try:
        second = start_embedded_postgres(tmp_path / "postgres", free_port())
        assert second.url == first.url  # the port the running server has, not the one asked
        assert second.stop is None
        assert "already running" in second.description
    finally:
        first.stop()


def test_with_nothing_installed_an_embedded_redis_starts_answers_and_stops(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("MAJORITY_LOCAL_REDIS_PORT", str(free_port()))  # nothing listens there
    port = free_port()
    service = find_redis(tmp_path / "redis", port, db=1)
    try:
        assert service.url == f"redis://127.0.0.1:{port}/1"
        assert service.description.startswith("Redis: embedded server in ")
        assert redis.Redis.from_url(service.url).ping()
    finally:
        service.stop()
    assert not redis_answers(service.url)


def test_an_unreachable_database_url_is_one_line_naming_it(tmp_path):
    url = "postgres://x@127.0.0.1:1/majority"
    result = run_devstack("test", DATABASE_URL=url)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "DATABASE_URL=postgres://x@127.0.0.1:1/majority" in line


def test_an_unreachable_redis_url_names_it_and_hides_the_password(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")
    with pytest.raises(DevstackError) as error:
        find_redis()
    assert "REDIS_URL=redis://:***@127.0.0.1:1/0" in str(error.value)
    assert "hunter2" not in str(error.value)


def test_an_unknown_command_prints_the_usage():
    result = run_devstack("serve")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python -m devstack run | test")


def test_make_run_signs_with_a_key_of_its_own_made_on_first_run(tmp_path):
    """Not Django's published development key: with it anyone could forge a demo's links."""
    from devstack.commands import demo_secret_key
    from organizing.config import DEV_SECRET_KEY

    path = demo_secret_key(tmp_path)
    key = path.read_text()

    assert len(key) >= 50 and key != DEV_SECRET_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_secret_key(tmp_path).read_text() == key  # kept: sessions survive a restart
    assert demo_secret_key(tmp_path / "another").read_text() != key
