"""Personas and real services shared by the tests.

Personas: `lead`, `organizer` and `member` of the committee; `outsider`, a lead of another
committee who must never see this one's data.
"""

import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.signals import request_finished, request_started
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from members.models import Membership
from organizing.celery import app as celery_app
from tests import factories
from tests.browser import NoChromiumError, chromium_executable

# Property tests (tests/test_*_hypothesis.py) try a modest number of inputs each: the suite
# has a time budget. No deadline: a request through the test client can take a while on CI.
# Their examples share the test's database (one transaction per test), which is what they want.
hypothesis_settings.register_profile(
    "majority",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("majority")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """The Spanish catalogue compiled before any test reads it, when pytest runs without make
    (a stale .mo fails the Spanish tests in ways that say nothing of why). Once, in the main
    process: xdist's workers start after it."""
    if not hasattr(config, "workerinput"):
        from django.core.management import call_command

        call_command("compilemessages", verbosity=0)


@pytest.fixture
def outside_tmp():
    """A temporary folder for an embedded Postgres. Not under pytest's own: as root, devstack
    runs Postgres as another user and opens the folder's parents to it, and pytest makes its
    base folder private again whenever another test process first asks for a tmp_path, which
    cut initdb off half way when the suite ran in parallel."""
    path = Path(tempfile.mkdtemp(prefix="majority-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Tests talk plain HTTP to the test client and the live server; production redirects."""
    settings.SECURE_SSL_REDIRECT = False
    # The hashed-name manifest exists only after collectstatic (in the Docker image).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a Spanish page asked for earlier in the same
    process leaves its language active in the thread (Django's handler does not reset it)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is not what these tests are about; speed of the suite is."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh cache namespace per test: allauth's rate-limit counters must not leak across."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture(autouse=True)
def _dashboards_computed_every_time(settings):
    """Tests change data and look again at once; tests/dashboards/test_dashboard.py tests the
    cache."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in the test process unless a test starts a real worker."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def committee(db):
    return factories.committee(name="Riverside Workers Committee")


@pytest.fixture
def lead(committee):
    return factories.member_of(
        committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa Delgado"
    )


@pytest.fixture
def organizer(committee):
    return factories.member_of(
        committee, Membership.Role.ORGANIZER, email="marcus@example.org", name="Marcus Bell"
    )


@pytest.fixture
def member(committee):
    return factories.member_of(
        committee, Membership.Role.MEMBER, email="tomas@example.org", name="Tomás Rivera"
    )


@pytest.fixture
def other_committee(db):
    return factories.committee(name="Eastside Tenants Union")


@pytest.fixture
def outsider(other_committee):
    return factories.member_of(
        other_committee, Membership.Role.LEAD, email="eve@example.org", name="Eve Outsider"
    )


@pytest.fixture
def campaign(committee):
    """Campaign "Harbor", a workplace campaign of the committee."""
    return factories.campaign(committee=committee, code_name="Harbor")


@pytest.fixture
def team_organizer(committee, campaign):
    """An organizer on the campaign's team."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="nina@example.org", name="Nina Okafor"
    )
    factories.on_team(campaign=campaign, user=user)
    return user


@pytest.fixture
def outside_organizer(committee):
    """An organizer of the same committee on another campaign's team, not on this one."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="omar@example.org", name="Omar Haddad"
    )
    factories.on_team(campaign=factories.campaign(committee=committee, code_name="Oak"), user=user)
    return user


# --- A real SMTP server on loopback --------------------------------------------------------------


@dataclass
class Mailbox:
    """What the loopback SMTP server received."""

    messages: list[Message] = field(default_factory=list)
    peers: set = field(default_factory=set)  # one (host, port) per SMTP connection used

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.peers.add(session.peer)
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 20.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} email(s), got {len(self.messages)}"
        return self.messages

    def wait_for_one_to(self, address: str, timeout: float = 20.0) -> Message:
        """The first email to this address, when other mail may arrive around it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if address in message["X-Envelope-To"]:
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no email to {address}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def body_text(message: Message) -> str:
    """The plain-text part of an email, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the email has no text/plain part")


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def mailbox(settings, smtp_port):
    """Django sends mail over SMTP to a real aiosmtpd server on 127.0.0.1."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


# --- A real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_type):
    """Chromium (CHROMIUM, else Debian's, else Playwright's: tests/browser.py), headless, with
    no calls home (the network here is closed)."""
    try:
        executable = chromium_executable(
            environ=os.environ, playwright=Path(browser_type.executable_path)
        )
    except NoChromiumError as error:
        pytest.fail(str(error), pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": str(executable),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Organizers work from phones: journeys run at 390 px wide unless a test says otherwise."""
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


# --- The live server -----------------------------------------------------------------------------

# The threads answering a request right now. A browser's service worker keeps fetching pages in
# the background (tests/conversations/test_journey_field.py): a request still running when the
# test's database is flushed broke the flush, and the next test started on the last one's rows.
_answering: set[threading.Thread] = set()
_answering_lock = threading.Lock()


def _request_started(**kwargs):
    with _answering_lock:
        _answering.add(threading.current_thread())


def _request_finished(**kwargs):
    with _answering_lock:
        _answering.discard(threading.current_thread())


request_started.connect(_request_started, weak=False, dispatch_uid="tests-answering-started")
request_finished.connect(_request_finished, weak=False, dispatch_uid="tests-answering-finished")


@pytest.fixture(autouse=True)
def _live_server_answered_everything(request):
    """After a test with a live server, its browser closed (page and context are torn down
    first), wait for the requests still being answered before the database is flushed."""
    yield
    if "live_server" not in request.fixturenames:
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with _answering_lock:
            busy = [t for t in _answering if t.is_alive() and t is not threading.current_thread()]
        if not busy:
            return
        time.sleep(0.05)


# --- The test database ---------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _test_database_can_be_dropped(django_db_setup, django_db_blocker):
    """Wait for the sessions of processes the tests stopped (the Celery worker, live-server
    threads) to end, so the test database can be dropped; end any that linger."""
    yield
    from django.db import connection

    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")  # noqa: S608 - a constant
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608
