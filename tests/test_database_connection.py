"""Persistent database connections: one the server has ended is replaced before a page uses
it, and a healthy one is not asked `SELECT 1` on every request (organizing/postgres)."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def persistent_connection():
    """The connection kept across requests, as in production (the tests close it after each)."""
    settings = connection.settings_dict
    saved = settings["CONN_MAX_AGE"], settings["CONN_HEALTH_CHECKS"]
    settings["CONN_MAX_AGE"], settings["CONN_HEALTH_CHECKS"] = None, True
    connection.close()
    yield
    settings["CONN_MAX_AGE"], settings["CONN_HEALTH_CHECKS"] = saved
    connection.close()


@pytest.fixture
def asked(monkeypatch):
    """How many times a connection was asked `SELECT 1`."""
    calls = []
    real = DatabaseWrapper.is_usable

    def is_usable(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(DatabaseWrapper, "is_usable", is_usable)
    return calls


def test_a_page_loads_after_the_server_ended_the_connection(
    client, member, persistent_connection, asked
):
    client.force_login(member)
    page = reverse("my_actions")
    assert get(client, page) == 200
    backend = connection.connection.info.backend_pid

    # What a Postgres restart or an idle-session timeout does to a connection at rest.
    with psycopg.connect(**_params()) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    _wait_until_readable(connection.connection)

    assert get(client, page) == 200  # not a server error
    assert connection.connection.info.backend_pid != backend
    assert asked == [1]  # the goodbye on the socket made it ask, once


def test_a_healthy_connection_is_not_asked_on_every_request(
    client, member, persistent_connection, asked
):
    client.force_login(member)
    for _ in range(3):
        assert get(client, reverse("my_actions")) == 200
    assert asked == []


def get(client, page: str) -> int:
    """A request as the server makes it: Django's request_started signal first, which the
    test client leaves out (it is what checks connections at the start of each request)."""
    close_old_connections()
    return client.get(page).status_code


def _params() -> dict:
    """Another connection to the same database, Django's options left out."""
    params = connection.get_connection_params()
    wanted = ("dbname", "user", "password", "host", "port")
    return {**{key: params[key] for key in wanted if params.get(key)}, "autocommit": True}


def _wait_until_readable(raw, seconds: float = 5) -> None:
    import select

    # poll, not select: select() refuses descriptors past 1024, which a long test process
    # (one of the suite's parallel workers) reaches.
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    deadline = time.monotonic() + seconds
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server did not end the connection"
