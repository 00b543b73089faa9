"""`make run` and `make test` on a machine with nothing installed: the embedded servers that
devstack falls back to start, answer, and are gone again after stop; two checkouts run side by
side on ports of their own; a wrong URL is one line, not a traceback. Each test uses its own
ports and directories, never 5432/6379 or .data.
"""

import os
import socket
import stat
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg
import pytest
import redis

from devstack import commands
from devstack.common import BASE_DIR, DevstackError, Service
from devstack.postgres import embedded_postgres_port, find_postgres, start_embedded_postgres
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
    outside_tmp, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MAJORITY_LOCAL_PG_PORT", str(free_port()))  # nothing listens there
    port = free_port()
    service = find_postgres(outside_tmp / "postgres", port)
    try:
        assert service.url == f"postgres://postgres@127.0.0.1:{port}/majority"
        assert service.description.startswith("Postgres: embedded server in ")
        with psycopg.connect(service.url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("majority",)
    finally:
        service.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(service.url, connect_timeout=2)
    assert not (outside_tmp / "postgres" / "postmaster.pid").exists()


def test_a_running_embedded_postgres_is_reused_and_left_to_its_owner(outside_tmp):
    port = free_port()
    first = start_embedded_postgres(outside_tmp / "postgres", port)
    try:
        second = start_embedded_postgres(outside_tmp / "postgres", free_port())
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


def test_make_bench_seeds_a_database_of_its_own_never_the_demos():
    url = "postgres://me@127.0.0.1:25123/majority"

    assert commands.bench_database_url(url) == "postgres://me@127.0.0.1:25123/majority_bench"


def test_make_bench_hands_its_arguments_to_the_benchmarks_runner():
    result = run_devstack("bench", "no_such_benchmark")

    assert result.returncode == 2
    assert "python bench/all.py no_such_benchmark\n" in result.stdout
    assert "no benchmark no_such_benchmark; there are chart," in result.stderr


def test_make_bench_makes_the_database_its_database_url_names(settings):
    """DATABASE_URL=…/majority_bench_fresh make bench: a database not there yet is made, as
    the benchmarks make theirs, rather than refused as unreachable."""
    server = settings.DATABASES["default"]
    name = f"majority_bench_new_{os.getpid()}"
    url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{name}"
    admin = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/postgres"
    try:
        result = run_devstack("bench", "no_such_benchmark", DATABASE_URL=url)

        assert "no benchmark no_such_benchmark" in result.stderr, result.stderr
        with psycopg.connect(admin, autocommit=True) as conn:
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


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


@pytest.fixture
def nothing_installed(monkeypatch):
    """No DATABASE_URL or REDIS_URL, and nothing on the ports of a local Postgres and Redis."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAJORITY_LOCAL_PG_PORT", str(free_port()))
    monkeypatch.setenv("MAJORITY_LOCAL_REDIS_PORT", str(free_port()))


def port_of(service: Service) -> int:
    return urlsplit(service.url).port


def test_two_checkouts_run_side_by_side_each_on_its_own_ports(
    outside_tmp, nothing_installed, capsys
):
    """Two clones on one machine used to clash on one embedded Postgres port (54329)."""
    started: dict[str, list[Service]] = {}
    try:
        for checkout in ("majority", "majority-review"):
            data = outside_tmp / checkout / ".data"
            started[checkout] = [find_postgres(data / "postgres"), find_redis(data / "redis")]
        ports = [port_of(service) for services in started.values() for service in services]
        assert len(set(ports)) == 4
        for (postgres, redis_service), checkout in zip(started.values(), started, strict=True):
            with psycopg.connect(postgres.url) as conn:
                assert conn.execute("SELECT current_database()").fetchone() == ("majority",)
            assert redis.Redis.from_url(redis_service.url).ping()
            printed = f"{postgres.description}\n{redis_service.description}"
            assert f"{checkout}/.data/postgres (127.0.0.1:{port_of(postgres)})" in printed
            assert f"{checkout}/.data/redis (127.0.0.1:{port_of(redis_service)}, db 0)" in printed
    finally:
        for services in started.values():
            for service in services:
                service.stop()


def test_a_checkout_gets_the_same_ports_every_run(outside_tmp, nothing_installed):
    data = outside_tmp / "majority" / ".data"
    first = find_postgres(data / "postgres")
    first.stop()
    again = find_postgres(data / "postgres")
    again.stop()

    assert port_of(first) == port_of(again) == embedded_postgres_port(data / "postgres")


def test_a_port_another_program_holds_is_skipped_and_the_one_used_is_printed(
    outside_tmp, nothing_installed, capsys
):
    data = outside_tmp / "majority" / ".data" / "postgres"
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
        squatter.bind(("127.0.0.1", embedded_postgres_port(data)))
        squatter.listen()
        service = find_postgres(data)
    try:
        with psycopg.connect(service.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        service.stop()
    taken = embedded_postgres_port(data)
    assert port_of(service) != taken
    assert f"Postgres: 127.0.0.1:{taken} is taken by another program; using {port_of(service)}" in (
        capsys.readouterr().out
    )


def test_the_web_port_is_8000_else_the_checkouts_own(tmp_path, monkeypatch, capsys):
    with socket.socket() as other_make_run:
        other_make_run.bind(("127.0.0.1", 0))
        other_make_run.listen()
        monkeypatch.setattr(commands, "WEB_PORT", other_make_run.getsockname()[1])

        first = commands.web_port(None, tmp_path / "majority")
        second = commands.web_port(None, tmp_path / "majority-review")

        assert first == commands.web_port(None, tmp_path / "majority")  # the same every run
        assert first != second and 8001 <= int(first) <= 8999 and 8001 <= int(second) <= 8999
        assert f"this one listens on {first}" in capsys.readouterr().out
        with pytest.raises(DevstackError, match="PORT=8001 make run"):
            commands.web_port(str(other_make_run.getsockname()[1]))  # PORT= asked for that one


def test_make_run_says_where_its_data_lives_and_how_to_start_over(tmp_path):
    data = tmp_path / "majority" / ".data"
    embedded = Service("postgres://postgres@127.0.0.1:54123/majority", "", None, data / "postgres")
    local = Service("postgres://rosa@127.0.0.1:5432/majority", "")

    assert commands.where_data_lives(embedded, data) == [
        f"Its data: the database majority of the embedded Postgres in {data}/postgres, "
        f"the secret key and the beat schedule, all in {data}/",
        f"To start over: stop it (Ctrl-C), then rm -rf {data} and make run again",
    ]
    assert commands.where_data_lives(local, data)[1] == (
        "To start over: stop it (Ctrl-C), then dropdb -h 127.0.0.1 -p 5432 -U rosa majority, "
        f"rm -rf {data} and make run"
    )
